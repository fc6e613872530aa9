"""The handling workflow: each transition allowed where the rules allow it, refused elsewhere."""

import datetime

import pytest

from suggestions import services
from suggestions.models import Event, Suggestion, WorkflowError
from tests.conftest import START, TODAY

Status = Suggestion.Status
pytestmark = pytest.mark.django_db


def unchanged(suggestion):
    before = Suggestion.objects.get(pk=suggestion.pk)
    return before.status, before.events.count()


def test_staff_entering_a_paper_suggestion_numbers_it_and_records_the_history(build, deputy_b):
    first = build(co_signers=[deputy_b])
    second = build()
    assert (first.number, second.number) == (1, 2)
    assert first.status == Status.SUBMITTED
    assert first.signatures.get().confirmed_on == START
    assert list(first.events.values_list("action", flat=True)) == [Event.Action.ENTERED]


def test_lead_deputy_cannot_also_co_sign(build, deputy_a):
    with pytest.raises(WorkflowError, match="cannot also co-sign"):
        build(co_signers=[deputy_a])
    assert not Suggestion.objects.exists()


def test_registering_moves_a_submitted_suggestion_and_writes_who_and_when(build, staff):
    suggestion = build()
    services.register(suggestion=suggestion, by=staff, on=TODAY)
    suggestion.refresh_from_db()
    assert suggestion.status == Status.REGISTERED
    assert suggestion.registered_on == TODAY
    event = suggestion.events.last()
    assert (event.action, event.from_status, event.to_status, event.actor, event.occurred_on) == (
        Event.Action.REGISTERED,
        Status.SUBMITTED,
        Status.REGISTERED,
        staff,
        TODAY,
    )


@pytest.mark.parametrize("state", [Status.REGISTERED, Status.ASSIGNED, Status.CLOSED])
def test_only_a_submitted_suggestion_can_be_registered(build, staff, unit_x, state):
    suggestion = build(state, lead_unit=unit_x)
    before = unchanged(suggestion)
    with pytest.raises(WorkflowError, match="Only a submitted suggestion"):
        services.register(suggestion=suggestion, by=staff)
    assert unchanged(suggestion) == before


def test_refusing_registration_needs_a_reason_and_keeps_it_private(build, staff):
    suggestion = build()
    with pytest.raises(WorkflowError, match="Say why"):
        services.refuse_registration(suggestion=suggestion, reason="  ", by=staff)
    services.refuse_registration(
        suggestion=suggestion, reason="属个人事项", as_letter=True, by=staff
    )
    suggestion.refresh_from_db()
    assert suggestion.status == Status.NOT_REGISTERED
    assert suggestion.handled_as_letter
    assert not suggestion.events.last().is_public
    assert not Suggestion.objects.public().filter(pk=suggestion.pk).exists()


def test_similar_suggestions_can_be_merged_but_not_into_themselves(build, staff):
    kept, merged = build(Status.REGISTERED), build()
    with pytest.raises(WorkflowError, match="into itself"):
        services.merge(suggestion=merged, into=merged, by=staff)
    services.merge(suggestion=merged, into=kept, by=staff)
    merged.refresh_from_db()
    assert (merged.status, merged.merged_into) == (Status.MERGED, kept)


def test_assignment_sets_a_lead_and_co_units_due_three_months_later(build, staff, unit_x, unit_y):
    suggestion = build(Status.REGISTERED, on=datetime.date(2026, 3, 1))
    services.assign(
        suggestion=suggestion,
        lead_unit=unit_x,
        co_units=[unit_y],
        by=staff,
        on=datetime.date(2026, 3, 1),
    )
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ASSIGNED
    assert suggestion.due_on == datetime.date(2026, 6, 1)
    roles = dict(suggestion.assignments.values_list("unit__name", "role"))
    assert roles == {"市住建局": "lead", "市交通局": "co"}
    assert "市住建局" in suggestion.events.last().note


