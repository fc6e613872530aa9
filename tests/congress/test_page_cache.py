"""The page cache (congress/pages.py, congress/cache.py): scoped to what changed, one render per
change, never a dependency, nothing private or unchecked in it, replica pages only once replayed.
"""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.core.cache import cache as django_cache
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress import cache, checks, pages
from congress.models import Session
from suggestions import services
from suggestions.models import Suggestion

Status = Suggestion.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_not_parked():
    """A test that makes the cache fail parks it for a few seconds; the next starts afresh."""
    yield
    for backend in caches.all(initialized_only=True):
        backend.__dict__.pop("_congress_down_until", None)


def queries_of(url, client=None, **extra):
    """(response, queries it cost): 0 queries is a page served from the cache."""
    with CaptureQueriesContext(connection) as queries:
        response = (client or Client()).get(url, **extra)
    return response, len(queries.captured_queries)


@pytest.fixture
def session_b(session):
    return Session.objects.create(
        term=session.term,
        number=2,
        name="九届二次会议",
        opens_on=datetime.date(2026, 10, 10),
        closes_on=datetime.date(2026, 10, 13),
    )


# -- scoped invalidation ----------------------------------------------------------------------


def test_a_write_in_one_session_leaves_the_pages_of_another_session_cached(
    build, session, session_b, unit_x
):
    build(Status.CLOSED, lead_unit=unit_x)
    in_b = build(Status.CLOSED, lead_unit=unit_x, session=session_b)
    urls = [
        f"/?session={session_b.pk}",
        f"/suggestions/?session={session_b.pk}",
        f"/units/?session={session_b.pk}",
        f"/suggestions/{in_b.pk}/",
        f"/api/v1/statistics?session={session_b.pk}",
    ]
    for url in urls:
        assert queries_of(url)[0].status_code == 200
    build(Status.REGISTERED)  # session A
    for url in urls:
        response, queries = queries_of(url)
        assert (response.status_code, queries) == (200, 0), url
    # The pages over all sessions and session A's show the write.
    for url in ["/?session=all", f"/?session={session.pk}", "/suggestions/"]:
        queries_of(url)
    build(Status.REGISTERED)
    for url in ["/?session=all", f"/?session={session.pk}", "/suggestions/"]:
        assert queries_of(url)[1] > 0, url


def test_a_write_to_a_suggestion_refreshes_its_page_and_not_its_neighbours(build, unit_x, staff):
    one = build(Status.REGISTERED)
    other = build(Status.REGISTERED)
    for s in (one, other):
        queries_of(f"/suggestions/{s.pk}/")
    services.assign(suggestion=one, lead_unit=unit_x, by=staff)
    assert queries_of(f"/suggestions/{one.pk}/")[1] > 0
    assert queries_of(f"/suggestions/{other.pk}/")[1] == 0


def test_a_support_payment_refreshes_the_station_figures(deputy_a, station, reception):
    from reports.models import SupportPayment

    url = reverse("deputies:figures")
    assert queries_of(url)[0].status_code == 200
    assert queries_of(url)[1] == 0
    SupportPayment.objects.create(
        deputy=deputy_a,
        kind="subsidy",
        purpose="交通补贴",
        amount=Decimal("300.00"),
        paid_on=datetime.date(2026, 9, 15),
        budget_line="代表活动经费",
    )
    assert queries_of(url)[1] > 0


def test_linking_a_work_item_refreshes_the_suggestion_page(build, unit_x):
    from reports.models import CommitteeWork

    suggestion = build(Status.CLOSED, lead_unit=unit_x)
    url = f"/suggestions/{suggestion.pk}/"
    queries_of(url)
    work = CommitteeWork.objects.create(title="老旧小区改造条例", kind="legislation", year=2026)
    assert queries_of(url)[1] == 0  # nothing linked yet: still the cached page
    work.suggestions.add(suggestion)
    assert queries_of(url)[1] > 0


