"""Summary rows kept in step with the suggestions, and the version every write bumps.

The public statistics read `Tally` rows (per session in total, and per session × category,
× delegation, × handling unit), never the million suggestions behind them. Two figures are a
spread rather than a count, and have rows of their own: `ReplyDays` (how many first replies
came after so many days, per session × unit and per unit over all sessions: the median and
average days to reply) and `OpenPromise` (open promises per session × unit × date due: which
are past their date is a sum over the rows due before today, whatever day it is).

How they stay exact: every write runs in a change-set (`change_set`; each service is one, by
`in_step`). A write notes each suggestion it touches, with the groups it belongs to before the
change — the services' `_lock` and `_record` do, and so does a save or delete of any row the
figures derive from (`watch_writes`: the suggestion, its assignments, contacts, replies,
ratings, co-signers, reviews, links, key supervision). When the outermost change-set ends,
still inside its transaction, the groups the suggestions belong to after the change are added
and each touched group is *recounted* from its session's rows — one aggregate query per kind of
group, over one session, by indexed columns. Change-sets nest, so a demo or an import made of
thousands of service calls recounts once. A recount rather than a delta: whatever the writes
changed (a status, a class, a deleted assignment), the row ends equal to what
`recount_summaries` would write, with no bookkeeping of before/after contributions to get
wrong. A save outside any change-set raises in the tests (SUMMARIES_STRICT) and, in
production, is logged and recounts its session; `drift.check` (nightly) finds what a raw
UPDATE did behind everyone's back.

The consistency flags are kept the same way on the suggestion row itself (`refresh_flags`): the
suggestions a change-set touched get their flag columns rewritten from `with_flags` in one UPDATE
before it commits (a session recounted whole, all of its suggestions), and with them the day a
closed suggestion began to await its reply's publication (`awaits_publication`). Then the
touched sessions' `FlagsToReview` rows (how many carry a flag to review, per day from which
they carry it) are recounted from those columns: staff's queue of flags counts from them.

Every change-set also bumps the public pages' cache version (`congress.cache`).
"""

import contextlib
import contextvars
import functools
import itertools
import logging
from collections import Counter

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Subquery, Sum, signals

from congress.cache import bump_now_and_on_commit
from suggestions.models import (
    FLAG_BIT,
    FLAGGED_ALWAYS,
    Assignment,
    Contact,
    CoSigner,
    Evaluation,
    FlagReview,
    FlagsToReview,
    ImplementationRating,
    KeySupervision,
    OpenPromise,
    Reply,
    ReplyClass,
    ReplyDays,
    Satisfaction,
    SimilarLink,
    Suggestion,
    Tally,
    awaits_publication,
)

logger = logging.getLogger(__name__)

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
        # 落实满意度 of the unit's own replies: the lead deputy's rating of what was done.
        **{
            f"impl_{s}": Count(
                "pk",
                filter=owes
                & Q(suggestion__status__in=Suggestion.PUBLIC_STATUSES)
                & Q(suggestion__implementation_satisfaction=s),
            )
            for s in Satisfaction.values
        },
    }


# -- the accountability loop ---------------------------------------------------------------------


def promise_counts():
    """Aggregates over the promises (`Reply.objects.promises()`: current B/C replies with a date):
    kept = followed up by the promised date, late = after it. The rest are open; whether an
    open one is past its date depends on today (`open_promises`)."""
    followed = Q(followed_up_on__isnull=False)
    return {
        "promises": Count("pk"),
        "promises_kept": Count("pk", filter=followed & Q(followed_up_on__lte=F("promised_by"))),
        "promises_late": Count("pk", filter=followed & Q(followed_up_on__gt=F("promised_by"))),
    }


def loop_counts():
    """Aggregates over suggestions: the lead deputies' implementation ratings, and closed
    suggestions whose every current reply is public (公开率)."""
    closed = Q(status=S.CLOSED)
    return {
        **{f"impl_{s}": Count("pk", filter=Q(implementation_satisfaction=s)) for s in SAT},
        "closed_published": Count("pk", filter=closed & ~awaits_publication()),
    }


