"""A concluded session's new suggestions, brought to their final state in bulk.

`writing.bring_to_final_state` replays one suggestion through register → assign → name the
responsible person → reply → evaluate → close: some 40 queries a suggestion, minutes for a
session of 10,000. A *new* row of an import starts from a state known in advance (submitted,
nothing else recorded), and nothing in the replay depends on another suggestion of the same
import, so every step's outcome is known before anything is written: the suggestion's final
fields, its assignments, the reply, the rating, the history events and the links to similar
suggestions of earlier sessions. This module computes them with the services' own rules and
texts (`reply_due_on`, `concluded_assignment_dates`, `concluded_reply_date`,
`unrated_closing_date`, `_promise_fields`, `site_text` …) and writes them with a handful of
plain INSERTs per batch of suggestions (`insert`: executemany on SQLite, COPY on PostgreSQL),
inside the import's transaction: the statements do not grow with the rows.

What it writes is, row for row, what the services write (tests/test_import_bulk.py imports the
same sheet both ways and compares every field, event and summary row). A row it cannot take —
one the services would refuse (an inactive unit, a reply dated before its assignment) — is
left to the services, which raise the refusal with the row's number.
"""

import datetime
import io
import itertools
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy

from congress.models import Session
from congress.workdays import add_months
from suggestions import services
from suggestions.models import (
    Assignment,
    Evaluation,
    Event,
    Reply,
    Satisfaction,
    SimilarLink,
    Suggestion,
    TextBand,
)
from suggestions.search import similarity
from suggestions.services.common import rule, site_text
from suggestions.services.replies import _promise_fields

Status = Suggestion.Status
Action = Event.Action
Role = Assignment.Role
BATCH = 1000  # suggestions written per round of statements: bounds memory, not queries
INSERT_ROWS = 5000  # rows a COPY (PostgreSQL) or a multi-row INSERT sends at once
FOUND_LIMIT = 20  # `services.find_recurring` keeps the 20 most similar


@dataclass
class Replay:
    """One new suggestion's handling, worked out before it is saved."""

    suggestion: Suggestion
    plan: object  # the RowPlan
    registered_on: datetime.date
    assigned_on: datetime.date
    due_on: datetime.date  # the reply's due date, as assigned
    replied_on: datetime.date | None = None
    rehandling_due_on: datetime.date | None = None  # dissatisfied: the new reply's due date
    closed_on: datetime.date | None = None


def prepare(suggestion, plan, *, today):
    """Give an unsaved new suggestion the state its handling columns bring it to.

    Returns the Replay to `write` once the suggestion has its id, or None, with the
    suggestion untouched, for a row that goes through the services instead.
    """
    units = [plan.lead_unit, *plan.co_units]
    if len({u.pk for u in units}) != len(units) or any(not u.is_active for u in units):
        return None  # `assign` refuses it, and says so
    registered_on, assigned_on = concluded_assignment_dates(
        suggestion.session, suggestion.submitted_on, plan.values.get("assigned_on")
    )
    due_on = services.reply_due_on(assigned_on)  # as `assign` dates it
    replay = Replay(suggestion, plan, registered_on, assigned_on, due_on)
    s = suggestion
    if plan.reply_class:
        replied_on = concluded_reply_date(plan.values.get("replied_on"), assigned_on, due_on, today)
        if replied_on < assigned_on:
            return None  # `reply` refuses it, and says so
        replay.replied_on = replied_on
    s.registered_on, s.assigned_on, s.due_on = registered_on, assigned_on, due_on
    s.status = Status.ASSIGNED
    if not plan.reply_class:
        return replay
    # `reply`: the lead unit's reply is the only one owed (co-handlers do not reply).
    s.first_replied_on = replay.replied_on
    s.replied_on_time = replay.replied_on <= due_on
    s.reply_class = plan.reply_class
    s.due_on = None
    s.status = Status.REPLIED
    if plan.satisfaction:  # `evaluate` by the lead deputy, the same day
        s.satisfaction = plan.satisfaction
        if plan.satisfaction == Satisfaction.DISSATISFIED and not s.session.is_concluded:
            # As `evaluate`: one round of re-handling, due REHANDLING_MONTHS after the rating
            # (in a concluded session the rating is the deputy's last word: closed).
            replay.rehandling_due_on = add_months(
                replay.replied_on, services.rule("REHANDLING_MONTHS")
            )
            s.was_re_handled = True
            s.due_on = replay.rehandling_due_on
            s.status = Status.RE_HANDLING
        else:
            replay.closed_on = replay.replied_on
    else:
        replay.closed_on = unrated_closing_date(replay.replied_on, today)
    if replay.closed_on:
        s.closed_on = replay.closed_on
        s.status = Status.CLOSED
    return replay


