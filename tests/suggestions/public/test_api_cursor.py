"""The API's all-session lists page by cursor: every row once, in the list's order, at a cost
that does not grow with the page's depth; a cursor the API did not make is refused."""

import base64
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congress.models import Session
from deputies.api import STATION_ORDER
from deputies.models import LiaisonStation
from suggestions import services
from suggestions.models import Suggestion

Status = Suggestion.Status
pytestmark = pytest.mark.django_db
URL = "/api/v1/suggestions"


@pytest.fixture
def two_sessions(build, session, category, deputy_a, staff):
    """27 public suggestions in the current session (and two not public), 14 in an older one."""
    older = Session.objects.create(
        term=session.term,
        number=session.number + 1,
        name="旧会议",
        opens_on=session.opens_on - datetime.timedelta(days=365),
        closes_on=session.closes_on - datetime.timedelta(days=365),
    )
    for i in range(14):
        s = services.enter_suggestion(
            suggestion=Suggestion(
                session=older,
                title=f"关于供暖的建议{i}" if i % 2 else f"旧建议{i}",
                content="内容。",
                category=category,
                lead_deputy=deputy_a,
                delegation=deputy_a.delegation,
            ),
            by=staff,
        )
        services.register(suggestion=s, by=staff)
    for i in range(27):
        build(Status.REGISTERED, title=f"关于供暖的建议{i}" if i % 3 == 0 else f"新建议{i}")
        if i % 13 == 0:
            build()  # submitted: not public, a gap in the numbers
    return older


def walk(client, url=URL, **params):
    """Every page from the first by cursor: (rows, pages, the first page's count)."""
    first = client.get(url, params).json()
    rows, pages, answer = list(first["items"]), [first], first
    while answer["next"]:
        answer = client.get(url, {**params, "cursor": answer["next"]}).json()
        assert answer["count"] is None  # counted once, on the first page
        rows += answer["items"]
        pages.append(answer)
    return rows, pages, first["count"]


def expected(**filters):
    rows = Suggestion.objects.public().filter(**filters)
    return [s.pk for s in rows.order_by("-session__opens_on", "session_id", "number")]


def test_walking_every_page_by_cursor_gives_every_row_once_in_order(client, two_sessions):
    rows, pages, count = walk(client, limit=10)
    assert [r["id"] for r in rows] == expected()
    assert count == 41 == len(rows) and len(pages) == 5
    assert pages[-1]["next"] is None


@pytest.mark.parametrize("limit", [1, 13, 14, 41, 200])
def test_any_page_size_walks_across_the_session_boundary(client, two_sessions, limit):
    rows, _pages, _count = walk(client, limit=limit)
    assert [r["id"] for r in rows] == expected()


def test_filtered_walks_follow_the_filter(client, two_sessions, session):
    rows, _pages, count = walk(client, limit=4, session=session.pk)
    assert [r["id"] for r in rows] == expected(session=session) and count == 27
    rows, _pages, _count = walk(client, limit=5, session=two_sessions.pk)
    assert [r["id"] for r in rows] == expected(session=two_sessions)


def test_a_search_walks_title_matches_first_then_the_rest_each_once(client, two_sessions):
    rows, _pages, count = walk(client, limit=3, q="供暖")
    assert [r["id"] for r in rows] == [
        r["id"] for r in client.get(URL, {"q": "供暖", "limit": 200}).json()["items"]
    ]
    assert len({r["id"] for r in rows}) == len(rows) == count
    assert all("供暖" in r["title"] for r in rows)


def test_a_page_deep_in_the_list_asks_no_more_queries_than_the_first(client, two_sessions):
    _rows, pages, _count = walk(client, limit=5)
    asked = []
    for cursor in [None] + [p["next"] for p in pages[:-1]]:
        with CaptureQueriesContext(connection) as queries:
            client.get(URL, {"limit": 5, **({"cursor": cursor} if cursor else {})})
        asked.append(len(queries))
    # The first page also counts its rows; a page that crosses into the older session reads
    # one more session: never more than that, whatever the depth.
    assert max(asked[1:]) <= asked[0] + 1
    assert asked[2] == asked[3] == asked[4]  # three pages inside the newest session


@pytest.mark.parametrize(
    "cursor",
    [
        "nonsense",
        "!!!",
        base64.urlsafe_b64encode(b"[1,2,3]").decode(),
        base64.urlsafe_b64encode(b'["v1",null,999999,1]').decode(),  # no such session
        base64.urlsafe_b64encode(b'["v1",null,"1",1]').decode(),
        base64.urlsafe_b64encode(b'["v1",1]').decode(),
        base64.urlsafe_b64encode(b'{"v1":1}').decode(),
        base64.urlsafe_b64encode("中文".encode()).decode(),
        "x" * 2001,
        base64.urlsafe_b64encode(b"[" * 1400).decode(),  # nested past Python's recursion limit
        base64.urlsafe_b64encode(b'["v1",1,1,"a\\u0000","b",1]').decode(),  # NUL in a text
        base64.urlsafe_b64encode(b'["v1",[1],1]').decode(),  # a list inside the key
    ],
)
def test_a_cursor_the_api_did_not_make_is_refused_with_a_message(client, two_sessions, cursor):
    response = client.get(URL, {"cursor": cursor})
    assert response.status_code == 400
    assert "detail" in response.json()
    stations = client.get("/api/v1/stations", {"cursor": cursor})
    assert stations.status_code == 400


