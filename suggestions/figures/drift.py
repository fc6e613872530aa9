"""The derived rows checked against their definitions: every summary row, stored flag and queue
column recounted, compared with what was stored, and the drift reported and repaired.

The change-sets (`summaries.change_set`) keep these rows exact as every write commits; this is
the check that they did: `manage.py check_derived`, and the worker each night
(`suggestions.tasks.check_derived_rows`), whose last result /healthz shows; it also checks that
each assignment and reply carries its suggestion's session. A drift found here is a write that
went around the change-sets (a raw UPDATE, a restored backup of one table, a bug): the report
names the rows, so the write can be found.
"""

import time

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from congress.health import record_self_check
from suggestions.figures import summaries
from suggestions.models import FlagsToReview, OpenPromise, ReplyDays, Suggestion, Tally

G = Tally.Group
EXAMPLES = 10  # rows named per kind of drift; the count is always whole
KINDS = [
    "tally",
    "reply_days",
    "open_promises",
    "flags_to_review",
    "suggestion_flags",
    "copied_sessions",
]


def _stored(session_id):
    """{kind: {key: value}} of one session's summary rows, as stored."""
    tally = {}
    for row in Tally.objects.filter(session=session_id).values():
        key = (row.pop("group"), row.pop("key"))
        for name in ("id", "session_id"):
            row.pop(name)
        tally[key] = row
    return {
        "tally": tally,
        "reply_days": {
            (u, d): n
            for u, d, n in ReplyDays.objects.filter(session=session_id).values_list(
                "unit", "days", "replies"
            )
        },
        "open_promises": {
            (u, d): n
            for u, d, n in OpenPromise.objects.filter(session=session_id).values_list(
                "unit", "due", "promises"
            )
        },
        "flags_to_review": dict(
            FlagsToReview.objects.filter(session=session_id).values_list("after", "suggestions")
        ),
    }


def _all_sessions_reply_days():
    return {
        (u, d): n
        for u, d, n in ReplyDays.objects.filter(session=None).values_list("unit", "days", "replies")
    }


def _sessions():
    """Every session with suggestions or with summary rows (rows left by a deleted one)."""
    ids = set(Suggestion.objects.order_by().values_list("session", flat=True).distinct())
    for model in (Tally, ReplyDays, OpenPromise, FlagsToReview):
        rows = model.objects.exclude(session=None).order_by()
        ids |= set(rows.values_list("session", flat=True).distinct())
    return sorted(ids)


class Report:
    def __init__(self):
        self.drifted = dict.fromkeys(KINDS, 0)
        self.examples = []

    def add(self, kind, where, stored, counted, rows=1):
        self.drifted[kind] += rows
        if sum(1 for e in self.examples if e.startswith(kind)) < EXAMPLES:
            self.examples.append(f"{kind} {where}: stored {stored}, counted {counted}")

    def compare(self, kind, where, before, after):
        for key in sorted(before.keys() | after.keys(), key=repr):
            if before.get(key) != after.get(key):
                self.add(kind, f"{where} {key}", _brief(before.get(key)), _brief(after.get(key)))

    @property
    def total(self):
        return sum(self.drifted.values())


def _brief(value):
    """A row as what differs is read: its non-zero columns."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if v} or "zeros"
    return value


def check(repair=True):
    """Recount every derived row and column; returns the Report. With repair=False nothing
    stored changes (each recount is rolled back).

    One transaction per session, under the session's lock (`summaries.lock_sessions`), so a
    service writing meanwhile waits for one session's recount, never for the whole check."""
    report = Report()
    with transaction.atomic():  # first: the recounts below read the sessions copied
        moved = summaries.copy_sessions()
        if moved:
            where = "assignments and replies"
            report.add("copied_sessions", where, "another session", "their suggestion's", moved)
        transaction.set_rollback(not repair)
    sessions = _sessions()
    for session_id in sessions:
        with transaction.atomic():
            summaries.lock_sessions([session_id])
            _check_session(session_id, report)
            transaction.set_rollback(not repair)
    with transaction.atomic():
        summaries.lock_sessions(sessions)  # no session's recount moves them meanwhile
        _check_all_sessions(report)
        transaction.set_rollback(not repair)
    if repair and report.total:
        summaries.bump_now_and_on_commit()
    return report


def _check_session(session_id, report):
    """The session's suggestions' flag and queue columns, then its summary rows."""
    suggestions = Suggestion.objects.filter(session=session_id)
    for pk in summaries.refresh_flags(suggestions):
        report.add("suggestion_flags", f"suggestion {pk}", "other columns", "rewritten")
    before = _stored(session_id)
    for group in summaries.RECOUNT_ORDER:
        summaries.recount(session_id, group)
    summaries.recount_flags_to_review(session_id)
    after = _stored(session_id)
    for kind in before:
        report.compare(kind, f"session {session_id}", before[kind], after[kind])


def _check_all_sessions(report):
    """The all-sessions days-to-reply rows are the sum of every session's: rewritten so."""
    stored = _all_sessions_reply_days()
    summed = {
        (u, d): n
        for u, d, n in ReplyDays.objects.exclude(session=None)
        .order_by()
        .values_list("unit", "days")
        .annotate(n=Sum("replies"))
        if n
    }
    if summed == stored:
        return
    ReplyDays.objects.filter(session=None).delete()
    ReplyDays.objects.bulk_create(
        ReplyDays(session=None, unit=u, days=d, replies=n) for (u, d), n in summed.items()
    )
    report.compare("reply_days", "all sessions", stored, summed)


def check_and_record(repair=True):
    """`check`, with its result kept for /healthz (`congress.health`)."""
    started = time.monotonic()
    report = check(repair=repair)
    record_self_check(
        "derived_rows",
        {
            "checked_at": timezone.now().isoformat(timespec="seconds"),
            "seconds": round(time.monotonic() - started, 1),
            "drifted": report.total,
            "repaired": repair,
        },
    )
    return report
