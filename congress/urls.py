from django.contrib import admin
from django.urls import include, path

from congress.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("accounts/", include("congress.accounts")),
    path("workbench/", include("suggestions.workbench_urls")),
    path("workbench/", include("deputies.workbench_urls")),
    path("", include("deputies.urls")),
    path("", include("suggestions.urls")),
]
