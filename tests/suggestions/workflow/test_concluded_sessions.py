"""Issue 22: history is not live work. A concluded session (办结) is closed for good: its
suggestions leave every queue, workbench group, reminder and flag, stay public and counted,
and its untracked promises (未跟踪) count in no rate; staff may reopen one on purpose."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from congress.models import Session
from suggestions import notifications, services
from suggestions.figures import loop, stats
from suggestions.imports import writing
from suggestions.models import Event, Notification, Reply, Suggestion, WorkflowError
from tests.suggestions.imports import test_import_office as sheets
from tests.suggestions.imports.test_import_office import office_rows, office_workbook, plan_of

office = sheets.office  # the office's world: deputies, units and aliases of its 汇总表

S = Suggestion.Status
EARLY = datetime.date(2026, 3, 1)  # replied 31 March, a promise due 29 June: past its date


@pytest.fixture
def past(session):
    """The office's 2020 session, brought in from its year-end sheet."""
    return Session.objects.create(
        term=session.term,
        number=7,
        name="三届七次会议",
        opens_on=datetime.date(2020, 1, 7),
        closes_on=datetime.date(2020, 1, 10),
    )


def work_in_sight(client, users, today):
    """What each role's workbench, staff's queues and the reminders show, in numbers."""
    seen = {}
    for name, user in users.items():
        client.force_login(user)
        context = client.get(reverse("workbench:dashboard")).context
        if "queues" in context:
            queues = context["queues"]
            seen[name] = [
                *((key, total) for key, _title, _rows, total in queues["suggestions"]),
                ("returns", queues["returns"][1]),
                ("extensions", queues["extensions"][1]),
                ("replies to publish", queues["to_publish"][1]),
                *((key, total) for key, _title, _rows, total in queues["loop"]),
            ]
        if "unit_groups" in context:
            seen[name] = [
                *((key, total) for key, _title, _rows, total in context["unit_groups"]),
                ("promises", len(context["unit_promises"])),
            ]
        if "deputy_groups" in context:
            seen[name] = [
                (key, page.paginator.count) for key, _t, _rows, page in context["deputy_groups"]
            ]
    with transaction.atomic():
        seen["reminders"] = notifications.send_due_reminders(
            today
        ) + notifications.send_promise_reminders(today)
        transaction.set_rollback(True)
    return seen


def live_work(build, unit_x, staff):
    """Work in hand in the current session: an overdue reply, a promise past its date."""
    build(S.ASSIGNED, lead_unit=unit_x, on=datetime.date(2026, 6, 1))
    promised = build(S.REPLIED, lead_unit=unit_x, reply_class="B", on=EARLY)
    services.evaluate(
        suggestion=promised,
        deputy=promised.lead_deputy,
        satisfaction="dissatisfied",
        contacted=False,
        by=staff,
        on=datetime.date(2026, 4, 5),
    )
    promised.refresh_from_db()
    return promised


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "services"])
def test_a_past_session_imported_concluded_changes_no_queue_workbench_or_reminder(
    office, past, build, unit_x, deputy_a, staff, client, bulk
):
    live_work(build, unit_x, staff)
    office["units"]["housing"].members.add(*unit_x.members.all())
    users = {"staff": staff, "unit": unit_x.members.get(), "deputy": deputy_a.user}
    today = datetime.date(2026, 11, 26)
    before = work_in_sight(client, users, today)
    assert before["staff"][2] == ("overdue", 2) and before["reminders"] > 0

    services.conclude_session(session=past, by=staff)
    past.refresh_from_db()
    rows = office_rows()
    rows[0][3] = "甲代表"  # led by a deputy with an account: their dashboard is checked
    rows[1][10] = "不满意"
    rows.append([4, 4, "关于修缮乡村道路的建议", "高明", "", "离石区代表团", "城乡建设"])
    rows[3] += ["市交通局", "", "B", ""]  # replied, never rated
    plan = plan_of(past, office_workbook(rows))
    with translation.override("en"):
        assert not plan.refused and plan.rows[1].outcome.startswith("closed: B")
    writing.import_suggestions(session=past, plans=plan.rows, by=staff, bulk=bulk)

    imported = Suggestion.objects.filter(session=past)
    assert set(imported.values_list("status", flat=True)) == {S.CLOSED}
    dissatisfied = imported.get(number=2)
    assert (dissatisfied.reply_class, dissatisfied.satisfaction) == ("B", "dissatisfied")
    assert not dissatisfied.was_re_handled and dissatisfied.due_on is None
    assert imported.get(number=4).satisfaction == ""
    assert not Event.objects.filter(suggestion__session=past, imported=False).exists()
    assert not Notification.objects.filter(suggestion__session=past).exists()
    assert work_in_sight(client, users, today) == before
    # History, not hidden: public, searchable, counted.
    assert imported.public().count() == 4
    page = client.get(reverse("suggestions:list"), {"q": "乡村道路"}).content.decode()
    assert "关于修缮乡村道路的建议" in page
    figures = stats.session_overview(past)
    assert figures.counts["closed"] == 4 and figures.counts["dissatisfied"] == 1


