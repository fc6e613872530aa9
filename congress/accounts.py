"""Logging in, and resetting a forgotten password only where real mail is configured.

django-axes (settings AXES_*) locks out an account or an address after repeated failures, on
this login and the admin's alike, and on the password change form: a wrong current password
counts as a failed login of that account, so a borrowed session cannot guess it either.
Password reset is off (404, no link) until EMAIL_HOST is set
with a mail backend that really sends: the console backend would print working reset links
into the server's log. When on, requests are throttled per address and per e-mail.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib.auth import user_login_failed
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse_lazy
from django.utils.translation import gettext as _

from congress import cache as page_cache

LOGGING_BACKENDS = ("console", "filebased")


def client_ip(request):
    """The visitor's address; behind the proxy, the one it appended to X-Forwarded-For."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def password_reset_enabled():
    return bool(settings.EMAIL_HOST) and not any(
        kind in settings.EMAIL_BACKEND for kind in LOGGING_BACKENDS
    )


def _over_limit(key):
    """Count one more request under key for an hour; True once past the hourly limit, and while
    the cache is unreachable (no count to keep: refused rather than mailed without a limit)."""

    def count(cache):
        cache.add(key, 0, timeout=3600)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=3600)
            return 1

    counted = page_cache.safely(count)
    return counted is page_cache.FAILED or counted > settings.PASSWORD_RESET_PER_HOUR


class LoginView(auth_views.LoginView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "password_reset_enabled": password_reset_enabled()
        }


class PasswordChangeView(auth_views.PasswordChangeView):
    """Throttled like the login, per account and per address, by axes' own records."""

    def _credentials(self):
        return {"username": self.request.user.get_username()}

    def post(self, request, *args, **kwargs):
        # Locked: refused before the current password is even checked, the right one included.
        if not AxesProxyHandler.is_allowed(request, self._credentials()):
            return get_lockout_response(request, credentials=self._credentials())
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if form.has_error("old_password"):
            # Axes counts it, and locks out at the limit (AxesMiddleware answers then).
            user_login_failed.send(
                sender=__name__, credentials=self._credentials(), request=self.request
            )
        return super().form_invalid(form)


class PasswordResetView(auth_views.PasswordResetView):
    success_url = reverse_lazy("password_reset_done")

    def dispatch(self, request, *args, **kwargs):
        if not password_reset_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        email = request.POST.get("email", "").strip().lower()
        limited = _over_limit(f"password-reset:ip:{client_ip(request)}")
        limited = _over_limit(f"password-reset:email:{email[:254]}") or limited
        if limited:
            message = _("Too many password reset requests. Try again in an hour.")
            return render(
                request, "registration/too_many_resets.html", {"message": message}, status=429
            )
        return super().post(request, *args, **kwargs)


def reset_only_with_mail(view):
    def wrapped(request, *args, **kwargs):
        if not password_reset_enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "password_reset/done/",
        reset_only_with_mail(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        reset_only_with_mail(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        reset_only_with_mail(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]
