"""django-axes under Chinese names: axes gives its app no verbose name (the back office headed
its records "Axes") and names each record in an English sentence ("Access Log for …"), which the
back office shows as the record's title and reads out beside its checkbox. INSTALLED_APPS names
this config in place of "axes"."""

from axes.apps import AppConfig
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def _when(moment):
    return localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _attempt(attempt):
    return gettext("Login attempt, %(time)s") % {"time": _when(attempt.attempt_time)}


def _failure(failure):
    if failure.locked_out:
        text = gettext("%(username)s failed to log in at %(time)s from %(address)s, locked out")
    else:
        text = gettext("%(username)s failed to log in at %(time)s from %(address)s")
    return text % {
        "username": failure.username,
        "time": _when(failure.attempt_time),
        "address": failure.ip_address,
    }


def _log(log):
    return gettext("%(username)s logged in at %(time)s") % {
        "username": log.username,
        "time": _when(log.attempt_time),
    }


class LockoutConfig(AppConfig):
    verbose_name = _("Login lockout")

    def ready(self):
        super().ready()
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        AccessAttempt.__str__ = _attempt
        AccessFailureLog.__str__ = _failure
        AccessLog.__str__ = _log
