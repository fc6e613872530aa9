"""The workbench at work: what each role sees and does, and what it refuses."""

import datetime
import re
import threading
from io import BytesIO, StringIO

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from suggestions import services
from suggestions.figures.summaries import change_set
from suggestions.forms import ATTACHMENT_MAX_BYTES
from suggestions.models import Notification, Suggestion, WorkflowError
from suggestions.notifications import send_due_reminders
from tests.conftest import TODAY
from tests.files import PDF

Status = Suggestion.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """These tests read messages in English, the source language."""
    from django.test import Client

    return Client(headers={"accept-language": "en"})


def login(client, user):
    client.force_login(user)
    return client


def test_deputy_drafts_then_submits_and_co_signer_confirms(
    client, deputy_a, deputy_b, category, session, staff
):
    login(client, deputy_a.user)
    response = client.post(
        reverse("workbench:draft_new"),
        {
            "title": "关于增设社区养老服务站的建议",
            "content": "老人多，服务少。",
            "category": category.pk,
            "co_signers": [deputy_b.pk],
            "save": "1",
        },
    )
    draft = Suggestion.objects.get()
    assert response.status_code == 302 and draft.status == Status.DRAFT and draft.number is None
    assert Notification.objects.filter(user=deputy_b.user).exists()  # asked to co-sign
    client.post(reverse("workbench:act", args=[draft.pk, "submit"]))
    draft.refresh_from_db()
    assert (draft.status, draft.number, draft.period) == (Status.SUBMITTED, 1, "between")
    assert Notification.objects.filter(user=staff).exists()  # staff: a suggestion to review
    login(client, deputy_b.user)
    client.post(reverse("workbench:act", args=[draft.pk, "confirm"]))
    assert draft.signatures.get().confirmed_on is not None


def test_draft_form_refuses_empty_title_and_the_lead_as_co_signer(
    client, deputy_a, category, session
):
    login(client, deputy_a.user)
    response = client.post(
        reverse("workbench:draft_new"),
        {"title": "", "content": "内容", "category": category.pk, "co_signers": [deputy_a.pk]},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "title" in errors and "co_signers" in errors
    assert not Suggestion.objects.exists()


def reply_url(suggestion):
    lead = suggestion.assignments.get(role="lead")
    return reverse("workbench:act_on_assignment", args=[suggestion.pk, lead.pk, "reply"])


def reply_data(**extra):
    return {
        "reply_class": "A",
        "text": "已解决",
        "signed_by": "局长",
        "replied_on": "2026-10-01",
        **extra,
    }


def test_unit_replies_with_a_pdf_and_the_deputy_is_told(client, build, unit_x, deputy_a):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x)
    login(client, unit_x.members.get())
    upload = SimpleUploadedFile("答复.pdf", PDF, content_type="application/pdf")
    response = client.post(reply_url(suggestion), reply_data(attachment=upload))
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Status.REPLIED
    assert suggestion.replies.get().attachment.name.endswith(".pdf")
    assert Notification.objects.filter(user=deputy_a.user, suggestion=suggestion).exists()


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("reply.exe", b"MZ....", "PDF, PNG or JPEG"),
        ("reply.pdf", b"<html>not a pdf</html>", "not a real PDF"),
        ("reply.png", PDF, "not a real PNG"),
    ],
)
def test_attachment_of_the_wrong_type_is_refused_next_to_the_field(
    client, build, unit_x, name, content, message
):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x)
    login(client, unit_x.members.get())
    response = client.post(
        reply_url(suggestion), reply_data(attachment=SimpleUploadedFile(name, content))
    )
    assert response.status_code == 400
    form = response.context["unit_forms"][0][1]["reply"]
    assert message in str(form.errors["attachment"])
    assert not suggestion.replies.exists()


def test_attachment_over_ten_megabytes_is_refused(client, build, unit_x):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x)
    login(client, unit_x.members.get())
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * ATTACHMENT_MAX_BYTES)
    response = client.post(reply_url(suggestion), reply_data(attachment=big))
    assert response.status_code == 400 and "10 MB" in response.content.decode()
    assert not suggestion.replies.exists()


def test_a_class_outside_a_to_d_is_refused(client, build, unit_x):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x)
    login(client, unit_x.members.get())
    response = client.post(reply_url(suggestion), reply_data(reply_class="E"))
    assert response.status_code == 400
    assert not suggestion.replies.exists()