def test_assignment_refuses_no_lead_and_the_same_unit_twice(build, staff, unit_x):
    suggestion = build(Status.REGISTERED)
    with pytest.raises(WorkflowError, match="Choose a lead unit"):
        services.assign(suggestion=suggestion, by=staff)
    with pytest.raises(WorkflowError, match="only once"):
        services.assign(suggestion=suggestion, lead_unit=unit_x, co_units=[unit_x], by=staff)
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.REGISTERED
    assert not suggestion.assignments.exists()


def test_a_submitted_suggestion_cannot_be_assigned_before_registration(build, staff, unit_x):
    suggestion = build()
    with pytest.raises(WorkflowError, match="Only a registered suggestion can be assigned"):
        services.assign(suggestion=suggestion, lead_unit=unit_x, by=staff)


def test_assignment_cannot_be_dated_before_registration(build, staff, unit_x):
    suggestion = build(Status.REGISTERED, on=datetime.date(2026, 3, 1))
    with pytest.raises(WorkflowError, match="before it was registered"):
        services.assign(
            suggestion=suggestion, lead_unit=unit_x, by=staff, on=datetime.date(2026, 2, 1)
        )


def test_split_handling_is_replied_only_when_every_unit_has_replied(build, staff, unit_x, unit_y):
    suggestion = build(Status.REGISTERED)
    services.assign(suggestion=suggestion, separate_units=[unit_x, unit_y], by=staff, on=TODAY)
    x, y = suggestion.assignments.order_by("unit__name")
    services.reply(assignment=x, reply_class="A", text="已解决", signed_by="局长", by=staff)
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ASSIGNED
    services.reply(
        assignment=y,
        reply_class="C",
        text="待条件成熟",
        signed_by="局长",
        by=staff,
        promise="争取上级资金",
        promise_year=2027,
    )
    suggestion.refresh_from_db()
    assert suggestion.status == Status.REPLIED
    assert suggestion.reply_class == "C"  # the least favourable of the units' replies


def test_co_handler_sends_views_but_cannot_reply(build, staff, unit_x, unit_y):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x, co_units=[unit_y])
    co = suggestion.assignments.get(role="co")
    services.send_co_opinion(assignment=co, text="同意主办单位意见", by=staff)
    with pytest.raises(WorkflowError, match="does not reply"):
        services.reply(assignment=co, reply_class="A", text="x", signed_by="y", by=staff)
    assert co.opinions.count() == 1


def test_a_reply_needs_a_class_from_a_to_d_text_and_a_signature(build, staff, unit_x):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x)
    lead = suggestion.assignments.get()
    with pytest.raises(WorkflowError, match="A, B, C and D"):
        services.reply(assignment=lead, reply_class="E", text="x", signed_by="y", by=staff)
    with pytest.raises(WorkflowError, match="empty"):
        services.reply(assignment=lead, reply_class="A", text=" ", signed_by="y", by=staff)
    assert not suggestion.replies.exists()


def test_replying_on_time_is_recorded_and_a_second_reply_is_refused(build, staff, unit_x):
    suggestion = build(Status.REPLIED, lead_unit=unit_x)
    assert (suggestion.status, suggestion.replied_on_time, suggestion.reply_class) == (
        Status.REPLIED,
        True,
        "A",
    )
    with pytest.raises(WorkflowError, match="not waiting for a reply"):
        services.reply(
            assignment=suggestion.assignments.get(),
            reply_class="A",
            text="x",
            signed_by="y",
            by=staff,
        )


def test_late_reply_counts_as_not_on_time(build, staff, unit_x):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x, on=datetime.date(2026, 1, 20))
    services.reply(
        assignment=suggestion.assignments.get(),
        reply_class="B",
        text="正在解决",
        signed_by="局长",
        by=staff,
        on=datetime.date(2026, 5, 1),
        promise="年内完成",
        promised_by=datetime.date(2026, 12, 1),
    )
    suggestion.refresh_from_db()
    assert suggestion.replied_on_time is False


