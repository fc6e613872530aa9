"""Response headers every page gets."""

from django.utils.cache import patch_cache_control


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