def implementation_rating_counts():
    """Aggregates over ImplementationRating: every deputy's rating of what was done."""
    return {f"impl_all_{s}": Count("pk", filter=Q(satisfaction=s)) for s in SAT}


def latest_evaluations():
    """Each deputy's latest rating of the reply (lead and co-signers), one per deputy."""
    later = Evaluation.objects.filter(
        suggestion=OuterRef("suggestion"), deputy=OuterRef("deputy"), round__gt=OuterRef("round")
    )
    return Evaluation.objects.filter(~Exists(later))


def evaluation_counts():
    return {f"all_{s}": Count("pk", filter=Q(satisfaction=s)) for s in SAT}


def first_reply_days(assignments):
    """(unit id, days from assignment to first reply) for each of these assignments that owes
    a reply and has one. The first reply is the earliest first-round reply, so a revision or a
    re-handling does not make a unit look slower or faster than it first was."""
    rows = (
        assignments.exclude(role=Assignment.Role.CO)
        .order_by()
        .annotate(
            first_reply=Min(
                "replies__replied_on",
                filter=Q(replies__round=1, replies__kind=Reply.Kind.REPLY),
            )
        )
        .filter(first_reply__isnull=False)
        .values_list("unit", "assigned_on", "first_reply")
    )
    return [(unit, (first - assigned_on).days) for unit, assigned_on, first in rows]


SAT = Satisfaction.values
SUGGESTION_COLUMNS = list(suggestion_counts())
UNIT_COLUMNS = list(unit_counts())
PROMISE_COLUMNS = list(promise_counts())
LOOP_COLUMNS = [
    *PROMISE_COLUMNS,
    *loop_counts(),
    *implementation_rating_counts(),
    *evaluation_counts(),
]
FIELDS = {G.CATEGORY: "category", G.DELEGATION: "delegation", G.UNIT: "unit"}


def recount(session_id, group, keys=None):
    """Rewrite one session's rows of one group (only `keys` when given) from the live rows.

    A category's rows also carry the loop's figures (a session's are the sum of its
    categories', each recount reading one category's suggestions, not the session's); a unit's
    rows also its promises, and its `ReplyDays` and `OpenPromise` rows are recounted with them.
    The session's total is the sum of its category rows (every suggestion has a category), so
    it is recounted after them (`RECOUNT_ORDER`), from a dozen rows, not the session's
    suggestions."""
    if group == G.TOTAL:
        _recount_total(session_id)
        return
    if group == G.UNIT:
        rows = Assignment.objects.filter(session=session_id)
        columns = unit_counts()
    elif group == G.CATEGORY:
        rows = Suggestion.objects.filter(session=session_id)
        columns = {**suggestion_counts(), **loop_counts()}
    else:
        rows = Suggestion.objects.filter(session=session_id)
        columns = suggestion_counts()
    field = FIELDS[group]
    if keys is not None:
        rows = rows.filter(**{f"{field}__in": keys})
    counted = {row.pop(field): row for row in rows.order_by().values(field).annotate(**columns)}
    columns = list(columns)
    if group == G.CATEGORY:
        columns += [c for c in LOOP_COLUMNS if c not in columns]
        loop = _category_loop(session_id, keys)
        for key, row in counted.items():
            row.update(loop.get(key, {}))
    if group == G.UNIT:
        columns += PROMISE_COLUMNS
        promises = unit_replies(Reply.objects.promises(), session_id, keys)
        promises = _grouped(promises, "assignment__unit", keys, promise_counts())
        for key, row in counted.items():
            row.update(promises.get(key, dict.fromkeys(PROMISE_COLUMNS, 0)))
        recount_reply_days(session_id, keys)
        recount_open_promises(session_id, keys)
    _write_tallies(session_id, group, keys, counted, columns)


