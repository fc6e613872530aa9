"""Whole anonymous public pages from the cache, each under the versions of what it shows.

Each cached route declares its query parameters and the scopes its page depends on
(`cached_routes`, next to the app's URLs); any other route is rendered as usual and not stored.
A parameter a route does not declare is dropped from the request (the page is the same without
it), except on strict routes (the API, which refuses unknown parameters): there the request is
rendered as usual and not stored. A stored page keeps the versions
(`congress.cache`) it was rendered under, and is served while they are current. When one moved,
the first visitor takes a short lock and renders it again; the others meanwhile get the previous
copy (stale while revalidate), or, with no copy at all, wait a moment for the one being rendered.
While writes keep coming, a page is rendered again at most once every
PUBLIC_PAGE_REFRESH_SECONDS (`single_flight`).

Nothing per visitor is stored: only anonymous GETs (no session or message cookie), only a 200
that sets no cookie and holds no CSRF token, and the Host is validated before a copy is served.

A page is rendered from the read replica only when the replica has replayed the primary's WAL
position kept with each version the page depends on; otherwise from the primary. Design and
measurements: docs/caching.md.
"""

import hashlib
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone, translation

from congress import cache, tenancy
from congress.routers import REPLICA, public_reads, replica_configured

LOCK_SECONDS = 5  # one render at a time per page; a render that dies frees it after this
WAIT_SECONDS = 2  # with no copy to serve, how long a visitor waits for the render under way
ROUTES = {}


@dataclass(frozen=True)
class Route:
    params: frozenset
    scopes: Callable  # (request, **url kwargs) -> scopes, asked on the primary before a render
    # strict: a parameter the route does not declare is the view's to answer (the API refuses
    # it), so such a request bypasses the cache; otherwise the parameter is dropped.
    strict: bool = False


def page(params=(), scopes=None, strict=False):
    return Route(frozenset(params), scopes or (lambda request, **kwargs: set()), strict)


def cached_routes(namespace, routes):
    """Declare the cached pages of a URL namespace: {url name: page(params=…, scopes=…)}."""
    for name, route in routes.items():
        ROUTES[f"{namespace}:{name}"] = route


# -- what a page depends on --------------------------------------------------------------------


def session_scopes(request, *, absent="current"):
    """The session in ?session= ("all": every session); when absent, the current one
    (absent="current") or every one (absent="all"). An unknown value: every session."""
    from congress.models import Session

    every = {cache.all_sessions(tenancy.active_id())}
    wanted = request.GET.get("session", "")
    if not wanted and absent == "current":
        current = Session.objects.current()
        return {cache.session(current.pk)} if current else every
    if wanted.isdigit() and Session.objects.filter(pk=wanted).exists():
        return {cache.session(int(wanted))}
    return every


def of_all_sessions():
    """A page over every session of the congress it is for."""
    return lambda request, **kwargs: {cache.all_sessions(tenancy.active_id())}


def of_session(absent="current"):
    return lambda request, **kwargs: session_scopes(request, absent=absent)


def of_suggestion(kwarg):
    """One suggestion's page (the API's path values are text: a non-number is not a page)."""

    def scopes(request, **kwargs):
        value = str(kwargs[kwarg])
        return {cache.suggestion(int(value))} if value.isdigit() else set()

    return scopes


def fixed(*scopes):
    return lambda request, **kwargs: set(scopes)


# -- the middleware ----------------------------------------------------------------------------


def route_of(request):
    """(route, url kwargs) of an anonymous GET of a cached page, else (None, None)."""
    if (
        request.method != "GET"
        or settings.SESSION_COOKIE_NAME in request.COOKIES  # a session to load: not anonymous
        or "messages" in request.COOKIES  # a message is for this visitor's page only
    ):
        return None, None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None, None
    route = ROUTES.get(match.view_name)
    return (route, match.kwargs) if route else (None, None)


def drop_undeclared(request, route):
    """Take the parameters the route does not declare (`?utm_source=…`, a random cache-buster)
    out of the request, so the page is served, or rendered and stored, as without them: the
    view reads only declared parameters, and the page's own links and forms (which repeat the
    query) then carry none of them either. Random query strings neither fill the cache nor
    render a page each."""
    undeclared = set(request.GET) - route.params
    if not undeclared or route.strict:
        return
    query = request.GET.copy()
    for name in undeclared:
        del query[name]
    query._mutable = False
    request.GET = query
    request.META["QUERY_STRING"] = query.urlencode()


