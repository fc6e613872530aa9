"""Congress staff: the queues, bulk assignment, publishing, decisions, meetings, exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import CharField, Count, Exists, OuterRef, Value
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from congress import tenancy
from congress.forms import is_id
from congress.models import Session
from congress.views import service_form_page
from suggestions import exports, services
from suggestions.access import require_staff
from suggestions.figures import loop, rollup
from suggestions.forms import (
    AssignForm,
    MeetingForm,
    PaperSuggestionForm,
    PublishForm,
    SpecialReportForm,
    StaffDecisionForm,
)
from suggestions.models import (
    Decision,
    ExtensionRequest,
    Reply,
    ReturnRequest,
    Suggestion,
    WorkflowError,
)
from suggestions.rules import at_rest
from suggestions.workbench.actions import check_action, check_action_on

S = Suggestion.Status
QUEUE_SIZE = 30


def staff_section(request, viewer):
    return {
        "queues": staff_queues(),
        "assign_form": AssignForm(),
        "sessions": Session.objects.all(),
        "has_below": bool(rollup.children_of(tenancy.active())),
    }


def staff_queues():
    today = timezone.localdate()
    rows = Suggestion.objects.select_related("lead_deputy").as_queue_rows(
        "status", "due_on", "period", "registered_on", "lead_deputy__name"
    )
    base = rows.with_lead_unit()
    # Not yet assigned: no lead unit to look up (a return to the office removes every unit).
    unassigned = rows.annotate(lead_unit_name=Value(None, output_field=CharField()))
    evaluation_days = services.rule("EVALUATION_DAYS")
    queues = [
        ("review", _("Submitted, to review"), unassigned.filter(status=S.SUBMITTED).order_by("pk")),
        (
            "assign",
            _("Registered, to assign"),
            unassigned.filter(status=S.REGISTERED).order_by("pk"),
        ),
        ("overdue", _("Overdue"), base.overdue(today).order_by("due_on")),
        ("re_handling", _("In re-handling"), base.filter(status=S.RE_HANDLING).order_by("due_on")),
        (
            "evaluation",
            _("Replied, rating missing"),
            base.filter(status=S.REPLIED).order_by("first_replied_on"),
        ),
        ("close", _("Rated, to close"), base.filter(status=S.EVALUATED).order_by("pk")),
    ]
    result = [(key, title, *loop.first_and_total(qs, QUEUE_SIZE)) for key, title, qs in queues]
    for key, _title, rows, _count in result:
        if key == "assign":  # between-session suggestions are assigned within working days
            for suggestion in rows:
                suggestion.assign_by = services.assignment_deadline(suggestion)
    returns = (
        ReturnRequest.objects.filter(decision=Decision.PENDING)
        .select_related("suggestion", "unit")
        .only("reason", "suggestion__number", "suggestion__title", "unit__name")
    )
    extensions = (
        ExtensionRequest.objects.filter(decision=Decision.PENDING)
        .select_related("assignment__suggestion", "assignment__unit")
        .only(
            "requested_due_on",
            "assignment__suggestion__number",
            "assignment__suggestion__title",
            "assignment__unit__name",
        )
    )
    # A concluded session's replies never published are history (its closed suggestions are
    # at rest), not staff's work.
    # At rest through the reply's own session, and a revision looked for in any congress (it
    # is the reply's): fewer joins to plan (3.6 → 2.0 ms at a million suggestions).
    resting = at_rest("suggestion__", session_prefix="")
    unpublished = Reply.objects.filter(is_published=False).exclude(resting)
    to_publish = (
        unpublished.filter(~Exists(Reply.everywhere.filter(supersedes=OuterRef("pk"))))
        .as_queue_rows()
        .order_by("replied_on")
    )
    # Counted for the badge, up to its cap (`loop.COUNT_CAP`): the unpublished replies of the
    # sessions still open, read index-only and no further than the cap needs; plus those of
    # concluded sessions whose suggestion was reopened (not at rest: few); less the originals a
    # revision replaced (few). Counting every unpublished reply read 96,000 of them at a million
    # suggestions (8 ms); excluding those at rest in one query joined each to its suggestion
    # and session (400 ms).
    revised = (
        Reply.objects.filter(supersedes__isnull=False, supersedes__is_published=False)
        .exclude(resting)
        .count()
    )
    waiting = Reply.objects.filter(is_published=False)
    open_sessions = waiting.filter(session__concluded_on__isnull=True).values("pk")
    reopened = waiting.filter(session__concluded_on__isnull=False).exclude(
        suggestion__status=S.CLOSED
    )
    to_publish_count = (
        open_sessions[: loop.COUNT_CAP + 1 + revised].count() + reopened.count() - revised
    )
    return {
        "suggestions": result,
        "returns": loop.first_and_total(returns, QUEUE_SIZE),
        "extensions": loop.first_and_total(extensions, QUEUE_SIZE),
        "to_publish": (list(to_publish[:QUEUE_SIZE]), to_publish_count),
        "evaluation_days": evaluation_days,
        "loop": loop.staff_queues(QUEUE_SIZE, today),
    }


@login_required
@require_POST
def bulk_assign(request):
    viewer = require_staff(request)
    form = AssignForm(request.POST)
    ids = [i for i in request.POST.getlist("suggestion") if is_id(i)]
    if not form.is_valid() or not ids:
        messages.error(request, _("Choose suggestions and a lead unit (or separate units)."))
        return redirect("workbench:dashboard")
    done = 0
    for suggestion in Suggestion.objects.filter(pk__in=ids).prefetch_related("assignments"):
        try:  # each one asked of the one decider, as its own page's assign form is
            check_action(viewer, suggestion, "assign")
            services.assign(suggestion=suggestion, by=viewer.user, **form.cleaned_data)
            done += 1
        except WorkflowError as error:
            messages.error(request, f"{suggestion}：{error}")
    if done:
        messages.success(request, _("%(count)s suggestion(s) assigned.") % {"count": done})
    return redirect("workbench:dashboard")


@login_required
@require_POST
def publish(request, pk):
    viewer = require_staff(request)
    reply = get_object_or_404(Reply, pk=pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            check_action_on(viewer, "publish", reply)
            services.publish_reply(
                reply=reply, public_text=form.cleaned_data["public_text"], by=viewer.user
            )
            messages.success(request, _("The reply is published."))
        except WorkflowError as error:
            messages.error(request, str(error))
    return redirect("workbench:suggestion", pk=reply.suggestion_id)


@login_required
@require_POST
def decide(request, kind, pk):
    viewer = require_staff(request)
    kinds = {
        "return": (ReturnRequest, services.decide_return),
        "extension": (ExtensionRequest, services.decide_extension),
    }
    if kind not in kinds:
        raise Http404
    model, call = kinds[kind]
    request_obj = get_object_or_404(model, pk=pk)
    suggestion_pk = (
        request_obj.suggestion_id if kind == "return" else request_obj.assignment.suggestion_id
    )
    form = StaffDecisionForm(request.POST)
    if form.is_valid():
        try:
            check_action_on(viewer, f"decide_{kind}", request_obj)
            call(request=request_obj, by=viewer.user, **form.cleaned_data)
            messages.success(request, _("The request is decided; the unit is told."))
        except WorkflowError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("Choose approve or refuse."))
    return redirect("workbench:suggestion", pk=suggestion_pk)


@login_required
@require_GET
def sessions(request):
    """Every session, with what still keeps it from being concluded."""
    viewer = require_staff(request)
    waiting = dict(
        Suggestion.objects.filter(status__in=services.WAITING_FOR_A_REPLY)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values_list("session", "n")
    )
    rows = list(Session.objects.select_related("term"))
    for session in rows:
        session.waiting = waiting.get(session.pk, 0)
    return render(request, "workbench/sessions.html", {"sessions": rows, "viewer": viewer})


@login_required
@require_GET
def below(request):
    """The congresses below this one side by side and summed, read-only, from their summary
    rows: each one's current session, or the sessions opened in ?year=."""
    viewer = require_staff(request)
    congress = tenancy.active()
    wanted = request.GET.get("year", "").strip()
    year = int(wanted) if wanted.isdigit() and 1949 <= int(wanted) <= 9999 else None
    if wanted and year is None:
        messages.error(request, _("Choose a year from the list."))
    children = rollup.children_of(congress)
    years = (
        sorted(
            {
                d.year
                for d in Session.everywhere.filter(congress__in=children).dates("opens_on", "year")
            },
            reverse=True,
        )
        if children
        else []
    )
    return render(
        request,
        "workbench/below.html",
        {
            "viewer": viewer,
            "below": rollup.rollup(congress, year=year, staff=True),
            "staff": True,
            "year": year,
            "years": years,
        },
    )