def test_reference_data_refreshes_every_page(build, category):
    build(Status.REGISTERED)
    queries_of("/suggestions/")
    category.name = "城乡建设"
    category.save()
    assert queries_of("/suggestions/")[1] > 0


def test_a_bump_with_no_known_scope_refreshes_everything(build):
    build(Status.REGISTERED)
    queries_of("/suggestions/")
    cache.bump_now_and_on_commit()  # outside a transaction of known writes: everything
    assert queries_of("/suggestions/")[1] > 0


def test_the_bump_on_commit_names_what_the_transaction_touched(
    build, session, session_b, django_capture_on_commit_callbacks
):
    build(Status.REGISTERED)
    queries_of(f"/?session={session_b.pk}")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        build(Status.REGISTERED)
    bumped = set().union(*(c.scopes for c in callbacks if isinstance(c, cache.PendingBump)))
    assert cache.session(session.pk) in bumped
    assert cache.session(session_b.pk) not in bumped
    assert queries_of(f"/?session={session_b.pk}")[1] == 0


# -- single flight ---------------------------------------------------------------------------------


def test_concurrent_visitors_of_a_changed_page_cause_one_render():
    renders = []

    def render():
        renders.append(1)
        time.sleep(0.3)
        entry = ({}, b"fresh", {})
        django_cache.set("k", entry)
        return HttpResponse(b"fresh")

    stale = ({}, b"stale", {})
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(pages.single_flight("k", stale, render)))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(renders) == 1
    assert sorted(r.content for r in results) == [b"fresh", b"stale", b"stale", b"stale"]


def test_with_no_copy_at_all_visitors_wait_for_the_one_render():
    renders = []

    def render():
        renders.append(1)
        time.sleep(0.3)
        django_cache.set("k2", ({}, b"fresh", {}))
        return HttpResponse(b"fresh")

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(pages.single_flight("k2", None, render)))
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(renders) == 1
    assert [r.content for r in results] == [b"fresh"] * 3


def test_under_a_stream_of_writes_a_page_is_rendered_at_most_once_per_interval(build, settings):
    settings.PUBLIC_PAGE_REFRESH_SECONDS = 2
    build(Status.REGISTERED)
    queries_of("/suggestions/")
    build(Status.REGISTERED, title="第一次之后")
    page, queries = queries_of("/suggestions/")
    assert queries > 0 and "第一次之后" in page.content.decode()  # after a quiet spell: at once
    build(Status.REGISTERED, title="紧接着的一条")
    page, queries = queries_of("/suggestions/")
    assert queries == 0 and "紧接着的一条" not in page.content.decode()  # the copy just made
    request = RequestFactory().get("/suggestions/")
    key = pages.page_key(request, pages.route_of(request)[0])
    django_cache.delete(f"lock:{key}")  # the interval has passed
    page, queries = queries_of("/suggestions/")
    assert queries > 0 and "紧接着的一条" in page.content.decode()


def test_a_bulk_build_bumps_everything_once_when_it_ends(build, session_b):
    """The demo's build (`cache.one_bump`): its rows bump nothing one by one; when it ends,
    every page is stale, whatever session it wrote to."""
    build(Status.REGISTERED)
    queries_of("/suggestions/")
    queries_of(f"/?session={session_b.pk}")
    before = cache.public_version()
    with cache.one_bump():
        build(Status.REGISTERED)
        assert cache.public_version() == before
        assert queries_of("/suggestions/")[1] == 0  # still the copy from before the build
    assert cache.public_version() != before
    assert queries_of("/suggestions/")[1] > 0
    assert queries_of(f"/?session={session_b.pk}")[1] > 0  # a session it never touched


def test_a_failed_bulk_build_bumps_nothing(build):
    build(Status.REGISTERED)
    before = cache.public_version()
    with pytest.raises(RuntimeError), cache.one_bump():
        raise RuntimeError("the build failed; its transaction is undone")
    assert cache.public_version() == before