def test_reply_after_closing_gives_a_clear_message_and_changes_nothing(client, build, unit_x):
    suggestion = build(Status.CLOSED, lead_unit=unit_x)
    lead = suggestion.assignments.get()
    login(client, unit_x.members.get())
    # The unit's page still had the form open; the suggestion was closed meanwhile.
    lead.replied_on = None
    with change_set():
        lead.save()
    response = client.post(reply_url(suggestion), reply_data())
    assert response.status_code == 400
    assert "not waiting for a reply" in response.content.decode()
    assert suggestion.replies.count() == 1


def test_dissatisfied_rating_sends_it_back_and_tells_the_unit(client, build, unit_x, deputy_a):
    suggestion = build(Status.REPLIED, lead_unit=unit_x)
    login(client, deputy_a.user)
    response = client.post(
        reverse("workbench:act", args=[suggestion.pk, "evaluate"]),
        {"satisfaction": "dissatisfied", "contacted": "no", "comment": "措施不具体"},
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Status.RE_HANDLING
    assert Notification.objects.filter(user=unit_x.members.get(), suggestion=suggestion).exists()


def test_deputy_dashboard_opens_on_what_awaits_their_rating_then_a_reply_then_finished(
    client, build, unit_x, deputy_a
):
    to_rate = build(Status.REPLIED, lead_unit=unit_x)
    finished = build(Status.EVALUATED, lead_unit=unit_x)
    in_review = build(Status.SUBMITTED)
    being_handled = build(Status.ASSIGNED, lead_unit=unit_x)
    login(client, deputy_a.user)
    response = client.get(reverse("workbench:dashboard"))
    groups = {key: rows for key, _title, rows, _page in response.context["deputy_groups"]}
    assert groups["rate"] == [to_rate]
    assert groups["awaiting"] == [being_handled, in_review]  # the one with a due date first
    assert groups["finished"] == [finished]
    page = response.content.decode()
    assert page.index("Awaits my rating") < page.index("Awaits a reply") < page.index("Finished")


def test_a_deputys_groups_come_a_page_at_a_time_in_a_fixed_number_of_queries(
    client, build, deputy_a, unit_x, monkeypatch
):
    # A deputy who led 20,000 suggestions waited 9 s for a page listing every one of them.
    monkeypatch.setattr("suggestions.workbench.deputy.DEPUTY_PAGE", 2)
    login(client, deputy_a.user)
    url = reverse("workbench:dashboard")
    finished = [build(Status.CLOSED, lead_unit=unit_x) for _ in range(3)]
    build(Status.SUBMITTED)  # every group that will grow has rows to read from the start
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    pages = {key: (rows, page) for key, _title, rows, page in response.context["deputy_groups"]}
    rows, page = pages["finished"]
    assert rows == finished[:0:-1] and page.paginator.count == 3  # newest first, two a page
    assert 'href="?finished_page=2#group-finished"' in response.content.decode()
    rows, _page = {
        k: (r, p) for k, _t, r, p in client.get(url, {"finished_page": 2}).context["deputy_groups"]
    }["finished"]
    assert rows == [finished[0]]
    for _ in range(4):
        build(Status.CLOSED, lead_unit=unit_x)
        build(Status.SUBMITTED)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_staffs_loop_queues_fold_on_a_phone_like_the_others(client, staff):
    # Open by default, four loop queues made the staff's page 14,209 px tall on a phone.
    login(client, staff)
    page = client.get(reverse("workbench:dashboard")).content.decode()
    queues = re.findall(r"<details class=\"queue\"[^>]*>", page)
    assert len(queues) > 8
    assert [q for q in queues if "data-fold-on-phone" not in q] == []


def test_unit_dashboard_is_sorted_by_due_date_and_filters_by_role(client, build, unit_x, unit_y):
    later = build(Status.ASSIGNED, lead_unit=unit_x, on=datetime.date(2026, 9, 20))
    sooner = build(Status.ASSIGNED, lead_unit=unit_x, on=datetime.date(2026, 9, 5))
    co = build(Status.ASSIGNED, lead_unit=unit_y, co_units=[unit_x])
    login(client, unit_x.members.get())
    url = reverse("workbench:dashboard")
    page = client.get(url, {"show": "all"}).context["unit_page"]
    assert [a.suggestion for a in page] == [co, sooner, later]  # due 1, 5 and 20 December
    page = client.get(url, {"show": "all", "role": "co"}).context["unit_page"]
    assert [a.suggestion for a in page] == [co]
    page = client.get(url, {"show": "all", "role": "nonsense", "status": "%%"}).context["unit_page"]
    assert len(page) == 3


def test_unit_dashboard_opens_on_overdue_due_this_week_and_due_later_with_days_left(
    client, build, unit_x, unit_y
):
    def assigned(title, on):
        return build(Status.ASSIGNED, lead_unit=unit_x, on=on, title=title)

    overdue = assigned("关于修路的建议", datetime.date(2026, 8, 1))  # due 1 November
    this_week = assigned("关于路灯的建议", datetime.date(2026, 9, 1))  # due 1 December
    later = assigned("关于公交的建议", datetime.date(2026, 10, 1))  # due 1 January
    finished = build(Status.CLOSED, lead_unit=unit_x, on=datetime.date(2020, 3, 1), title="旧建议")
    login(client, unit_x.members.get())
    response = client.get(reverse("workbench:dashboard"))
    groups = {key: rows for key, _title, rows, _total in response.context["unit_groups"]}
    assert [a.suggestion for a in groups["overdue"]] == [overdue]
    assert [a.suggestion for a in groups["this_week"]] == [this_week]
    assert [a.suggestion for a in groups["later"]] == [later]
    assert groups["this_week"][0].days_left == 5
    page = response.content.decode()
    assert "25 days overdue" in page and "5 days left" in page and "36 days left" in page
    assert finished.title not in page  # finished work is behind a filter
    shown = client.get(reverse("workbench:dashboard"), {"show": "all"}).context["unit_page"]
    assert finished in [a.suggestion for a in shown]


def test_a_unit_sees_work_due_today_as_due_today_not_zero_days_left(client, build, unit_x):
    build(Status.ASSIGNED, lead_unit=unit_x, on=datetime.date(2026, 8, 26))  # due 26 November
    login(client, unit_x.members.get())
    page = client.get(reverse("workbench:dashboard")).content.decode()
    assert '2026-11-26 <span class="tag soon">due today</span>' in page
    assert "0 days left" not in page


def test_co_handlers_past_due_work_leaves_due_this_week_for_a_group_of_its_own(
    client, build, unit_x, unit_y
):
    # Seen as No.110, due 2020-04-08, under "due this week" years later.
    past = build(Status.ASSIGNED, lead_unit=unit_y, co_units=[unit_x], on=datetime.date(2026, 8, 1))
    login(client, unit_x.members.get())
    response = client.get(reverse("workbench:dashboard"))
    groups = {key: rows for key, _title, rows, _total in response.context["unit_groups"]}
    assert groups["this_week"] == [] and groups["overdue"] == []  # it owes views, not a reply
    assert [a.suggestion for a in groups["co_past"]] == [past]
    page = response.content.decode()
    assert "Co-handling past the lead unit&#x27;s due date" in page and "25 days past" in page
    assert '<details class="queue" id="unit-co_past">' in page  # folded: nothing to chase


@pytest.mark.parametrize("who", ["staff", "deputy_a", "unit_x"])
def test_dashboard_query_count_does_not_grow_with_rows(client, build, staff, unit_x, deputy_a, who):
    user = {"staff": staff, "deputy_a": deputy_a.user, "unit_x": unit_x.members.get()}[who]
    login(client, user)
    build(Status.ASSIGNED, lead_unit=unit_x)
    build(Status.REPLIED, lead_unit=unit_x)
    build()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("workbench:dashboard"))
    for _ in range(5):
        build(Status.ASSIGNED, lead_unit=unit_x)
        build(Status.REPLIED, lead_unit=unit_x)
        build()
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("workbench:dashboard"))
    assert len(many) == len(few)