def test_without_the_fix_a_dissatisfied_row_would_be_re_handling_in_a_live_session(office, staff):
    """The rule the concluded session changes: in a session still in handling, the sheet's
    不满意 opens a round of re-handling, as the app itself would."""
    rows = office_rows()[:1]
    rows[0][10] = "不满意"
    plan = plan_of(office["session"], office_workbook(rows))
    writing.import_suggestions(session=office["session"], plans=plan.rows, by=staff)
    assert Suggestion.objects.get().status == S.RE_HANDLING


def test_concluding_closes_what_was_replied_and_untracks_open_promises(
    build, unit_x, staff, session, client
):
    promised = live_work(build, unit_x, staff)
    today = datetime.date(2026, 11, 26)
    assert promised.status == S.RE_HANDLING
    with pytest.raises(WorkflowError, match="cannot be concluded yet"):
        services.conclude_session(session=session, by=staff)
    Suggestion.objects.filter(status=S.ASSIGNED).update(status=S.REPLIED)  # say it was replied
    row = stats.session_units(session, unit_x, today)[0]
    assert row["promises_overdue"] == 1 and row["promise_kept_rate"] == 0

    closed = services.conclude_session(session=session, by=staff)

    assert closed == 2 and session.__class__.objects.get(pk=session.pk).is_concluded
    promised.refresh_from_db()
    assert (promised.status, promised.satisfaction) == (S.CLOSED, "dissatisfied")
    assert promised.events.last().action == Event.Action.SESSION_CONCLUDED
    reply = Reply.objects.get(suggestion=promised)
    assert reply.promise_untracked and reply.promise_state(today) == "untracked"
    row = stats.session_units(session, unit_x, today)[0]
    assert row["promise_kept_rate"] is None and row["promises_untracked"] == 1
    assert stats.session_loop(session, today)["promise_kept_rate"] is None
    assert loop.unit_promises([unit_x.pk]) == []
    assert not Suggestion.objects.flagged(today, reviewed=True).exists()
    assert notifications.send_promise_reminders(today) == 0
    assert [total for _k, _t, _r, total in loop.staff_queues(30, today)] == [0] * 5
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    page = client.get(reverse("suggestions:unit", args=[unit_x.pk]), **english).content.decode()
    assert "1 untracked (未跟踪)" in page and "untracked: its session was concluded" in page
    units = client.get(reverse("suggestions:units"), **english).context["rows"]
    assert [r["promise_kept_rate"] for r in units] == [None]  # "—", not 0 %


def test_staff_reopen_a_concluded_suggestion_on_purpose_with_a_reason(
    build, unit_x, staff, session
):
    promised = build(S.REPLIED, lead_unit=unit_x, reply_class="B", on=EARLY)
    services.evaluate(  # the sheet's 不满意: the deputy's last word, never re-handled
        suggestion=promised,
        deputy=promised.lead_deputy,
        satisfaction="dissatisfied",
        contacted=False,
        last_word=True,
        by=staff,
        on=datetime.date(2026, 4, 5),
    )
    services.conclude_session(session=session, by=staff)
    with pytest.raises(WorkflowError, match="Say why"):
        services.reopen(suggestion=promised, reason=" ", by=staff)

    services.reopen(suggestion=promised, reason="代表再次提出", by=staff)

    promised.refresh_from_db()
    assert promised.status == S.RE_HANDLING and promised.due_on is not None
    event = promised.events.last()
    assert (event.action, event.note) == (Event.Action.REOPENED, "代表再次提出")
    assert not Reply.objects.get(suggestion=promised).promise_untracked
    assert Suggestion.objects.filter(status=S.RE_HANDLING).count() == 1
    with pytest.raises(WorkflowError, match="Only a closed suggestion of a concluded"):
        services.reopen(suggestion=promised, reason="again", by=staff)


