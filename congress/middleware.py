"""Response headers every page gets, and the static files too; the page a request gets
while the database is away, or when the disk cannot take the file it sent."""

import errno
import logging
import sys

from csp.utils import build_policy
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.views import defaults

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)
# The disk refuses a write (full, read-only, over quota): Django's upload handler meets it while
# it spools a large upload to a temporary file, before any view runs.
STORAGE_REFUSALS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EFBIG}


def storage_refused(exception):
    return isinstance(exception, OSError) and exception.errno in STORAGE_REFUSALS


RETRY_AFTER_SECONDS = 30


def static_file_headers(headers, path, url):
    """WHITENOISE_ADD_HEADERS_FUNCTION: a static file carries the headers a page does.

    Whitenoise answers before CSPMiddleware and XFrameOptionsMiddleware run, so without this
    an SVG or a stylesheet opened directly had no Content-Security-Policy and could be framed.
    SecurityMiddleware does wrap whitenoise; its headers are set here too, so a file served
    without it (a CDN copying these headers) keeps them."""
    headers["Content-Security-Policy"] = build_policy()
    headers["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = settings.SECURE_REFERRER_POLICY
    headers["Cross-Origin-Opener-Policy"] = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY


class PrivatePagesMiddleware:
    """A page served to a logged-in user is never stored by a browser or a proxy: the back
    button or a shared computer must not show a deputy's or a unit's work to the next person."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


def unavailable_response():
    """503 with Retry-After: a short page rendered without the request, so no context
    processor (the unread badge) and no user lookup touches the database that is away."""
    response = HttpResponse(render_to_string("unavailable.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    return response


def storage_full_response():
    """507: the upload was not received; a short page, rendered without the request."""
    response = HttpResponse(render_to_string("storage_full.html"), status=507)
    patch_cache_control(response, no_store=True)
    return response


class DatabaseUnavailableMiddleware:
    """A request that meets a database outage (connection refused, server gone, timed out)
    gets the short "temporarily unavailable" page, not a 500. Nothing to recover: Django drops
    a broken connection when the request ends and the next request opens a new one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if storage_refused(exception):
            logger.error("Storage refused: %s %s (%s)", request.method, request.path, exception)
            return storage_full_response()
        if not isinstance(exception, DATABASE_DOWN):
            return None
        logger.warning("Database unavailable: %s %s (%s)", request.method, request.path, exception)
        return unavailable_response()


def server_error(request):
    """handler500: an outage met outside a view (a middleware loading the user) is a 503 too."""
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return unavailable_response()
    if storage_refused(sys.exc_info()[1]):  # a large upload spooled to a full disk
        return storage_full_response()
    return defaults.server_error(request)
