"""A keyword found in very many suggestions: the list counts up to a cap and says so, and every
page it lists is the page ranking all matches would give (title matches first, newest first)."""

import datetime

import pytest
from django.urls import reverse

from congress.models import Session
from suggestions.models import Suggestion
from suggestions.search import keywords as search

Status = Suggestion.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(session):
    """Six sessions, the newest first."""
    made = [session]
    for i, days in enumerate([100, 200, 300, 400, 500]):
        made.append(
            Session.objects.create(
                term=session.term,
                number=session.number + 10 + i,
                name=f"旧会议{i}",
                opens_on=session.opens_on - datetime.timedelta(days=days),
                closes_on=session.closes_on - datetime.timedelta(days=days),
            )
        )
    return made


def full_ranking(q):
    """The whole ranking, as the list ranked before there was a cap."""
    rows = Suggestion.objects.public().filter(search.match(q)[0])
    rows = rows.annotate(title_hit=search.title_rank(search.match(q)[1]))
    return list(rows.order_by("-title_hit", "-session__opens_on", "number").values_list("pk"))


def listed(client, **params):
    page = client.get(reverse("suggestions:list"), params)
    assert page.status_code == 200
    return page, [(s.pk,) for s in page.context["page"]]


@pytest.fixture
def many(build, sessions):
    """Title matches in every session but the newest, content matches in all of them."""
    for k, session in enumerate(sessions):
        for i in range(3):
            build(
                Status.REGISTERED, session=session, title=f"关于道路的建议{i}", content="停车难。"
            )
            if k:
                build(Status.REGISTERED, session=session, title=f"关于停车场的建议{i}")
        build(Status.REGISTERED, session=session, title="关于公交的建议", content="公交少。")
    return sessions


@pytest.mark.parametrize("cap, size", [(4, 3), (7, 2), (10, 3), (30, 1)])
def test_each_page_of_a_capped_search_is_that_page_of_the_full_ranking(
    client, many, monkeypatch, cap, size
):
    monkeypatch.setattr(search, "CAP", cap)
    monkeypatch.setattr(search, "FIRST_WINDOW", 1)
    monkeypatch.setattr("suggestions.public.views.PAGE_SIZE", size)
    everything = full_ranking("停车")
    assert len(everything) == 33
    got = []
    for number in range(1, cap // size + 2):
        _page, rows = listed(client, q="停车", page=number)
        got += rows
        if len(got) >= cap:
            break
    assert got[:cap] == everything[:cap]


def test_a_capped_search_says_so_and_how_to_narrow_it(client, many, monkeypatch):
    monkeypatch.setattr(search, "CAP", 10)
    page, _rows = listed(client, q="停车")
    text = page.content.decode()
    assert page.context["capped"]
    assert page.context["page"].paginator.count == 10
    assert "超过 10 条建议符合条件" in text or "More than 10 suggestions match" in text
    # Within one session nothing is capped, and the count is exact.
    page, rows = listed(client, q="停车", session=many[1].pk)
    assert not page.context["capped"]
    assert page.context["page"].paginator.count == 6 == len(rows)


def test_below_the_cap_the_count_is_exact_and_nothing_is_said(client, many):
    page, rows = listed(client, q="停车")
    assert not page.context["capped"]
    assert page.context["page"].paginator.count == 33
    assert rows == full_ranking("停车")[:20]


def test_a_capped_search_has_a_fixed_number_of_queries(
    client, many, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(search, "CAP", 5)
    with django_assert_max_num_queries(20):
        client.get(reverse("suggestions:list"), {"q": "停车"})
