"""The consistency flags kept on the suggestion row equal their live definition (and so does
the day a closed suggestion began to await its reply's publication, kept with them).

`SuggestionQuerySet.with_flags` is what a flag means; the flag lists (`flagged`, the unit
page, staff's queue) read the columns the services keep from it. After every transition that
can raise or clear a flag, and a review, the columns say what the definition says for every
suggestion and on every day that matters; a promise falls past its date with the clock, with
nothing written; and keeping the columns costs one statement per service, whatever it touched.
"""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suggestions import services
from suggestions.figures import loop, summaries
from suggestions.imports import writing
from suggestions.imports.plan import RowPlan
from suggestions.models import FLAGS, Reply, Suggestion, awaits_publication
from tests.conftest import NOW, START, TODAY

Status = Suggestion.Status
pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def days_that_matter():
    """Today, and each promised date and the day after it (where promise_overdue turns)."""
    promised = set(Reply.objects.exclude(promised_by=None).values_list("promised_by", flat=True))
    return sorted({TODAY, *promised, *(d + DAY for d in promised)})


def live_flags(today):
    """{suggestion id: [(kind, reviewed)]} by the definition."""
    return {
        s.pk: [
            (kind, getattr(s, f"flag_{kind}_reviewed"))
            for kind in FLAGS
            if getattr(s, f"flag_{kind}")
        ]
        for s in Suggestion.objects.with_flags(today)
    }


def assert_flags_in_step(step):
    awaiting = Suggestion.objects.filter(awaits_publication()).values_list("pk", "closed_on")
    assert set(awaiting) == set(
        Suggestion.objects.filter(awaits_publication_since__isnull=False).values_list(
            "pk", "awaits_publication_since"
        )
    ), step
    for today in days_that_matter():
        stored = {s.pk: s.stored_flags(today) for s in Suggestion.objects.all()}
        assert stored == live_flags(today), (step, today)
        for reviewed in (True, False):
            kept = set(Suggestion.objects.flagged(today, reviewed=reviewed))
            live = set(Suggestion.objects.flagged_live(today, reviewed=reviewed))
            assert kept == live, (step, today, reviewed)


def kinds(suggestion, today=None):
    suggestion.refresh_from_db()
    return {kind for kind, _reviewed in suggestion.stored_flags(today)}


def reply(assignment, by, reply_class="A", text="已解决。", **fields):
    return services.reply(
        assignment=assignment, reply_class=reply_class, text=text, signed_by="局长", by=by, **fields
    )


def evaluate(suggestion, deputy, by, satisfaction):
    services.evaluate(
        suggestion=suggestion, deputy=deputy, satisfaction=satisfaction, contacted=True, by=by
    )


# --- every transition that raises or clears a flag ---------------------------------------------


def test_the_stored_flags_follow_every_transition_that_raises_or_clears_one(
    build, staff, unit_x, unit_y, deputy_a, leader
):
    quiet = build(Status.ASSIGNED, lead_unit=unit_x, title="尚未答复")
    assert kinds(quiet) == set()

    # Replied on time, no contact recorded: raised by the reply, cleared by a contact.
    on_time = build(Status.REPLIED, lead_unit=unit_x, title="按时答复")
    assert kinds(on_time) == {"on_time_no_contact"}
    assert_flags_in_step("replied on time")
    services.record_contact(
        assignment=on_time.assignments.get(), contacted_on=START, way="phone", by=staff
    )
    assert kinds(on_time) == set()
    assert_flags_in_step("contact recorded")

    # Class A, dissatisfied: raised by the evaluation; re-handled with the same answer raises
    # same_rehandled; a different answer on re-handling clears it.
    disputed = build(Status.REPLIED, lead_unit=unit_x, title="不满意")
    services.record_contact(
        assignment=disputed.assignments.get(), contacted_on=START, way="phone", by=staff
    )
    evaluate(disputed, deputy_a, staff, "dissatisfied")
    assert "a_dissatisfied" in kinds(disputed)
    assert_flags_in_step("class A, dissatisfied")
    same = reply(disputed.assignments.get(), staff)
    assert "same_rehandled" in kinds(disputed)
    assert_flags_in_step("re-handled with the same answer")
    services.revise_reply(
        reply=same, reply_class="A", text="已重新办理，问题解决。", signed_by="局长", by=staff
    )
    assert "same_rehandled" not in kinds(disputed)
    assert_flags_in_step("re-handling reply revised")

    # Key suggestion answered D: raised by marking it key after a D reply; a revision clears it.
    kept_for_reference = build(Status.ASSIGNED, lead_unit=unit_y, title="留作参考")
    d_reply = reply(kept_for_reference.assignments.get(), staff, reply_class="D", text="留作参考")
    assert "key_class_d" not in kinds(kept_for_reference)
    services.mark_key(suggestion=kept_for_reference, leader=leader, by=staff)
    assert "key_class_d" in kinds(kept_for_reference)
    assert_flags_in_step("marked key after a D reply")
    services.revise_reply(
        reply=d_reply,
        reply_class="C",
        text="待条件成熟",
        signed_by="局长",
        by=staff,
        promise="争取省级资金",
        promised_by=TODAY + 10 * DAY,
    )
    assert "key_class_d" not in kinds(kept_for_reference)
    assert_flags_in_step("D revised to C with a promise")

    # A promise: open today, past its date later, kept by a follow-up.
    promised = build(Status.REPLIED, lead_unit=unit_x, reply_class="B", title="分批改造")
    due = promised.replies.get().promised_by
    assert "promise_overdue" not in kinds(promised, due)
    assert "promise_overdue" in kinds(promised, due + DAY)
    assert_flags_in_step("B reply with a promise")
    services.follow_up(
        assignment=promised.assignments.get(),
        reply_class="A",
        text="承诺事项已完成",
        signed_by="局长",
        by=staff,
        on=TODAY,
    )
    assert "promise_overdue" not in kinds(promised, due + DAY)
    assert_flags_in_step("promise followed up")

    # A review moves the flag from the queue to the reviewed list.
    services.review_flag(suggestion=disputed, kind="a_dissatisfied", note="已核实", by=staff)
    disputed.refresh_from_db()
    assert ("a_dissatisfied", True) in disputed.stored_flags()
    assert_flags_in_step("flag reviewed")

    # Closed with its reply unpublished: it awaits publication from the day it closed, until
    # the reply is published.
    closed = build(Status.CLOSED, lead_unit=unit_x, title="已办结")
    closed.refresh_from_db()
    assert closed.awaits_publication_since == closed.closed_on is not None
    assert_flags_in_step("closed, reply unpublished")
    services.publish_reply(reply=closed.replies.get(), by=staff)
    closed.refresh_from_db()
    assert closed.awaits_publication_since is None
    assert_flags_in_step("reply published")


