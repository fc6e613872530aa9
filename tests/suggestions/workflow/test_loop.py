"""Closing the accountability loop: promises kept, ratings of what was done, consistency flags,
recurring suggestions, co-signers' ratings and the publication clock."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from suggestions import notifications, services
from suggestions.figures import loop, stats
from suggestions.models import (
    Event,
    FlagReview,
    Notification,
    Reply,
    SimilarLink,
    Suggestion,
    WorkflowError,
)
from suggestions.search import similarity
from tests.conftest import START, TODAY, make_deputy

Status = Suggestion.Status
pytestmark = pytest.mark.django_db
REPLIED_ON = START + datetime.timedelta(days=30)  # how `build` dates its replies
PROMISED = REPLIED_ON + datetime.timedelta(days=90)  # and its promises (conftest.promise_for)


def reply_b(assignment, staff, on=REPLIED_ON, **promise):
    return services.reply(
        assignment=assignment,
        reply_class="B",
        text="正在解决",
        signed_by="局长",
        by=staff,
        on=on,
        **promise,
    )


def follow(suggestion, staff, on):
    return services.follow_up(
        assignment=suggestion.assignments.get(role="lead"),
        reply_class="A",
        text="承诺事项已完成",
        signed_by="局长",
        by=staff,
        on=on,
    )


# --- promises ------------------------------------------------------------------------------


def test_a_b_or_c_reply_must_say_what_will_be_done_and_by_when(build, staff, unit_x):
    lead = build(Status.ASSIGNED, lead_unit=unit_x).assignments.get()
    with pytest.raises(WorkflowError, match="what will be done"):
        reply_b(lead, staff)
    with pytest.raises(WorkflowError, match="by when"):
        reply_b(lead, staff, promise="分批改造")
    with pytest.raises(WorkflowError, match="after the reply"):
        reply_b(lead, staff, promise="分批改造", promised_by=REPLIED_ON)
    with pytest.raises(WorkflowError, match="not both"):
        reply_b(lead, staff, promise="分批改造", promised_by=PROMISED, promise_year=2027)
    with pytest.raises(WorkflowError, match="between"):
        reply_b(lead, staff, promise="分批改造", promise_year=2040)
    assert not Reply.objects.exists()


def test_a_class_a_or_d_reply_promises_nothing(build, staff, unit_x):
    lead = build(Status.ASSIGNED, lead_unit=unit_x).assignments.get()
    with pytest.raises(WorkflowError, match="Only a B or C reply"):
        services.reply(
            assignment=lead,
            reply_class="A",
            text="已解决",
            signed_by="局长",
            by=staff,
            promise="x",
            promised_by=TODAY + datetime.timedelta(days=5),
        )
    assert not Reply.objects.exists()


def test_a_promise_within_a_year_falls_due_at_the_year_end(build, staff, unit_x):
    lead = build(Status.ASSIGNED, lead_unit=unit_x).assignments.get()
    reply = reply_b(lead, staff, promise="列入2027年城建计划", promise_year=2027)
    assert (reply.promised_by, reply.promise_year_only) == (datetime.date(2027, 12, 31), True)
    assert reply.promise_label == "2027"


def test_revising_a_b_reply_states_the_promise_again(build, staff, unit_x):
    suggestion = build(Status.REPLIED, lead_unit=unit_x, reply_class="B")
    original = suggestion.replies.get()
    with pytest.raises(WorkflowError, match="what will be done"):
        services.revise_reply(
            reply=original, reply_class="C", text="待条件成熟", signed_by="局长", by=staff
        )
    revised = services.revise_reply(
        reply=original,
        reply_class="C",
        text="待条件成熟",
        signed_by="局长",
        by=staff,
        promise="争取省级资金",
        promise_year=2027,
    )
    assert list(Reply.objects.promises()) == [revised]


def test_follow_up_by_the_date_keeps_the_promise_and_after_it_is_late(build, staff, unit_x):
    kept = build(Status.REPLIED, lead_unit=unit_x, reply_class="B")
    late = build(Status.REPLIED, lead_unit=unit_x, reply_class="C")
    follow(kept, staff, on=PROMISED)
    follow(late, staff, on=PROMISED + datetime.timedelta(days=1))
    assert kept.replies.get(kind="reply").promise_state() == "kept"
    assert late.replies.get(kind="reply").promise_state() == "late"


def test_a_promise_without_follow_up_is_open_then_overdue(build, staff, unit_x):
    suggestion = build(Status.REPLIED, lead_unit=unit_x, reply_class="B")
    promise = suggestion.replies.get()
    assert promise.promise_state(PROMISED) == "due"
    assert promise.promise_state(PROMISED + datetime.timedelta(days=1)) == "overdue"


def test_staff_queue_lists_promises_due_within_the_week_and_overdue(build, staff, unit_x):
    overdue = build(Status.REPLIED, lead_unit=unit_x, reply_class="B", on=datetime.date(2026, 5, 1))
    due = build(Status.REPLIED, lead_unit=unit_x, reply_class="B", on=datetime.date(2026, 7, 30))
    later = build(Status.REPLIED, lead_unit=unit_x, reply_class="B")  # due 2026-11-30 + 60
    queues = {key: rows for key, _t, rows, _n in loop.staff_queues(30)}
    assert [r.suggestion_id for r in queues["promises_overdue"]] == [overdue.pk]
    assert [r.suggestion_id for r in queues["promises_due"]] == [due.pk]
    assert later.pk not in {r.suggestion_id for r in queues["promises_due"]}


# --- implementation ratings ----------------------------------------------------------------


def test_the_implementation_is_rated_only_after_the_follow_up_or_the_date(
    build, staff, unit_x, deputy_a
):
    suggestion = build(Status.EVALUATED, lead_unit=unit_x, reply_class="B")
    with pytest.raises(WorkflowError, match="once the follow-up arrives"):
        services.rate_implementation(
            suggestion=suggestion, deputy=deputy_a, satisfaction="satisfied", by=staff
        )
    follow(suggestion, staff, on=TODAY)
    services.rate_implementation(
        suggestion=suggestion, deputy=deputy_a, satisfaction="dissatisfied", by=staff
    )
    suggestion.refresh_from_db()
    assert suggestion.implementation_satisfaction == "dissatisfied"
    assert suggestion.satisfaction == "satisfied"  # the reply's rating stays apart
    assert suggestion.events.filter(action=Event.Action.IMPLEMENTATION_RATED).exists()
    with pytest.raises(WorkflowError, match="already rated"):
        services.rate_implementation(
            suggestion=suggestion, deputy=deputy_a, satisfaction="satisfied", by=staff
        )


def test_a_suggestion_without_promise_has_no_implementation_to_rate(build, staff, unit_x, deputy_a):
    suggestion = build(Status.EVALUATED, lead_unit=unit_x, reply_class="A")
    with pytest.raises(WorkflowError, match="promised"):
        services.rate_implementation(
            suggestion=suggestion, deputy=deputy_a, satisfaction="satisfied", by=staff
        )


def test_co_signers_rate_the_implementation_independently_of_the_lead(
    build, staff, unit_x, deputy_a, deputy_b
):
    suggestion = build(
        Status.EVALUATED,
        lead_unit=unit_x,
        reply_class="B",
        co_signers=[deputy_b],
        on=datetime.date(2026, 1, 5),
    )  # promised 2026-05-05: passed
    services.rate_implementation(
        suggestion=suggestion, deputy=deputy_b, satisfaction="dissatisfied", by=staff
    )
    suggestion.refresh_from_db()
    assert suggestion.implementation_satisfaction == ""  # only the lead's rating is the row's
    services.rate_implementation(
        suggestion=suggestion, deputy=deputy_a, satisfaction="satisfied", by=staff
    )
    figures = stats.loop_figures(Suggestion.objects.all())
    assert (figures["impl_satisfied"], figures["impl_rated"]) == (1, 1)
    assert (figures["impl_all_dissatisfied"], figures["impl_all_rated"]) == (1, 2)
    assert (figures["implementation_rate"], figures["implementation_all_rate"]) == (100.0, 50.0)


def test_a_deputy_not_on_the_suggestion_cannot_rate_its_implementation(
    build, staff, unit_x, delegation
):
    suggestion = build(Status.EVALUATED, lead_unit=unit_x, reply_class="B")
    stranger = make_deputy(delegation, "丙代表")
    with pytest.raises(WorkflowError, match="Only the suggestion's deputies"):
        services.rate_implementation(
            suggestion=suggestion, deputy=stranger, satisfaction="satisfied", by=staff
        )


# --- co-signers in the loop -----------------------------------------------------------------


def test_co_signers_are_told_of_replies_and_follow_ups(build, staff, unit_x, deputy_b):
    suggestion = build(Status.REPLIED, lead_unit=unit_x, reply_class="B", co_signers=[deputy_b])
    follow(suggestion, staff, on=TODAY)
    told = Notification.objects.filter(user=deputy_b.user, suggestion=suggestion)
    assert told.count() == 2  # the reply, then the follow-up
    assert told.filter(text__contains="跟踪").exists() or told.filter(text__contains="follow-up")


def test_figures_count_the_lead_deputys_rating_and_all_ratings_separately(
    build, staff, unit_x, deputy_b
):
    suggestion = build(Status.EVALUATED, lead_unit=unit_x, co_signers=[deputy_b])
    services.evaluate(
        suggestion=suggestion,
        deputy=deputy_b,
        satisfaction="dissatisfied",
        contacted=False,
        by=staff,
    )
    lead_only = stats.overview(Suggestion.objects.all())
    everyone = stats.loop_figures(Suggestion.objects.all())
    assert (lead_only.satisfaction_rate, lead_only.evaluated) == (100.0, 1)
    assert (everyone["all_ratings_rate"], everyone["all_rated"]) == (50.0, 2)


# --- consistency flags ---------------------------------------------------------------------


def flags(suggestion):
    return {kind for kind, _rule, _review in loop.flags_of(suggestion)}


def test_class_a_with_a_dissatisfied_deputy_is_flagged(build, staff, unit_x, deputy_a):
    suggestion = build(Status.REPLIED, lead_unit=unit_x, reply_class="A")
    assert "a_dissatisfied" not in flags(suggestion)
    services.evaluate(
        suggestion=suggestion,
        deputy=deputy_a,
        satisfaction="dissatisfied",
        contacted=True,
        by=staff,
    )
    assert "a_dissatisfied" in flags(suggestion)


def test_a_promise_past_its_date_without_follow_up_is_flagged(build, staff, unit_x):
    suggestion = build(
        Status.REPLIED, lead_unit=unit_x, reply_class="B", on=datetime.date(2026, 1, 5)
    )
    assert "promise_overdue" in flags(suggestion)
    follow(suggestion, staff, on=TODAY)
    assert "promise_overdue" not in flags(suggestion)


def test_replied_on_time_without_any_contact_is_flagged(build, staff, unit_x):
    suggestion = build(Status.REPLIED, lead_unit=unit_x)
    assert "on_time_no_contact" in flags(suggestion)
    services.record_contact(
        assignment=suggestion.assignments.get(), contacted_on=START, way="phone", by=staff
    )
    assert "on_time_no_contact" not in flags(suggestion)


def test_class_d_for_a_key_suggestion_is_flagged(build, staff, unit_x, leader):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x)
    services.mark_key(suggestion=suggestion, leader=leader, by=staff)
    services.reply(
        assignment=suggestion.assignments.get(),
        reply_class="D",
        text="留作参考",
        signed_by="局长",
        by=staff,
    )
    assert "key_class_d" in flags(suggestion)


def test_re_handling_with_the_same_class_and_text_is_flagged(build, staff, unit_x, deputy_a):
    suggestion = build(Status.REPLIED, lead_unit=unit_x)
    services.evaluate(
        suggestion=suggestion,
        deputy=deputy_a,
        satisfaction="dissatisfied",
        contacted=True,
        by=staff,
    )
    services.reply(
        assignment=suggestion.assignments.get(),
        reply_class="A",
        text="已解决。",
        signed_by="局长",
        by=staff,
    )
    assert "same_rehandled" in flags(suggestion)


def test_staff_mark_a_flag_reviewed_with_a_note_and_it_leaves_the_queue(build, staff, unit_x):
    suggestion = build(Status.REPLIED, lead_unit=unit_x)
    assert list(Suggestion.objects.flagged()) == [suggestion]
    with pytest.raises(WorkflowError, match="note"):
        services.review_flag(suggestion=suggestion, kind="on_time_no_contact", note=" ", by=staff)
    with pytest.raises(WorkflowError, match="does not carry"):
        services.review_flag(suggestion=suggestion, kind="key_class_d", note="看过", by=staff)
    services.review_flag(
        suggestion=suggestion, kind="on_time_no_contact", note="电话联系未登记", by=staff
    )
    assert not Suggestion.objects.flagged().exists()
    assert list(Suggestion.objects.flagged(reviewed=True)) == [suggestion]
    event = suggestion.events.get(action=Event.Action.FLAG_REVIEWED)
    assert "电话联系未登记" in event.note and not event.is_public
    with pytest.raises(WorkflowError, match="already been reviewed"):
        services.review_flag(
            suggestion=suggestion, kind="on_time_no_contact", note="again", by=staff
        )
    assert FlagReview.objects.count() == 1


def test_the_flag_queue_takes_the_same_queries_for_more_rows(
    build, unit_x, django_assert_num_queries
):
    build(Status.REPLIED, lead_unit=unit_x)
    with django_assert_num_queries(1):
        loop.flag_rows(Suggestion.objects.flagged())
    for _ in range(3):
        build(Status.REPLIED, lead_unit=unit_x)
    with django_assert_num_queries(1):
        rows = loop.flag_rows(Suggestion.objects.flagged())
    assert len(rows) == 4


@pytest.mark.parametrize("size", [1, 2, 3, 5, 30])
def test_staffs_flag_queue_is_newest_session_first_by_number_whatever_the_page_size(
    build, staff, unit_x, earlier_session, size, django_assert_max_num_queries
):
    for session in (None, earlier_session, None):
        fields = {"session": session} if session else {}
        build(Status.REPLIED, lead_unit=unit_x, **fields)  # replied on time, no contact
    build(Status.ASSIGNED, lead_unit=unit_x)  # no flag
    reviewed = build(Status.REPLIED, lead_unit=unit_x, session=earlier_session)
    services.review_flag(suggestion=reviewed, kind="on_time_no_contact", note="已核", by=staff)
    live = sorted(
        Suggestion.objects.flagged_live(TODAY),
        key=lambda s: (-s.session.opens_on.toordinal(), s.number),
    )
    with django_assert_max_num_queries(3):
        rows, total = loop.flag_queue(size, TODAY)
    assert (rows, total) == (live[:size], 3)
    queues = {key: (rows, total) for key, _t, rows, total in loop.staff_queues(size, TODAY)}
    assert queues["flags"] == (live[:size], 3)


def test_the_flag_queue_reads_the_same_queries_for_more_sessions_and_rows(
    build, unit_x, earlier_session, django_assert_num_queries
):
    build(Status.REPLIED, lead_unit=unit_x, session=earlier_session)
    build(Status.REPLIED, lead_unit=unit_x)
    with django_assert_num_queries(3):  # the summary rows, the sessions before, the last one
        loop.flag_queue(30, TODAY)
    for _ in range(3):
        build(Status.REPLIED, lead_unit=unit_x, session=earlier_session)
        build(Status.REPLIED, lead_unit=unit_x)
    with django_assert_num_queries(3):
        rows, total = loop.flag_queue(30, TODAY)
    assert len(rows) == total == 8


# --- recurring suggestions -----------------------------------------------------------------


def test_bigram_jaccard_scores_rephrased_text_high_and_other_topics_low():
    a = similarity.bigrams("关于加快老旧小区改造的建议", "小区管网老化，建议分批改造。")
    b = similarity.bigrams("关于加快推进老旧小区改造的建议", "老旧小区管网老化严重，建议分批改造。")
    c = similarity.bigrams("关于增加农村公交班次的建议", "农村公交车班次太少，群众出行不便。")
    assert similarity.jaccard(a, b) >= similarity.THRESHOLD > similarity.jaccard(a, c)
    assert set(similarity.band_keys(a)) & set(similarity.band_keys(a))


def test_a_suggestion_raised_again_links_to_the_earlier_session(build, earlier_session):
    before = build(Status.REGISTERED, session=earlier_session)
    other = build(
        Status.REGISTERED,
        session=earlier_session,
        title="关于增加农村公交班次的建议",
        content="农村公交车班次太少，群众出行不便。",
    )
    again = build(Status.REGISTERED)
    links = list(again.similar_links.all())
    assert [link.earlier for link in links] == [before]
    assert other.pk not in {link.earlier_id for link in links}
    assert not before.similar_links.exists()  # links point back in time only


def test_staff_confirm_or_dismiss_a_link_and_it_is_logged(build, staff, earlier_session):
    build(Status.REGISTERED, session=earlier_session)
    again = build(Status.REGISTERED)
    link = again.similar_links.get()
    services.decide_link(link=link, confirm=True, by=staff)
    link.refresh_from_db()
    assert link.state == SimilarLink.State.CONFIRMED
    assert again.events.filter(action=Event.Action.LINK_CONFIRMED).exists()
    with pytest.raises(WorkflowError, match="already been decided"):
        services.decide_link(link=link, confirm=False, by=staff)


def test_public_page_says_how_often_the_problem_was_raised(client, build, earlier_session):
    before = build(Status.REGISTERED, session=earlier_session)
    again = build(Status.REGISTERED)
    page = client.get(reverse("suggestions:detail", args=[again.pk])).content.decode()
    assert "此类问题自 2025 年以来已提出 2 次" in page
    assert reverse("suggestions:detail", args=[before.pk]) in page
    listing = client.get(reverse("suggestions:recurring")).content.decode()
    assert "自 2025 年以来已提出 2 次" in listing and again.title in listing


def test_a_dismissed_link_no_longer_counts(client, build, staff, earlier_session):
    build(Status.REGISTERED, session=earlier_session)
    again = build(Status.REGISTERED)
    services.decide_link(link=again.similar_links.get(), confirm=False, by=staff)
    page = client.get(reverse("suggestions:detail", args=[again.pk])).content.decode()
    assert "年以来已提出" not in page
    assert not loop.recurring_topics().exists()


def test_the_deputy_sees_similar_suggestions_on_the_saved_draft(
    client, build, earlier_session, deputy_a, category, session
):
    build(Status.REGISTERED, session=earlier_session)
    draft = services.create_draft(
        deputy=deputy_a,
        session=session,
        title="关于加快老旧小区改造的建议",
        content="小区管网老化。建议分批改造。",
        category=category,
        by=deputy_a.user,
    )
    client.force_login(deputy_a.user)
    page = client.get(reverse("workbench:suggestion", args=[draft.pk])).content.decode()
    assert "其他会议的相似建议" in page and "八届五次会议" in page


# --- publication clock and figures ----------------------------------------------------------


def test_closed_suggestions_with_unpublished_replies_are_due_for_publication(
    build, staff, unit_x, settings
):
    settings.SUGGESTION_RULES = {**settings.SUGGESTION_RULES, "PUBLISH_DAYS": 30}
    closed = build(Status.CLOSED, lead_unit=unit_x)  # closed 2026-10-12
    build(Status.EVALUATED, lead_unit=unit_x)  # not closed yet: not in the queue
    queues = {key: (rows, total) for key, _t, rows, total in loop.staff_queues(30)}
    ((row,), total) = queues["publish_due"]
    assert (row, row.publish_by, row.publish_late) == (closed, datetime.date(2026, 11, 11), True)
    assert total == 1
    assert stats.loop_figures(Suggestion.objects.all())["publication_rate"] == 0.0
    services.publish_reply(reply=closed.replies.get(), by=staff)
    figures = stats.loop_figures(Suggestion.objects.all())
    assert (figures["closed_published"], figures["publication_rate"]) == (1, 100.0)
    queues = {key: (rows, total) for key, _t, rows, total in loop.staff_queues(30)}
    assert queues["publish_due"] == ([], 0)


def test_promise_figures_recount_and_the_league_table_shows_promises_kept(
    client, build, staff, unit_x
):
    kept = build(Status.REPLIED, lead_unit=unit_x, reply_class="B")
    late = build(Status.REPLIED, lead_unit=unit_x, reply_class="B")
    build(Status.REPLIED, lead_unit=unit_x, reply_class="C", on=datetime.date(2026, 1, 5))
    build(Status.REPLIED, lead_unit=unit_x, reply_class="B", on=datetime.date(2026, 10, 1))
    follow(kept, staff, on=PROMISED)
    with time_machine.travel(datetime.date(2027, 1, 5)):
        follow(late, staff, on=datetime.date(2027, 1, 5))
    figures = stats.loop_figures(Suggestion.objects.all())
    counted = {k: figures[f"promises_{k}"] for k in ["kept", "late", "overdue", "open"]}
    assert counted == {"kept": 1, "late": 1, "overdue": 1, "open": 1}
    assert figures["promise_kept_rate"] == round(100 * 1 / 3, 1)
    page = client.get(reverse("suggestions:units") + "?session=all").content.decode()
    assert "33.3%" in page
    unit_page = client.get(reverse("suggestions:unit", args=[unit_x.pk]) + "?session=all")
    assert "按期兑现1件，逾期兑现1件，逾期未跟踪答复1件，尚未到期1件" in unit_page.content.decode()


def test_home_page_and_api_show_both_satisfactions_with_their_formulas(client, build, unit_x):
    build(Status.EVALUATED, lead_unit=unit_x)
    page = client.get(reverse("suggestions:home") + "?session=all").content.decode()
    assert "满意率（答复）" in page and "落实满意率" in page and "公开率" in page
    data = client.get("/api/v1/statistics").json()
    assert data["all_ratings"]["satisfied"] == 1 and data["implementation_rate"] is None


# --- who may do what ------------------------------------------------------------------------

ROLES = ["anonymous", "deputy_a", "deputy_b", "unit_x", "unit_y", "staff"]
STAFF_ONLY = dict(anonymous="login", deputy_a=403, deputy_b=404, unit_x=403, unit_y=404, staff="ok")
LOOP_ACTIONS = {
    "rate_implementation": (
        {"satisfaction": "satisfied"},
        dict(anonymous="login", deputy_a="ok", deputy_b=404, unit_x=403, unit_y=404, staff=403),
    ),
    "review_flag": ({"kind": "on_time_no_contact", "note": "已核实"}, STAFF_ONLY),
    "decide_link": ("link", STAFF_ONLY),
}


def loop_state(suggestion):
    return (
        suggestion.events.count(),
        suggestion.implementation_ratings.count(),
        suggestion.flag_reviews.count(),
        list(suggestion.similar_links.values_list("state", flat=True)),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(LOOP_ACTIONS))
def test_loop_action_matrix(
    client, build, staff, deputy_a, deputy_b, unit_x, unit_y, earlier_session, action, role
):
    build(Status.REGISTERED, session=earlier_session)
    suggestion = build(
        Status.EVALUATED, lead_unit=unit_x, reply_class="B", on=datetime.date(2026, 1, 5)
    )
    data, outcomes = LOOP_ACTIONS[action]
    if data == "link":
        data = {"link": suggestion.similar_links.get().pk, "confirm": "yes"}
    users = {
        "deputy_a": deputy_a.user,
        "deputy_b": deputy_b.user,
        "unit_x": unit_x.members.get(),
        "unit_y": unit_y.members.get(),
        "staff": staff,
    }
    if role != "anonymous":
        client.force_login(users[role])
    before = loop_state(suggestion)
    response = client.post(reverse("workbench:act", args=[suggestion.pk, action]), data)
    expected = outcomes[role]
    if expected == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif expected == "ok":
        assert response.status_code == 302
    else:
        assert response.status_code == expected
    assert (loop_state(suggestion) != before) == (expected == "ok")


def test_odd_input_to_loop_actions_is_refused_with_a_message(
    client, build, staff, unit_x, earlier_session
):
    build(Status.REGISTERED, session=earlier_session)
    suggestion = build(Status.REPLIED, lead_unit=unit_x)
    other = build(Status.REGISTERED, title="另一件", content="另一件事")
    client.force_login(staff)
    url = reverse("workbench:act", args=[suggestion.pk, "review_flag"])
    assert client.post(url, {"kind": "no_such_flag", "note": "x"}).status_code == 400
    assert client.post(url, {"kind": "key_class_d", "note": "x"}).status_code == 400
    link_url = reverse("workbench:act", args=[other.pk, "decide_link"])
    foreign = SimilarLink.objects.exclude(suggestion=other).first()
    response = client.post(link_url, {"link": foreign.pk if foreign else 1, "confirm": "yes"})
    assert response.status_code == 400
    assert client.post(link_url, {"link": "x" * 30, "confirm": "maybe"}).status_code == 400
    assert not FlagReview.objects.exists()


def test_staff_workbench_shows_the_loop_queues(client, build, staff, unit_x):
    build(Status.REPLIED, lead_unit=unit_x, reply_class="B", on=datetime.date(2026, 1, 5))
    client.force_login(staff)
    page = client.get(reverse("workbench:dashboard")).content.decode()
    assert 'id="queue-promises_overdue"' in page and 'id="queue-flags"' in page
    assert 'id="queue-publish_due"' in page and 'id="queue-links"' in page


def test_unit_page_shows_the_reply_and_the_implementation_satisfaction(
    client, build, staff, unit_x, deputy_a
):
    suggestion = build(
        Status.EVALUATED, lead_unit=unit_x, reply_class="B", on=datetime.date(2026, 1, 5)
    )
    services.rate_implementation(
        suggestion=suggestion, deputy=deputy_a, satisfaction="dissatisfied", by=staff
    )
    response = client.get(reverse("suggestions:unit", args=[unit_x.pk]) + "?session=all")
    implementation = response.context["implementation"]
    assert (implementation["rate"], implementation["rated"]) == (0.0, 1)
    assert response.context["row"]["satisfaction_rate"] == 100.0
    assert "落实满意率" in response.content.decode()


def test_units_are_reminded_of_promised_follow_ups_once(build, unit_x):
    build(Status.REPLIED, lead_unit=unit_x, reply_class="B", on=datetime.date(2026, 1, 5))
    assert notifications.send_promise_reminders(TODAY) == 1
    assert notifications.send_promise_reminders(TODAY) == 0  # the same day again: nothing new
    assert Notification.objects.filter(user=unit_x.members.get(), key__startswith="promise-")


def test_the_unit_sees_the_follow_ups_it_owes_on_its_workbench(client, build, unit_x):
    suggestion = build(Status.REPLIED, lead_unit=unit_x, reply_class="B")
    client.force_login(unit_x.members.get())
    response = client.get(reverse("workbench:dashboard"))
    assert [r.suggestion_id for r in response.context["unit_promises"]] == [suggestion.pk]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 30])
def test_a_units_soonest_promises_are_those_the_replies_give_whatever_the_page_size(
    build, unit_x, unit_y, size
):
    """The workbench reads the list through the summary rows' dates (to skip the unit's old
    replies); it must be exactly the unit's open promises in date order, first `size`."""
    for days, unit in [
        (3, unit_x),
        (1, unit_x),
        (1, unit_y),
        (3, unit_x),
        (2, unit_x),
        (0, unit_y),
    ]:
        build(
            Status.REPLIED,
            lead_unit=unit,
            reply_class="B",
            on=datetime.date(2026, 1, 5) + datetime.timedelta(days=days),
        )
    followed = build(Status.REPLIED, lead_unit=unit_x, reply_class="C")  # kept: not owed
    follow(followed, unit_x.members.get(), on=TODAY)
    owed = (
        Reply.objects.promises_open().filter(assignment__unit=unit_x).order_by("promised_by", "pk")
    )
    assert loop.unit_promises([unit_x.pk], size) == list(owed[:size])


