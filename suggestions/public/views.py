"""Public pages: statistics, suggestions with their published replies, handling units."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from congress import tenancy
from congress.files import protected_file_response
from congress.models import HandlingUnit, Session
from suggestions import exports, services, tasks
from suggestions.access import may_download
from suggestions.figures import loop, rollup, stats
from suggestions.models import FLAGS, Assignment, Reply, SpecialReport, Suggestion
from suggestions.public import listing
from suggestions.search import keywords as search

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
    # Every figure from the summary rows (suggestions.figures.summaries), none over the suggestions.
    figures = stats.session_overview(session)
    speed = stats.session_speed(session)
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
            "speed": speed,
            "reports": special_reports(session),
            "categories": [(c, stats.rate(c.registered, top) or 0) for c in categories],
            "explain": stats.EXPLANATIONS,
            "loop": {
                **stats.session_loop(session),
                "satisfaction_rate_reply": figures.satisfaction_rate,
            },
            "publish_days": services.rule("PUBLISH_DAYS"),
            "below": rollup_of_home(request, session),
        },
    )


def rollup_of_home(request, session):
    """The congresses below this one, beside the session shown: all time with "all", the
    sessions opened in the chosen session's year when one is chosen, else each one's current
    session. Nothing (and no query) for a congress with none below it."""
    wanted = request.GET.get("session", "")
    congress = tenancy.active()
    if session is None:
        return rollup.rollup(congress, all_time=True)
    if wanted == str(session.pk):
        return rollup.rollup(congress, year=session.opens_on.year)
    return rollup.rollup(congress)


def special_reports(session):
    """The standing committee's satisfaction votes on special reports, newest first."""
    reports = SpecialReport.objects.select_related("unit", "session")
    return reports.filter(session=session) if session else reports


def filtered_suggestions(request):
    return exports.public_filter(request.GET)