def test_of_two_units_promises_the_earliest_open_one_says_when_the_flag_holds(
    build, staff, unit_x, unit_y
):
    suggestion = build(Status.REGISTERED)
    services.assign(suggestion=suggestion, separate_units=[unit_x, unit_y], by=staff)
    for unit, days in [(unit_x, 20), (unit_y, 10)]:
        reply(
            suggestion.assignments.get(unit=unit),
            staff,
            "B",
            "正在解决",
            promise="分批改造",
            promised_by=TODAY + days * DAY,
        )
    suggestion.refresh_from_db()
    assert suggestion.promise_due == TODAY + 10 * DAY
    assert_flags_in_step("two units' promises")
    services.follow_up(
        assignment=suggestion.assignments.get(unit=unit_y),
        reply_class="A",
        text="承诺事项已完成",
        signed_by="局长",
        by=staff,
    )
    suggestion.refresh_from_db()
    assert suggestion.promise_due == TODAY + 20 * DAY
    assert_flags_in_step("one unit's promise kept")


def test_marking_key_and_a_bulk_write_of_a_session_refresh_the_flags(build, session, staff, unit_x):
    from congress.models import Leader
    from suggestions import services

    d_reply = build(Status.REPLIED, lead_unit=unit_x, reply_class="D")
    leader = Leader.objects.create(name="常委甲", kind=Leader.Kind.STANDING_COMMITTEE)
    services.mark_key(suggestion=d_reply, leader=leader, by=staff)
    assert "key_class_d" in kinds(d_reply)
    assert_flags_in_step("made key")

    @summaries.in_step
    def bulk_write():  # as an import's replay: rows written at once, the session recounted
        Suggestion.objects.filter(session=session).update(is_key=False)
        summaries.touched_session(session)

    bulk_write()
    assert "key_class_d" not in kinds(d_reply)
    assert_flags_in_step("bulk write of the session")


def test_an_import_writes_the_flags_of_its_session(session, staff, category, deputy_a, unit_x):
    plans = [
        RowPlan(
            sheet="Sheet1",
            row=2,
            values={
                "number": 8,
                "title": "关于托育的建议",
                "content": "托育机构不足。",
                "period": "during",
                "submitted_on": START,
            },
            category=category,
            lead=deputy_a,
            lead_unit=unit_x,
            reply_class="A",
            satisfaction="dissatisfied",
            conclude=True,
        ),
    ]
    writing.import_suggestions(session=session, plans=plans, by=staff, on=START)
    imported = Suggestion.objects.get(number=8)
    assert "a_dissatisfied" in kinds(imported)
    assert_flags_in_step("import")


def test_recount_summaries_rebuilds_the_flag_columns(build, staff, unit_x, deputy_a):
    build(Status.REPLIED, lead_unit=unit_x)
    build(Status.REPLIED, lead_unit=unit_x, reply_class="B")
    disputed = build(Status.REPLIED, lead_unit=unit_x)
    evaluate(disputed, deputy_a, staff, "dissatisfied")
    services.review_flag(suggestion=disputed, kind="a_dissatisfied", note="已核实", by=staff)
    kept = list(Suggestion.objects.order_by("pk").values())
    Suggestion.objects.update(
        flag_bits=0, flags_reviewed=0, promise_due=None, flagged_after=None, to_review_after=None
    )
    call_command("recount_summaries")
    assert list(Suggestion.objects.order_by("pk").values()) == kept
    assert_flags_in_step("recount")