def index(suggestions):
    """Store new suggestions' band keys, as `similarity.index_many` does."""
    insert(
        TextBand,
        ["suggestion_id", "key"],
        (
            (s.pk, key)
            for s in suggestions
            for key in similarity.band_keys(similarity.bigrams(s.title, s.content))
        ),
    )


def write(replays, *, session, by, progress=None):
    """Save the rows of prepared, now created, suggestions; returns how many were written."""
    texts = _Texts()
    earlier = Session.objects.filter(opens_on__lt=session.opens_on).exists()
    done = 0
    for start in range(0, len(replays), BATCH):
        batch = replays[start : start + BATCH]
        _write_batch(batch, session, by, texts)
        if earlier:  # `register` links each to similar suggestions of earlier sessions
            SimilarLink.objects.bulk_create(_similar_links(batch, session))
        done += len(batch)
        if progress:
            progress(done)
    return done


def insert(model, columns, rows):
    """INSERT plain rows (tuples of `columns`, as attribute names) into the model's table; its
    other columns take their defaults, as `bulk_create` would give them.

    `bulk_create` builds a model instance and prepares every value of every row in Python,
    which for the 300,000 rows of a concluded session of 10,000 (bands, events, co-signers)
    costs more than the database does. Values here are plain: str, int, bool, date or None.
    One executemany on SQLite; COPY on PostgreSQL, multi-row INSERTs elsewhere, INSERT_ROWS
    rows at a time.
    """
    meta = model._meta
    given = [meta.get_field(name) for name in columns]
    names = set(columns)
    rest = [f for f in meta.concrete_fields if f.attname not in names and not f.primary_key]
    now = timezone.now()
    constants = tuple(
        f.get_db_prep_save(
            now
            if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
            else f.get_default(),
            connection,
        )
        for f in rest
    )
    quote = connection.ops.quote_name
    head = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in given + rest)})"
    )
    one = "(" + ", ".join(["%s"] * (len(given) + len(rest))) + ")"
    rows = ((*row, *constants) for row in rows)  # streamed: never all in memory at once
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(f"{head} VALUES {one}", rows)
            return
        if connection.vendor == "postgresql":  # COPY: no statement of 100,000 values to parse
            columns = ", ".join(quote(f.column) for f in given + rest)
            while chunk := list(itertools.islice(rows, INSERT_ROWS)):
                cursor.cursor.copy_expert(
                    f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN",
                    io.StringIO("".join(_copy_line(row) for row in chunk)),
                )
            return
        while chunk := list(itertools.islice(rows, INSERT_ROWS)):
            cursor.execute(
                f"{head} VALUES {', '.join([one] * len(chunk))}",
                [value for row in chunk for value in row],
            )


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value):
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    return str(value)  # numbers, dates (ISO), aware datetimes


def _copy_line(row):
    return "\t".join(map(_copy_value, row)) + "\n"


class _Texts:
    """The site-language texts the services write, each computed once."""

    def __init__(self):
        self.reply_text = imported_reply_text()
        self.signature = imported_signature()
        self.roles = {role: services.site_text(role.label) for role in (Role.LEAD, Role.CO)}
        self._labels = {}

    def label(self, model, field, value):
        """`site_text(row.get_FIELD_display)` of a row with this value, as the service has it."""
        key = (model, field, value)
        if key not in self._labels:
            row = model(**{field: value})
            self._labels[key] = services.site_text(getattr(row, f"get_{field}_display"))
        return self._labels[key]

    def rehandling(self, due_on):
        return services.site_text(gettext_lazy("New reply due on %(date)s"), date=due_on)