@login_required
@require_POST
def conclude(request, pk):
    viewer = require_staff(request)
    session = get_object_or_404(Session, pk=pk)
    try:
        closed = services.conclude_session(session=session, by=viewer.user)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(session)s is concluded; %(count)s suggestion(s) closed with it.")
            % {"session": session, "count": closed},
        )
    return redirect("workbench:sessions")


def _record_meeting(data):
    services.record_meeting(
        session=data["session"],
        kind=data["kind"],
        title=data["title"],
        held_on=data["held_on"],
        attendees=data["attendees"],
        notes=data["notes"],
        suggestions=data.get("suggestions", []),
        leaders=data.get("leaders", []),
    )


@login_required
def meeting_new(request):
    require_staff(request)
    return service_form_page(
        request,
        MeetingForm(request.POST or None),
        _record_meeting,
        title=_("Record a supervision meeting"),
        done=_("The meeting is recorded."),
        next_url="workbench:dashboard",
    )


@login_required
def report_new(request):
    require_staff(request)
    return service_form_page(
        request,
        SpecialReportForm(request.POST or None),
        lambda data: services.record_special_report(**data),
        title=_("Record a special report's satisfaction vote"),
        done=_("The satisfaction vote is recorded."),
        next_url="workbench:dashboard",
    )


