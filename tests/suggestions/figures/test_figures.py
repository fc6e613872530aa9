"""Each published figure's formula checked against its query, on the edges that bend it:
split handling, lead and co-handlers, re-handling, follow-up and revised replies, returns.

The same figures feed the home page, the category and delegation tables, the unit table and
the API's statistics, so each edge is checked on the shared functions and once through a page.
"""

import datetime

from suggestions import services
from suggestions.figures import stats
from suggestions.models import Assignment, Suggestion
from tests.conftest import START, TODAY, promise_for

S = Suggestion.Status
LATER = START + datetime.timedelta(days=30)


def figures():
    return stats.overview(Suggestion.objects.all())


def units():
    return {row["unit__name"]: row for row in stats.by_unit(Assignment.objects.all())}


def _reply(assignment, staff, reply_class="A", on=LATER):
    return services.reply(
        assignment=assignment,
        reply_class=reply_class,
        text="已办理。",
        signed_by="局长",
        by=staff,
        on=on,
        **promise_for(reply_class, on),
    )


def _split(build, staff, *units_):
    suggestion = build(S.REGISTERED)
    services.assign(suggestion=suggestion, separate_units=units_, by=staff, on=START)
    return suggestion


def test_split_handling_is_replied_only_when_every_unit_has_replied(
    build, staff, unit_x, unit_y, client
):
    suggestion = _split(build, staff, unit_x, unit_y)
    _reply(suggestion.assignments.get(unit=unit_x), staff, "B")

    f = figures()
    assert (f.registered, f.replied, f.reply_rate) == (1, 0, 0.0)
    assert (f.on_time, f.classified) == (0, 0)  # class and timeliness are not final yet
    assert (units()["市住建局"]["replied"], units()["市交通局"]["replied"]) == (1, 0)
    home = client.get("/?session=all").content.decode()
    assert 'data-figure="replied">0<' in home

    _reply(suggestion.assignments.get(unit=unit_y), staff, "A")
    f = figures()
    assert (f.replied, f.reply_rate, f.on_time, f.class_B) == (1, 100.0, 1, 1)
    assert 'data-figure="replied">1<' in client.get("/?session=all").content.decode()


def test_with_lead_and_co_handlers_the_lead_units_reply_is_the_reply(build, staff, unit_x, unit_y):
    build(S.REPLIED, lead_unit=unit_x, co_units=[unit_y])
    f = figures()
    assert (f.replied, f.on_time, f.class_A) == (1, 1, 1)
    x, y = units()["市住建局"], units()["市交通局"]
    assert (x["lead"], x["replied"], x["on_time"]) == (1, 1, 1)
    assert (y["co"], y["replied"], y["overdue"]) == (1, 0, 0)  # a co-handler owes no reply


def test_re_handling_keeps_the_first_rounds_reply_and_timeliness(build, staff, deputy_a, unit_x):
    suggestion = build(S.REPLIED, lead_unit=unit_x)
    services.evaluate(
        suggestion=suggestion,
        deputy=deputy_a,
        satisfaction="dissatisfied",
        contacted=True,
        by=staff,
    )
    f = figures()
    assert (f.replied, f.on_time, f.re_handled, f.dissatisfied) == (1, 1, 1, 1)
    assert (units()["市住建局"]["replied"], units()["市住建局"]["on_time"]) == (1, 1)

    # The re-handling reply comes late: still replied once, and the first round was on time.
    late = TODAY + datetime.timedelta(days=60)
    assert stats.overview(Suggestion.objects.all(), today=late).overdue == 1
    assert units()["市住建局"]["overdue"] == 0
    _reply(suggestion.assignments.get(), staff, "A", on=TODAY)
    f = figures()
    assert (f.replied, f.on_time, f.re_handled, f.overdue) == (1, 1, 1, 0)


def test_follow_up_and_revised_replies_count_the_suggestion_once(build, staff, unit_x):
    suggestion = build(S.REPLIED, lead_unit=unit_x, reply_class="B")
    assignment = suggestion.assignments.get()
    services.follow_up(
        assignment=assignment, reply_class="A", text="已解决。", signed_by="局长", by=staff
    )
    reply = suggestion.replies.filter(kind="reply").get()
    # Revised after the due date: the unit's reply was still sent on time.
    services.revise_reply(reply=reply, reply_class="A", text="更正。", signed_by="局长", by=staff)
    f = figures()
    assert (f.replied, f.on_time, f.class_A, f.class_B, f.classified) == (1, 1, 1, 0, 1)
    assert (units()["市住建局"]["replied"], units()["市住建局"]["on_time"]) == (1, 1)


def test_an_approved_lead_return_takes_the_suggestion_out_of_assigned(build, staff, unit_x):
    suggestion = build(S.REGISTERED)
    services.assign(suggestion=suggestion, lead_unit=unit_x, by=staff, on=TODAY)
    request = services.request_return(
        assignment=suggestion.assignments.get(), reason="不属本单位职责", by=staff
    )
    services.decide_return(request=request, approve=True, by=staff)
    f = figures()
    assert (f.registered, f.assigned, f.replied, f.overdue) == (1, 0, 0, 0)
    assert units() == {}


def test_a_split_unit_returned_after_the_others_replied_leaves_the_suggestion_replied(
    build, staff, unit_x, unit_y
):
    suggestion = build(S.REGISTERED)
    services.assign(suggestion=suggestion, separate_units=[unit_x, unit_y], by=staff, on=TODAY)
    _reply(suggestion.assignments.get(unit=unit_x), staff, on=TODAY)
    request = services.request_return(
        assignment=suggestion.assignments.get(unit=unit_y), reason="不属本单位职责", by=staff
    )
    services.decide_return(request=request, approve=True, by=staff)
    suggestion.refresh_from_db()
    assert suggestion.status == S.REPLIED and suggestion.due_on is None
    assert (figures().replied, figures().on_time) == (1, 1)
    assert suggestion.events.last().to_status == S.REPLIED


def test_api_statistics_publish_the_same_figures(build, staff, unit_x, unit_y, client):
    suggestion = _split(build, staff, unit_x, unit_y)
    _reply(suggestion.assignments.get(unit=unit_x), staff)
    data = client.get("/api/v1/statistics").json()
    f = figures()
    assert data["replied"] == f.replied == 0
    assert data["classes"] == {"A": 0, "B": 0, "C": 0, "D": 0}
    by_unit = {r["unit"]: r for r in client.get("/api/v1/statistics/units").json()}
    assert by_unit["市住建局"]["replied"] == 1 and by_unit["市交通局"]["replied"] == 0
