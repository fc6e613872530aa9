"""The open data API, read-only and versioned: /api/v1/.

Built with django-ninja: one library that types and validates the parameters, paginates, and
serves an OpenAPI schema (/api/v1/openapi.json) with a Swagger UI that ships with the package,
so the docs work offline. Only public data leaves here: published replies (their redacted text
where there is one), public comments, no contact details, no internal notes.


Each app has its own router (`congress.api`, `suggestions.api`, `deputies.api`), mounted on
this one API in `congress/urls.py`; the pieces every router shares live here.
"""

import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Router, Schema
from ninja.errors import HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination

from congress.models import HandlingUnit, Session

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


class Mapped:
    """A queryset mapped row by row, sliced by the paginator before it is read."""

    def __init__(self, queryset, mapper):
        self.queryset, self.mapper = queryset, mapper

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        return [self.mapper(x) for x in self.queryset[window]]


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


def session_out(s):
    return {
        "id": s.pk,
        "name": s.name,
        "term": s.term.name,
        "number": s.number,
        "opens_on": s.opens_on,
        "closes_on": s.closes_on,
    }


router = Router()


@router.get("/sessions", response=responses(list[SessionOut]), tags=["sessions"])
def list_sessions(request):
    only(request, [])
    return [session_out(s) for s in Session.objects.select_related("term")]


@router.get("/sessions/{session_id}", response=responses(SessionOut), tags=["sessions"])
def get_session(request, session_id: int):
    only(request, [])
    return session_out(get_object_or_404(Session.objects.select_related("term"), pk=session_id))


@router.get("/units", response=responses(list[UnitOut]), tags=["units"])
def list_units(request):
    only(request, [])
    return list(HandlingUnit.objects.values("id", "name", "short_name", "kind"))


@router.get("/units/{unit_id}", response=responses(UnitOut), tags=["units"])
def get_unit(request, unit_id: int):
    only(request, [])
    unit = get_object_or_404(HandlingUnit, pk=unit_id)
    return {"id": unit.pk, "name": unit.name, "short_name": unit.short_name, "kind": unit.kind}
