"""The open data API's suggestions and statistics (mounted in `congress/urls.py`)."""

import datetime
import functools
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from congress.api import (
    BAD_CURSOR,
    BadCursor,
    Keyset,
    Pages,
    cached_endpoints,
    check_filters,
    is_int,
    only,
    responses,
)
from congress.models import Session
from congress.pages import of_session, of_suggestion
from suggestions.figures import stats
from suggestions.filters import SuggestionFilter
from suggestions.models import ReplyClass, Satisfaction, Suggestion
from suggestions.public import listing
from suggestions.search import keywords as search

router = Router()


class SuggestionOut(Schema):
    id: int
    session_id: int
    session: str
    number: int
    title: str
    category: str
    lead_deputy: str
    delegation: str
    period: str
    submitted_on: datetime.date | None
    status: str
    is_key: bool
    lead_unit: str | None
    due_on: datetime.date | None
    reply_class: str
    satisfaction: str


class AssignmentOut(Schema):
    unit_id: int
    unit: str
    role: str
    assigned_on: datetime.date
    due_on: datetime.date
    replied_on: datetime.date | None


class ReplyOut(Schema):
    unit: str
    kind: str
    reply_class: str
    text: str
    signed_by: str
    replied_on: datetime.date
    published_on: datetime.date | None


class EvaluationOut(Schema):
    deputy: str
    satisfaction: str
    contacted: bool
    comment: str | None
    evaluated_on: datetime.date


class EventOut(Schema):
    date: datetime.date
    action: str
    note: str


class SupervisionOut(Schema):
    leader: str
    vice_mayor: str | None
    committee: str | None


class SuggestionDetail(SuggestionOut):
    content: str
    co_signers: list[str]
    assignments: list[AssignmentOut]
    replies: list[ReplyOut]
    evaluations: list[EvaluationOut]
    timeline: list[EventOut]
    supervision: SupervisionOut | None


class Figures(Schema):
    session_id: int | None
    received: int
    registered: int
    assigned: int
    replied: int
    closed: int
    overdue: int
    on_time: int
    face_to_face: int
    re_handled: int
    classes: dict[str, int]
    satisfaction: dict[str, int]
    closure_rate: float | None
    on_time_rate: float | None
    solved_rate: float | None
    contact_rate: float | None
    satisfaction_rate: float | None
    # The accountability loop (see stats.EXPLANATIONS for each formula).
    promises: dict[str, int]
    promise_kept_rate: float | None
    implementation_satisfaction: dict[str, int]
    implementation_rate: float | None
    all_ratings: dict[str, int]
    all_ratings_rate: float | None
    all_implementation_ratings: dict[str, int]
    implementation_all_rate: float | None
    closed_published: int
    publication_rate: float | None


class UnitFigures(Schema):
    unit_id: int
    unit: str
    lead: int
    co: int
    separate: int
    replied: int
    on_time: int
    overdue: int
    satisfied: int
    basically_satisfied: int
    dissatisfied: int
    satisfaction_rate: float | None
    on_time_rate: float | None


def suggestion_out(s):
    return {
        "id": s.pk,
        "session_id": s.session_id,
        "session": s.session.name,
        "number": s.number,
        "title": s.title,
        "category": s.category.name,
        "lead_deputy": s.lead_deputy.name,
        "delegation": s.delegation.name,
        "period": s.period,
        "submitted_on": s.submitted_on,
        "status": s.status,
        "is_key": s.is_key,
        "lead_unit": getattr(s, "lead_unit_name", None),
        "due_on": s.due_on if s.status in Suggestion.AWAITING_REPLY else None,
        "reply_class": s.reply_class,
        "satisfaction": s.satisfaction,
    }


Status = Literal[tuple(s.value for s in Suggestion.PUBLIC_STATUSES)]
ReplyClassValue = Literal[tuple(ReplyClass.values)]
SatisfactionValue = Literal[tuple(Satisfaction.values)]