def _write_batch(batch, session, by, texts):
    actor = by.pk if by else None
    assignments = []
    for r in batch:
        lead_due_on = r.rehandling_due_on or r.due_on  # re-handling moves the lead's date
        lead_replied_on = None if r.rehandling_due_on else r.replied_on  # and owes a new reply
        person = r.plan.responsible_person
        assignments.append(
            (r.suggestion.pk, session.pk, r.plan.lead_unit.pk, Role.LEAD.value, r.assigned_on)
            + (lead_due_on, r.due_on, person, lead_replied_on)
        )
        assignments += [
            (r.suggestion.pk, session.pk, unit.pk, Role.CO.value, r.assigned_on, r.due_on)
            + (r.due_on, "", None)
            for unit in r.plan.co_units
        ]
    insert(Assignment, ASSIGNMENT_COLUMNS, assignments)
    leads = dict(
        Assignment.objects.filter(
            suggestion_id__in=[r.suggestion.pk for r in batch], role=Role.LEAD
        ).values_list("suggestion_id", "pk")
    )
    replies, evaluations, events = [], [], []
    for r in batch:
        pk, plan = r.suggestion.pk, r.plan
        if r.replied_on:  # `reply`, its promise as an imported reply's
            promised = _promise_fields(
                plan.reply_class, "", None, None, r.replied_on, imported=True
            )
            replies.append(
                (pk, session.pk, leads[pk], Reply.Kind.REPLY.value, 1, plan.reply_class)
                + (texts.reply_text,)
                + (texts.signature, r.replied_on, r.due_on, "", "", actor)
                + (promised["promise"], promised["promised_by"], promised["promise_year_only"])
            )
            if plan.satisfaction:  # `evaluate` by the lead deputy
                evaluations.append((pk, plan.lead.pk, 1, plan.satisfaction, False, r.replied_on))
        events += [
            (pk, str(action), str(was), str(now), on, actor, note, public, True)
            for action, was, now, on, note, public in _history(r, texts)
        ]
    insert(Reply, REPLY_COLUMNS, replies)
    insert(Evaluation, EVALUATION_COLUMNS, evaluations)
    insert(Event, EVENT_COLUMNS, events)


SUGGESTION_COLUMNS = [  # what an import gives a new suggestion; the rest take their defaults
    "session_id",
    "number",
    "title",
    "content",
    "category_id",
    "lead_deputy_id",
    "delegation_id",
    "period",
    "submitted_on",
    "status",
    "registered_on",
    "assigned_on",
    "due_on",
    "first_replied_on",
    "replied_on_time",
    "reply_class",
    "satisfaction",
    "was_re_handled",
    "closed_on",
]
ASSIGNMENT_COLUMNS = [
    "suggestion_id",
    "session_id",
    "unit_id",
    "role",
    "assigned_on",
    "due_on",
    "original_due_on",
    "responsible_person",
    "replied_on",
]
REPLY_COLUMNS = [
    "suggestion_id",
    "session_id",
    "assignment_id",
    "kind",
    "round",
    "reply_class",
    "text",
    "signed_by",
    "replied_on",
    "due_on",
    "attachment",
    "attachment_name",
    "recorded_by_id",
    "promise",
    "promised_by",
    "promise_year_only",
]
EVALUATION_COLUMNS = [
    "suggestion_id",
    "deputy_id",
    "round",
    "satisfaction",
    "contacted",
    "evaluated_on",
]
EVENT_COLUMNS = [
    "suggestion_id",
    "action",
    "from_status",
    "to_status",
    "occurred_on",
    "actor_id",
    "note",
    "is_public",
    "imported",
]


def _history(r, texts):
    """(action, from, to, date, note, public) of each event the services record, in order."""
    plan = r.plan
    units = [(plan.lead_unit, Role.LEAD), *((u, Role.CO) for u in plan.co_units)]
    yield Action.REGISTERED, Status.SUBMITTED, Status.REGISTERED, r.registered_on, "", True
    note = "；".join(f"{unit}（{texts.roles[role]}）" for unit, role in units)  # `assign`
    yield Action.ASSIGNED, Status.REGISTERED, Status.ASSIGNED, r.assigned_on, note, True
    if plan.responsible_person:  # `name_responsible_person`: not public
        note = f"{plan.lead_unit}：{plan.responsible_person}"
        yield Action.RESPONSIBLE_NAMED, "", "", r.assigned_on, note, False
    if not r.replied_on:
        return
    note = f"{plan.lead_unit}：{texts.label(Reply, 'reply_class', plan.reply_class)}"  # `reply`
    yield Action.REPLIED, Status.ASSIGNED, Status.REPLIED, r.replied_on, note, True
    if plan.satisfaction:  # `evaluate`
        note = f"{plan.lead}：{texts.label(Evaluation, 'satisfaction', plan.satisfaction)}"
        if r.rehandling_due_on:
            yield Action.EVALUATED, "", "", r.replied_on, note, True
            note = texts.rehandling(r.rehandling_due_on)
            yield Action.RE_HANDLING, Status.REPLIED, Status.RE_HANDLING, r.replied_on, note, True
        else:
            yield Action.EVALUATED, Status.REPLIED, Status.EVALUATED, r.replied_on, note, True
    if r.closed_on:  # `close`
        before = Status.EVALUATED if plan.satisfaction else Status.REPLIED
        yield Action.CLOSED, before, Status.CLOSED, r.closed_on, "", True


