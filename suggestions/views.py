"""Public pages: statistics, suggestions with their published replies, handling units."""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from congress.models import HandlingUnit, Session

from . import exports, listing, stats
from .filters import SuggestionFilter
from .models import Assignment, Reply, Suggestion

PAGE_SIZE = 20


def chosen_session(request):
    """The session in ?session= ("all" for all time); the current one when absent or unknown."""
    sessions = list(Session.objects.select_related("term"))
    wanted = request.GET.get("session", "")
    if wanted == "all":
        return None, sessions
    for session in sessions:
        if str(session.pk) == wanted:
            return session, sessions
    return Session.objects.current() or (sessions[0] if sessions else None), sessions


@require_GET
def home(request):
    session, sessions = chosen_session(request)
    figures = stats.session_overview(session)
    categories = sorted(
        stats.session_grouped(session, "category", registered_only=True),
        key=lambda row: -row.registered,
    )
    top = max((c.registered for c in categories), default=0)
    return render(
        request,
        "suggestions/home.html",
        {
            "session": session,
            "sessions": sessions,
            "figures": figures,
            "categories": [(c, stats.rate(c.registered, top) or 0) for c in categories],
            "explain": stats.EXPLANATIONS,
        },
    )


def filtered_suggestions(request):
    queryset = Suggestion.objects.public().order_by("-session__opens_on", "number")
    return SuggestionFilter(request.GET, queryset=queryset)


@require_GET
def suggestion_export(request, fmt):
    """The filtered public list as a spreadsheet, in the import's columns."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return exports.suggestion_list(fmt, filtered_suggestions(request).qs)


@require_GET
def suggestion_list(request):
    filterset = filtered_suggestions(request)
    filterset.queryset = filterset.queryset.with_lead_unit().select_related(
        "session", "category", "lead_deputy"
    )
    objects = filterset.qs
    if filterset.is_valid() and listing.only_session(
        filterset.form.cleaned_data, filterset.filters
    ):
        window = listing.SessionWindow(objects, filterset.form.cleaned_data.get("session"))
        paginator = listing.SessionPaginator(window, PAGE_SIZE)
    else:
        paginator = Paginator(objects, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "suggestions/suggestion_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
        },
    )


@require_GET
def suggestion_detail(request, pk):
    suggestion = get_object_or_404(Suggestion.objects.public_detail(), pk=pk)
    return render(request, "suggestions/suggestion_detail.html", {"suggestion": suggestion})


@require_GET
def suggestion_print(request, pk):
    """A formal A4 page (答复函) of a suggestion and its published replies."""
    suggestion = get_object_or_404(
        Suggestion.objects.public()
        .select_related("session", "lead_deputy", "delegation", "category")
        .prefetch_related(
            Prefetch(
                "replies",
                Reply.objects.published().select_related("assignment__unit"),
                to_attr="printed_replies",
            ),
            Prefetch("assignments", Assignment.objects.select_related("unit")),
        ),
        pk=pk,
    )
    return render(
        request,
        "suggestions/print.html",
        {"suggestion": suggestion, "replies": suggestion.printed_replies},
    )


def unit_rows(request):
    session, sessions = chosen_session(request)
    return session, sessions, stats.session_units(session)


@require_GET
def unit_export(request, fmt):
    if fmt not in ("xlsx", "csv"):
        raise Http404
    session, _sessions, rows = unit_rows(request)
    return exports.unit_statistics(rows, fmt, session.name if session else "all")


@require_GET
def unit_list(request):
    session, sessions, rows = unit_rows(request)
    sort = request.GET.get("sort", "")
    column = sort.lstrip("-")
    if column in stats.UNIT_COLUMNS:
        rows.sort(key=lambda r: (r[column] is None, r[column] or 0), reverse=sort.startswith("-"))
    else:
        sort = ""
    return render(
        request,
        "suggestions/unit_list.html",
        {
            "session": session,
            "sessions": sessions,
            "rows": rows,
            "sort": sort,
            "explain": stats.EXPLANATIONS,
        },
    )


@require_GET
def unit_detail(request, pk):
    unit = get_object_or_404(HandlingUnit, pk=pk)
    session, sessions = chosen_session(request)
    row = next(iter(stats.session_units(session, unit=unit)), None)
    queryset = (
        Suggestion.objects.public()
        .for_session(session)
        .for_unit(unit)
        .with_lead_unit()
        .select_related("session", "category", "lead_deputy")
        .order_by("-session__opens_on", "number")
    )
    window = listing.SessionWindow(queryset, counts=listing.unit_counts(unit, session))
    page = listing.SessionPaginator(window, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "suggestions/unit_detail.html",
        {
            "unit": unit,
            "row": row,
            "page": page,
            "session": session,
            "sessions": sessions,
            "query": f"session={session.pk if session else 'all'}",
        },
    )


@require_GET
def breakdown(request, by):
    session, sessions = chosen_session(request)
    if by not in ("category", "delegation"):
        raise Http404
    return render(
        request,
        "suggestions/breakdown.html",
        {
            "rows": stats.session_grouped(session, by),
            "by": by,
            "session": session,
            "sessions": sessions,
            "explain": stats.EXPLANATIONS,
        },
    )