@require_GET
def suggestion_export(request, fmt):
    """The filtered public list as a spreadsheet, in the import's columns.

    Up to EXPORT_INLINE_ROWS rows it is answered at once. A larger one, asked by a logged-in
    user, is written by a background job: the user follows it on the job's page and downloads
    the file there. An anonymous visitor owns no job: the CSV is streamed whatever its size
    (constant memory), and a large Excel file is refused with a pointer to the CSV."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    queryset = filtered_suggestions(request).qs
    if fmt == "csv" and not request.user.is_authenticated:
        return exports.suggestion_list(fmt, queryset)
    limit = settings.EXPORT_INLINE_ROWS
    if queryset.order_by()[: limit + 1].count() <= limit:  # counts at most limit + 1 rows
        return exports.suggestion_list(fmt, queryset)
    if request.user.is_authenticated:
        job = tasks.start_export(fmt, request.GET, request.user)
        return redirect("jobs:detail", pk=job.pk)
    return render(
        request,
        "suggestions/export_too_large.html",
        {"limit": limit, "query": request.GET.urlencode()},
    )


@require_GET
def suggestion_list(request):
    filterset = filtered_suggestions(request)
    filterset.queryset = filterset.queryset.with_lead_unit().select_related(
        "session", "category", "lead_deputy"
    )
    objects = filterset.qs
    if filterset.is_valid():
        window = listing.window(objects, filterset.form.cleaned_data, filterset.filters)
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
            "capped": getattr(paginator.object_list, "capped", False),
            "cap": search.CAP,
        },
    )


@require_GET
def suggestion_detail(request, pk):
    merged = (
        Suggestion.objects.filter(pk=pk, status=Suggestion.Status.MERGED)
        .select_related("merged_into__session", "session")
        .first()
    )
    if merged and merged.merged_into.is_public:
        # A merged suggestion is handled as the one it joined: its address points there.
        return render(request, "suggestions/merged.html", {"suggestion": merged})
    queryset = Suggestion.objects.public_detail().prefetch_related(
        Prefetch("merged_suggestions", Suggestion.objects.select_related("lead_deputy"))
    )
    suggestion = get_object_or_404(queryset, pk=pk)
    links = loop.links_of(suggestion)
    ratings = loop.implementation_ratings(suggestion)
    return render(
        request,
        "suggestions/suggestion_detail.html",
        {
            "suggestion": suggestion,
            "promises": loop.promises_of(suggestion.published_replies),
            "implementation_ratings": ratings,
            "links": links,
            "recurrence": loop.recurrence(suggestion, links),
        },
    )


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
    rows = stats.session_units(session)  # from the summary rows, promises included
    stats.with_speed(rows, session)
    return session, sessions, rows


UNIT_SORTS = [*stats.UNIT_COLUMNS, "promise_kept_rate", "median_days", "average_days"]


@require_GET
def unit_export(request, fmt):
    if fmt not in ("xlsx", "csv"):
        raise Http404
    session, _sessions, rows = unit_rows(request)
    return exports.unit_statistics(rows, fmt, session.name if session else "all")


@require_GET
def unit_list(request):
    session, sessions, rows = unit_rows(request)
    sort = stats.sort_rows(rows, request.GET.get("sort", ""), UNIT_SORTS)
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
    if row:
        stats.with_speed([row], session, unit)
    mine = Suggestion.objects.public().for_session(session).for_unit(unit)
    # A unit's replies are on suggestions registered for handling, so its promises need no
    # join to `mine`; over all sessions they are walked in date order (`current`).
    promises = Reply.objects.promises(walked=session is None).filter(assignment__unit=unit)
    if session:  # the assignment's session too: its (session, unit) index, not all the unit's
        promises = promises.filter(session=session, assignment__session=session)
    promises = promises.select_related("suggestion__session").order_by("promised_by", "pk")
    paginator = Paginator(promises, PAGE_SIZE)
    # How many: the unit's summary rows count the same promises (replies exist only on
    # registered suggestions), so the page does not count them again.
    paginator.count = row["promises"] if row else 0
    promise_page = paginator.get_page(request.GET.get("ppage"))
    flagged = mine.flagged(reviewed=True).select_related("session").order_by("number")[:PAGE_SIZE]
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
            "reports": special_reports(session).filter(unit=unit),
            "page": page,
            "promises": [(r, r.promise_state()) for r in promise_page],
            "promise_page": promise_page,
            "promise_figures": row or dict.fromkeys(stats.PROMISE_SPLIT, 0),
            "implementation": _implementation(row),
            "explain": stats.EXPLANATIONS,
            "flagged": loop.flag_rows(flagged),
            "flag_rules": FLAGS,
            "session": session,
            "sessions": sessions,
            "query": f"session={session.pk if session else 'all'}",
        },
    )


def _implementation(row):
    """The lead deputies' ratings of what was done on this unit's own replies (summary rows)."""
    counts = {f"impl_{s}": row[f"impl_{s}"] if row else 0 for s in stats.SAT}
    counts["rate"] = stats.satisfaction_rate_of(counts, "impl_")
    counts["rated"] = sum(counts[f"impl_{s}"] for s in stats.SAT)
    return counts


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


@require_GET
def reply_attachment(request, pk):
    """The signed reply letter, to whoever may see it; 404 for anyone else (even its existence)."""
    reply = get_object_or_404(Reply.objects.exclude(attachment=""), pk=pk)
    if not may_download(request.user, reply):
        raise Http404
    return protected_file_response(reply.attachment, reply.attachment_name or reply.attachment.name)


def recurring(request):
    """Problems raised again in later sessions, most often raised first."""
    from django.db.models import Count, Q

    heads = (
        loop.recurring_topics()
        .annotate(times=Count("similar_links", filter=~Q(similar_links__state="dismissed")))
        .order_by("-times", "-session__opens_on", "number")
    )
    page = Paginator(heads, PAGE_SIZE).get_page(request.GET.get("page"))
    loop.with_earlier_lead_units(page.object_list)
    return render(request, "suggestions/recurring.html", {"page": page, "query": ""})
