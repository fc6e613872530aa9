"""The open data API, read-only and versioned: /api/v1/.

Built with django-ninja: one library that types and validates the parameters, paginates, and
serves an OpenAPI schema (/api/v1/openapi.json) with a Swagger UI that ships with the package,
so the docs work offline. Only public data leaves here: published replies (their redacted text
where there is one), public comments, no contact details, no internal notes.


Each app has its own router (`congress.api`, `suggestions.public.api`, `deputies.api`), mounted on
this one API in `congress/urls.py`; the pieces every router shares live here.
"""

import base64
import binascii
import datetime
import json
from typing import Any

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Field, NinjaAPI, Router, Schema
from ninja.errors import HttpError, ValidationError
from ninja.pagination import PaginationBase

from congress import pages
from congress.models import HandlingUnit, Session

api = NinjaAPI(
    # Translated: the docs page is read in the visitor's language like every other page.
    title=_("Deputies' suggestions — open data"),
    version="1",
    urls_namespace="api-v1",
    description=_(
        "Public data of the congress: sessions, suggestions with their published "
        "replies, handling units, statistics and liaison stations. Read-only, JSON."
    ),
)


@api.exception_handler(ValidationError)
def bad_parameters(request, exc):
    return api.create_response(request, {"detail": exc.errors}, status=400)


PAGING = ["limit", "offset", "cursor"]


def cached_endpoints(endpoints):
    """Declare API endpoints kept in the page cache: {operation: (parameters, scopes)}; the
    paging parameters are every list's (congress/pages.py)."""
    pages.cached_routes(
        api.urls_namespace,
        {
            name: pages.page([*params, *PAGING], scopes, strict=True)
            for name, (params, scopes) in endpoints.items()
        },
    )


def only(request, allowed):
    """Refuse parameters the endpoint does not know, so a typo is not silently ignored."""
    unknown = sorted(set(request.GET) - set(allowed) - set(PAGING))
    if unknown:
        raise HttpError(400, f"Unknown parameter(s): {', '.join(unknown)}")


class BadCursor(ValueError):
    """A cursor this list did not hand out."""


BAD_CURSOR = "Invalid cursor: pass back the `next` value of the previous page unchanged."


def encode_cursor(key):
    """An opaque cursor for a row's sort key (a short list of numbers)."""
    raw = json.dumps(["v1", *key], separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(token):
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii") + b"=" * (-len(token) % 4))
        data = json.loads(raw)
    except (ValueError, UnicodeError, binascii.Error, RecursionError) as error:
        raise BadCursor(BAD_CURSOR) from error
    if not (isinstance(data, list) and len(data) > 1 and data[0] == "v1"):
        raise BadCursor(BAD_CURSOR)
    # A key is a flat list of numbers and texts; a NUL is no text a database can compare.
    if not all(_plain(value) for value in data[1:]):
        raise BadCursor(BAD_CURSOR)
    return data[1:]


def _plain(value):
    if isinstance(value, str):
        return "\x00" not in value
    return value is None or isinstance(value, int | float)


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


class Keyset:
    """A list the API reads page by page: by cursor, seeking past the last row's sort key (the
    cost of a page does not grow with its depth), or by offset (deprecated).

    `after(key, n)` gives the first n rows after `key` (None: from the start) and raises
    BadCursor for a key it cannot have made; `key_of(row)` is a row's sort key;
    `first_count()`, the count the first page by cursor gives (by default every row's; null
    allowed where counting every row would cost more than the page)."""

    def __init__(self, window, mapper, *, after, key_of, first_count=None, offset_cap=None):
        self.window, self.mapper, self.after, self.key_of = window, mapper, after, key_of
        self.first_count = first_count or self.count
        # A window counted up to a cap (a keyword search, filters over all sessions) is paged
        # by offset within its first `offset_cap` rows only; further, the cursor walks.
        self.offset_cap = offset_cap

    def count(self):
        if self.offset_cap is not None and self.window.capped:
            return None  # more match than are counted
        return self.window.count()

    def page_at(self, offset, limit):
        rows = list(self.window[offset : offset + limit])
        return rows

    def page_after(self, key, limit):
        rows = self.after(key, limit + 1)
        return rows[:limit], len(rows) > limit


class Pages(PaginationBase):
    """Cursor pagination: each page's `next` is passed back as `cursor` for the following one,
    until `next` is null. The first page (no cursor) also gives the `count`; later pages give
    null there, since counting every matching row on every page is what the cursor avoids.
    `offset` still works (with the count) but is deprecated: deep offsets cost more."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=200)
        cursor: str | None = Field(
            None, max_length=2000, description="The `next` of the previous page, unchanged."
        )
        offset: int | None = Field(
            None,
            ge=0,
            le=10_000_000,
            json_schema_extra={"deprecated": True},
            description="Deprecated: use `cursor`. Rows to skip; not with `cursor`.",
        )

    class Output(Schema):
        items: list[Any]
        count: int | None = Field(
            description="Rows in all pages; null on pages after the first, and for a keyword "
            "search, or filters over all sessions, that more than 1,000 rows match."
        )
        next: str | None = Field(description="The cursor of the next page; null on the last.")

    def paginate_queryset(self, keyset, pagination, request, **params):
        limit = pagination.limit
        if pagination.cursor and pagination.offset is not None:
            raise HttpError(400, "Give `cursor` or `offset`, not both.")
        count = None
        if pagination.offset is not None:
            cap = keyset.offset_cap
            if cap is not None and pagination.offset + limit > cap:
                raise HttpError(
                    400,
                    f"`offset` reaches the first {cap:,} matches of a keyword search or of "
                    "filters over all sessions; walk further with `cursor` (each page's `next`).",
                )
            rows = keyset.page_at(pagination.offset, limit)
            count = keyset.count()
            more = pagination.offset + len(rows) < (cap if count is None else count)
        else:
            try:
                key = decode_cursor(pagination.cursor) if pagination.cursor else None
                rows, more = keyset.page_after(key, limit)
            except BadCursor as error:
                raise HttpError(400, str(error)) from error
            if key is None:
                count = keyset.first_count()
        return {
            "items": [keyset.mapper(row) for row in rows],
            "count": count,
            "next": encode_cursor(keyset.key_of(rows[-1])) if rows and more else None,
        }


def seek_after(fields, key):
    """The rows after `key` in the order of `fields` (lexicographic; "-name" descending)."""
    match = Q()
    for i, field in enumerate(fields):
        name = field.lstrip("-")
        step = {f"{name}__{'lt' if field.startswith('-') else 'gt'}": key[i]}
        step |= {earlier.lstrip("-"): key[j] for j, earlier in enumerate(fields[:i])}
        match |= Q(**step)
    return match


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


cached_endpoints(
    {
        "list_sessions": ([], pages.fixed()),
        "get_session": ([], pages.fixed()),
        "list_units": ([], pages.fixed()),
        "get_unit": ([], pages.fixed()),
    }
)