@pytest.mark.parametrize("size", [1, 2, 4, 30])
def test_staffs_overdue_promises_are_the_oldest_owed_whatever_the_page_size(
    build, unit_x, unit_y, size
):
    for days, unit in [(3, unit_x), (1, unit_y), (1, unit_x), (2, unit_y), (0, unit_x)]:
        build(
            Status.REPLIED,
            lead_unit=unit,
            reply_class="B",
            on=datetime.date(2026, 1, 5) + datetime.timedelta(days=days),
        )
    build(Status.REPLIED, lead_unit=unit_x, reply_class="B", on=TODAY)  # not yet due
    owed = Reply.objects.promises_overdue(TODAY).order_by("promised_by", "pk")
    queues = {key: (rows, total) for key, _t, rows, total in loop.staff_queues(size, TODAY)}
    assert queues["promises_overdue"] == (list(owed[:size]), 5)


def test_the_drafting_deputy_gets_similar_suggestions_as_json(
    client, build, earlier_session, deputy_a, unit_x
):
    before = build(Status.REGISTERED, session=earlier_session)
    client.force_login(deputy_a.user)
    url = reverse("workbench:similar_json")
    data = client.get(url, {"title": before.title, "content": before.content}).json()
    assert [item["id"] for item in data["items"]] == [before.pk]
    assert client.get(url, {"title": "", "content": "x" * 50000}).json() == {"items": []}
    client.force_login(unit_x.members.get())
    assert client.get(url, {"title": before.title}).status_code == 403


