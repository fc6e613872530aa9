"""Logging filters the settings' LOGGING names."""

import logging


class OneLineRefusals(logging.Filter):
    """A refused request (403) is one line: method, path, status, user id; no traceback.

    Django logs a PermissionDenied with the exception attached, so every refusal, an ordinary
    event (a deputy following an old link, a prober walking URLs), filled the log with a full
    traceback and buried the errors that matter."""

    def filter(self, record):
        if getattr(record, "status_code", None) != 403:
            return True
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else "-"
        record.msg = "Refused: %s %s %s user=%s"
        record.args = (
            getattr(request, "method", "-"),
            getattr(request, "path", "-"),
            403,
            user_id,
        )
        record.exc_info = None
        record.exc_text = None
        return True