def test_revised_reply_keeps_the_original_on_record(build, staff, unit_x):
    suggestion = build(Status.REPLIED, lead_unit=unit_x, reply_class="B")
    original = suggestion.replies.get()
    revised = services.revise_reply(
        reply=original, reply_class="A", text="已全部解决", signed_by="局长", by=staff
    )
    assert revised.supersedes == original
    assert list(suggestion.replies.current()) == [revised]
    assert suggestion.replies.count() == 2
    suggestion.refresh_from_db()
    assert suggestion.reply_class == "A"


def test_follow_up_cannot_be_dated_before_the_reply(build, staff, unit_x):
    promised = build(Status.REPLIED, lead_unit=unit_x, reply_class="C")
    with pytest.raises(WorkflowError, match="before"):
        services.follow_up(
            assignment=promised.assignments.get(),
            reply_class="A",
            text="x",
            signed_by="y",
            by=staff,
            on=START,
        )


def test_follow_up_only_for_a_b_or_c_reply(build, staff, unit_x, unit_y):
    promised = build(Status.CLOSED, lead_unit=unit_x, reply_class="B")
    services.follow_up(
        assignment=promised.assignments.get(),
        reply_class="A",
        text="承诺事项已办结",
        signed_by="局长",
        by=staff,
    )
    promised.refresh_from_db()
    assert promised.reply_class == "A"
    assert promised.replies.filter(kind="follow_up").count() == 1
    solved = build(Status.REPLIED, lead_unit=unit_y, reply_class="A")
    with pytest.raises(WorkflowError, match="B or C"):
        services.follow_up(
            assignment=solved.assignments.get(), reply_class="A", text="x", signed_by="y", by=staff
        )


def test_publishing_is_a_logged_decision_with_an_optional_redacted_text(build, staff, unit_x):
    suggestion = build(Status.REPLIED, lead_unit=unit_x)
    reply = suggestion.replies.get()
    services.publish_reply(reply=reply, public_text="已解决（联系方式略）", by=staff)
    reply.refresh_from_db()
    assert reply.is_published and reply.shown_text == "已解决（联系方式略）"
    assert suggestion.events.filter(action=Event.Action.PUBLISHED, actor=staff).exists()
    with pytest.raises(WorkflowError, match="already published"):
        services.publish_reply(reply=reply, by=staff)


def test_satisfied_rating_evaluates_and_staff_can_then_close(build, staff, unit_x):
    suggestion = build(Status.REPLIED, lead_unit=unit_x)
    services.evaluate(
        suggestion=suggestion,
        deputy=suggestion.lead_deputy,
        satisfaction="basically_satisfied",
        contacted=True,
        by=staff,
    )
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.satisfaction) == (Status.EVALUATED, "basically_satisfied")
    services.close(suggestion=suggestion, by=staff)
    suggestion.refresh_from_db()
    assert suggestion.status == Status.CLOSED and suggestion.closed_on == TODAY


def test_dissatisfied_sends_it_back_for_re_handling_due_in_one_month(build, staff, unit_x):
    suggestion = build(
        Status.REPLIED, lead_unit=unit_x, reply_class="C", on=datetime.date(2026, 1, 5)
    )
    services.evaluate(
        suggestion=suggestion,
        deputy=suggestion.lead_deputy,
        satisfaction="dissatisfied",
        contacted=False,
        by=staff,
        on=datetime.date(2026, 3, 31),
    )
    suggestion.refresh_from_db()
    assert suggestion.status == Status.RE_HANDLING
    assert suggestion.due_on == datetime.date(2026, 4, 30)
    assert suggestion.was_re_handled
    lead = suggestion.assignments.get()
    services.reply(
        assignment=lead,
        reply_class="B",
        text="重新办理",
        signed_by="局长",
        by=staff,
        on=datetime.date(2026, 4, 20),
        promise="年底前完成",
        promise_year=2026,
    )
    suggestion.refresh_from_db()
    assert suggestion.status == Status.REPLIED
    assert suggestion.replies.filter(round=2).exists()
    # A second dissatisfied rating is recorded; there is no endless loop of re-handling.
    services.evaluate(
        suggestion=suggestion,
        deputy=suggestion.lead_deputy,
        satisfaction="dissatisfied",
        contacted=True,
        by=staff,
        on=datetime.date(2026, 4, 25),
    )
    suggestion.refresh_from_db()
    assert suggestion.status == Status.EVALUATED


