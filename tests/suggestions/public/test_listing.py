"""Deep pages: the list read session by session gives what OFFSET over all rows gave."""

import datetime

import pytest
from django.urls import reverse

from congress.models import Session
from suggestions.models import Suggestion

Status = Suggestion.Status
pytestmark = pytest.mark.django_db


def numbers(client, **params):
    page = client.get(reverse("suggestions:list"), params).context["page"]
    return [(s.session_id, s.number) for s in page], page.paginator.count


def expected(start, stop, **filters):
    rows = (
        Suggestion.objects.public().filter(**filters).order_by("-session__opens_on", "number", "pk")
    )
    return [(s.session_id, s.number) for s in rows[start:stop]], rows.count()


def test_every_page_of_the_list_equals_the_offset_over_all_rows(client, build, session, unit_x):
    for i in range(45):
        build(Status.CLOSED if i % 3 else Status.REGISTERED, lead_unit=unit_x)
        if i % 7 == 0:
            build()  # submitted, not public: leaves gaps in the numbers
    for page in (1, 2, 3):
        assert numbers(client, page=page) == expected((page - 1) * 20, page * 20)
    assert numbers(client, session=session.pk, page=3) == expected(40, 60, session=session)


def test_api_offsets_equal_the_offset_over_all_rows(client, build, unit_x):
    for _ in range(30):
        build(Status.REGISTERED)
    answer = client.get("/api/v1/suggestions", {"offset": 25, "limit": 10}).json()
    rows, count = expected(25, 35)
    assert answer["count"] == count
    assert [(s["session_id"], s["number"]) for s in answer["items"]] == rows


def test_pages_that_span_two_sessions_follow_on(client, build, session, category, deputy_a, staff):
    older = Session.objects.create(
        term=session.term,
        number=session.number + 1,
        name="旧会议",
        opens_on=session.opens_on - datetime.timedelta(days=365),
        closes_on=session.closes_on - datetime.timedelta(days=365),
    )
    for i in range(25):
        build(Status.REGISTERED, session=older, title=f"旧建议{i}", content="内容。")
    for _ in range(13):
        build(Status.REGISTERED)
    for page in (1, 2):
        assert numbers(client, page=page) == expected((page - 1) * 20, page * 20)
    assert numbers(client, session="all", page=2) == expected(20, 40)


@pytest.mark.parametrize("owed_at_once", [900, 3])
def test_a_units_workbench_lists_owed_work_first_as_before(
    client, build, unit_x, monkeypatch, owed_at_once
):
    """Finished work excludes the owed as a list of ids, or, past OWED_AT_ONCE of them, as the
    query that found them: the pages are the same either way."""
    from django.db.models import Case, F, Q, When

    from suggestions.models import Assignment
    from suggestions.workbench import unit

    monkeypatch.setattr(unit, "OWED_AT_ONCE", owed_at_once)

    for state in [Status.CLOSED, Status.ASSIGNED, Status.REPLIED, Status.ASSIGNED] * 15:
        build(state, lead_unit=unit_x)
    open_work = Q(suggestion__status__in=Suggestion.AWAITING_REPLY) & (
        Q(role=Assignment.Role.CO) | Q(replied_on__isnull=True)
    )
    want = list(
        Assignment.objects.filter(unit=unit_x)
        .annotate(
            open_due=Case(When(open_work, then=F("due_on")), default=None),
            done_due=Case(When(open_work, then=None), default=F("due_on")),
        )
        .order_by(F("open_due").asc(nulls_last=True), F("done_due").desc(), "pk")
        .values_list("pk", flat=True)
    )
    client.force_login(unit_x.members.first())
    got = []
    for page in (1, 2):
        response = client.get("/workbench/", {"show": "all", "upage": page})
        got += [a.pk for a in response.context["unit_page"]]
    assert got == want


def test_a_units_page_lists_its_suggestions_as_the_live_query_does(client, build, unit_x, unit_y):
    for i in range(25):
        build(
            Status.CLOSED, lead_unit=unit_x if i % 2 else unit_y, co_units=[unit_y] if i % 2 else []
        )
    rows = Suggestion.objects.public().for_unit(unit_y).order_by("-session__opens_on", "number")
    url = reverse("suggestions:unit", args=[unit_y.pk])
    got = []
    for page in (1, 2):
        got += [s.pk for s in client.get(url, {"page": page}).context["page"]]
    assert got == [s.pk for s in rows]
    assert client.get(url).context["page"].paginator.count == rows.count() == 25


def test_the_deep_page_index_covers_exactly_the_public_suggestions():
    index = next(i for i in Suggestion._meta.indexes if i.name == "suggestion_public_order")
    assert dict(index.condition.children)["status__in"] == Suggestion.PUBLIC_STATUSES


@pytest.mark.parametrize("cap", [1000, 7])
def test_a_filtered_list_over_all_sessions_pages_as_the_offset_over_all_rows_did(
    client, build, session, category, deputy_a, staff, unit_x, monkeypatch, cap
):
    """Counted up to the cap and paged within it, newest session first (two sessions open the
    same day and interleave by number); past the cap, the list says so."""
    from suggestions.search import keywords

    monkeypatch.setattr(keywords, "CAP", cap)
    for k, days in [(1, 100), (2, 100), (3, 300), (4, 500), (5, 700)]:
        older = Session.objects.create(
            term=session.term,
            number=session.number + k,
            name=f"旧会议{k}",
            opens_on=session.opens_on - datetime.timedelta(days=days),
            closes_on=session.closes_on - datetime.timedelta(days=days),
        )
        for i in range(4):
            build(Status.REGISTERED, session=older, title=f"旧建议{k}-{i}", content="内容。")
    for i in range(6):
        build(Status.CLOSED if i % 2 else Status.REGISTERED, lead_unit=unit_x)
    want, total = expected(0, 100, status=Status.REGISTERED)
    assert total == 23
    rows = []
    for page in range(1, -(-min(total, cap) // 20) + 1):
        found, count = numbers(client, status=Status.REGISTERED, page=page)
        rows += found
        assert count == min(total, cap)
    assert rows == want[: min(total, cap)]
    response = client.get(reverse("suggestions:list"), {"category": category.pk})
    assert response.context["capped"] == (cap < 26)
