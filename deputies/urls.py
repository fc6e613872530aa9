from django.urls import path

from deputies import views

app_name = "deputies"

urlpatterns = [
    path("stations/", views.station_list, name="stations"),
    path("stations/<int:pk>/", views.station_detail, name="station"),
    path("stations/figures/", views.station_figures, name="figures"),
    path("stations/figures/export.<str:fmt>", views.figures_export, name="figures_export"),
]