def test_only_the_suggestions_deputies_rate_and_only_once(build, staff, unit_x, deputy_b):
    suggestion = build(Status.REPLIED, lead_unit=unit_x)
    with pytest.raises(WorkflowError, match="Only the suggestion's deputies"):
        services.evaluate(
            suggestion=suggestion,
            deputy=deputy_b,
            satisfaction="satisfied",
            contacted=True,
            by=staff,
        )
    services.evaluate(
        suggestion=suggestion,
        deputy=suggestion.lead_deputy,
        satisfaction="satisfied",
        contacted=True,
        by=staff,
    )
    with pytest.raises(WorkflowError):
        services.evaluate(
            suggestion=suggestion,
            deputy=suggestion.lead_deputy,
            satisfaction="satisfied",
            contacted=True,
            by=staff,
        )
    assert suggestion.evaluations.count() == 1


def test_co_signer_may_add_a_rating_without_moving_the_status(build, staff, unit_x, deputy_b):
    suggestion = build(Status.REPLIED, lead_unit=unit_x, co_signers=[deputy_b])
    services.evaluate(
        suggestion=suggestion,
        deputy=deputy_b,
        satisfaction="dissatisfied",
        contacted=False,
        by=staff,
    )
    suggestion.refresh_from_db()
    assert suggestion.status == Status.REPLIED


def test_an_unrated_reply_closes_only_after_the_evaluation_period(build, staff, unit_x):
    suggestion = build(Status.REPLIED, lead_unit=unit_x, on=datetime.date(2026, 1, 1))
    replied_on = suggestion.replies.get().replied_on
    with pytest.raises(WorkflowError, match="30 days to rate"):
        services.close(suggestion=suggestion, by=staff, on=replied_on + datetime.timedelta(10))
    services.close(suggestion=suggestion, by=staff, on=replied_on + datetime.timedelta(30))
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.CLOSED


@pytest.mark.parametrize("state", [Status.SUBMITTED, Status.ASSIGNED, Status.CLOSED])
def test_closing_is_refused_before_a_reply_or_twice(build, staff, unit_x, state):
    suggestion = build(state, lead_unit=unit_x)
    before = unchanged(suggestion)
    with pytest.raises(WorkflowError):
        services.close(suggestion=suggestion, by=staff)
    assert unchanged(suggestion) == before


def test_return_of_the_lead_unit_sends_the_suggestion_back_for_assignment(build, staff, unit_x):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x)
    request = services.request_return(
        assignment=suggestion.assignments.get(), reason="属县级事权", by=staff, on=START
    )
    services.decide_return(request=request, approve=True, note="同意", by=staff)
    suggestion.refresh_from_db()
    request.refresh_from_db()
    assert suggestion.status == Status.REGISTERED
    assert not suggestion.assignments.exists()
    assert (request.decision, request.unit) == ("approved", unit_x)


def test_return_must_be_asked_within_ten_days_with_a_reason(build, staff, unit_x):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x, on=datetime.date(2026, 3, 1))
    lead = suggestion.assignments.get()
    with pytest.raises(WorkflowError, match="Say why"):
        services.request_return(assignment=lead, reason="", by=staff, on=datetime.date(2026, 3, 2))
    with pytest.raises(WorkflowError, match="within 10 days"):
        services.request_return(
            assignment=lead, reason="不属本单位职责", by=staff, on=datetime.date(2026, 3, 12)
        )
    services.request_return(
        assignment=lead, reason="不属本单位职责", by=staff, on=datetime.date(2026, 3, 11)
    )


def test_refused_return_keeps_the_assignment_and_cannot_be_decided_twice(build, staff, unit_x):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x)
    request = services.request_return(
        assignment=suggestion.assignments.get(), reason="x", by=staff, on=START
    )
    services.decide_return(request=request, approve=False, note="属本单位职责", by=staff)
    with pytest.raises(WorkflowError, match="already been decided"):
        services.decide_return(request=request, approve=True, by=staff)
    assert suggestion.assignments.count() == 1
