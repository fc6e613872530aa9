"""The open data API, read-only and versioned: /api/v1/.

Built with django-ninja: one library that types and validates the parameters, paginates, and
serves an OpenAPI schema (/api/v1/openapi.json) with a Swagger UI that ships with the package,
so the docs work offline. Only public data leaves here: published replies (their redacted text
where there is one), public comments, no contact details, no internal notes.
"""

import datetime
from typing import Literal

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination, paginate

from congress.models import Division, HandlingUnit, Session
from deputies import stats as station_stats
from deputies.filters import StationFilter
from deputies.models import Deputy, LiaisonStation
from suggestions import stats
from suggestions.filters import SuggestionFilter
from suggestions.models import (
    Assignment,
    Suggestion,
)

api = NinjaAPI(
    title="Deputies' suggestions — open data",
    version="1",
    urls_namespace="api-v1",
    description="Public data of the congress: sessions, suggestions with their published "
    "replies, handling units, statistics and liaison stations. Read-only, JSON.",
)


@api.exception_handler(ValidationError)
def bad_parameters(request, exc):
    return api.create_response(request, {"detail": exc.errors}, status=400)


def only(request, allowed):
    """Refuse parameters the endpoint does not know, so a typo is not silently ignored."""
    unknown = sorted(set(request.GET) - set(allowed) - {"limit", "offset"})
    if unknown:
        raise HttpError(400, f"Unknown parameter(s): {', '.join(unknown)}")


