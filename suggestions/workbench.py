"""The workbench: each role's daily work at /workbench/, behind login.

Every write is a service call; `access` decides who may see and do what. Actions on a
suggestion share one view and one table (ACTIONS), so each rule about who may act lives once.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, F, Prefetch, Q, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from congress.models import Session
from deputies import records
from deputies.models import Deputy, Problem

from . import exports, services
from .access import get_visible_suggestion, require_staff, viewer_for
from .forms import (
    AssignForm,
    ContactForm,
    DraftForm,
    EmptyForm,
    EvaluateForm,
    ExtensionForm,
    FollowUpForm,
    MarkKeyForm,
    MeetingForm,
    OpinionForm,
    PublishForm,
    RefuseForm,
    ReplyForm,
    ResponsibleForm,
    ReturnForm,
    SpecialReportForm,
    StaffDecisionForm,
)
from .models import (
    Assignment,
    CoHandlerOpinion,
    Contact,
    CoSigner,
    Decision,
    Evaluation,
    Event,
    ExtensionRequest,
    Notification,
    Reply,
    ReturnRequest,
    Suggestion,
    WorkflowError,
)

S = Suggestion.Status
QUEUE_SIZE = 30


@dataclass(frozen=True)
class SuggestionAction:
    form: type
    who: str  # "lead", "co_signer", "deputy" (lead or co-signer), "unit" or "staff"
    call: Any  # (viewer, suggestion, assignment, data) -> None
    done: str
    when: tuple = ()  # the statuses in which the form is offered on the page


def _deputy_call(fn):
    return lambda v, s, a, d: fn(suggestion=s, deputy=v.deputy, by=v.user)


ACTIONS = {
    "submit": SuggestionAction(
        EmptyForm,
        "lead",
        lambda v, s, a, d: services.submit(suggestion=s, by=v.user),
        _("Submitted to congress staff."),
        (S.DRAFT,),
    ),
    "confirm": SuggestionAction(
        EmptyForm,
        "co_signer",
        _deputy_call(services.confirm_co_signature),
        _("You co-signed the suggestion."),
    ),
    "decline": SuggestionAction(
        EmptyForm,
        "co_signer",
        _deputy_call(services.decline_co_signature),
        _("You declined to co-sign."),
    ),
    "evaluate": SuggestionAction(
        EvaluateForm,
        "deputy",
        lambda v, s, a, d: services.evaluate(suggestion=s, deputy=v.deputy, by=v.user, **d),
        _("Thank you: your rating is recorded."),
        (S.REPLIED, S.EVALUATED),
    ),
    "responsible": SuggestionAction(
        ResponsibleForm,
        "unit",
        lambda v, s, a, d: services.name_responsible_person(assignment=a, by=v.user, **d),
        _("The responsible person is recorded."),
        tuple(Suggestion.AWAITING_REPLY),
    ),
    "contact": SuggestionAction(
        ContactForm,
        "unit",
        lambda v, s, a, d: services.record_contact(assignment=a, by=v.user, **d),
        _("The contact with the deputy is recorded."),
        (S.ASSIGNED, S.RE_HANDLING, S.REPLIED, S.EVALUATED),
    ),
    "opinion": SuggestionAction(
        OpinionForm,
        "unit",
        lambda v, s, a, d: services.send_co_opinion(assignment=a, by=v.user, **d),
        _("Your views were sent to the lead unit."),
        tuple(Suggestion.AWAITING_REPLY),
    ),
    "reply": SuggestionAction(
        ReplyForm,
        "unit",
        lambda v, s, a, d: services.reply(
            assignment=a,
            by=v.user,
            reply_class=d["reply_class"],
            text=d["text"],
            signed_by=d["signed_by"],
            on=d["replied_on"],
            attachment=d["attachment"],
        ),
        _("The reply is recorded and the deputy is told."),
        tuple(Suggestion.AWAITING_REPLY),
    ),
    "extension": SuggestionAction(
        ExtensionForm,
        "unit",
        lambda v, s, a, d: services.request_extension(assignment=a, by=v.user, **d),
        _("The extension request was sent to congress staff."),
        tuple(Suggestion.AWAITING_REPLY),
    ),
    "return": SuggestionAction(
        ReturnForm,
        "unit",
        lambda v, s, a, d: services.request_return(assignment=a, by=v.user, **d),
        _("The return request was sent to congress staff."),
        (S.ASSIGNED,),
    ),
    "revise": SuggestionAction(
        FollowUpForm,
        "unit",
        lambda v, s, a, d: services.revise_reply(reply=_current_reply(a), by=v.user, **d),
        _("The reply is revised; the original stays on record."),
        (S.REPLIED, S.EVALUATED),
    ),
    "follow_up": SuggestionAction(
        FollowUpForm,
        "unit",
        lambda v, s, a, d: services.follow_up(assignment=a, by=v.user, **d),
        _("The follow-up reply is recorded."),
        (S.REPLIED, S.EVALUATED, S.CLOSED),
    ),
    "register": SuggestionAction(
        EmptyForm,
        "staff",
        lambda v, s, a, d: services.register(suggestion=s, by=v.user),
        _("Registered."),
        (S.SUBMITTED,),
    ),
    "refuse": SuggestionAction(
        RefuseForm,
        "staff",
        lambda v, s, a, d: services.refuse_registration(suggestion=s, by=v.user, **d),
        _("Not registered."),
        (S.SUBMITTED,),
    ),
    "assign": SuggestionAction(
        AssignForm,
        "staff",
        lambda v, s, a, d: services.assign(suggestion=s, by=v.user, **d),
        _("Assigned; the units are told."),
        (S.REGISTERED,),
    ),
    "key": SuggestionAction(
        MarkKeyForm,
        "staff",
        lambda v, s, a, d: services.mark_key(suggestion=s, by=v.user, **d),
        _("Chosen as a key suggestion."),
        (S.REGISTERED, S.ASSIGNED, S.REPLIED, S.RE_HANDLING, S.EVALUATED),
    ),
    "close": SuggestionAction(
        EmptyForm,
        "staff",
        lambda v, s, a, d: services.close(suggestion=s, by=v.user),
        _("Closed."),
        (S.REPLIED, S.EVALUATED),
    ),
}


def _current_reply(assignment):
    reply = assignment.replies.current().filter(kind="reply").order_by("-replied_on", "-pk").first()
    if reply is None:
        raise WorkflowError(_("This unit has no reply to revise."))
    return reply


def _may(viewer, suggestion, who):
    if who == "staff":
        return viewer.is_staff
    if who == "lead":
        return viewer.is_lead_deputy(suggestion)
    if who == "co_signer":
        return viewer.is_co_signer(suggestion)
    if who == "deputy":
        return viewer.is_lead_deputy(suggestion) or viewer.is_co_signer(suggestion)
    return viewer.is_staff or viewer.is_unit  # "unit": the assignment itself is checked too


@login_required
@require_POST
def act(request, pk, action, assignment_pk=None):
    """Run one action on a suggestion; on a refusal, show the page again with the message."""
    viewer = viewer_for(request)
    suggestion = get_visible_suggestion(viewer, pk)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    if (spec.who == "unit") != (assignment_pk is not None):
        raise Http404
    if not _may(viewer, suggestion, spec.who):
        raise PermissionDenied
    assignment = viewer.own_assignment(suggestion, assignment_pk) if assignment_pk else None
    form = spec.form(request.POST, request.FILES)
    if form.is_valid():
        try:
            spec.call(viewer, suggestion, assignment, form.cleaned_data)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, spec.done)
            return redirect("workbench:suggestion", pk=suggestion.pk)
    key = f"{action}-{assignment_pk}" if assignment_pk else action
    return suggestion_page(request, suggestion, viewer, bound={key: form}, status=400)


@login_required
@require_GET
def suggestion(request, pk):
    viewer = viewer_for(request)
    return suggestion_page(request, get_visible_suggestion(viewer, pk), viewer)


def suggestion_page(request, suggestion, viewer, bound=None, status=200):
    bound = bound or {}
    suggestion = (
        Suggestion.objects.select_related(
            "session",
            "category",
            "lead_deputy",
            "delegation",
            "supervision__leader",
            "supervision__vice_mayor",
            "supervision__committee",
        )
        .prefetch_related(
            Prefetch("signatures", CoSigner.objects.select_related("deputy")),
            Prefetch(
                "assignments",
                Assignment.objects.select_related("unit").prefetch_related(
                    Prefetch("contacts", Contact.objects.all()),
                    Prefetch("opinions", CoHandlerOpinion.objects.all()),
                ),
            ),
            Prefetch(
                "replies",
                Reply.objects.select_related("assignment__unit", "supersedes", "superseded_by"),
            ),
            Prefetch("evaluations", Evaluation.objects.select_related("deputy")),
            Prefetch("events", Event.objects.select_related("actor")),
            "meetings",
            Prefetch("source_problems", Problem.objects.select_related("station")),
        )
        .get(pk=suggestion.pk)
    )
    is_lead_unit = any(
        a.unit_id in viewer.unit_ids and a.role == "lead" for a in suggestion.assignments.all()
    )

    def offered(name, assignment=None):
        spec = ACTIONS[name]
        key = f"{name}-{assignment.pk}" if assignment else name
        if key in bound:
            return bound[key]
        if spec.when and suggestion.status not in spec.when:
            return None
        return spec.form(initial=_initial(name, viewer))

    # Which forms to show: the status decides what is offered, the role who sees it.
    forms = {}
    if viewer.is_lead_deputy(suggestion):
        forms["submit"] = offered("submit")
    if viewer.is_co_signer(suggestion):
        mine = next(s for s in suggestion.signatures.all() if s.deputy_id == viewer.deputy.pk)
        if not mine.confirmed_on:
            forms["confirm"] = EmptyForm()
            forms["decline"] = EmptyForm()
    if viewer.deputy and (viewer.is_lead_deputy(suggestion) or viewer.is_co_signer(suggestion)):
        rated = any(
            e.deputy_id == viewer.deputy.pk and e.round == suggestion.current_round
            for e in suggestion.evaluations.all()
        )
        if not rated:
            forms["evaluate"] = offered("evaluate")
    if viewer.is_staff:
        for name in ["register", "refuse", "assign", "key", "close"]:
            forms[name] = offered(name)
        if suggestion.is_key:
            forms["key"] = None
    unit_forms = []
    for assignment in suggestion.assignments.all():
        if not (viewer.is_staff or assignment.unit_id in viewer.unit_ids):
            continue
        names = ["responsible", "contact"]
        names += ["opinion"] if assignment.role == "co" else ["reply", "extension", "return"]
        if assignment.role != "co" and any(
            r.assignment_id == assignment.pk and r.reply_class in "BC"
            for r in suggestion.replies.all()
        ):
            names.append("follow_up")
        if assignment.replied_on:
            names = [n for n in names if n not in ("reply", "extension", "return")]
            names.append("revise")
        unit_forms.append((assignment, {n: offered(n, assignment) for n in names}))

    replies = list(suggestion.replies.all())
    # A private comment is for staff and its author; no other deputy or unit reads it.
    evaluations = [
        e
        if viewer.is_staff
        or e.comment_is_public
        or (viewer.deputy and e.deputy_id == viewer.deputy.pk)
        else _without_comment(e)
        for e in suggestion.evaluations.all()
    ]
    events = [e for e in suggestion.events.all() if viewer.is_staff or e.is_public]
    suggestion.assign_by = (
        services.assignment_deadline(suggestion) if suggestion.status == S.REGISTERED else None
    )
    return render(
        request,
        "workbench/suggestion.html",
        {
            "suggestion": suggestion,
            "viewer": viewer,
            "forms": forms,
            "unit_forms": unit_forms,
            "replies": replies,
            "evaluations": evaluations,
            "events": events,
            "show_opinions": viewer.is_staff or is_lead_unit,
            "pending_returns": ReturnRequest.objects.filter(
                suggestion=suggestion, decision=Decision.PENDING
            ).select_related("unit")
            if viewer.is_staff
            else [],
            "pending_extensions": ExtensionRequest.objects.filter(
                assignment__suggestion=suggestion, decision=Decision.PENDING
            ).select_related("assignment__unit")
            if viewer.is_staff
            else [],
            "decision_form": StaffDecisionForm(),
            "publish_form": PublishForm(),
            "today": timezone.localdate(),
        },
        status=status,
    )


def _without_comment(evaluation):
    evaluation.comment = ""
    return evaluation


def _initial(name, viewer):
    today = timezone.localdate()
    if name in ("contact",):
        return {"contacted_on": today}
    if name == "reply":
        return {"replied_on": today}
    return None


# --- the dashboard ----------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request):
    viewer = viewer_for(request)
    context = {"viewer": viewer, "today": timezone.localdate()}
    if viewer.deputy:
        mine = (
            Suggestion.objects.involving_deputy(viewer.deputy)
            .with_lead_unit()
            .with_rating_state(viewer.deputy)
            .select_related("session", "lead_deputy")
            .order_by("-session__opens_on", "-pk")
        )
        context["deputy_page"] = Paginator(mine, 50).get_page(request.GET.get("dpage"))
        context["to_confirm"] = CoSigner.objects.filter(
            deputy=viewer.deputy, confirmed_on__isnull=True
        ).select_related("suggestion__lead_deputy")[:QUEUE_SIZE]
    if viewer.is_unit:
        context.update(_unit_section(request, viewer))
    if viewer.is_staff:
        context["queues"] = _staff_queues()
        context["assign_form"] = AssignForm()
        context["sessions"] = Session.objects.all()
    return render(request, "workbench/dashboard.html", context)


UNIT_STATUSES = [S.ASSIGNED, S.RE_HANDLING, S.REPLIED, S.EVALUATED, S.CLOSED]


def _unit_section(request, viewer):
    open_work = Q(suggestion__status__in=Suggestion.AWAITING_REPLY) & (
        Q(role=Assignment.Role.CO) | Q(replied_on__isnull=True)
    )
    assignments = (
        Assignment.objects.filter(unit__in=viewer.unit_ids)
        .select_related("suggestion__session", "suggestion__lead_deputy", "unit")
        .annotate(
            # Work still owed comes first, soonest due first; finished work after, newest first.
            open_due=Case(When(open_work, then=F("due_on")), default=None),
            done_due=Case(When(open_work, then=None), default=F("due_on")),
        )
        .order_by(F("open_due").asc(nulls_last=True), F("done_due").desc(), "pk")
    )
    status = request.GET.get("status", "")
    role = request.GET.get("role", "")
    if status in UNIT_STATUSES:
        assignments = assignments.filter(suggestion__status=status)
    else:
        status = ""
    if role in Assignment.Role.values:
        assignments = assignments.filter(role=role)
    else:
        role = ""
    page = Paginator(assignments, 50).get_page(request.GET.get("upage"))
    return {
        "unit_page": page,
        "unit_status": status,
        "unit_role": role,
        "unit_statuses": [(s, S(s).label) for s in UNIT_STATUSES],
        "roles": Assignment.Role.choices,
        "today": timezone.localdate(),
    }


def _staff_queues():
    today = timezone.localdate()
    base = Suggestion.objects.select_related("session", "lead_deputy").with_lead_unit()
    evaluation_days = services.rule("EVALUATION_DAYS")
    queues = [
        ("review", _("Submitted, to review"), base.filter(status=S.SUBMITTED).order_by("pk")),
        ("assign", _("Registered, to assign"), base.filter(status=S.REGISTERED).order_by("pk")),
        ("overdue", _("Overdue"), base.overdue(today).order_by("due_on")),
        ("re_handling", _("In re-handling"), base.filter(status=S.RE_HANDLING).order_by("due_on")),
        (
            "evaluation",
            _("Replied, rating missing"),
            base.filter(status=S.REPLIED).order_by("first_replied_on"),
        ),
        ("close", _("Rated, to close"), base.filter(status=S.EVALUATED).order_by("pk")),
    ]
    result = [(key, title, list(qs[:QUEUE_SIZE]), qs.count()) for key, title, qs in queues]
    for key, _title, rows, _count in result:
        if key == "assign":  # between-session suggestions are assigned within working days
            for suggestion in rows:
                suggestion.assign_by = services.assignment_deadline(suggestion)
    returns = ReturnRequest.objects.filter(decision=Decision.PENDING).select_related(
        "suggestion", "unit"
    )
    extensions = ExtensionRequest.objects.filter(decision=Decision.PENDING).select_related(
        "assignment__suggestion", "assignment__unit"
    )
    to_publish = (
        Reply.objects.filter(is_published=False, superseded_by__isnull=True)
        .select_related("suggestion", "assignment__unit")
        .order_by("replied_on")
    )
    return {
        "suggestions": result,
        "returns": (returns[:QUEUE_SIZE], returns.count()),
        "extensions": (extensions[:QUEUE_SIZE], extensions.count()),
        "to_publish": (to_publish[:QUEUE_SIZE], to_publish.count()),
        "evaluation_days": evaluation_days,
    }


# --- staff pages ----------------------------------------------------------------------------


@login_required
@require_POST
def bulk_assign(request):
    viewer = require_staff(request)
    form = AssignForm(request.POST)
    ids = [i for i in request.POST.getlist("suggestion") if i.isdigit() and len(i) <= 18]
    if not form.is_valid() or not ids:
        messages.error(request, _("Choose suggestions and a lead unit (or separate units)."))
        return redirect("workbench:dashboard")
    done = 0
    for suggestion in Suggestion.objects.filter(pk__in=ids):
        try:
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
            call(request=request_obj, by=viewer.user, **form.cleaned_data)
            messages.success(request, _("The request is decided; the unit is told."))
        except WorkflowError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("Choose approve or refuse."))
    return redirect("workbench:suggestion", pk=suggestion_pk)


def service_form_page(request, form, save, *, title, done, next_url):
    """A form whose save is one service call; a refusal shows on the form, not as a 500."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            return redirect(next_url)
    return render(
        request,
        "workbench/form_page.html",
        {"form": form, "title": title, "viewer": viewer_for(request)},
    )


