from django.urls import path

from suggestions.workbench import stations as workbench

app_name = "stations_work"

urlpatterns = [
    path("stations/", workbench.station_list, name="stations"),
    path("stations/<int:pk>/receptions/new/", workbench.reception_new, name="reception_new"),
    path("problems/", workbench.problem_list, name="problems"),
    path("problems/<int:pk>/", workbench.problem, name="problem"),
    path("problems/<int:pk>/<slug:action>/", workbench.problem_act, name="problem_act"),
    path("activities/new/", workbench.activity_new, name="activity_new"),
    path("records/export/", workbench.records_export, name="records_export"),
]