def _write_tallies(session_id, group, keys, counted, columns):
    stale = Tally.objects.filter(session=session_id, group=group)
    if keys is not None:
        stale = stale.filter(key__in=keys)
    stale.exclude(key__in=list(counted)).delete()
    if counted:
        Tally.objects.bulk_create(
            [Tally(session_id=session_id, group=group, key=k, **v) for k, v in counted.items()],
            update_conflicts=True,
            unique_fields=["session", "group", "key"],
            update_fields=columns,
        )


def _recount_total(session_id):
    sums = Tally.objects.filter(session=session_id, group=G.CATEGORY).aggregate(
        **{column: Sum(column) for column in SUGGESTION_COLUMNS}
    )
    counted = {0: sums} if sums["suggestions"] else {}
    _write_tallies(session_id, G.TOTAL, None, counted, SUGGESTION_COLUMNS)


# The total is summed from the category rows: recounted after them.
RECOUNT_ORDER = [G.CATEGORY, G.DELEGATION, G.UNIT, G.TOTAL]


def unit_replies(replies, session_id, keys):
    """These replies of the session, only those to these units' assignments when `keys`.

    The units' assignments in the session are read first (a few hundred ids), and their
    replies by the reply's assignment index: filtered by unit through a join, PostgreSQL
    hashed the unit's assignments of every session and scanned every reply of every session
    (40 ms a recount at 100,000 suggestions, ten times that at a million), and a subquery in
    place of the list kept that plan. Over UNIT_IDS_AT_ONCE ids (a bulk change set touching
    many units) the subquery is used instead: the same rows, within SQLite's variable limit."""
    replies = replies.filter(session=session_id)
    if keys is not None:
        assignments = Assignment.objects.filter(session=session_id, unit__in=keys).values_list(
            "pk", flat=True
        )
        ids = list(assignments[: UNIT_IDS_AT_ONCE + 1])
        replies = replies.filter(assignment__in=assignments if len(ids) > UNIT_IDS_AT_ONCE else ids)
    return replies


UNIT_IDS_AT_ONCE = 5_000


def _grouped(rows, field, keys, columns):
    """{key: counts} of rows grouped by `field`, only `keys` when given."""
    if keys is not None:
        rows = rows.filter(**{f"{field}__in": keys})
    rows = rows.order_by().values(field).annotate(**columns)
    return {row.pop(field): row for row in rows}


def _category_loop(session_id, keys):
    """{category id: the loop's figures that are not aggregates over the suggestions' rows}."""
    parts = [
        (Reply.objects.promises(), promise_counts()),
        (ImplementationRating.objects.all(), implementation_rating_counts()),
        (latest_evaluations(), evaluation_counts()),
    ]
    loop = {}  # a category with none of them is left out: its row takes the columns' 0
    for rows, columns in parts:
        # By the suggestion's session: through the (session, category) index to the few
        # categories recounted (by the reply's own session, every promise of the session).
        rows = rows.filter(suggestion__session=session_id)
        for key, counts in _grouped(rows, "suggestion__category", keys, columns).items():
            loop.setdefault(key, {}).update(counts)
    return loop


def recount_reply_days(session_id, keys=None):
    """Rewrite the session's `ReplyDays` rows of these units (all when None), and move the
    all-sessions rows by the same difference, so they stay the sum of every session's rows.

    The all-sessions rows change by an increment (`replies = replies + n`), which two sessions'
    services may apply at once without either losing the other's."""
    assignments = Assignment.objects.filter(session=session_id)
    stored = ReplyDays.objects.filter(session=session_id)
    if keys is not None:
        assignments = assignments.filter(unit__in=keys)
        stored = stored.filter(unit__in=keys)
    counted = Counter(first_reply_days(assignments))
    before = {(u, d): n for u, d, n in stored.values_list("unit", "days", "replies")}
    change = {k: counted[k] - before.get(k, 0) for k in counted.keys() | before.keys()}
    change = {k: n for k, n in sorted(change.items()) if n}
    if not change:
        return
    gone = {}
    for unit, days in change:
        if not counted[(unit, days)]:
            gone.setdefault(unit, []).append(days)
    for unit, days in gone.items():
        stored.filter(unit=unit, days__in=days).delete()
    kept = [(u, d) for u, d in change if counted[(u, d)]]
    if kept:
        ReplyDays.objects.bulk_create(
            [
                ReplyDays(session_id=session_id, unit=u, days=d, replies=counted[(u, d)])
                for u, d in kept
            ],
            update_conflicts=True,
            unique_fields=["session", "unit", "days"],
            update_fields=["replies"],
        )
    _add_to_all_sessions(change)