def test_offset_still_works_and_hands_a_cursor_to_go_on_with(client, two_sessions):
    answer = client.get(URL, {"offset": 20, "limit": 10}).json()
    assert [r["id"] for r in answer["items"]] == expected()[20:30]
    assert answer["count"] == 41
    after = client.get(URL, {"cursor": answer["next"], "limit": 10}).json()
    assert [r["id"] for r in after["items"]] == expected()[30:40]
    both = client.get(URL, {"offset": 20, "cursor": answer["next"]})
    assert both.status_code == 400


@pytest.mark.parametrize("params", [{"q": "供暖"}, {"status": "registered"}])
def test_offsets_of_a_search_or_filters_over_all_sessions_stop_at_the_counted_cap(
    client, two_sessions, monkeypatch, params
):
    """Such a list is counted up to a cap (1,000); `offset` pages within it and, past it, is
    refused with the way on (a deep offset sorted every match: seconds at a million)."""
    from suggestions.search import keywords

    monkeypatch.setattr(keywords, "CAP", 12)
    walked, _pages, _count = walk(client, limit=50, **params)
    within = client.get(URL, {**params, "offset": 4, "limit": 8}).json()
    assert [r["id"] for r in within["items"]] == [r["id"] for r in walked][4:12]
    assert within["count"] is None  # more match than are counted
    assert within["next"] is None
    past = client.get(URL, {**params, "offset": 8, "limit": 5})
    assert past.status_code == 400
    assert "cursor" in past.json()["detail"]
    one_session = client.get(URL, {**params, "session": two_sessions.pk, "offset": 10, "limit": 5})
    # One session's filtered list is not capped; a search is, in one session too (as the list).
    assert one_session.status_code == (400 if "q" in params else 200)


def test_stations_walk_by_cursor_each_once(client, delegation, deputy_a):
    from congress.models import Division

    other = Division.objects.create(name="孝义市", order=0)  # the same order as the first
    for i in range(23):
        LiaisonStation.objects.create(
            name=f"联络站{i // 2}",  # the same names in both divisions
            division=other if i % 2 else delegation.division,
            township=f"街道{i % 3}",
            address="地址",
        )
    rows, _pages, count = walk(client, "/api/v1/stations", limit=4)
    want = LiaisonStation.objects.order_by(*STATION_ORDER)
    assert [r["id"] for r in rows] == [s.pk for s in want] and count == 23
    rows, _pages, _count = walk(client, "/api/v1/stations", limit=3, division=other.pk)
    assert [r["id"] for r in rows] == [s.pk for s in want if s.division_id == other.pk]


@pytest.mark.parametrize("cap", [1000, 2])
def test_a_sparse_filter_over_many_sessions_reads_several_sessions_a_query_in_order(
    client, session, category, deputy_a, staff, django_assert_max_num_queries, monkeypatch, cap
):
    """Most sessions hold no match: the page reads the few matches' keys at once (up to the
    cap), or else 1, 2, 4 … sessions a query, in the list's order (newest session first, then
    by number), each row once, whatever the page size."""
    from suggestions.models import Category
    from suggestions.search import keywords

    monkeypatch.setattr(keywords, "CAP", cap)

    rare = Category.objects.create(name="稀有类别")
    for k in range(1, 12):
        older = Session.objects.create(
            term=session.term,
            number=session.number + k,
            name=f"旧会议{k}",
            opens_on=session.opens_on - datetime.timedelta(days=100 * k),
            closes_on=session.closes_on - datetime.timedelta(days=100 * k),
        )
        for i in range(3):
            s = services.enter_suggestion(
                suggestion=Suggestion(
                    session=older,
                    title=f"建议{k}-{i}",
                    content="内容。",
                    category=rare if (k % 3 == 0 and i != 1) else category,
                    lead_deputy=deputy_a,
                    delegation=deputy_a.delegation,
                ),
                by=staff,
            )
            services.register(suggestion=s, by=staff)
    want = expected(category=rare)
    assert len(want) == 6
    for limit in [1, 2, 5, 50]:
        rows, _pages, count = walk(client, limit=limit, category=rare.pk)
        assert [r["id"] for r in rows] == want and count == (6 if cap > 6 else None)
    with django_assert_max_num_queries(10):  # 12 sessions: 4 reads (1 + 2 + 4 + 5 sessions)
        client.get(URL, {"category": rare.pk, "limit": 40})  # not cached yet


def test_a_keyword_search_is_counted_up_to_the_lists_cap(client, two_sessions, monkeypatch):
    """Counting every match of a common word reads every matching row: the first page counts
    up to the public list's cap, and says null past it; the walk still gives every row."""
    from suggestions.search import keywords

    everything = client.get(URL, {"q": "供暖", "limit": 200}).json()
    assert everything["count"] == len(everything["items"]) > 5
    monkeypatch.setattr(keywords, "CAP", 5)
    rows, _pages, count = walk(client, limit=4, q="供暖")
    assert count is None
    assert [r["id"] for r in rows] == [r["id"] for r in everything["items"]]
    monkeypatch.setattr(keywords, "CAP", len(rows))
    assert client.get(URL, {"q": "供暖", "limit": 3}).json()["count"] == len(rows)