def test_a_units_page_counts_only_the_promises_it_made(client, build, unit_x, unit_y):
    build(Status.REPLIED, lead_unit=unit_y, co_units=[unit_x], reply_class="B")
    x = client.get(reverse("suggestions:unit", args=[unit_x.pk]) + "?session=all").context
    y = client.get(reverse("suggestions:unit", args=[unit_y.pk]) + "?session=all").context
    assert (x["promise_figures"]["promises"], y["promise_figures"]["promises"]) == (0, 1)
    assert (len(x["promises"]), len(y["promises"])) == (0, 1)


def test_a_units_page_lists_its_current_promises_by_date_in_a_session_and_over_all(
    client, build, staff, unit_x, unit_y, earlier_session
):
    """The page reads the promises two ways (walked in date order over all sessions, sorted
    within one); both are the unit's current promises, a revised one only in its new form."""
    earlier = build(Status.REPLIED, lead_unit=unit_x, reply_class="B", session=earlier_session)
    revised = build(Status.REPLIED, lead_unit=unit_x, reply_class="B")
    services.revise_reply(
        reply=revised.replies.get(),
        reply_class="C",
        text="待条件成熟",
        signed_by="局长",
        by=staff,
        promise="争取省级资金",
        promise_year=2027,
    )
    build(Status.REPLIED, lead_unit=unit_y, reply_class="B")  # another unit's
    build(Status.REPLIED, lead_unit=unit_x, reply_class="B", on=datetime.date(2026, 10, 1))
    url = reverse("suggestions:unit", args=[unit_x.pk])
    mine = Reply.objects.promises().filter(assignment__unit=unit_x).order_by("promised_by", "pk")
    for query, want in [
        ("?session=all", list(mine)),
        (f"?session={earlier_session.pk}", [earlier.replies.get()]),
        ("", list(mine.exclude(suggestion=earlier))),
    ]:
        shown = [r for r, _state in client.get(url + query).context["promises"]]
        assert shown == want, query
    assert len(mine) == 3 and revised.replies.count() == 2


def test_the_back_office_lists_the_loops_rows_read_only(client, build, staff, earlier_session):
    build(Status.REGISTERED, session=earlier_session)
    build(Status.REGISTERED)
    client.force_login(staff)
    for name in ["similarlink", "flagreview", "implementationrating"]:
        assert client.get(reverse(f"admin:suggestions_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:suggestions_{name}_add")).status_code == 403


def test_the_unit_table_export_carries_promises_kept(client, build, staff, unit_x):
    kept = build(Status.REPLIED, lead_unit=unit_x, reply_class="B")
    follow(kept, staff, on=PROMISED)
    response = client.get(reverse("suggestions:units_export", args=["csv"]) + "?session=all")
    text = response.content.decode("utf-8-sig")
    assert "承诺兑现率" in text.splitlines()[0] and text.splitlines()[1].endswith("100.0")