def test_suggestion_page_query_count_is_fixed(client, build, staff, unit_x, unit_y, deputy_b):
    login(client, staff)
    plain = build(Status.ASSIGNED, lead_unit=unit_x)
    busy = build(Status.REPLIED, lead_unit=unit_x, co_units=[unit_y], co_signers=[deputy_b])
    counts = []
    for s in (plain, busy):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("workbench:suggestion", args=[s.pk])).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_staff_bulk_assign_reports_each_refusal(client, build, staff, unit_x):
    ready, not_ready = build(Status.REGISTERED), build()
    login(client, staff)
    response = client.post(
        reverse("workbench:bulk_assign"),
        {"suggestion": [ready.pk, not_ready.pk], "lead_unit": unit_x.pk},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert "1 suggestion(s) assigned." in messages
    assert any("Only a registered suggestion can be assigned" in m for m in messages)
    ready.refresh_from_db()
    not_ready.refresh_from_db()
    assert (ready.status, not_ready.status) == (Status.ASSIGNED, Status.SUBMITTED)


def test_responsibility_list_opens_in_a_spreadsheet_with_chinese_text(
    client, build, staff, unit_x, unit_y, session
):
    build(Status.ASSIGNED, lead_unit=unit_x, co_units=[unit_y], title="关于供热的建议")
    login(client, staff)
    response = client.get(reverse("workbench:export_responsibility"), {"session": session.pk})
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:5] == (1, "关于供热的建议", "甲代表", "市住建局", "市交通局")


