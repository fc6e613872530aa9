from django.urls import path

from suggestions.workbench import actions, dashboard, deputy, notifications, staff
from suggestions.workbench import imports as import_views

app_name = "workbench"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("suggestions/new/", deputy.draft_new, name="draft_new"),
    path("suggestions/similar.json", deputy.similar_json, name="similar_json"),
    path("suggestions/enter/", staff.paper_new, name="paper_new"),
    path("suggestions/<int:pk>/", actions.suggestion, name="suggestion"),
    path("suggestions/<int:pk>/edit/", deputy.draft_edit, name="draft_edit"),
    path("suggestions/<int:pk>/<slug:action>/", actions.act, name="act"),
    path(
        "suggestions/<int:pk>/assignments/<int:assignment_pk>/<slug:action>/",
        actions.act,
        name="act_on_assignment",
    ),
    path("assign/", staff.bulk_assign, name="bulk_assign"),
    path("replies/<int:pk>/publish/", staff.publish, name="publish"),
    path("requests/<slug:kind>/<int:pk>/", staff.decide, name="decide"),
    path("sessions/", staff.sessions, name="sessions"),
    path("below/", staff.below, name="below"),
    path("sessions/<int:pk>/conclude/", staff.conclude, name="conclude_session"),
    path("meetings/new/", staff.meeting_new, name="meeting_new"),
    path("reports/new/", staff.report_new, name="report_new"),
    path("export/responsibility.xlsx", staff.export_responsibility, name="export_responsibility"),
    path("record/", deputy.duty_record, name="duty_record"),
    path("record/<int:deputy_pk>/", deputy.duty_record, name="deputy_record"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("import/", import_views.upload, name="import"),
    path("import/<str:token>/columns/", import_views.columns, name="import_columns"),
    path("import/<str:token>/", import_views.preview, name="import_preview"),
    path("import/<str:token>/confirm/", import_views.confirm, name="import_confirm"),
    path("import/template.<str:fmt>", import_views.template, name="import_template"),
]
