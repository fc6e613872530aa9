"""Security headers on every page: a crawler follows each role's links from its start pages and
checks every response (public and behind login) — CSP without inline script, no framing, the
referrer policy, nosniff, and `Cache-Control: private, no-store` once logged in."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model

from suggestions import services
from suggestions.models import Suggestion

Status = Suggestion.Status
pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="([^"#]+)"')
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
SKIP = ("/accounts/logout/", "/i18n/", "/static/", "/admin/")
START = ["/", "/suggestions/", "/units/", "/stations/", "/stations/figures/", "/api/v1/docs"]
START_LOGGED_IN = ["/workbench/", "/workbench/notifications/", "/accounts/password_change/"]


@pytest.fixture
def world(build, unit_x, unit_y, staff, station, reception):
    """Suggestions in several states (one reply published), a station with a reception."""
    build(Status.SUBMITTED)
    build(Status.ASSIGNED, lead_unit=unit_x, co_units=[unit_y])
    replied = build(Status.REPLIED, lead_unit=unit_x)
    services.publish_reply(reply=replied.replies.get(), by=staff)
    build(Status.CLOSED, lead_unit=unit_x)


def pattern(url):
    """One visit per page kind: /suggestions/12/ and /suggestions/13/ are the same page."""
    parts = urlsplit(url)
    return re.sub(r"\d+", "N", parts.path) + ("?" if parts.query else "")


def crawl(client, starts, limit=120):
    seen, queue, visited = set(), list(starts), []
    while queue and len(visited) < limit:
        url = queue.pop(0)
        if pattern(url) in seen or url.startswith(SKIP) or not url.startswith("/"):
            continue
        seen.add(pattern(url))
        response = client.get(url)
        visited.append((url, response))
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            for href in LINK.findall(response.content.decode()):
                href = urljoin(url, href.replace("&amp;", "&"))
                if urlsplit(href).netloc in ("", "testserver"):
                    queue.append(urlsplit(href)._replace(scheme="", netloc="").geturl())
    return visited


def check_headers(url, response, logged_in):
    assert response.status_code < 500, url
    csp = response.get("Content-Security-Policy", "")
    script_src = re.search(r"script-src ([^;]*)", csp)
    assert script_src and "'self'" in script_src.group(1), (url, csp)
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp, (url, csp)
    assert response["X-Frame-Options"] == "DENY", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["X-Content-Type-Options"] == "nosniff", url
    if logged_in:
        cache = response.get("Cache-Control", "")
        assert "private" in cache and "no-store" in cache, (url, cache)
    if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
        assert not INLINE_HANDLER.search(html), (url, INLINE_HANDLER.search(html).group(0))
        assert not INLINE_STYLE.search(html), (url, INLINE_STYLE.search(html).group(0))


def test_every_public_page_carries_the_security_headers(client, world):
    visited = crawl(client, START + ["/accounts/login/"])
    assert len(visited) >= 12
    for url, response in visited:
        check_headers(url, response, logged_in=False)


@pytest.mark.parametrize("username", ["staff", "deputy_a", "unit_x", "keeper"])
def test_every_page_behind_login_is_private_and_never_stored(client, world, username):
    client.force_login(get_user_model().objects.get(username=username))
    visited = crawl(client, START_LOGGED_IN + START)
    assert len(visited) >= 10
    for url, response in visited:
        check_headers(url, response, logged_in=True)


def test_admin_pages_carry_the_headers_too(client, world, staff):
    assert client.get("/admin/login/")["X-Frame-Options"] == "DENY"
    client.force_login(staff)
    for url in ["/admin/", "/admin/suggestions/suggestion/", "/admin/suggestions/reply/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert "no-store" in response["Cache-Control"]


def test_a_public_page_served_from_the_cache_carries_the_same_headers(
    client, world, django_assert_num_queries
):
    for url in ["/", "/suggestions/", "/units/"]:
        rendered = client.get(url)
        with django_assert_num_queries(0):  # the page cache answers, first in the middleware
            cached = client.get(url)
        check_headers(url, cached, logged_in=False)
        assert cached["Content-Security-Policy"] == rendered["Content-Security-Policy"], url
