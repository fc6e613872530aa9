from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from congress import api as congress_api
from congress.health import healthz

# The project's wiring names the apps by their dotted paths, as `include` does below: the core
# imports no app above it (tests/test_architecture.py). The open data API: one router per app.
api = congress_api.api
api.add_router("", congress_api.router)
api.add_router("", "suggestions.public.api.router")
api.add_router("", "deputies.api.router")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Cached public pages are shared by visitors, so their form cannot carry one visitor's
    # CSRF token; choosing a language changes nothing but a cookie.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("api/v1/", api.urls),
    path("accounts/", include("congress.accounts")),
    path("workbench/jobs/", include("congress.job_views")),
    path("workbench/", include("suggestions.workbench.urls")),
    path("workbench/", include("suggestions.workbench.stations_urls")),
    path("reports/", include("reports.urls")),
    path("", include("deputies.urls")),
    path("", include("suggestions.public.urls")),
]

handler500 = "congress.middleware.server_error"
