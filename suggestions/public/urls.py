from django.urls import path

from congress import tenancy
from congress.pages import cached_routes, of_all_sessions, of_session, of_suggestion, page
from suggestions.figures import rollup
from suggestions.filters import SuggestionFilter
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

# The pages kept in the page cache, with the query parameters each reads and what it shows
# (congress/pages.py); a request with any other parameter is rendered and not stored.
SESSION = ["session"]
LIST = [*SuggestionFilter.base_filters, "page"]


def home_scopes(request, **kwargs):
    """The home page shows its sessions and the roll-up of the congresses below: a change in
    any of theirs makes it stale too."""
    return of_session()(request, **kwargs) | rollup.cache_scopes(tenancy.active())


cached_routes(
    app_name,
    {
        "home": page(SESSION, home_scopes),
        "list": page(LIST, of_session(absent="all")),
        "detail": page([], of_suggestion("pk")),
        "print": page([], of_suggestion("pk")),
        "units": page([*SESSION, "sort"], of_session()),
        "unit": page([*SESSION, "page", "ppage"], of_session()),
        "recurring": page(["page"], of_all_sessions()),
        "categories": page(SESSION, of_session()),
        "delegations": page(SESSION, of_session()),
    },
)