def _add_to_all_sessions(change):
    """Add {(unit, days): n} to the all-sessions rows, in (unit, days) order (two services
    adding at once take the rows' locks in the same order): a run of additions a thousand rows
    a statement, a subtraction (a reply moved or gone) an UPDATE of its row, which exists (the
    row proposed by an upsert must itself satisfy replies >= 0 on SQLite)."""
    table = connection.ops.quote_name(ReplyDays._meta.db_table)
    items = sorted(change.items())
    with connection.cursor() as cursor:
        for subtract, run in itertools.groupby(items, key=lambda item: item[1] < 0):
            run = list(run)
            if subtract:
                cursor.executemany(
                    f"UPDATE {table} SET replies = replies + %s "
                    "WHERE session_id IS NULL AND unit = %s AND days = %s",
                    [(n, unit, days) for (unit, days), n in run],
                )
                continue
            for start in range(0, len(run), 1000):
                chunk = run[start : start + 1000]
                values = ", ".join(["(NULL, %s, %s, %s)"] * len(chunk))
                cursor.execute(
                    f"INSERT INTO {table} (session_id, unit, days, replies) VALUES {values} "
                    "ON CONFLICT (unit, days) WHERE session_id IS NULL "
                    f"DO UPDATE SET replies = {table}.replies + excluded.replies",
                    [x for (unit, days), n in chunk for x in (unit, days, n)],
                )
    units = sorted({unit for unit, _days in change})
    ReplyDays.objects.filter(session=None, unit__in=units, replies=0).delete()


def open_promises(replies):
    """{(unit id, date due): count} of the open promises among these replies."""
    rows = (
        replies.promises_open()
        .order_by()
        .values_list("assignment__unit", "promised_by")
        .annotate(n=Count("pk"))
    )
    return {(unit, due): n for unit, due, n in rows}


def recount_open_promises(session_id, keys=None):
    replies = unit_replies(Reply.objects.all(), session_id, keys)
    stored = OpenPromise.objects.filter(session=session_id)
    if keys is not None:
        replies = replies.filter(assignment__unit__in=keys)
        stored = stored.filter(unit__in=keys)
    counted = open_promises(replies)
    if counted == {(u, d): n for u, d, n in stored.values_list("unit", "due", "promises")}:
        return
    stored.delete()
    OpenPromise.objects.bulk_create(
        OpenPromise(session_id=session_id, unit=u, due=d, promises=n)
        for (u, d), n in sorted(counted.items())
    )


# -- the consistency flags kept on the suggestion ------------------------------------------------