class Pages(LimitOffsetPagination):
    """limit/offset, with the offset bounded so no database is asked for row 10**20."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=200)
        offset: int = Field(0, ge=0, le=10_000_000)


def check_filters(filterset):
    """A filter naming an id that does not exist is a 404; any other bad value a 400."""
    if filterset.is_valid():
        return
    errors = filterset.form.errors.as_data()
    message = "; ".join(f"{k}: {' '.join(e.messages[0] for e in v)}" for k, v in errors.items())
    unknown = all(e.code == "invalid_choice" for v in errors.values() for e in v)
    raise HttpError(404 if unknown else 400, message)


class Error(Schema):
    detail: str | list


def responses(body):
    """Every endpoint documents its refusals: 400 for bad parameters, 404 for unknown ids."""
    return {200: body, 400: Error, 404: Error}


class SessionOut(Schema):
    id: int
    name: str
    term: str
    number: int
    opens_on: datetime.date
    closes_on: datetime.date


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str


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


class StationOut(Schema):
    id: int
    name: str
    division: str
    township: str
    address: str
    reception_days: str
    deputies: int


class StationDeputy(Schema):
    name: str
    level: str
    delegation: str


class StationDetail(StationOut):
    deputy_list: list[StationDeputy]
    receptions: int
    deputy_visits: int
    people_received: int
    problems_raised: int
    problems_solved: int


class DivisionFigures(Schema):
    division: str
    stations: int
    receptions: int
    deputy_visits: int
    people_received: int
    problems_raised: int
    problems_solved: int


class StationFigures(Schema):
    year: int
    stations: int
    receptions: int
    deputy_visits: int
    people_received: int
    problems_raised: int
    problems_solved: int
    sit_ins: int
    research_deputies: int
    divisions: list[DivisionFigures]


def session_out(s):
    return {
        "id": s.pk,
        "name": s.name,
        "term": s.term.name,
        "number": s.number,
        "opens_on": s.opens_on,
        "closes_on": s.closes_on,
    }


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


@api.get("/sessions", response=responses(list[SessionOut]), tags=["sessions"])
def list_sessions(request):
    only(request, [])
    return [session_out(s) for s in Session.objects.select_related("term")]


@api.get("/sessions/{session_id}", response=responses(SessionOut), tags=["sessions"])
def get_session(request, session_id: int):
    only(request, [])
    return session_out(get_object_or_404(Session.objects.select_related("term"), pk=session_id))


Status = Literal["registered", "assigned", "replied", "re_handling", "evaluated", "closed"]


@api.get("/suggestions", response=responses(list[SuggestionOut]), tags=["suggestions"])
@paginate(Pages)
def list_suggestions(
    request,
    session: int | None = None,
    category: int | None = None,
    status: Status | None = None,
    unit: int | None = None,
    delegation: int | None = None,
    is_key: bool | None = None,
    reply_class: Literal["A", "B", "C", "D"] | None = None,
    satisfaction: Literal["satisfied", "basically_satisfied", "dissatisfied"] | None = None,
    q: str | None = None,
):
    """Public suggestions, filtered like the public list; `q` searches number, title, content."""
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
        .order_by("-session__opens_on", "number"),
    )
    check_filters(filterset)
    return _Mapped(filterset.qs, suggestion_out)


class _Mapped:
    """A queryset mapped row by row, sliced by the paginator before it is read."""

    def __init__(self, queryset, mapper):
        self.queryset, self.mapper = queryset, mapper

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        return [self.mapper(x) for x in self.queryset[window]]


@api.get(
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


@api.get("/units", response=responses(list[UnitOut]), tags=["units"])
def list_units(request):
    only(request, [])
    return list(HandlingUnit.objects.values("id", "name", "short_name", "kind"))


@api.get("/units/{unit_id}", response=responses(UnitOut), tags=["units"])
def get_unit(request, unit_id: int):
    only(request, [])
    unit = get_object_or_404(HandlingUnit, pk=unit_id)
    return {"id": unit.pk, "name": unit.name, "short_name": unit.short_name, "kind": unit.kind}


def _session_or_404(session):
    return get_object_or_404(Session, pk=session) if session is not None else None


@api.get("/statistics", response=responses(Figures), tags=["statistics"])
def get_statistics(request, session: int | None = None):
    """The figures of one session, or of all time when no session is given."""
    only(request, ["session"])
    chosen = _session_or_404(session)
    f = stats.overview(Suggestion.objects.for_session(chosen))
    c = f.counts
    return {
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
        "classes": {x: c[f"class_{x}"] for x in "ABCD"},
        "satisfaction": {k: c[k] for k in ["satisfied", "basically_satisfied", "dissatisfied"]},
        "closure_rate": f.closure_rate,
        "on_time_rate": f.on_time_rate,
        "solved_rate": f.solved_rate,
        "contact_rate": f.contact_rate,
        "satisfaction_rate": f.satisfaction_rate,
    }


@api.get("/statistics/units", response=responses(list[UnitFigures]), tags=["statistics"])
def get_unit_statistics(request, session: int | None = None):
    only(request, ["session"])
    chosen = _session_or_404(session)
    assignments = Assignment.objects.all()
    if chosen:
        assignments = assignments.filter(suggestion__session=chosen)
    return [
        {
            "unit_id": r["unit"],
            "unit": r["unit__name"],
            **{k: r[k] for k in UnitFigures.model_fields if k not in ("unit_id", "unit")},
        }
        for r in stats.by_unit(assignments)
    ]


def station_out(station):
    return {
        "id": station.pk,
        "name": station.name,
        "division": station.division.name,
        "township": station.township,
        "address": station.address,
        "reception_days": station.reception_days,
        "deputies": station.deputy_count,
    }


@api.get("/stations", response=responses(list[StationOut]), tags=["stations"])
@paginate(Pages)
def list_stations(
    request, division: int | None = None, township: str | None = None, q: str | None = None
):
    only(request, ["division", "township", "q"])
    data = {
        k: v
        for k, v in {"division": division, "township": township, "q": q}.items()
        if v is not None
    }
    filterset = StationFilter(
        data,
        queryset=LiaisonStation.objects.select_related("division")
        .annotate(deputy_count=Count("deputies"))
        .order_by("division__order", "township", "name"),
    )
    check_filters(filterset)
    return _Mapped(filterset.qs, station_out)


@api.get("/stations/figures", response=responses(StationFigures), tags=["stations"])
def get_station_figures(request, year: int | None = Query(None, ge=1900, le=2200)):
    """City-wide figures of a year (the latest year with receptions by default), per county."""
    only(request, ["year"])
    years = station_stats.years()
    year = year if year is not None else (years[0] if years else datetime.date.today().year)
    per_division = station_stats.by_division(year)
    divisions = [
        {
            "division": d.name,
            **{
                k: per_division.get(d.pk, {}).get(k) or 0
                for k in [
                    "stations",
                    "receptions",
                    "deputy_visits",
                    "people_received",
                    "problems_raised",
                    "problems_solved",
                ]
            },
        }
        for d in Division.objects.all()
    ]
    return {**station_stats.city_figures(year), "divisions": divisions}


@api.get("/stations/{station_id}", response=responses(StationDetail), tags=["stations"])
def get_station(request, station_id: int):
    only(request, [])
    station = get_object_or_404(
        LiaisonStation.objects.select_related("division")
        .annotate(deputy_count=Count("deputies"))
        .prefetch_related(Prefetch("deputies", Deputy.objects.select_related("delegation"))),
        pk=station_id,
    )
    totals = station_stats.station_totals(station)
    return {
        **station_out(station),
        "deputy_list": [
            {"name": d.name, "level": d.level, "delegation": d.delegation.name}
            for d in station.deputies.all()
        ],
        **{
            k: totals[k] or 0
            for k in [
                "receptions",
                "deputy_visits",
                "people_received",
                "problems_raised",
                "problems_solved",
            ]
        },
    }