def page_key(request, route):
    """The page's key, or None when the query holds a parameter the route does not declare
    (left there by a strict route)."""
    names = set(request.GET)
    if names - route.params:
        return None
    query = urlencode([(name, request.GET.getlist(name)) for name in sorted(names)], doseq=True)
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    language = translation.get_language_from_request(request)
    digest = hashlib.sha256(address.encode()).hexdigest()
    # Today is in the key: "overdue" figures change at midnight with nothing written.
    return f"page:{timezone.localdate()}:{language}:{digest}"


def storable(response):
    """Only what any visitor may get: a plain 200, no cookie, no CSRF token, nothing private."""
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in control
        and "no-store" not in control
        and b"csrfmiddlewaretoken" not in response.content
    )


def replica_has(needed_lsn):
    """The replica has replayed the primary up to `needed_lsn` (a WAL position)."""
    connection = connections[REPLICA]
    if connection.vendor != "postgresql":
        return True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn()::text")
            replay = cursor.fetchone()[0]
    except DatabaseError:
        return False
    return cache.replayed(None if replay is None else cache.parse_lsn(replay), needed_lsn)


def replay(entry):
    _versions, content, headers = entry
    return HttpResponse(content, headers=headers)


class PublicPageCacheMiddleware:
    """After SecurityMiddleware (its https redirect and headers apply to a cached page too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        route, kwargs = route_of(request)
        if route is None:
            return self.get_response(request)
        request.get_host()  # DisallowedHost: 400, as the page rendered would answer
        drop_undeclared(request, route)
        key = page_key(request, route)
        if key is None or not cache.available():
            return self.get_response(request)
        return self.cached(request, key, lambda: self.render(request, key, route, kwargs))

    def cached(self, request, key, render):
        entry = cache.safely(lambda c: c.get(key), None)
        if entry is not None:
            current = cache.versions(entry[0])
            if current is cache.FAILED:
                return self.get_response(request)
            if current == entry[0]:
                return replay(entry)
        return single_flight(key, entry, render)

    def render(self, request, key, route, kwargs):
        """Render the page and store it under the versions read before its rows were."""
        # First: which session is current depends on them.
        own = {cache.REF, cache.of_congress(tenancy.active_id())}
        ref = cache.versions(own)
        scopes = route.scopes(request, **kwargs) - own
        found = cache.versions(scopes) if scopes else {}
        if ref is cache.FAILED or found is cache.FAILED:
            return self.get_response(request)
        snapshot = {**ref, **found}
        needed = max(lsn for _ns, lsn in snapshot.values())
        from_replica = replica_configured() and replica_has(needed)
        with public_reads() if from_replica else nullcontext():
            response = self.get_response(request)
        if storable(response):
            entry = (snapshot, response.content, dict(response.headers))
            cache.safely(lambda c: c.set(key, entry, settings.PUBLIC_PAGE_SECONDS))
        return response


def single_flight(key, stale, render):
    """One render per change: whoever takes the lock renders; the others get the stale copy,
    or, with none, wait up to WAIT_SECONDS for the fresh one (then render it themselves).

    Under a stream of writes, a page rendered again because it was stale keeps the lock for
    PUBLIC_PAGE_REFRESH_SECONDS after the render: meanwhile its visitors get that copy, so a
    page over all sessions is rendered at most once per interval, not once per write (10 a
    second at national scale). The first change after a quiet spell shows at once: a page
    rendered with no copy before, or after the interval has passed, frees the lock at once."""
    lock = f"lock:{key}"
    taken = cache.safely(lambda c: c.add(lock, 1, LOCK_SECONDS))
    if taken is cache.FAILED:
        return render()
    if taken:
        refresh = settings.PUBLIC_PAGE_REFRESH_SECONDS if stale is not None else 0
        try:
            return render()
        finally:
            if refresh:
                cache.safely(lambda c: c.set(lock, 1, refresh))
            else:
                cache.safely(lambda c: c.delete(lock))
    if stale is not None:
        return replay(stale)
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)
        entry = cache.safely(lambda c: c.get(key), None)
        if entry is not None:
            return replay(entry)
    return render()