def refresh_flags(suggestions):
    """Rewrite the stored flag columns of these suggestions (a queryset) from the definition.

    One UPDATE … FROM (`with_flag_columns`, the same expressions as `with_flags`), whatever
    the number of suggestions; rows whose columns already say so are left alone. A flag that
    does not depend on the day holds after FLAGGED_ALWAYS; an open promise's after its date.
    Returns the ids of the rows it rewrote."""
    table = connection.ops.quote_name(Suggestion._meta.db_table)
    inputs = (
        suggestions.order_by()
        .with_flag_columns()
        .values("id", "fixed_flags", "reviewed_flags", "open_promise_due", "closed_unpublished")
    )
    sql, params = inputs.query.sql_with_params()
    promise = FLAG_BIT["promise_overdue"]
    flagged = "CASE WHEN f.fixed_flags > 0 THEN %s ELSE f.open_promise_due END"
    to_review = (
        "CASE WHEN (f.fixed_flags & ~f.reviewed_flags) > 0 THEN %s "
        f"WHEN (f.reviewed_flags & {promise}) = 0 THEN f.open_promise_due END"
    )
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    with connection.cursor() as cursor:
        cursor.execute(
            # Materialized: computed once, not once for each column that reads it.
            f"WITH f AS MATERIALIZED ({sql}) "
            f"UPDATE {table} SET flag_bits = f.fixed_flags, flags_reviewed = f.reviewed_flags, "
            f"promise_due = f.open_promise_due, flagged_after = {flagged}, "
            f"to_review_after = {to_review}, awaits_publication_since = f.closed_unpublished "
            f"FROM f WHERE {table}.id = f.id AND ("
            f"{table}.flag_bits <> f.fixed_flags OR {table}.flags_reviewed <> f.reviewed_flags "
            f"OR {table}.promise_due {differs} f.open_promise_due "
            f"OR {table}.awaits_publication_since {differs} f.closed_unpublished "
            f"OR {table}.flagged_after {differs} ({flagged}) "
            f"OR {table}.to_review_after {differs} ({to_review})) RETURNING {table}.id",
            [*params, *[FLAGGED_ALWAYS] * 4],
        )
        return [row[0] for row in cursor.fetchall()]


def recount_flags_to_review(session_id):
    """Rewrite the session's `FlagsToReview` rows from its flag columns: two statements, an
    index-only count written as it is read, whatever the session holds."""
    table = connection.ops.quote_name(FlagsToReview._meta.db_table)
    counted = (
        Suggestion.objects.filter(session=session_id, to_review_after__isnull=False)
        .order_by()
        .values_list("session", "to_review_after")
        .annotate(n=Count("pk"))
    )
    sql, params = counted.query.sql_with_params()
    columns = ", ".join(map(connection.ops.quote_name, ["session_id", "after", "suggestions"]))
    FlagsToReview.objects.filter(session=session_id).delete()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)


def refresh_all_flags(batch=20_000):
    """Every suggestion's flag columns, a range of ids at a time (recount_summaries).

    Returns the ids of the rows rewritten; None in a database migrated only up to before the
    newest of the columns it writes: 0014 and 0016 run today's code, and 0019 fills them all
    once they exist."""
    table = Suggestion._meta.db_table
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, table)
    if "awaits_publication_since" not in {column.name for column in columns}:
        return None
    ids = Suggestion.objects.order_by("pk").values_list("pk", flat=True)
    last, rewritten = 0, []
    while True:
        bounds = list(ids.filter(pk__gt=last)[batch - 1 : batch]) or [None]
        rows = Suggestion.objects.filter(pk__gt=last)
        if bounds[0] is not None:
            rows = rows.filter(pk__lte=bounds[0])
        rewritten += refresh_flags(rows)
        if bounds[0] is None:
            return rewritten
        last = bounds[0]


def rebuild_flags():
    """Every suggestion's flag columns, then every session's `FlagsToReview` rows."""
    if refresh_all_flags() is not None:
        FlagsToReview.objects.all().delete()
        for session_id in (
            Suggestion.objects.order_by().values_list("session", flat=True).distinct()
        ):
            recount_flags_to_review(session_id)


def rebuild():
    """Every summary row from the live rows (without the cache bump of `recount_all`)."""
    Tally.objects.all().delete()
    ReplyDays.objects.all().delete()
    OpenPromise.objects.all().delete()
    for session_id in Suggestion.objects.order_by().values_list("session", flat=True).distinct():
        for group in RECOUNT_ORDER:
            recount(session_id, group)
    rebuild_flags()


def recount_all():
    """Rebuild every summary row (the management command `recount_summaries`)."""
    rebuild()
    bump_now_and_on_commit()


def lock_sessions(session_ids):
    """Recounts of one session wait for each other (PostgreSQL): each counts the rows the one
    before it committed, so the last to commit never writes a count missing the other's
    change. Sessions are locked in order, so two services never wait for each other."""
    if connection.vendor != "postgresql":
        return  # SQLite runs one writing transaction at a time
    with connection.cursor() as cursor:
        for session_id in sorted(session_ids):
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s::int, %s::int)", [LOCK_CLASS, session_id]
            )