def test_staff_record_a_meeting_covering_suggestions(client, build, staff, session):
    one, two = build(Status.REGISTERED), build(Status.REGISTERED)
    login(client, staff)
    response = client.post(
        reverse("workbench:meeting_new"),
        {
            "session": session.pk,
            "kind": "progress",
            "title": "推进会",
            "held_on": "2026-10-10",
            "numbers": f"{one.number}，{two.number}",
        },
    )
    assert response.status_code == 302
    assert set(one.meetings.get().suggestions.all()) == {one, two}
    response = client.post(
        reverse("workbench:meeting_new"),
        {
            "session": session.pk,
            "kind": "progress",
            "title": "推进会",
            "held_on": "2026-10-10",
            "numbers": "999",
        },
    )
    assert response.status_code == 200 and "999" in response.content.decode()


def test_meeting_numbers_may_be_written_with_the_chinese_list_comma(client, build, staff, session):
    one, two = build(Status.REGISTERED), build(Status.REGISTERED)
    login(client, staff)
    data = {"session": session.pk, "kind": "progress", "title": "推进会", "held_on": "2026-10-10"}
    response = client.post(
        reverse("workbench:meeting_new"), {**data, "numbers": f"{one.number}、{two.number}"}
    )
    assert response.status_code == 302  # "57、18" was refused while "57，18" went in
    assert set(one.meetings.get().suggestions.all()) == {one, two}


def test_merging_offers_the_sessions_suggestions_it_may_join(
    client, build, staff, session, category, deputy_a
):
    target = build(Status.REGISTERED, title="关于修缮排水管网的建议")
    merged_away = build(Status.REGISTERED, title="关于已并案建议的建议")
    services.merge(suggestion=merged_away, into=target, by=staff)
    suggestion = build(Status.SUBMITTED, title="关于整修排水管网的建议")
    login(client, staff)
    page = client.get(reverse("workbench:suggestion", args=[suggestion.pk])).content.decode()
    assert 'list="merge-candidates"' in page
    candidates = page[page.index('<datalist id="merge-candidates">') :]
    candidates = candidates[: candidates.index("</datalist>")]
    assert f'<option value="{target.number}">{target.number} 关于修缮排水管网的建议</option>' in (
        candidates
    )
    assert "已并案" not in candidates and "整修" not in candidates  # neither merged nor itself


def test_staff_record_a_special_report_vote(client, staff, session, unit_x):
    login(client, staff)
    data = {
        "session": session.pk,
        "unit": unit_x.pk,
        "title": "专项报告",
        "heard_on": "2026-10-28",
        "satisfied": 30,
        "basically_satisfied": 5,
        "dissatisfied": 1,
    }
    assert client.post(reverse("workbench:report_new"), data).status_code == 302
    refused = client.post(reverse("workbench:report_new"), {**data, "satisfied": -1})
    assert refused.status_code == 200 and unit_x.special_reports.count() == 1


def test_reminders_are_sent_once_a_day_however_often_the_command_runs(build, unit_x, settings):
    build(Status.ASSIGNED, lead_unit=unit_x, on=datetime.date(2026, 8, 1))  # overdue
    build(Status.ASSIGNED, lead_unit=unit_x, on=datetime.date(2026, 8, 30))  # due in 4 days
    build(Status.ASSIGNED, lead_unit=unit_x, on=datetime.date(2026, 9, 10))  # due 10 Dec
    assert send_due_reminders(TODAY) == 2
    assert send_due_reminders(TODAY) == 0
    user = unit_x.members.get()
    texts = list(Notification.objects.filter(user=user, key__gt="").values_list("key", flat=True))
    assert len(texts) == 2
    assert sorted(k.split(":")[0] for k in texts) == ["due-soon", "overdue"]


def test_reminder_command_says_how_many_it_sent(db):
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "0 reminder(s) sent." in out.getvalue()


