from django.urls import path

from congress.cache import STATIONS
from congress.pages import cached_routes, fixed, page
from deputies import views
from deputies.filters import StationFilter

app_name = "deputies"

urlpatterns = [
    path("stations/", views.station_list, name="stations"),
    path("stations/<int:pk>/", views.station_detail, name="station"),
    path("stations/figures/", views.station_figures, name="figures"),
    path("stations/figures/export.<str:fmt>", views.figures_export, name="figures_export"),
]

# Cached pages (congress/pages.py): the query parameters each reads, and what it shows.
cached_routes(
    app_name,
    {
        "stations": page([*StationFilter.base_filters, "page"], fixed(STATIONS)),
        "station": page(["page"], fixed(STATIONS)),
        "figures": page(["year"], fixed(STATIONS)),
    },
)
