"""Summary rows kept in step with the suggestions, and the version every write bumps.

The public statistics read `Tally` rows (per session in total, and per session × category,
× delegation, × handling unit), never the million suggestions behind them.

How they stay exact: every service runs under `in_step`. The service's `_lock` and `_record`
note each suggestion it touches, with the groups it belongs to before the change; at the end of
the service, still inside its transaction, the groups it belongs to after the change are added
and each touched group is *recounted* from its session's rows — one aggregate query per kind of
group, over one session, by indexed columns. A recount rather than a delta: whatever a service
changed (a status, a class, a deleted assignment), the row ends equal to what
`recount_summaries` would write, with no bookkeeping of before/after contributions to get
wrong. A session holds some 10,000 suggestions, so a recount costs milliseconds.

Every service also bumps the public pages' cache version (`congress.cache`).
"""

import contextvars
import functools

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q

from congress.cache import bump_now_and_on_commit

from .models import Assignment, Reply, ReplyClass, Satisfaction, Suggestion, Tally

S = Suggestion.Status
G = Tally.Group


def suggestion_counts():
    """Aggregates over suggestions; the keys are Tally's columns (overdue is counted live).

    The figures' one definition, read live by `stats.suggestion_counts` and summed here. A
    figure that depends on the replies counts only suggestions every owing unit has replied to
    (`REPLIED_STATUSES`): one of two split units replying is not a reply yet, and its class and
    timeliness are not final. Face to face counts assigned suggestions only.
    """
    registered = Q(status__in=Suggestion.PUBLIC_STATUSES)
    assigned = registered & Q(assigned_on__isnull=False)
    replied = Q(status__in=Suggestion.REPLIED_STATUSES)
    return {
        "suggestions": Count("pk"),
        "received": Count("pk", filter=~Q(status=S.DRAFT)),
        "registered": Count("pk", filter=registered),
        "assigned": Count("pk", filter=assigned),
        "replied": Count("pk", filter=replied),
        "closed": Count("pk", filter=Q(status=S.CLOSED)),
        "on_time": Count("pk", filter=replied & Q(replied_on_time=True)),
        "face_to_face": Count("pk", filter=assigned & Q(met_face_to_face=True)),
        "re_handled": Count("pk", filter=Q(was_re_handled=True)),
        **{f"class_{c}": Count("pk", filter=replied & Q(reply_class=c)) for c in ReplyClass.values},
        **{s: Count("pk", filter=Q(satisfaction=s)) for s in Satisfaction.values},
    }


def first_reply():
    """The unit's first reply of the first round, as sent (a revision or a re-handling reply
    later does not change whether the unit replied, or replied on time)."""
    # "Not a revision" is written as NOT (supersedes IS NOT NULL): SQLite reads a plain
    # `supersedes IS NULL` through the unique index on supersedes, which holds nearly every
    # reply, and so scanned all replies for each assignment (25 s to recount a session of
    # 10,000 suggestions); this way it looks the unit's replies up by assignment.
    return Reply.objects.filter(assignment=OuterRef("pk"), kind=Reply.Kind.REPLY, round=1).exclude(
        supersedes__isnull=False
    )


def unit_counts():
    """Aggregates over assignments; replied, on time and satisfaction count those owing a reply
    (`REPLYING_ROLES`), replied and on time from the unit's first reply as sent."""
    owes = Q(role__in=Assignment.REPLYING_ROLES)
    first = first_reply()
    return {
        "lead": Count("pk", filter=Q(role=Assignment.Role.LEAD)),
        "co": Count("pk", filter=Q(role=Assignment.Role.CO)),
        "separate": Count("pk", filter=Q(role=Assignment.Role.SEPARATE)),
        "replied": Count("pk", filter=owes & Q(Exists(first))),
        "on_time": Count("pk", filter=owes & Q(Exists(first.filter(replied_on__lte=F("due_on"))))),
        **{
            s: Count("pk", filter=owes & Q(suggestion__satisfaction=s)) for s in Satisfaction.values
        },
    }


SUGGESTION_COLUMNS = list(suggestion_counts())
UNIT_COLUMNS = list(unit_counts())
FIELDS = {G.CATEGORY: "category", G.DELEGATION: "delegation", G.UNIT: "unit"}