def test_reopen_is_offered_to_staff_only_on_a_concluded_suggestion(
    build, unit_x, staff, session, client
):
    closed = build(S.CLOSED, lead_unit=unit_x)
    url = reverse("workbench:act", args=[closed.pk, "reopen"])
    client.force_login(staff)
    assert client.post(url, {"reason": "x"}).status_code == 400  # not concluded yet
    services.conclude_session(session=session, by=staff)
    page = client.get(reverse("workbench:suggestion", args=[closed.pk])).content.decode()
    assert url in page
    client.force_login(unit_x.members.get())
    assert client.post(url, {"reason": "x"}).status_code in (403, 404)
    client.force_login(staff)
    client.post(url, {"reason": "代表要求"})
    closed.refresh_from_db()
    assert closed.status == S.EVALUATED


def test_staff_conclude_a_session_from_the_workbench_and_the_admin(
    build, unit_x, staff, session, past, client, deputy_a
):
    build(S.ASSIGNED, lead_unit=unit_x)
    client.force_login(staff)
    page = client.get(reverse("workbench:sessions")).content.decode()
    assert reverse("workbench:conclude_session", args=[past.pk]) in page
    assert reverse("workbench:conclude_session", args=[session.pk]) not in page
    response = client.post(reverse("workbench:conclude_session", args=[session.pk]), follow=True)
    assert "暂不能办结" in response.content.decode()  # the refusal, in the site language
    client.post(reverse("workbench:conclude_session", args=[past.pk]))
    past.refresh_from_db()
    assert past.is_concluded
    client.post(
        reverse("admin:congress_session_changelist"),
        {"action": "conclude_selected", "_selected_action": [session.pk]},
    )
    session.refresh_from_db()
    assert not session.is_concluded  # refused with its reason, as in the workbench
    client.force_login(deputy_a.user)
    assert client.get(reverse("workbench:sessions")).status_code == 403
    assert client.post(reverse("workbench:conclude_session", args=[past.pk])).status_code == 403


def test_the_import_warns_which_rows_are_dated_outside_the_session(office, past, staff, client):
    header = ["建议编号", "案由", "领衔代表", "代表团", "类别", "提出日期"]
    rows = [
        [1, "关于加快老旧小区改造的建议", "卢志强", "离石区代表团", "城乡建设", "2020-01-08"],
        [2, "关于增开城乡公交线路的建议", "韩雪", "离石区代表团", "城乡建设", "2018-01-08"],
    ]
    plan = plan_of(past, office_workbook(rows, header=header))
    assert [p.row for p in plan.outside_session] == [5]
    assert "2018-01-08" in plan.rows[1].outside_session and not plan.refused
    # The live session of 2026: every row of the 2020 sheet is outside it.
    plan = plan_of(office["session"], office_workbook(rows, header=header))
    assert len(plan.outside_session) == 2


def test_a_concluded_sessions_new_rows_need_their_handling_results(office, past, staff):
    services.conclude_session(session=past, by=staff)
    past.refresh_from_db()
    rows = office_rows()
    rows[2][9] = rows[2][10] = ""  # no reply class: it would stay in handling
    plan = plan_of(past, office_workbook(rows))
    assert [p.row for p in plan.refused] == [6]
    assert "the session is concluded" in plan.refused[0].problems[-1]


def test_a_draft_of_a_concluded_session_can_no_longer_be_submitted(past, deputy_a, category, staff):
    draft = services.create_draft(
        deputy=deputy_a,
        session=past,
        title="关于补充路灯的建议",
        content="夜间无照明。",
        category=category,
        by=deputy_a.user,
    )
    services.conclude_session(session=past, by=staff)
    with pytest.raises(WorkflowError):
        services.submit(suggestion=draft, by=deputy_a.user)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