@login_required
@require_GET
def export_responsibility(request):
    require_staff(request)
    session = (
        Session.objects.filter(pk=request.GET.get("session") or 0).first()
        if is_id(request.GET.get("session") or "")
        else None
    )
    session = session or Session.objects.current()
    if session is None:
        raise Http404
    return exports.responsibility_list(
        session, "csv" if request.GET.get("format") == "csv" else "xlsx"
    )


@login_required
def paper_new(request):
    """Staff enter a suggestion received on paper; then it is on its workbench page."""
    viewer = require_staff(request)
    initial = {"session": Session.objects.current(), "submitted_on": timezone.localdate()}
    form = PaperSuggestionForm(request.POST or None, initial=initial)
    similar = []
    if request.method == "POST" and form.is_valid() and "submit_anyway" not in request.POST:
        # The same paper entered twice, or already imported: a warning, never a refusal.
        similar = Suggestion.objects.filter(session=form.cleaned_data["session"]).like_title(
            form.cleaned_data["title"]
        )
    if request.method == "POST" and form.is_valid() and not similar:
        try:
            suggestion = services.enter_suggestion(
                suggestion=form.suggestion(),
                co_signers=form.cleaned_data["co_signers"],
                by=viewer.user,
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Entered; register it when it is reviewed."))
            return redirect("workbench:suggestion", pk=suggestion.pk)
    return render(
        request,
        "workbench/form_page.html",
        {
            "form": form,
            "title": _("Enter a suggestion received on paper"),
            "viewer": viewer,
            "similar": similar,
        },
    )
