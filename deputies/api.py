"""The open data API's liaison stations (mounted in `congress/urls.py`)."""

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema
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
    seek_after,
)
from congress.cache import STATIONS
from congress.models import Division
from congress.pages import fixed
from deputies import stats as station_stats
from deputies.filters import StationFilter
from deputies.models import Deputy, LiaisonStation

router = Router()


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


@router.get("/stations", response=responses(list[StationOut]), tags=["stations"])
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
        .order_by(*STATION_ORDER),
    )
    check_filters(filterset)
    queryset = filterset.qs

    def after(key, n):
        if key is None:
            return list(queryset[:n])
        if len(key) != len(STATION_ORDER) or not (
            is_int(key[0]) and is_int(key[1]) and is_int(key[4])
        ):
            raise BadCursor(BAD_CURSOR)
        if not (isinstance(key[2], str) and isinstance(key[3], str)):
            raise BadCursor(BAD_CURSOR)
        return list(queryset.filter(seek_after(STATION_ORDER, key))[:n])

    def key_of(station):
        division = station.division
        return [division.order, division.pk, station.township, station.name, station.pk]

    return Keyset(queryset, station_out, after=after, key_of=key_of)


# County by county, then township and name; the division's and station's ids settle ties.
STATION_ORDER = ["division__order", "division_id", "township", "name", "pk"]


@router.get("/stations/figures", response=responses(StationFigures), tags=["stations"])
def get_station_figures(request, year: int | None = Query(None, ge=1900, le=2200)):
    """City-wide figures of a year (the latest year with receptions by default), per county."""
    only(request, ["year"])
    years = station_stats.years()
    year = year if year is not None else (years[0] if years else timezone.localdate().year)
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


@router.get("/stations/{station_id}", response=responses(StationDetail), tags=["stations"])
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


cached_endpoints(
    {
        "list_stations": (["division", "township", "q"], fixed(STATIONS)),
        "get_station_figures": (["year"], fixed(STATIONS)),
        "get_station": ([], fixed(STATIONS)),
    }
)
