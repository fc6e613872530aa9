from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from congress import api as congress_api
from congress.health import healthz
from deputies import api as deputies_api
from suggestions import api as suggestions_api

# The open data API: one router per app, on one versioned API.
api = congress_api.api
api.add_router("", congress_api.router)
api.add_router("", suggestions_api.router)
api.add_router("", deputies_api.router)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Cached public pages are shared by visitors, so their form cannot carry one visitor's
    # CSRF token; choosing a language changes nothing but a cookie.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("api/v1/", api.urls),
    path("accounts/", include("congress.accounts")),
    path("workbench/jobs/", include("congress.job_views")),
    path("workbench/", include("suggestions.workbench_urls")),
    path("workbench/", include("deputies.workbench_urls")),
    path("reports/", include("reports.urls")),
    path("", include("deputies.urls")),
    path("", include("suggestions.urls")),
]

handler500 = "congress.middleware.server_error"
