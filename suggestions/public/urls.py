from django.urls import path

from suggestions.public import views

app_name = "suggestions"

urlpatterns = [
    path("", views.home, name="home"),
    path("suggestions/", views.suggestion_list, name="list"),
    path("suggestions/export.<str:fmt>", views.suggestion_export, name="export"),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="detail"),
    path("suggestions/<int:pk>/print/", views.suggestion_print, name="print"),
    path("replies/<int:pk>/attachment", views.reply_attachment, name="reply_attachment"),
    path("units/export.<str:fmt>", views.unit_export, name="units_export"),
    path("units/", views.unit_list, name="units"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("recurring/", views.recurring, name="recurring"),
    path("categories/", views.breakdown, {"by": "category"}, name="categories"),
    path("delegations/", views.breakdown, {"by": "delegation"}, name="delegations"),
]