def _record_meeting(data):
    services.record_meeting(
        session=data["session"],
        kind=data["kind"],
        title=data["title"],
        held_on=data["held_on"],
        attendees=data["attendees"],
        notes=data["notes"],
        suggestions=data.get("suggestions", []),
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
        if (request.GET.get("session") or "").isdigit()
        else None
    )
    session = session or Session.objects.current()
    if session is None:
        raise Http404
    return exports.responsibility_list(
        session, "csv" if request.GET.get("format") == "csv" else "xlsx"
    )


# --- deputies --------------------------------------------------------------------------------


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
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.create_draft(
                deputy=viewer.deputy, session=session, by=viewer.user, **form.cleaned_data
            )
            if "submit" in request.POST:
                services.submit(suggestion=draft, by=viewer.user)
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
        request, "workbench/draft.html", {"form": form, "session": session, "viewer": viewer}
    )


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
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(suggestion=draft, by=viewer.user, **form.cleaned_data)
            if "submit" in request.POST:
                services.submit(suggestion=draft, by=viewer.user)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Submitted to congress staff.") if "submit" in request.POST else _("Saved."),
            )
            return redirect("workbench:suggestion", pk=draft.pk)
    return render(request, "workbench/draft.html", {"form": form, "draft": draft, "viewer": viewer})


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


# --- notifications --------------------------------------------------------------------------


@login_required
def notification_list(request):
    notes = Notification.objects.filter(user=request.user).select_related("suggestion")
    if request.method == "POST":
        notes.unread().update(read_at=timezone.now())
        messages.success(request, _("All notifications marked as read."))
        return redirect("workbench:notifications")
    return render(
        request,
        "workbench/notifications.html",
        {
            "page": Paginator(notes, 50).get_page(request.GET.get("page")),
            "viewer": viewer_for(request),
        },
    )


def unread_count(request):
    """Context processor: the unread badge in the header (one query, for logged-in users)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "unread_notifications": Notification.objects.filter(
            user=request.user, read_at__isnull=True
        ).count(),
        "workbench_url": reverse("workbench:dashboard"),
    }