@router.get("/suggestions", response=responses(list[SuggestionOut]), tags=["suggestions"])
@paginate(Pages)
def list_suggestions(
    request,
    session: int | None = None,
    category: int | None = None,
    status: Status | None = None,
    unit: int | None = None,
    delegation: int | None = None,
    is_key: bool | None = None,
    reply_class: ReplyClassValue | None = None,
    satisfaction: SatisfactionValue | None = None,
    q: str | None = None,
):
    """Public suggestions, filtered like the public list; `q` searches number, title, content.

    Newest session first, then by number (title matches first when `q` is given). Walk the
    pages with `cursor`: pass each page's `next` until it is null."""
    params = {
        "session": session,
        "category": category,
        "status": status,
        "unit": unit,
        "delegation": delegation,
        "reply_class": reply_class,
        "satisfaction": satisfaction,
        "q": q,
    }
    only(request, [*params, "is_key"])
    data = {k: v for k, v in params.items() if v is not None}
    if is_key:
        data["is_key"] = "on"
    filterset = SuggestionFilter(
        data,
        queryset=Suggestion.objects.public()
        .with_lead_unit()
        .select_related("session", "category", "lead_deputy", "delegation")
        .order_by("-session__opens_on", "session_id", "number"),
    )
    check_filters(filterset)
    # The window `offset` pages in is the public list's (listing.window): by session (deep
    # offsets seek session by session), or counted up to the list's cap for a keyword search or
    # filters over all sessions (a deep offset there sorted every match: seconds for the
    # busiest unit's 72,709), where offsets stop at the cap.
    window = listing.window(filterset.qs, filterset.form.cleaned_data, filterset.filters)
    return session_keyset(
        window,
        filterset.qs,
        filterset.form.cleaned_data.get("session"),
        offset_cap=search.CAP if listing.is_capped(window) else None,
    )


MAX_SESSIONS_READ = 16  # sessions a page reads in one query, at most


def session_keyset(window, queryset, session=None, offset_cap=None):
    """The list newest session first, then by number (title matches first when searching),
    read by cursor on the (session, number) index: the first session alone, then twice as many
    sessions a query as long as the page is not full (1, 2, 4 … 16), so a filter that few rows
    match costs a handful of queries, not one per session; however deep the page is.

    The sort key is (title match or null, session id, number); a session's number is unique."""
    sessions = (
        [session.pk]
        if session
        else list(Session.objects.order_by("-opens_on", "pk").values_list("pk", flat=True))
    )
    ranked = "title_hit" in queryset.query.annotations
    groups = [(hit, s) for hit in ([1, 0] if ranked else [None]) for s in sessions]
    # Filters over all sessions: one query reads the sort keys of at most CAP + 1 matches; when
    # that is all of them (a filter few rows pass), they are the count and every page; else the
    # sessions are read newest first (the filter passes many rows, so the first ones hold them).
    place = {s: i for i, s in enumerate(sessions)}
    probing = not ranked and not session and not isinstance(window, listing.SessionWindow)

    @functools.cache
    def probe():
        keys = queryset.order_by().values_list("pk", "session_id", "number")[: search.CAP + 1]
        keys = sorted(keys, key=lambda k: (place[k[1]], k[2]))
        return None if len(keys) > search.CAP else keys

    def from_probe(key, n):
        """The n rows after `key` (session's place, number) of the probe's, read by id."""
        ids = [pk for pk, s, number in probe() if key is None or (place[s], number) > key][:n]
        rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]

    def after(key, n):
        start, number = 0, None
        if key is not None:
            if len(key) != 3 or not all(is_int(k) for k in key[1:]):
                raise BadCursor(BAD_CURSOR)
            hit, session_id, number = key
            if (hit, session_id) not in groups:
                raise BadCursor(BAD_CURSOR)
            start = groups.index((hit, session_id))
        if probing and probe() is not None:
            return from_probe(None if key is None else (start, number), n)
        rows, i, width = [], start, 1
        while i < len(groups) and len(rows) < n:
            hit = groups[i][0]
            chunk = [s for h, s in groups[i : i + width] if h == hit]
            part = queryset.filter(session_id__in=chunk)
            if hit is not None:
                part = part.filter(title_hit=hit)
            if i == start and number is not None:  # the first query reads one session
                part = part.filter(number__gt=number)
            order = ["-session__opens_on", "session_id"] if len(chunk) > 1 else []
            rows += part.order_by(*order, "number")[: n - len(rows)]
            i += len(chunk)
            width = min(2 * width, MAX_SESSIONS_READ)
        return rows

    def key_of(s):
        return [s.title_hit if ranked else None, s.session_id, s.number]

    def first_count():
        """A keyword search, or filters over all sessions, are counted up to the public list's
        cap, as the list counts them: a common word or a filter most rows pass matches tens or
        hundreds of thousands, and counting them all reads every matching row (70 ms for 供暖,
        100-300 ms for a category or a status at a million suggestions). Null when more match."""
        if not ranked and (session or isinstance(window, listing.SessionWindow)):
            return window.count()
        if probing:
            return None if probe() is None else len(probe())
        found = queryset.order_by().values("pk")[: search.CAP + 1].count()
        return None if found > search.CAP else found

    return Keyset(
        window,
        suggestion_out,
        after=after,
        key_of=key_of,
        first_count=first_count,
        offset_cap=offset_cap,
    )


