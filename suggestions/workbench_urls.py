from django.urls import path

from . import import_views, workbench

app_name = "workbench"

urlpatterns = [
    path("", workbench.dashboard, name="dashboard"),
    path("suggestions/new/", workbench.draft_new, name="draft_new"),
    path("suggestions/<int:pk>/", workbench.suggestion, name="suggestion"),
    path("suggestions/<int:pk>/edit/", workbench.draft_edit, name="draft_edit"),
    path("suggestions/<int:pk>/<slug:action>/", workbench.act, name="act"),
    path(
        "suggestions/<int:pk>/assignments/<int:assignment_pk>/<slug:action>/",
        workbench.act,
        name="act_on_assignment",
    ),
    path("assign/", workbench.bulk_assign, name="bulk_assign"),
    path("replies/<int:pk>/publish/", workbench.publish, name="publish"),
    path("requests/<slug:kind>/<int:pk>/", workbench.decide, name="decide"),
    path("meetings/new/", workbench.meeting_new, name="meeting_new"),
    path("reports/new/", workbench.report_new, name="report_new"),
    path(
        "export/responsibility.xlsx", workbench.export_responsibility, name="export_responsibility"
    ),
    path("record/", workbench.duty_record, name="duty_record"),
    path("record/<int:deputy_pk>/", workbench.duty_record, name="deputy_record"),
    path("notifications/", workbench.notification_list, name="notifications"),
    path("import/", import_views.upload, name="import"),
    path("import/<str:token>/columns/", import_views.columns, name="import_columns"),
    path("import/<str:token>/", import_views.preview, name="import_preview"),
    path("import/<str:token>/confirm/", import_views.confirm, name="import_confirm"),
    path("import/template.<str:fmt>", import_views.template, name="import_template"),
]
