"""Public pages for the liaison stations: the directory, each station, the city's figures."""

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from congress.models import Division
from deputies import exports, stats
from deputies.filters import StationFilter
from deputies.models import Deputy, LiaisonStation, Problem, Reception

# A schematic map of the city: each division's tile at its rough place (column, row).
MAP_TILES = {
    "兴县": (1, 0),
    "岚县": (2, 0),
    "临县": (0, 1),
    "方山县": (1, 1),
    "交城县": (2, 1),
    "文水县": (3, 1),
    "柳林县": (0, 2),
    "离石区": (1, 2),
    "中阳县": (2, 2),
    "汾阳市": (3, 2),
    "石楼县": (0, 3),
    "交口县": (2, 3),
    "孝义市": (3, 3),
}
TILE_W, TILE_H, GAP = 150, 84, 8


@require_GET
def station_list(request):
    queryset = (
        LiaisonStation.objects.select_related("division")
        .annotate(deputy_count=Count("deputies"))
        .order_by("division__order", "township", "name")
    )
    filterset = StationFilter(request.GET, queryset=queryset)
    page = Paginator(filterset.qs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    divisions = Division.objects.annotate(station_count=Count("stations"))
    return render(
        request,
        "deputies/station_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "divisions": divisions,
            "total": sum(d.station_count for d in divisions),
        },
    )


def _of_every_level():
    """Deputies of any congress, each with theirs (the page names it beside the name)."""
    return Deputy.everywhere.select_related("delegation__congress")


@require_GET
def station_detail(request, pk):
    station = get_object_or_404(
        LiaisonStation.objects.select_related("division").prefetch_related(
            # A station hosts the deputies of every level (五级代表进站): each congress's.
            Prefetch("deputies", _of_every_level())
        ),
        pk=pk,
    )
    receptions = (
        Reception.objects.filter(station=station)
        .annotate(
            visit_count=Count("deputies", distinct=True),
            problem_count=Count("problems", distinct=True),
            solved_count=Count(
                "problems",
                filter=Q(problems__status=Problem.Status.CLOSED, problems__solved=True),
                distinct=True,
            ),
        )
        .order_by("-held_on", "-pk")
        .prefetch_related(Prefetch("deputies", _of_every_level()))
    )
    page = Paginator(receptions, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "deputies/station_detail.html",
        {
            "station": station,
            "totals": stats.station_totals(station),
            "page": page,
            "query": "",
        },
    )


def figure_rows(request):
    """(year, years with data, divisions, [(division, its figures)]) for ?year=."""
    years = stats.years()
    wanted = request.GET.get("year", "")
    # Without a choice the page opens on the latest finished year that has data (a year's
    # figures are read when it is over); on the current year only when no other has data.
    this_year = timezone.localdate().year
    finished = [y for y in years if y < this_year]
    year = (
        int(wanted)
        if wanted.isascii() and wanted.isdigit() and int(wanted) in years
        else (finished[0] if finished else years[0] if years else this_year)
    )
    per_division = stats.by_division(year)
    divisions = list(Division.objects.all())
    return year, years, divisions, [(d, per_division.get(d.pk, {})) for d in divisions]


@require_GET
def figures_export(request, fmt):
    if fmt not in ("xlsx", "csv"):
        raise Http404
    year, _years, _divisions, rows = figure_rows(request)
    return exports.station_figures(year, rows, fmt)


@require_GET
def station_figures(request):
    year, years, divisions, rows = figure_rows(request)
    top = max((r.get("stations", 0) for _d, r in rows), default=0) or 1
    tiles = []
    for division, row in rows:
        col, line = MAP_TILES.get(division.name, (4, divisions.index(division)))
        count = row.get("stations", 0)
        tiles.append(
            {
                "division": division,
                "count": count,
                "row": row,
                "x": col * (TILE_W + GAP),
                "y": line * (TILE_H + GAP),
                "shade": round(0.25 + 0.75 * count / top, 2),
            }
        )
    width = (max(t["x"] for t in tiles) + TILE_W) if tiles else TILE_W
    height = (max(t["y"] for t in tiles) + TILE_H) if tiles else TILE_H
    return render(
        request,
        "deputies/station_figures.html",
        {
            "year": year,
            "years": years,
            "city": stats.city_figures(year),
            "rows": rows,
            "tiles": tiles,
            "map_width": width,
            "map_height": height,
            "tile_w": TILE_W,
            "tile_h": TILE_H,
        },
    )
