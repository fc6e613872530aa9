"""Whole anonymous public pages from Django's cache, under a version every write bumps.

A visitor without a login gets the page another visitor got, as long as nothing was written
since: the cache key holds the public version, today's date, the language and the full path.
Every service bumps the version in its transaction and again when it commits
(`bump_public_version`), and any other save or delete of the congress's own models (the admin,
reference data) bumps it on commit, so a cached page is never older than the last write. A
page rendered for the cache reads from the replica when there is one (`routers.py`).

The cache is Django's cache framework: local memory by default (right for one process),
Redis when `REDIS_URL` is set, which several workers and machines must share.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone, translation

from congress.routers import public_reads

VERSION_KEY = "public-pages-version"
CACHED_PREFIXES = ("/suggestions/", "/units/", "/categories/", "/delegations/", "/stations/")
CACHED_PREFIXES += ("/api/v1/",)
NOT_CACHED = ("/export", "/api/v1/docs", "/api/v1/openapi.json")
WATCHED_APPS = {"congress", "deputies", "suggestions"}
# Summary rows (kept by the services, which bump the version themselves) and what no public
# page shows.
UNWATCHED_MODELS = {"notification", "job", "tally", "replydays", "openpromise"}


def public_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        # Never a number used before: pages cached under an older version must not come back.
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY)
    return version


def bump_public_version():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet, or evicted
        cache.set(VERSION_KEY, time.time_ns(), None)


def bump_now_and_on_commit():
    """Now, for a page read later in the same transaction; on commit, for a page another
    request rendered from the old rows meanwhile."""
    bump_public_version()
    transaction.on_commit(bump_public_version)


@receiver(post_save)
@receiver(post_delete)
@receiver(m2m_changed)
def _row_changed(sender, **kwargs):
    meta = getattr(sender, "_meta", None)
    if meta and meta.app_label in WATCHED_APPS and meta.model_name not in UNWATCHED_MODELS:
        bump_now_and_on_commit()


def is_cacheable(request):
    path = request.path
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES  # anonymous, no session to load
        and "messages" not in request.COOKIES  # a message is for this visitor's page only
        and (path == "/" or path.startswith(CACHED_PREFIXES))
        and not any(part in path for part in NOT_CACHED)
    )


class PublicPageCacheMiddleware:
    """Serve anonymous GETs of public pages from the cache; store the 200s it renders.

    First in the middleware list: a page served from the cache skips the rest, and carries the
    headers the rest added when it was rendered (the language is read as LocaleMiddleware
    reads it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable(request):
            return self.get_response(request)
        with public_reads():
            return self.cached(request)

    def cached(self, request):
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        language = translation.get_language_from_request(request)
        # Today is in the key: "overdue" figures change at midnight with nothing written.
        key = f"page:{public_version()}:{timezone.localdate()}:{language}:{path}"
        cached = cache.get(key)
        if cached is not None:
            content, headers = cached
            return HttpResponse(content, headers=headers)
        response = self.get_response(request)
        if response.status_code == 200 and not response.streaming:
            # Every header the middleware below added (security, language, Vary); no cookie.
            cache.set(key, (response.content, dict(response.headers)), settings.PUBLIC_PAGE_SECONDS)
        return response