LOCK_CLASS = 7_115_011  # the advisory locks' first key: "summaries"


# -- keeping them in step ----------------------------------------------------------------------


class Changes:
    """What the writes of one change-set touched: the summary groups (noted before a
    suggestion changes, and again when the change-set ends), the suggestions whose stored
    flags to rewrite, and the sessions recounted whole (a bulk write)."""

    def __init__(self):
        self.groups = set()  # (session id, group, key)
        self.suggestions = set()
        self.sessions = set()

    def add_groups(self, suggestion_ids):
        ids = sorted(suggestion_ids)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            for session_id, category_id, delegation_id in Suggestion.objects.filter(
                pk__in=chunk
            ).values_list("session", "category", "delegation"):
                self.groups |= {
                    (session_id, G.TOTAL, 0),
                    (session_id, G.CATEGORY, category_id),
                    (session_id, G.DELEGATION, delegation_id),
                }
            for session_id, unit_id in Assignment.objects.filter(suggestion__in=chunk).values_list(
                "session", "unit"
            ):
                self.groups.add((session_id, G.UNIT, unit_id))

    def refresh_flags(self, sessions):
        """The stored flags of every suggestion touched (of each session recounted whole), and
        the flags-to-review rows of their sessions."""
        if self.sessions:
            refresh_flags(Suggestion.objects.filter(session__in=self.sessions))
        ids = sorted(self.suggestions)
        for start in range(0, len(ids), CHUNK):
            rows = Suggestion.objects.filter(pk__in=ids[start : start + CHUNK])
            refresh_flags(rows.exclude(session__in=self.sessions))
        for session_id in sorted(sessions):
            recount_flags_to_review(session_id)

    def apply(self):
        if self.suggestions:
            copy_sessions(self.suggestions)
            self.add_groups(self.suggestions)
        sessions = {session_id for session_id, _group, _key in self.groups} | self.sessions
        lock_sessions(sessions)
        keys = {}
        for session_id, group, key in self.groups:
            if session_id not in self.sessions:
                keys.setdefault((session_id, group), set()).add(key)
        for (session_id, group), wanted in sorted(
            keys.items(), key=lambda item: (item[0][0], RECOUNT_ORDER.index(item[0][1]))
        ):
            recount(session_id, group, None if group == G.TOTAL else sorted(wanted))
        for session_id in sorted(self.sessions):
            for group in RECOUNT_ORDER:
                recount(session_id, group)
        self.refresh_flags(sessions)
        bump_now_and_on_commit()  # whatever the writes changed, pages showing it are stale


def copy_sessions(suggestion_ids=None):
    """Rewrite the session copied onto assignments and replies (`copied_session`) where it is
    not their suggestion's (one moved to another session), these suggestions' only when given.
    Run before the groups after the change are read, so a move recounts the new session's
    units; returns how many rows it rewrote."""
    session = Subquery(
        Suggestion.everywhere.filter(pk=OuterRef("suggestion")).values("session")[:1]
    )
    rewritten = 0
    for model in (Assignment, Reply):
        rows = model.everywhere.exclude(session=F("suggestion__session"))
        if suggestion_ids is None:
            rewritten += rows.update(session=session)
            continue
        ids = sorted(suggestion_ids)
        for start in range(0, len(ids), CHUNK):
            chunk = rows.filter(suggestion__in=ids[start : start + CHUNK])
            rewritten += chunk.update(session=session)
    return rewritten


CHUNK = 500  # suggestion ids in one `IN (…)`: a demo or an import touches thousands
_changes = contextvars.ContextVar("summary_changes", default=None)