def test_notifications_mail_the_user_and_count_unread(
    client, build, staff, unit_x, deputy_a, django_capture_on_commit_callbacks
):
    deputy_a.user.email = "a@example.com"
    deputy_a.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        build(Status.REPLIED, lead_unit=unit_x)
    assert any("a@example.com" in m.to for m in mail.outbox)
    login(client, deputy_a.user)
    assert client.get(reverse("suggestions:home")).context["unread_notifications"] == 1
    client.post(reverse("workbench:notifications"))
    assert client.get(reverse("suggestions:home")).context["unread_notifications"] == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are real only on PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_two_staff_assigning_at_once_one_wins_the_other_is_told(build, staff, unit_x, unit_y):
    suggestion = build(Status.REGISTERED)
    barrier = threading.Barrier(2)
    outcomes = []

    def assign(unit):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            with translation.override("en"):
                services.assign(suggestion=suggestion, lead_unit=unit, by=staff)
            outcomes.append("assigned")
        except WorkflowError as error:
            outcomes.append(str(error))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=assign, args=(u,)) for u in (unit_x, unit_y)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["Only a registered suggestion can be assigned.", "assigned"]
    assert suggestion.assignments.count() == 1


def test_staff_see_when_a_between_session_suggestion_must_be_assigned(client, build, staff):
    suggestion = build(period="between")
    services.register(suggestion=suggestion, by=staff, on=datetime.date(2026, 9, 29))
    client.force_login(staff)
    page = client.get(reverse("workbench:dashboard")).content.decode()
    assert "assign by 2026-10-12" in page  # five working days over the National Day holiday
    services.register(suggestion=build(period="between"), by=staff, on=datetime.date(2026, 12, 30))
    page = client.get(reverse("workbench:dashboard")).content.decode()
    assert "provisional" in page  # 2027's official calendar is not known yet


def test_unit_revises_its_reply_and_the_original_stays_on_record(client, build, unit_x):
    suggestion = build(Status.REPLIED, lead_unit=unit_x, reply_class="B")
    lead = suggestion.assignments.get()
    login(client, unit_x.members.get())
    response = client.post(
        reverse("workbench:act_on_assignment", args=[suggestion.pk, lead.pk, "revise"]),
        {"reply_class": "A", "text": "已全部解决", "signed_by": "局长"},
    )
    assert response.status_code == 302
    assert suggestion.replies.count() == 2
    assert list(suggestion.replies.current().values_list("reply_class", flat=True)) == ["A"]
    page = client.get(reverse("workbench:suggestion", args=[suggestion.pk])).content.decode()
    assert "已全部解决" in page and "已解决。" in page  # both versions are shown


def test_unit_sees_open_work_before_finished_work(client, build, unit_x, unit_y):
    done = build(Status.CLOSED, lead_unit=unit_y, co_units=[unit_x], on=datetime.date(2026, 1, 5))
    open_ = build(Status.ASSIGNED, lead_unit=unit_x, on=datetime.date(2026, 9, 20))
    login(client, unit_x.members.get())
    page = client.get(reverse("workbench:dashboard"), {"show": "all"}).context["unit_page"]
    assert [a.suggestion for a in page] == [open_, done]


def test_drafting_before_any_session_exists_is_refused_with_a_message(client, deputy_a, category):
    login(client, deputy_a.user)
    response = client.post(
        reverse("workbench:draft_new"),
        {"title": "关于修路的建议", "content": "内容", "category": category.pk, "save": "1"},
    )
    assert response.status_code == 200
    assert "No session is open" in str(response.context["form"].non_field_errors())
    assert not Suggestion.objects.exists()


def test_a_problem_cannot_become_a_suggestion_before_any_session_exists(
    client, reception, deputy_a, category
):
    problem = reception.problems.first()  # no session exists: `reception` needs none
    login(client, deputy_a.user)
    response = client.post(
        reverse("stations_work:problem_act", args=[problem.pk, "take_up"]),
        {"title": "关于修路的建议", "category": category.pk},
    )
    assert response.status_code == 400
    problem.refresh_from_db()
    assert problem.status == "open" and not Suggestion.objects.exists()


