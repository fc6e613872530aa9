"""The suggestion page and the actions on it, for every role.

Actions share one view and one table (ACTIONS), so each rule about who may act lives once.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from congress.viewer import person_and_role
from deputies.models import Problem

from .. import services
from ..access import get_visible_suggestion, viewer_for
from ..forms import (
    AssignForm,
    ContactForm,
    EmptyForm,
    EvaluateForm,
    ExtensionForm,
    FollowUpForm,
    MarkKeyForm,
    MergeForm,
    OpinionForm,
    PublishForm,
    RefuseForm,
    ReplyForm,
    ResponsibleForm,
    ReturnForm,
    StaffDecisionForm,
)
from ..models import (
    Assignment,
    CoHandlerOpinion,
    Contact,
    CoSigner,
    Decision,
    Evaluation,
    Event,
    ExtensionRequest,
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
    "merge": SuggestionAction(
        MergeForm,
        "staff",
        lambda v, s, a, d: services.merge(
            suggestion=s, into=_same_session(s, d["into"]), by=v.user
        ),
        _("Merged; it now points to the suggestion it joined."),
        (S.SUBMITTED, S.REGISTERED),
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


def _same_session(suggestion, number):
    into = Suggestion.objects.filter(session=suggestion.session_id, number=number).first()
    if into is None:
        raise WorkflowError(_("There is no suggestion with that number in this session."))
    return into


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
            Prefetch(
                "events",
                Event.objects.select_related("actor__deputy").prefetch_related(
                    "actor__handling_units", "actor__groups"
                ),
            ),
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
        # Several forms share a page: each gets its own ids, so every label finds its field.
        return spec.form(initial=_initial(name, viewer), auto_id=f"id_{key}_%s")

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
        for name in ["register", "refuse", "merge", "assign", "key", "close"]:
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
    for e in events:  # who acted, by name and role (names for staff; roles for everyone)
        e.actor_name, e.actor_role = person_and_role(e.actor)
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
            # Co-handlers whose views the lead unit has not received: it is warned before replying.
            "missing_views": [
                a.unit
                for a in suggestion.assignments.all()
                if a.role == "co" and not a.opinions.all()
            ],
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