@contextlib.contextmanager
def change_set():
    """A transaction whose writes keep the derived rows in step: what they touch is noted, and
    the rows of those keys are recounted once, at the end, before it commits.

    Change-sets nest: inside another (a service calling a service, a demo or an import built of
    many services) only the outermost recounts, so a thousand service calls in one transaction
    cost one recount of what they touched together."""
    if _changes.get() is not None:
        with transaction.atomic():  # a service that fails still undoes its own writes
            yield _changes.get()
        return
    token = _changes.set(Changes())
    try:
        with transaction.atomic():
            yield _changes.get()
            if not transaction.get_rollback():  # undone (set_rollback): nothing to recount
                _changes.get().apply()
    finally:
        _changes.reset(token)


def in_step(service):
    """A service runs in a change-set (its own, or the one it is called in)."""

    @functools.wraps(service)
    def run(*args, **kwargs):
        with change_set():
            return service(*args, **kwargs)

    return run


def touched(suggestion):
    """Note a suggestion about to change (its groups now) or just created."""
    touched_id(suggestion.pk)


def touched_id(suggestion_id):
    changes = _changes.get()
    if changes is None or suggestion_id is None:
        return
    if suggestion_id not in changes.suggestions:
        changes.suggestions.add(suggestion_id)
        changes.add_groups([suggestion_id])


def touched_session(session):
    """Many suggestions of a session changed at once (an import): recount the session."""
    changes = _changes.get()
    if changes is not None:
        changes.sessions.add(session.pk)


# -- writes outside a change-set -------------------------------------------------------------


class UntrackedWrite(RuntimeError):
    """A row the derived rows are counted from was written outside a change-set."""


def _suggestion_id(instance):
    if isinstance(instance, Suggestion):
        return instance.pk
    if isinstance(instance, Contact):
        return (
            Assignment.objects.filter(pk=instance.assignment_id)
            .values_list("suggestion", flat=True)
            .first()
        )
    return instance.suggestion_id


def _before_write(sender, instance, raw=False, **kwargs):
    """Inside a change-set: note the suggestion while the database still holds its groups
    before the write (a category, a unit about to change or go)."""
    if not raw and instance.pk is not None:
        touched_id(_suggestion_id(instance))


def _after_write(sender, instance, raw=False, **kwargs):
    """Every save and delete of a row the figures, flags and queues derive from: noted in the
    change-set it belongs to; outside one, an error in tests (SUMMARIES_STRICT) and, in
    production, a warning and a recount of the suggestion's session, so nothing drifts."""
    if raw:  # loaddata: `recount_summaries` afterwards, as for any bulk load
        return
    suggestion_id = _suggestion_id(instance)
    if _changes.get() is not None:
        touched_id(suggestion_id)
        return
    what = f"{sender.__name__} {instance.pk} (suggestion {suggestion_id})"
    if getattr(settings, "SUMMARIES_STRICT", False):
        raise UntrackedWrite(
            f"{what} was written outside a change-set, so the summary rows and flags derived "
            "from it would not be recounted: write through a service, or inside "
            "summaries.change_set()."
        )
    session_id = getattr(instance, "session_id", None) or (
        Suggestion.objects.filter(pk=suggestion_id).values_list("session", flat=True).first()
    )
    logger.warning("%s written outside a change-set; recounting session %s", what, session_id)
    if session_id is not None:
        with change_set() as changes:
            changes.sessions.add(session_id)


WATCHED = [
    Suggestion,
    Assignment,
    Contact,
    Reply,
    Evaluation,
    CoSigner,
    FlagReview,
    ImplementationRating,
    SimilarLink,
    KeySupervision,
]


def watch_writes():
    """Connect the receivers (SuggestionsConfig.ready). Bulk writes (`update`, `bulk_create`,
    the imports' plain INSERTs) send no signals: they note what they touch themselves."""
    for model in WATCHED:
        uid = f"summaries-{model.__name__}"
        signals.pre_save.connect(_before_write, sender=model, dispatch_uid=f"{uid}-pre-save")
        signals.pre_delete.connect(_before_write, sender=model, dispatch_uid=f"{uid}-pre-delete")
        signals.post_save.connect(_after_write, sender=model, dispatch_uid=f"{uid}-save")
        signals.post_delete.connect(_after_write, sender=model, dispatch_uid=f"{uid}-delete")
