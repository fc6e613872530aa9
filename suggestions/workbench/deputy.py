"""A deputy's own work: their suggestions, drafts, co-signing requests, the duty record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from congress.models import Session
from congress.tenancy import activate, reverse_in
from deputies.models import Deputy
from suggestions import services
from suggestions.access import get_visible_suggestion, viewer_for
from suggestions.figures import records
from suggestions.forms import DraftForm
from suggestions.models import CoSigner, Suggestion, WorkflowError
from suggestions.rules import at_rest

S = Suggestion.Status
QUEUE_SIZE = 30
DEPUTY_PAGE = 50


AWAITING_A_REPLY = [S.SUBMITTED, S.REGISTERED, *Suggestion.AWAITING_REPLY]


def deputy_section(request, viewer):
    """The person's suggestions in every congress they sit in (a deputy of the city and of a
    county has one workbench), grouped by what they wait for: my rating, a reply, nothing.
    Each group is a page of its own (?finished_page=2): a deputy who leads thousands waits for
    one page of each, in a fixed number of queries whatever the rows or seats. Each row is
    labelled with its congress and links to its page on that congress's site, where it is
    acted on. Those of concluded sessions are history, not work: counted, listed in the duty
    record."""
    seats = viewer.seats
    # Across congresses on purpose, and only the person's own seats' suggestions.
    involved = Suggestion.everywhere.involving_deputy(seats)
    mine = (
        involved.exclude(at_rest())
        .with_lead_unit()
        .with_rating_state(seats)
        .select_related("session__congress", "lead_deputy")
    )
    newest = ("-session__opens_on", "-pk")
    groups = [
        ("rate", _("Awaits my rating"), mine.filter(awaits_my_rating=True).order_by(*newest)),
        (
            "awaiting",
            _("Awaits a reply"),
            # The ones with a due date first, soonest first; the others as they came in.
            mine.filter(status__in=AWAITING_A_REPLY, awaits_my_rating=False).order_by(
                F("due_on").asc(nulls_last=True), "created_at", "pk"
            ),
        ),
        ("drafts", _("Drafts"), mine.filter(status=S.DRAFT).order_by(*newest)),
        (
            "finished",
            _("Finished"),
            mine.exclude(status__in=[*AWAITING_A_REPLY, S.DRAFT])
            .filter(awaits_my_rating=False)
            .order_by(*newest),
        ),
    ]
    pages = []
    # Run with no congress active: the lead unit and rating subqueries of another congress's
    # rows would otherwise keep to this site's congress and find nothing.
    with activate(None):
        for key, title, rows in groups:
            page = Paginator(rows, DEPUTY_PAGE).get_page(request.GET.get(f"{key}_page"))
            pages.append((key, title, list(page), page))
        history = involved.filter(at_rest()).count()
        to_confirm = list(
            CoSigner.objects.filter(deputy__in=seats, confirmed_on__isnull=True)
            .exclude(suggestion__status__in=services.NO_LONGER_CO_SIGNED)
            .select_related("suggestion__lead_deputy", "suggestion__session__congress")
            .order_by("pk")[:QUEUE_SIZE]
        )
    seat_ids = {seat.pk for seat in seats}
    for _key, _title, rows, _page in pages:
        for row in rows:
            row.site_url = reverse_in(row.session.congress, "workbench:suggestion", row.pk)
            row.led_by_me = row.lead_deputy_id in seat_ids
    for signature in to_confirm:
        suggestion = signature.suggestion
        signature.site_url = reverse_in(
            suggestion.session.congress, "workbench:suggestion", suggestion.pk
        )
    return {
        "deputy_groups": pages,
        "deputy_history": history,
        "to_confirm": to_confirm,
        # Where each seat's work begins: a new suggestion and the duty record, on its site.
        "deputy_seats": [
            {
                "seat": seat,
                "congress": seat.delegation.congress,
                "draft_url": reverse_in(seat.delegation.congress, "workbench:draft_new"),
                "record_url": reverse_in(seat.delegation.congress, "workbench:duty_record"),
            }
            for seat in seats
        ],
        "many_levels": len({seat.delegation.congress_id for seat in seats}) > 1,
    }


def _deputy_only(request):
    viewer = viewer_for(request)
    if viewer.deputy is None:
        raise PermissionDenied
    return viewer


@login_required
def draft_new(request):
    viewer = _deputy_only(request)
    session = Session.objects.current()
    form = DraftForm(request.POST or None, lead_deputy=viewer.deputy)
    similar = _like_titles(request, form, session)
    if request.method == "POST" and form.is_valid() and not similar:
        try:
            write = services.draft_and_submit if "submit" in request.POST else services.create_draft
            draft = write(
                deputy=viewer.deputy, session=session, by=viewer.user, **form.cleaned_data
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Submitted to congress staff.")
                if "submit" in request.POST
                else _("Saved as a draft."),
            )
            return redirect("workbench:suggestion", pk=draft.pk)
    return render(
        request,
        "workbench/draft.html",
        {"form": form, "session": session, "viewer": viewer, "similar": similar},
    )


def _like_titles(request, form, session, draft=None):
    """Before submitting: suggestions of the session whose title reads like this one. A warning
    the deputy may pass ("submit anyway"), never a refusal: two deputies may raise one matter."""
    if "submit" not in request.POST or "submit_anyway" in request.POST or not form.is_valid():
        return []
    return like_titles_in_session(session, form.cleaned_data["title"], draft)


def like_titles_in_session(session, title, draft=None):
    """Suggestions of the session (the draft itself aside) whose title reads like `title`: the
    same warning whether a deputy submits from the form or a saved draft from its page."""
    if session is None:
        return []
    others = Suggestion.objects.filter(session=session)
    if draft is not None:
        others = others.exclude(pk=draft.pk)
    return others.like_title(title)


@login_required
def draft_edit(request, pk):
    viewer = _deputy_only(request)
    draft = get_visible_suggestion(viewer, pk)
    if not viewer.is_lead_deputy(draft):
        raise PermissionDenied
    if draft.status != S.DRAFT:
        messages.error(request, _("Only a draft can be edited."))
        return redirect("workbench:suggestion", pk=draft.pk)
    initial = {
        "title": draft.title,
        "content": draft.content,
        "category": draft.category,
        "co_signers": [s.deputy for s in draft.signatures.select_related("deputy")],
    }
    form = DraftForm(request.POST or None, initial=initial, lead_deputy=viewer.deputy)
    similar = _like_titles(request, form, draft.session, draft)
    if request.method == "POST" and form.is_valid() and not similar:
        try:
            write = (
                services.update_and_submit if "submit" in request.POST else services.update_draft
            )
            write(suggestion=draft, by=viewer.user, **form.cleaned_data)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Submitted to congress staff.") if "submit" in request.POST else _("Saved."),
            )
            return redirect("workbench:suggestion", pk=draft.pk)
    return render(
        request,
        "workbench/draft.html",
        {"form": form, "draft": draft, "viewer": viewer, "similar": similar},
    )


@login_required
@require_GET
def duty_record(request, deputy_pk=None):
    viewer = viewer_for(request)
    if deputy_pk is None:
        if viewer.deputy is None:
            raise PermissionDenied
        deputy = viewer.deputy
    else:
        if not viewer.is_staff and not (viewer.deputy and viewer.deputy.pk == deputy_pk):
            raise PermissionDenied
        deputy = get_object_or_404(Deputy.objects.select_related("delegation"), pk=deputy_pk)
    return render(
        request,
        "workbench/duty_record.html",
        {"deputy": deputy, "viewer": viewer, **records.duty_record(deputy)},
    )


@login_required
@require_GET
def similar_json(request):
    """Suggestions of earlier sessions like the text a deputy is drafting (for static JS)."""
    from django.http import JsonResponse
    from django.urls import reverse

    from suggestions.search import similarity

    _deputy_only(request)
    title = request.GET.get("title", "")[:200]
    content = request.GET.get("content", "")[:20000]
    session = Session.objects.current()
    found = similarity.similar(title, content, exclude_session=session, limit=5)
    return JsonResponse(
        {
            "items": [
                {
                    "id": other.pk,
                    "session": other.session.name,
                    "number": other.number,
                    "label": str(other.number_label),
                    "title": other.title,
                    "url": reverse("suggestions:detail", args=[other.pk]),
                    "score": score,
                }
                for score, other in found
            ]
        }
    )