def test_a_stale_page_is_rendered_by_its_first_visitor(build):
    build(Status.REGISTERED)
    queries_of("/suggestions/")
    build(Status.REGISTERED)
    assert queries_of("/suggestions/")[1] > 0  # nobody else rendering: this visitor does


# -- never a dependency --------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "congress.redis_cache.PooledRedisCache",  # production's
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_with_redis_down_pages_answer_writes_succeed_and_healthz_says_degraded(
    client, build, unit_x, deputy_a, session, category, redis_down
):
    suggestion = build(Status.CLOSED, lead_unit=unit_x)
    for url in ["/", "/suggestions/", f"/suggestions/{suggestion.pk}/", "/api/v1/suggestions"]:
        assert client.get(url).status_code == 200, url
    client.force_login(deputy_a.user)
    response = client.post(
        reverse("workbench:draft_new"),
        {
            "title": "关于增设公交线路的建议",
            "content": "建议增设。",
            "category": category.pk,
            "submit": "1",
        },
    )
    assert response.status_code == 302
    assert Suggestion.objects.filter(title="关于增设公交线路的建议").exists()
    health = Client().get("/healthz").json()
    assert health["status"] == "degraded"
    assert health["checks"]["cache"]["ok"] is False


def test_the_redis_backend_keeps_one_client_per_pool_not_one_per_call():
    """Django's makes a client per cache call (0.15 ms each, a third of a cached page)."""
    from congress.redis_cache import PooledRedisCache

    backend = PooledRedisCache("redis://127.0.0.1:1/0", {})  # no connection is opened here
    client = backend._cache.get_client("any", write=True)
    assert backend._cache.get_client("other") is client
    assert client.connection_pool is backend._cache._get_connection_pool(write=True)


def test_a_full_cache_is_an_accelerator_lost_not_an_error(build, monkeypatch):
    build(Status.REGISTERED)

    def full(*args, **kwargs):
        raise RuntimeError("OOM command not allowed when used memory > 'maxmemory'")

    backend = type(caches["default"])
    monkeypatch.setattr(backend, "set", full)
    monkeypatch.setattr(backend, "set_many", full)
    monkeypatch.setattr(backend, "add", full)
    assert Client().get("/suggestions/").status_code == 200
    build(Status.REGISTERED)  # the bump fails quietly; the write stands
    assert Suggestion.objects.count() == 2


# -- nothing private or unchecked ------------------------------------------------------------------


def test_a_cached_page_is_not_served_to_a_host_not_allowed(build):
    build(Status.REGISTERED)
    assert queries_of("/suggestions/")[0].status_code == 200
    assert queries_of("/suggestions/")[1] == 0
    response, _ = queries_of("/suggestions/", HTTP_HOST="evil.example")
    assert response.status_code == 400


def test_a_cached_page_holds_no_csrf_token_and_sets_no_cookie(build, unit_x):
    build(Status.CLOSED, lead_unit=unit_x)
    for url in ["/", "/suggestions/", "/units/", "/stations/"]:
        first = Client().get(url)
        second, queries = queries_of(url)
        assert queries == 0, url
        for response in (first, second):
            assert b"csrfmiddlewaretoken" not in response.content, url
            assert not response.cookies, url


def test_the_cache_refuses_a_response_with_a_csrf_token_or_cookie():
    assert pages.storable(HttpResponse("<p>ok</p>"))
    assert not pages.storable(HttpResponse('<input name="csrfmiddlewaretoken" value="x">'))
    with_cookie = HttpResponse("ok")
    with_cookie.set_cookie("csrftoken", "secret")
    assert not pages.storable(with_cookie)
    assert not pages.storable(HttpResponse("gone", status=404))
    private = HttpResponse("ok", headers={"Cache-Control": "private"})
    assert not pages.storable(private)