def recount(session_id, group, keys=None):
    """Rewrite one session's rows of one group (only `keys` when given) from the live rows."""
    if group == G.UNIT:
        rows = Assignment.objects.filter(suggestion__session=session_id)
        columns = unit_counts()
    else:
        rows = Suggestion.objects.filter(session=session_id)
        columns = suggestion_counts()
    field = FIELDS.get(group)
    if field and keys is not None:
        rows = rows.filter(**{f"{field}__in": keys})
    if field:
        counted = {row.pop(field): row for row in rows.order_by().values(field).annotate(**columns)}
    else:
        counted = {0: rows.aggregate(**columns)}
        if not counted[0]["suggestions"]:
            counted = {}
    stale = Tally.objects.filter(session=session_id, group=group)
    if keys is not None:
        stale = stale.filter(key__in=keys)
    stale.exclude(key__in=list(counted)).delete()
    if counted:
        Tally.objects.bulk_create(
            [Tally(session_id=session_id, group=group, key=k, **v) for k, v in counted.items()],
            update_conflicts=True,
            unique_fields=["session", "group", "key"],
            update_fields=list(columns),
        )


def recount_all():
    """Rebuild every summary row (the management command `recount_summaries`)."""
    Tally.objects.all().delete()
    for session_id in Suggestion.objects.order_by().values_list("session", flat=True).distinct():
        for group in G.values:
            recount(session_id, group)
    bump_now_and_on_commit()


# -- keeping them in step ----------------------------------------------------------------------


class Changes:
    def __init__(self):
        self.groups = set()  # (session id, group, key)
        self.suggestions = set()
        self.sessions = set()  # recounted whole (imports)

    def add_groups(self, suggestion_ids):
        ids = list(suggestion_ids)
        for session_id, category_id, delegation_id in Suggestion.objects.filter(
            pk__in=ids
        ).values_list("session", "category", "delegation"):
            self.groups |= {
                (session_id, G.TOTAL, 0),
                (session_id, G.CATEGORY, category_id),
                (session_id, G.DELEGATION, delegation_id),
            }
        for session_id, unit_id in Assignment.objects.filter(suggestion__in=ids).values_list(
            "suggestion__session", "unit"
        ):
            self.groups.add((session_id, G.UNIT, unit_id))

    def apply(self):
        if self.suggestions:
            self.add_groups(self.suggestions)
        keys = {}
        for session_id, group, key in self.groups:
            if session_id not in self.sessions:
                keys.setdefault((session_id, group), set()).add(key)
        for (session_id, group), wanted in sorted(keys.items()):
            recount(session_id, group, None if group == G.TOTAL else sorted(wanted))
        for session_id in self.sessions:
            for group in G.values:
                recount(session_id, group)
        bump_now_and_on_commit()  # whatever the service wrote, pages showing it are stale


_changes = contextvars.ContextVar("summary_changes", default=None)


def in_step(service):
    """A service's transaction, with the summary rows it touched recounted before it commits."""

    @functools.wraps(service)
    def run(*args, **kwargs):
        if _changes.get() is not None:  # a service calling another: the outer one recounts
            return service(*args, **kwargs)
        token = _changes.set(Changes())
        try:
            with transaction.atomic():
                result = service(*args, **kwargs)
                _changes.get().apply()
            return result
        finally:
            _changes.reset(token)

    return run


def touched(suggestion):
    """Note a suggestion a service is about to change (its groups now) or has created."""
    changes = _changes.get()
    if changes is None or suggestion.pk is None:
        return
    if suggestion.pk not in changes.suggestions:
        changes.suggestions.add(suggestion.pk)
        changes.add_groups([suggestion.pk])


def touched_session(session):
    """Many suggestions of a session changed at once (an import): recount the session."""
    changes = _changes.get()
    if changes is not None:
        changes.sessions.add(session.pk)


@in_step
def save_edited(suggestion):
    """Save a suggestion edited by hand (the admin's change form), its groups recounted."""
    touched(Suggestion.objects.get(pk=suggestion.pk))  # its groups before the edit
    suggestion.save()