def _similar_links(batch, session):
    """The links `services.register` finds (`find_recurring`): for each suggestion, the
    registered suggestions of sessions that opened earlier whose text is like its own, exactly
    as `similarity.similar(…, before_session=session, limit=20)` ranks and scores them, with one
    query for the earlier suggestions' bands, one for their text and one for the batch's own
    bands (as `index` stored them)."""
    ids = [r.suggestion.pk for r in batch]
    earlier = TextBand.objects.filter(
        suggestion__session__opens_on__lt=session.opens_on,
        key__in=Subquery(TextBand.objects.filter(suggestion_id__in=ids).values("key")),
    )
    holders = {}  # band key → the earlier suggestions holding it, once per band row
    for key, suggestion_id in earlier.values_list("key", "suggestion_id").iterator(chunk_size=5000):
        holders.setdefault(key, []).append(suggestion_id)
    if not holders:
        return []
    texts = {
        pk: (title, content)
        for pk, title, content in Suggestion.objects.public()
        .filter(pk__in=earlier.values("suggestion_id"))
        .values_list("pk", "title", "content")
    }
    keys = {}
    for suggestion_id, key in TextBand.objects.filter(suggestion_id__in=ids).values_list(
        "suggestion_id", "key"
    ):
        keys.setdefault(suggestion_id, set()).add(key)
    their_grams, links = {}, []
    for r in batch:
        pk = r.suggestion.pk
        shared = Counter(other for key in keys.get(pk, ()) for other in holders.get(key, ()))
        if not shared:
            continue
        grams = similarity.bigrams(r.suggestion.title, r.suggestion.content)
        ranked = sorted(shared.items(), key=lambda pair: (-pair[1], pair[0]))
        scored = []
        for other, _count in ranked[: similarity.CANDIDATE_LIMIT]:
            if other not in texts:  # not registered: `similar` reads public suggestions only
                continue
            if other not in their_grams:
                their_grams[other] = similarity.bigrams(*texts[other])
            score = similarity.jaccard(grams, their_grams[other])
            if score >= similarity.THRESHOLD:
                scored.append((round(score, 3), other))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        links += [
            SimilarLink(suggestion_id=pk, earlier_id=other, score=score)
            for score, other in scored[:FOUND_LIMIT]
        ]
    return links


def imported_reply_text():
    """The text of a reply replayed from a sheet, which has the class but not the letter."""
    return site_text(gettext_lazy("Imported from a file; the reply's text is to be added."))


def imported_signature():
    return site_text(gettext_lazy("(imported)"))


def concluded_assignment_dates(session, submitted_on, assigned_on=None):
    """(registered on, assigned on) of a concluded suggestion: assigned on the day given, by
    default when the session closed (never before it was submitted), registered then at the
    latest."""
    submitted = submitted_on or session.opens_on
    assigned_on = assigned_on or max(submitted, session.closes_on or submitted)
    return min(submitted, assigned_on), assigned_on


def concluded_reply_date(replied_on, assigned_on, due_on, today):
    """A concluded reply is dated as given, else on its due date (nothing says it was late),
    never after today nor before the assignment."""
    return replied_on or max(assigned_on, min(due_on, today))


def unrated_closing_date(replied_on, today):
    """A reply nobody rated is closed once the evaluation period has passed (None: not yet)."""
    closes_on = replied_on + datetime.timedelta(days=rule("EVALUATION_DAYS"))
    return closes_on if closes_on <= today else None