def test_a_query_parameter_the_route_does_not_declare_is_dropped(build):
    """A random cache-buster neither fills the cache nor renders a page each time: the page is
    the one without it, and carries none of it in its links."""
    build(Status.REGISTERED)
    django_cache.clear()
    response, queries = queries_of("/suggestions/?utm_source=x1&q=改造")
    assert response.status_code == 200 and queries > 0
    assert b"utm_source" not in response.content and b"x1" not in response.content
    for url in [
        "/suggestions/?utm_source=x2&q=改造",
        "/suggestions/?q=改造",
        "/suggestions/?q=改造&b=1",
    ]:
        response, queries = queries_of(url)
        assert response.status_code == 200 and queries == 0, url
    assert len([key for key in caches["default"]._cache if ":page:" in key]) == 1
    queries_of("/suggestions/?page=1&q=改造")
    assert queries_of("/suggestions/?q=改造&page=1")[1] == 0  # the order does not matter


def test_the_api_answers_an_undeclared_parameter_itself_and_stores_nothing(build):
    build(Status.REGISTERED)
    django_cache.clear()
    for _ in range(2):
        response, queries = queries_of("/api/v1/suggestions?utm_source=x")
        assert response.status_code == 400
    assert not [key for key in caches["default"]._cache if ":page:" in key]


def test_pages_not_declared_are_never_cached(client):
    assert pages.route_of(Client().get("/api/v1/openapi.json").wsgi_request) == (None, None)
    assert pages.route_of(Client().get("/healthz").wsgi_request) == (None, None)


# -- the deployment --------------------------------------------------------------------------------


def test_debug_off_with_a_per_process_cache_is_refused(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    errors = checks.shared_cache(None)
    assert [e.id for e in errors] == ["congress.E001"]
    assert "REDIS_URL" in errors[0].hint
    settings.DEBUG = True
    assert checks.shared_cache(None) == []


def test_a_shared_cache_passes_the_check(settings, tmp_path):
    settings.DEBUG = False
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    assert checks.shared_cache(None) == []
    call_command("check", "--deploy", "--tag", "caches")  # no W003: the path is absolute


# -- the replica ---------------------------------------------------------------------------------


def test_wal_positions_compare_as_the_wal_orders_them():
    assert cache.parse_lsn("0/16B3748") == 0x16B3748
    assert cache.parse_lsn("1/0") > cache.parse_lsn("0/FFFFFFFF")
    assert cache.replayed(cache.parse_lsn("2/A0"), cache.parse_lsn("2/A0"))
    assert not cache.replayed(cache.parse_lsn("2/9F"), cache.parse_lsn("2/A0"))
    assert cache.replayed(None, cache.parse_lsn("2/A0"))  # not in recovery: a primary


@pytest.mark.parametrize("replica_behind", [True, False])
def test_a_page_reads_the_replica_only_once_it_replayed_the_write(
    build, monkeypatch, replica_behind
):
    """The version keeps the primary's WAL position; a replica behind it is not read."""
    monkeypatch.setattr(cache, "current_lsn", lambda: cache.parse_lsn("5/100"))
    build(Status.REGISTERED)  # bumps session, suggestion… at 5/100
    asked, used = [], []
    replay = "5/FF" if replica_behind else "5/100"
    monkeypatch.setattr(pages, "replica_configured", lambda: True)
    monkeypatch.setattr(
        pages,
        "replica_has",
        lambda needed: asked.append(needed) or cache.replayed(cache.parse_lsn(replay), needed),
    )

    class Spy:
        def __enter__(self):
            used.append("replica")

        def __exit__(self, *exc):
            pass

    monkeypatch.setattr(pages, "public_reads", Spy)
    assert Client().get("/suggestions/").status_code == 200
    assert asked == [cache.parse_lsn("5/100")]
    assert used == ([] if replica_behind else ["replica"])
    assert queries_of("/suggestions/")[1] == 0  # stored either way: rendered from fresh rows
