"""The one history mechanism: `log_action` writes every history line, whoever changes what.

In the spirit of pretix's `log_action`: who, when, what, and each field before → after. A record
type with a timeline of its own registers its writer (`timeline`): a suggestion's events
(`suggestions.apps`), a problem's (`deputies.apps`), so their pages and figures keep their typed,
indexed rows. Every other record's history is a `HistoryEntry`. Deleting any staff-visible record
leaves a trace with its last values (`trace_deletion`, connected to every model of the apps),
from any entry point: the admin, a service, a shell.

History notes are written in the site's language, whoever made the change.
"""

import contextlib
import contextvars
import datetime
import decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from congress import tenancy
from congress.models import HistoryEntry

_timelines = {}
_actor = contextvars.ContextVar("history_actor", default=None)

# What no person reads as a record of their work: derived rows, queues, sessions of the machine.
UNTRACED = {
    "congress.historyentry",
    "congress.job",
    "suggestions.notification",
    "suggestions.tally",
    "suggestions.replydays",
    "suggestions.openpromise",
    "suggestions.flagstoreview",
    "suggestions.textband",
    "suggestions.importmapping",
}
TRACED_APPS = {"congress", "deputies", "suggestions", "reports"}
# Personal data a history line names without its values (the record's own page shows them to
# whom may see them; the history outlives the record).
PRIVATE = {"phone", "email", "id_number", "person_name", "person_phone", "contact_phone"}


def timeline(model, writer):
    """`writer(obj, action, *, by, on, note, **details)` keeps `model`'s history from now on."""
    _timelines[model._meta.label_lower] = writer


@contextlib.contextmanager
def acting(user):
    """Who the history names for writes that do not say (a deletion through a cascade).

    `user` may be a function that gives the user, asked only when a line is written."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def _current_actor():
    user = _actor.get()
    if callable(user):
        user = user()
    return user if user is not None and user.is_authenticated else None


def _shown(value):
    if value in (None, ""):
        return "—"
    if isinstance(value, list | tuple | set):
        return "、".join(str(v) for v in value) or "—"
    return str(value)


def _plain(value):
    """A value as JSON keeps it: text, numbers and dates as written, a record by its name."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.date | datetime.datetime | decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return str(value)


def changes_of(obj, changes, old=None, private=()):
    """{field: [before, after]} of the fields whose value really changes; a private field's
    values are not kept."""
    old = old or {}
    found = {}
    for field, new in changes.items():
        before = old[field] if field in old else getattr(obj, field)
        if before == new:
            continue
        hidden = _("changed (private)")
        found[field] = [hidden, hidden] if field in private else [_plain(before), _plain(new)]
    return found


def describe_changes(obj, changes, old=None, private=()):
    """「label：old → new」 per line, for the fields whose value really changes.

    `old` gives values the object does not hold itself (a list of co-signers); a `private`
    field is named without its values.
    """
    old = old or {}
    lines = []
    with override(settings.LANGUAGE_CODE):
        for field, new in changes.items():
            before = old[field] if field in old else getattr(obj, field)
            if before == new:
                continue
            label = str(obj._meta.get_field(field).verbose_name)
            if field in private:
                lines.append(f"{label}：{_('changed (private)')}")
            else:
                lines.append(f"{label}：{_shown(before)} → {_shown(new)}")
    return "\n".join(lines)


def snapshot(obj):
    """Every concrete field's value, for the trace a deleted record leaves."""
    hidden = _("changed (private)")
    return {
        field.attname: hidden if field.name in PRIVATE else _plain(getattr(obj, field.attname))
        for field in obj._meta.concrete_fields
    }


def log_action(obj, action, *, by=None, on=None, note="", changes=None, **details):
    """Write one history line of `obj`: its own timeline's row, or a `HistoryEntry`.

    `changes` is {field: [before, after]} (see `changes_of`); `details` are what a timeline
    needs beyond that (a suggestion's statuses, whether the public sees the line).
    """
    by = by if by is not None else _current_actor()
    writer = _timelines.get(obj._meta.label_lower)
    if writer is not None:
        return writer(obj, action, by=by, on=on or timezone.localdate(), note=note, **details)
    return HistoryEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action=action,
        actor=by,
        changes=changes or {},
        note=note,
        congress_id=tenancy.congress_id_of(obj) or tenancy.active_id(),
    )


class ActingUserMiddleware:
    """The logged-in user is who the history names for what this request writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting(lambda: getattr(request, "user", None)):
            return self.get_response(request)


def history_of(obj):
    """A record's `HistoryEntry` lines, newest first."""
    return HistoryEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
    ).select_related("actor")


def traced(model):
    label = model._meta.label_lower
    return model._meta.app_label in TRACED_APPS and label not in UNTRACED


def connect_deletion_traces(models):
    """Per model, not for every sender: a receiver on all models would cost Django's fast
    delete of the rows nobody traces (summary rows are deleted and rewritten in bulk)."""
    from django.db.models.signals import pre_delete

    for model in models:
        if traced(model):
            pre_delete.connect(
                trace_deletion, sender=model, dispatch_uid=f"trace-{model._meta.label}"
            )


def trace_deletion(sender, instance, **kwargs):
    """pre_delete of every traced model: the record's last values stay in the history."""
    if not isinstance(instance, Model) or not traced(sender) or instance.pk is None:
        return
    HistoryEntry.objects.create(
        content_type=ContentType.objects.get_for_model(sender, for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        action=HistoryEntry.Action.DELETED,
        actor=_current_actor(),
        changes={name: [value, None] for name, value in snapshot(instance).items()},
    )
