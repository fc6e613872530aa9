"""What every stage of the workflow shares: the site's language for history notes, the rules'
settings, locking a suggestion and writing its history."""

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import override

from congress.history import log_action
from congress.models import Session
from congress.workdays import add_months, add_workdays
from suggestions.figures.summaries import touched
from suggestions.models import (
    Event,
    Suggestion,
    WorkflowError,
)
from suggestions.rules import rule  # noqa: F401  (the stages read it from here)

Status = Suggestion.Status
Action = Event.Action


def site_text(text, **values):
    """History notes are a record: written in the site's language, whatever the actor's.

    `text` is a lazy string or a callable (a model's get_FOO_display).
    """
    with override(settings.LANGUAGE_CODE):
        text = str(text() if callable(text) else text)
        return text % values if values else text


def reply_due_on(assigned_on):
    return add_months(assigned_on, rule("REPLY_MONTHS"))


def latest_allowed_due_on(assigned_on):
    """The extension cap: never later than the maximum months after assignment."""
    return add_months(assigned_on, rule("MAX_REPLY_MONTHS"))


def assignment_deadline(suggestion):
    """When a between-session suggestion must be assigned by (working days after registering)."""
    if suggestion.period != Suggestion.Period.BETWEEN_SESSIONS or not suggestion.registered_on:
        return None
    return add_workdays(suggestion.registered_on, rule("ASSIGN_WITHIN_WORKDAYS"))


def _lock(suggestion):
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    touched(locked)
    return locked


def _require_status(suggestion, allowed, message):
    if suggestion.status not in allowed:
        raise WorkflowError(message)


def write_event(suggestion, action, *, by, on, note="", from_status="", is_public=True):
    """The suggestion's timeline, as `congress.history.log_action` writes it."""
    return Event.objects.create(
        suggestion=suggestion,
        action=action,
        from_status=from_status,
        to_status=suggestion.status if from_status else "",
        occurred_on=on,
        actor=by,
        note=note,
        is_public=is_public,
    )


def _record(suggestion, action, *, by, on, from_status="", note="", is_public=True):
    touched(suggestion)
    return log_action(
        suggestion, action, by=by, on=on, note=note, from_status=from_status, is_public=is_public
    )


def _move(suggestion, to_status, action, *, by, on, fields=(), note="", is_public=True):
    from_status = suggestion.status
    suggestion.status = to_status
    suggestion.save(update_fields=["status", *fields])
    return _record(
        suggestion, action, by=by, on=on, from_status=from_status, note=note, is_public=is_public
    )


def _today(on):
    return on or timezone.localdate()


def _refresh_due_on(suggestion):
    """The suggestion's due date is the earliest one among the replies still owed."""
    due = suggestion.assignments.outstanding().order_by("due_on").values_list("due_on", flat=True)
    suggestion.due_on = due.first()


def _next_number(session):
    Session.objects.select_for_update().get(pk=session.pk)
    current = Suggestion.objects.filter(session=session).aggregate(n=Max("number"))["n"]
    return (current or 0) + 1