@router.get(
    "/suggestions/{suggestion_id}",
    response=responses(SuggestionDetail),
    tags=["suggestions"],
)
def get_suggestion(request, suggestion_id: int):
    only(request, [])
    s = get_object_or_404(Suggestion.objects.public_detail(), pk=suggestion_id)
    supervision = getattr(s, "supervision", None) if s.is_key else None
    return {
        **suggestion_out(s),
        "content": s.content,
        "co_signers": [sig.deputy.name for sig in s.signatures.all()],
        "assignments": [
            {
                "unit_id": a.unit_id,
                "unit": a.unit.name,
                "role": a.role,
                "assigned_on": a.assigned_on,
                "due_on": a.due_on,
                "replied_on": a.replied_on,
            }
            for a in s.assignments.all()
        ],
        "replies": [
            {
                "unit": r.assignment.unit.name,
                "kind": r.kind,
                "reply_class": r.reply_class,
                "text": r.shown_text,
                "signed_by": r.signed_by,
                "replied_on": r.replied_on,
                "published_on": r.published_on,
            }
            for r in s.published_replies
        ],
        "evaluations": [
            {
                "deputy": e.deputy.name,
                "satisfaction": e.satisfaction,
                "contacted": e.contacted,
                "comment": e.comment if e.comment_is_public else None,
                "evaluated_on": e.evaluated_on,
            }
            for e in s.evaluations.all()
        ],
        "timeline": [
            {"date": e.occurred_on, "action": e.action, "note": e.note} for e in s.timeline
        ],
        "supervision": {
            "leader": str(supervision.leader),
            "vice_mayor": str(supervision.vice_mayor or "") or None,
            "committee": str(supervision.committee or "") or None,
        }
        if supervision
        else None,
    }


def _session_or_404(session):
    return get_object_or_404(Session, pk=session) if session is not None else None


@router.get("/statistics", response=responses(Figures), tags=["statistics"])
def get_statistics(request, session: int | None = None):
    """The figures of one session, or of all time when no session is given."""
    only(request, ["session"])
    chosen = _session_or_404(session)
    f = stats.session_overview(chosen)
    c = f.counts
    loop = stats.session_loop(chosen)
    sat = ["satisfied", "basically_satisfied", "dissatisfied"]
    return {
        "promises": {"total": loop["promises"]}
        | {k: loop[f"promises_{k}"] for k in ["kept", "late", "overdue", "open"]},
        "promise_kept_rate": loop["promise_kept_rate"],
        "implementation_satisfaction": {k: loop[f"impl_{k}"] for k in sat},
        "implementation_rate": loop["implementation_rate"],
        "all_ratings": {k: loop[f"all_{k}"] for k in sat},
        "all_ratings_rate": loop["all_ratings_rate"],
        "all_implementation_ratings": {k: loop[f"impl_all_{k}"] for k in sat},
        "implementation_all_rate": loop["implementation_all_rate"],
        "closed_published": loop["closed_published"],
        "publication_rate": loop["publication_rate"],
        "session_id": chosen.pk if chosen else None,
        **{
            k: c[k]
            for k in [
                "received",
                "registered",
                "assigned",
                "replied",
                "closed",
                "overdue",
                "on_time",
                "face_to_face",
                "re_handled",
            ]
        },
        "classes": {x: c[f"class_{x}"] for x in ReplyClass.values},
        "satisfaction": {k: c[k] for k in Satisfaction.values},
        "closure_rate": f.closure_rate,
        "on_time_rate": f.on_time_rate,
        "solved_rate": f.solved_rate,
        "contact_rate": f.contact_rate,
        "satisfaction_rate": f.satisfaction_rate,
    }


@router.get("/statistics/units", response=responses(list[UnitFigures]), tags=["statistics"])
def get_unit_statistics(request, session: int | None = None):
    only(request, ["session"])
    chosen = _session_or_404(session)
    return [
        {
            "unit_id": r["unit"],
            "unit": r["unit__name"],
            **{k: r[k] for k in UnitFigures.model_fields if k not in ("unit_id", "unit")},
        }
        for r in stats.session_units(chosen)
    ]


SUGGESTION_FILTERS = ["session", "category", "status", "unit", "delegation", "is_key"]
SUGGESTION_FILTERS += ["reply_class", "satisfaction", "q"]
cached_endpoints(
    {
        "list_suggestions": (SUGGESTION_FILTERS, of_session(absent="all")),
        "get_suggestion": ([], of_suggestion("suggestion_id")),
        "get_statistics": (["session"], of_session(absent="all")),
        "get_unit_statistics": (["session"], of_session(absent="all")),
    }
)