# --- the clock ---------------------------------------------------------------------------------


def test_a_promise_falls_past_its_date_with_the_clock_and_nothing_written(
    client, build, staff, unit_x
):
    promised = build(Status.REPLIED, lead_unit=unit_x, reply_class="B")
    services.record_contact(
        assignment=promised.assignments.get(), contacted_on=START, way="phone", by=staff
    )
    due = promised.replies.get().promised_by
    assert not Suggestion.objects.flagged(reviewed=True).exists()
    url = reverse("suggestions:unit", args=[unit_x.pk])
    assert promised.title not in flag_list(client.get(url))
    with time_machine.travel(datetime.datetime.combine(due, NOW.timetz()), tick=False):
        assert not Suggestion.objects.flagged().exists()
    with time_machine.travel(datetime.datetime.combine(due + DAY, NOW.timetz()), tick=False):
        with CaptureQueriesContext(connection) as queries:
            assert list(Suggestion.objects.flagged()) == [promised]
            page = client.get(url)
        assert not [q for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]
        assert promised.title in flag_list(page)
        assert set(Suggestion.objects.flagged()) == set(Suggestion.objects.flagged_live())


def flag_list(response):
    """The unit page's list of flagged suggestions."""
    page = response.content.decode()
    start = page.index('id="h-flags"')
    return page[start : page.index("</section>", start)]


# --- the cost -----------------------------------------------------------------------------------


def test_a_service_keeps_the_flags_in_one_statement(build, staff, unit_x):
    suggestion = build(Status.REPLIED, lead_unit=unit_x)
    with CaptureQueriesContext(connection) as queries:
        services.record_contact(
            assignment=suggestion.assignments.get(), contacted_on=START, way="phone", by=staff
        )
    assert len([q for q in queries if "SET flag_bits" in q["sql"]]) == 1


def test_the_unit_page_reads_the_same_queries_for_more_flagged_suggestions(
    client, build, unit_x, django_assert_max_num_queries
):
    build(Status.REPLIED, lead_unit=unit_x, title="一")
    url = reverse("suggestions:unit", args=[unit_x.pk])
    with CaptureQueriesContext(connection) as one:
        assert client.get(url + "?session=all").status_code == 200
    for title in ["二", "三", "四", "五"]:
        build(Status.REPLIED, lead_unit=unit_x, title=title)
    with django_assert_max_num_queries(len(one)):
        page = client.get(url + "?session=all")
    assert all(title in flag_list(page) for title in ["一", "二", "三", "四", "五"])
    assert len(loop.flag_rows(Suggestion.objects.flagged())) == 5


def test_a_reviewed_promise_past_its_date_leaves_the_queue_and_stays_on_the_list(
    build, staff, unit_x
):
    late = build(Status.REPLIED, lead_unit=unit_x, reply_class="B", on=datetime.date(2026, 1, 5))
    services.record_contact(
        assignment=late.assignments.get(),
        contacted_on=datetime.date(2026, 1, 5),
        way="phone",
        by=staff,
    )
    assert list(Suggestion.objects.flagged()) == [late]
    services.review_flag(suggestion=late, kind="promise_overdue", note="已督办", by=staff)
    assert not Suggestion.objects.flagged().exists()
    assert list(Suggestion.objects.flagged(reviewed=True)) == [late]
    late.refresh_from_db()
    assert late.stored_flags() == [("promise_overdue", True)]
    assert_flags_in_step("promise past its date reviewed")


# --- a database that already holds suggestions ------------------------------------------------


def test_recount_summaries_rebuilds_the_queue_columns_and_rows_of_existing_suggestions(
    build, staff, unit_x
):
    """What the old migration 0019 filled once, for suggestions written before its columns
    existed; with the migrations squashed, recount_summaries is the one way to rebuild them."""
    from suggestions.models import FlagsToReview

    build(Status.CLOSED, lead_unit=unit_x, title="已办结未公开")
    build(Status.REPLIED, lead_unit=unit_x, title="按时答复未联系")
    published = build(Status.CLOSED, lead_unit=unit_x, title="已公开")
    services.publish_reply(reply=published.replies.get(), by=staff)
    columns = ("pk", "awaits_publication_since", "to_review_after")
    kept = sorted(Suggestion.objects.values_list(*columns))
    counted = sorted(FlagsToReview.objects.values_list("session", "after", "suggestions"))
    assert [since is not None for _pk, since, _after in kept] == [True, False, False]
    # Each was replied on time with no contact recorded: a flag to review.
    assert sum(n for *_key, n in counted) == Suggestion.objects.flagged().count() == 3

    Suggestion.objects.update(awaits_publication_since=None, to_review_after=None)
    FlagsToReview.objects.all().delete()
    call_command("recount_summaries")

    assert sorted(Suggestion.objects.values_list(*columns)) == kept
    assert sorted(FlagsToReview.objects.values_list("session", "after", "suggestions")) == counted
