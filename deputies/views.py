"""Public pages for the liaison stations."""

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from congress.models import Division

from .filters import StationFilter
from .models import Deputy, LiaisonStation


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


@require_GET
def station_detail(request, pk):
    station = get_object_or_404(
        LiaisonStation.objects.select_related("division").prefetch_related(
            Prefetch("deputies", Deputy.objects.select_related("delegation"))
        ),
        pk=pk,
    )
    return render(request, "deputies/station_detail.html", {"station": station})
