"""Response headers every page gets, and the static files too."""

from csp.utils import build_policy
from django.conf import settings
from django.utils.cache import patch_cache_control


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