def test_submitting_a_title_like_one_in_the_session_warns_and_still_lets_the_deputy_submit(
    client, build, deputy_a, deputy_b, category, session
):
    build(Status.REGISTERED, title="关于加快老旧小区改造的建议", lead_deputy=deputy_b)
    login(client, deputy_a.user)
    data = {"title": "关于加快老旧小区改造工作的建议", "content": "内容", "category": category.pk}
    response = client.post(reverse("workbench:draft_new"), {**data, "submit": "1"})
    assert response.status_code == 200
    assert "加快老旧小区改造" in str(response.context["similar"])
    assert "Submit anyway" in response.content.decode()
    assert Suggestion.objects.count() == 1  # nothing saved yet, nothing refused
    response = client.post(
        reverse("workbench:draft_new"), {**data, "submit": "1", "submit_anyway": "1"}
    )
    assert response.status_code == 302
    assert Suggestion.objects.filter(lead_deputy=deputy_a, status=Status.SUBMITTED).count() == 1


@pytest.mark.parametrize("origin", ["saved draft", "station problem"])
def test_submitting_a_saved_draft_later_warns_of_a_like_title_in_the_session(
    client, build, deputy_a, deputy_b, category, session, reception, origin
):
    build(Status.REGISTERED, title="关于加快老旧小区改造的建议", lead_deputy=deputy_b)
    login(client, deputy_a.user)
    title = "关于加快老旧小区改造工作的建议"
    if origin == "saved draft":
        data = {"title": title, "content": "内容", "category": category.pk, "save": "1"}
        client.post(reverse("workbench:draft_new"), data)
    else:
        client.post(
            reverse("stations_work:problem_act", args=[reception.problems.first().pk, "take_up"]),
            {"title": title, "category": category.pk},
        )
    draft = Suggestion.objects.get(status=Status.DRAFT)
    submit = reverse("workbench:act", args=[draft.pk, "submit"])
    response = client.post(submit)
    assert response.status_code == 200
    assert "加快老旧小区改造" in str(response.context["similar"])
    page = response.content.decode()
    assert "Submit anyway" in page and 'name="submit_anyway" value="True"' in page
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT  # nothing submitted yet, nothing refused
    assert client.post(submit, {"submit_anyway": "True"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_a_different_title_is_submitted_without_a_warning(client, build, deputy_a, category):
    build(Status.REGISTERED, title="关于加快老旧小区改造的建议")
    login(client, deputy_a.user)
    response = client.post(
        reverse("workbench:draft_new"),
        {
            "title": "关于增开城乡公交线路的建议",
            "content": "内容",
            "category": category.pk,
            "submit": "1",
        },
    )
    assert response.status_code == 302


def test_staff_enter_a_paper_suggestion_in_the_workbench_with_the_back_offices_checks(
    client, staff, session, category, deputy_a, deputy_b
):
    login(client, staff)
    url = reverse("workbench:paper_new")
    data = {
        "session": session.pk,
        "title": "关于修缮城区排水管网的建议",
        "content": "雨季内涝。建议修缮排水管网。",
        "category": category.pk,
        "period": "during",
        "submitted_on": "2026-11-20",
        "lead_deputy": deputy_a.pk,
        "co_signers": [deputy_b.pk],
    }
    response = client.post(url, data)
    suggestion = Suggestion.objects.get()
    assert response.url == reverse("workbench:suggestion", args=[suggestion.pk])
    assert (suggestion.status, suggestion.number) == (Status.SUBMITTED, 1)
    assert suggestion.signatures.get().confirmed_on is not None
    assert suggestion.events.filter(action="entered", actor=staff).exists()
    # The same number twice, or the lead deputy co-signing, is refused with a message.
    again = {**data, "submit_anyway": "1"}  # past the similar-title warning
    response = client.post(url, {**again, "number": 1})
    assert response.status_code == 200 and "already used" in response.content.decode()
    response = client.post(url, {**again, "co_signers": [deputy_a.pk]})
    assert "cannot also co-sign" in response.content.decode()
    assert Suggestion.objects.count() == 1


def test_entering_a_paper_suggestion_like_one_in_the_session_warns_first(
    client, build, staff, session, category, deputy_a
):
    build(Status.SUBMITTED, title="关于修缮城区排水管网的建议")
    login(client, staff)
    data = {
        "session": session.pk,
        "title": "关于修缮城区排水管网的建议",
        "content": "雨季内涝。",
        "category": category.pk,
        "period": "during",
        "submitted_on": "2026-11-20",
        "lead_deputy": deputy_a.pk,
    }
    response = client.post(reverse("workbench:paper_new"), data)
    assert response.status_code == 200 and response.context["similar"]
    assert Suggestion.objects.count() == 1
    response = client.post(reverse("workbench:paper_new"), {**data, "submit_anyway": "1"})
    assert response.status_code == 302 and Suggestion.objects.count() == 2
