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

from congress.viewer import PERSON_RELATIONS, person_and_role
from deputies.models import Problem
from suggestions import access, services
from suggestions.access import get_visible_suggestion, viewer_for
from suggestions.forms import (
    AssignForm,
    ContactForm,
    EmptyForm,
    EvaluateForm,
    ExtensionForm,
    FlagReviewForm,
    FollowUpForm,
    ImplementationForm,
    LinkDecisionForm,
    MarkKeyForm,
    MergeForm,
    OpinionForm,
    PublishForm,
    RefuseForm,
    ReopenForm,
    ReplyForm,
    ResponsibleForm,
    ReturnForm,
    StaffDecisionForm,
    SubmitForm,
    TransferForm,
)
from suggestions.models import (
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
from suggestions.workbench import loop as workbench_loop
from suggestions.workbench.deputy import like_titles_in_session

S = Suggestion.Status
QUEUE_SIZE = 30


@dataclass(frozen=True)
class SuggestionAction:
    form: type
    who: str  # "lead", "co_signer", "deputy" (lead or co-signer), "unit" or "staff"
    call: Any  # (viewer, suggestion, assignment, data) -> None
    done: str
    check: Any  # (viewer, suggestion, assignment) -> None; the service's own check, may raise

    def __post_init__(self):
        if not callable(self.check):
            raise TypeError(
                "SuggestionAction.check must call the service's own check (services.check_*);"
                " status tuples (`when`) are gone: the services decide what the state allows."
            )


def _deputy_call(fn):
    return lambda v, s, a, d: fn(suggestion=s, deputy=v.seat_on(s), by=v.user)


def _deputy_check(fn):
    return lambda v, s, a: fn(s, v.seat_on(s))


def _suggestion_check(fn):
    return lambda v, s, a: fn(s)


def _assignment_check(fn):
    return lambda v, s, a: fn(s, a)


ACTIONS = {
    "submit": SuggestionAction(
        SubmitForm,
        "lead",
        lambda v, s, a, d: services.submit(suggestion=s, by=v.user),
        _("Submitted to congress staff."),
        _suggestion_check(services.check_submit),
    ),
    "confirm": SuggestionAction(
        EmptyForm,
        "co_signer",
        _deputy_call(services.confirm_co_signature),
        _("You co-signed the suggestion."),
        _deputy_check(services.check_confirm_co_signature),
    ),
    "decline": SuggestionAction(
        EmptyForm,
        "co_signer",
        _deputy_call(services.decline_co_signature),
        _("You declined to co-sign."),
        _deputy_check(services.check_decline_co_signature),
    ),
    "evaluate": SuggestionAction(
        EvaluateForm,
        "deputy",
        lambda v, s, a, d: services.evaluate(suggestion=s, deputy=v.seat_on(s), by=v.user, **d),
        _("Thank you: your rating is recorded."),
        _deputy_check(services.check_evaluate),
    ),
    "rate_implementation": SuggestionAction(
        ImplementationForm,
        "deputy",
        lambda v, s, a, d: services.rate_implementation(
            suggestion=s, deputy=v.seat_on(s), by=v.user, **d
        ),
        _("Thank you: your rating of what was done is recorded."),
        _deputy_check(services.check_rate_implementation),
    ),
    "review_flag": SuggestionAction(
        FlagReviewForm,
        "staff",
        lambda v, s, a, d: services.review_flag(suggestion=s, by=v.user, **d),
        _("The flag is marked as reviewed."),
        _suggestion_check(services.check_review_flag),
    ),
    "decide_link": SuggestionAction(
        LinkDecisionForm,
        "staff",
        lambda v, s, a, d: services.decide_link(
            link=_own_link(s, d["link"]), confirm=d["confirm"], by=v.user
        ),
        _("The link to the earlier suggestion is decided."),
        _suggestion_check(services.check_decide_link),
    ),
    "responsible": SuggestionAction(
        ResponsibleForm,
        "unit",
        lambda v, s, a, d: services.name_responsible_person(assignment=a, by=v.user, **d),
        _("The responsible person is recorded."),
        _assignment_check(services.check_name_responsible_person),
    ),
    "contact": SuggestionAction(
        ContactForm,
        "unit",
        lambda v, s, a, d: services.record_contact(assignment=a, by=v.user, **d),
        _("The contact with the deputy is recorded."),
        _assignment_check(services.check_record_contact),
    ),
    "opinion": SuggestionAction(
        OpinionForm,
        "unit",
        lambda v, s, a, d: services.send_co_opinion(assignment=a, by=v.user, **d),
        _("Your views were sent to the lead unit."),
        _assignment_check(services.check_send_co_opinion),
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
            promise=d["promise"],
            promised_by=d["promised_by"],
            promise_year=d["promise_year"],
        ),
        _("The reply is recorded and the deputy is told."),
        _assignment_check(services.check_reply),
    ),
    "extension": SuggestionAction(
        ExtensionForm,
        "unit",
        lambda v, s, a, d: services.request_extension(assignment=a, by=v.user, **d),
        _("The extension request was sent to congress staff."),
        _assignment_check(services.check_request_extension),
    ),
    "return": SuggestionAction(
        ReturnForm,
        "unit",
        lambda v, s, a, d: services.request_return(assignment=a, by=v.user, **d),
        _("The return request was sent to congress staff."),
        _assignment_check(services.check_request_return),
    ),
    "revise": SuggestionAction(
        FollowUpForm,
        "unit",
        lambda v, s, a, d: services.revise_reply(
            reply=services.current_reply(s, a), by=v.user, **d
        ),
        _("The reply is revised; the original stays on record."),
        lambda v, s, a: services.check_revise_reply(s, services.current_reply(s, a)),
    ),
    "follow_up": SuggestionAction(
        FollowUpForm,
        "unit",
        lambda v, s, a, d: services.follow_up(assignment=a, by=v.user, **d),
        _("The follow-up reply is recorded."),
        _assignment_check(services.check_follow_up),
    ),
    "register": SuggestionAction(
        EmptyForm,
        "staff",
        lambda v, s, a, d: services.register(suggestion=s, by=v.user),
        _("Registered."),
        _suggestion_check(services.check_register),
    ),
    "refuse": SuggestionAction(
        RefuseForm,
        "staff",
        lambda v, s, a, d: services.refuse_registration(suggestion=s, by=v.user, **d),
        _("Not registered."),
        _suggestion_check(services.check_refuse_registration),
    ),
    "merge": SuggestionAction(
        MergeForm,
        "staff",
        lambda v, s, a, d: services.merge(
            suggestion=s, into=_same_session(s, d["into"]), by=v.user
        ),
        _("Merged; it now points to the suggestion it joined."),
        _suggestion_check(services.check_merge),
    ),
    "transfer": SuggestionAction(
        TransferForm,
        "staff",
        lambda v, s, a, d: services.transfer(suggestion=s, by=v.user, **d),
        _("Transferred; the congress it went to and the deputy are told."),
        _suggestion_check(services.check_transfer),
    ),
    "assign": SuggestionAction(
        AssignForm,
        "staff",
        lambda v, s, a, d: services.assign(suggestion=s, by=v.user, **d),
        _("Assigned; the units are told."),
        _suggestion_check(services.check_assign),
    ),
    "key": SuggestionAction(
        MarkKeyForm,
        "staff",
        lambda v, s, a, d: services.mark_key(suggestion=s, by=v.user, **d),
        _("Chosen as a key suggestion."),
        _suggestion_check(services.check_mark_key),
    ),
    "close": SuggestionAction(
        EmptyForm,
        "staff",
        lambda v, s, a, d: services.close(suggestion=s, by=v.user),
        _("Closed."),
        _suggestion_check(services.check_close),
    ),
    "reopen": SuggestionAction(
        ReopenForm,
        "staff",
        lambda v, s, a, d: services.reopen(suggestion=s, reason=d["reason"], by=v.user),
        _("Reopened: it is work again, in the queues."),
        _suggestion_check(services.check_reopen),
    ),
}


def _auto_id(key):
    """Element ids of one action's form: several forms share field names on one page."""
    return f"id_{key}_%s"


def _own_link(suggestion, pk):
    link = suggestion.similar_links.filter(pk=pk).select_related("earlier").first()
    if link is None:
        raise WorkflowError(_("No such link on this suggestion."))
    return link


def _same_session(suggestion, number):
    into = Suggestion.objects.filter(session=suggestion.session_id, number=number).first()
    if into is None:
        raise WorkflowError(_("There is no suggestion with that number in this session."))
    return into


def _may(viewer, suggestion, who, assignment=None):
    """The role half of the rule: who may ask for this action at all."""
    if who == "staff":
        return viewer.is_staff
    if who == "lead":
        return viewer.is_lead_deputy(suggestion)
    if who == "co_signer":
        return viewer.is_co_signer(suggestion)
    if who == "deputy":
        return viewer.is_lead_deputy(suggestion) or viewer.is_co_signer(suggestion)
    # "unit": on its own assignment; staff may act for any unit (a reply received on paper).
    return assignment is not None and (viewer.is_staff or assignment.unit_id in viewer.unit_ids)


def check_action(viewer, suggestion, name, assignment=None):
    """May this viewer take this action on this suggestion now? The one answer the page and
    the POST share: PermissionDenied for the wrong person, WorkflowError (the service's own
    message) for the wrong moment; None when the action is open."""
    spec = ACTIONS[name]
    if not _may(viewer, suggestion, spec.who, assignment):
        raise PermissionDenied
    spec.check(viewer, suggestion, assignment)


# Staff's actions on what hangs off a suggestion — a reply, a unit's request — asked of the same
# decider: the role, then the service's own check. The page shows a form where `may_take` says
# yes; the POST calls `check_action_on` before the service.
ACTIONS_ON = {
    "publish": ("staff", lambda reply: services.check_publish(reply)),
    "decide_return": ("staff", lambda request: services.check_decide(request)),
    "decide_extension": ("staff", lambda request: services.check_decide(request)),
}


def check_action_on(viewer, name, target):
    """PermissionDenied for the wrong person, WorkflowError for the wrong moment, else None."""
    who, check = ACTIONS_ON[name]
    if who == "staff" and not viewer.is_staff:
        raise PermissionDenied
    check(target)


def may_take(viewer, name, target):
    try:
        check_action_on(viewer, name, target)
    except (PermissionDenied, WorkflowError):
        return False
    return True


def available_actions(viewer, suggestion):
    """[(name, assignment or None)] of every action this viewer may take now, in table order."""
    targets = {
        True: [
            a
            for a in suggestion.assignments.all()
            if viewer.is_staff or a.unit_id in viewer.unit_ids
        ],
        False: [None],
    }
    found = []
    for name, spec in ACTIONS.items():
        for assignment in targets[spec.who == "unit"]:
            try:
                check_action(viewer, suggestion, name, assignment)
            except (PermissionDenied, WorkflowError):
                continue
            found.append((name, assignment))
    return found


@login_required
@require_POST
def act(request, pk, action, assignment_pk=None):
    """Run one action on a suggestion; on a refusal, show the page again with the message."""
    viewer = viewer_for(request)
    suggestion = get_visible_suggestion(viewer, pk)
    spec = ACTIONS.get(action)
    if spec is None or (spec.who == "unit") != (assignment_pk is not None):
        raise Http404
    assignment = access.own_assignment(viewer, suggestion, assignment_pk) if assignment_pk else None
    key = f"{action}-{assignment_pk}" if assignment_pk else action
    form = spec.form(request.POST, request.FILES, auto_id=_auto_id(key))
    try:
        check_action(viewer, suggestion, action, assignment)
    except WorkflowError as error:
        form.add_error(None, str(error))  # not open now: say why, change nothing
    else:
        similar = _like_titles_unseen(action, suggestion, form)
        if similar:
            again = SubmitForm(initial={"submit_anyway": True}, auto_id=_auto_id(key))
            return suggestion_page(request, suggestion, viewer, bound={key: again}, similar=similar)
        if form.is_valid():
            try:
                spec.call(viewer, suggestion, assignment, form.cleaned_data)
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, spec.done)
                return redirect("workbench:suggestion", pk=suggestion.pk)
    if action == "review_flag":
        key = f"review_flag-{request.POST.get('kind', '')}"
    return suggestion_page(request, suggestion, viewer, bound={key: form}, status=400)


@login_required
@require_GET
def suggestion(request, pk):
    viewer = viewer_for(request)
    return suggestion_page(request, get_visible_suggestion(viewer, pk), viewer)


def _like_titles_unseen(action, suggestion, form):
    """A saved draft submitted from its page (one taken up from a station's problem too) gets
    the warning the draft form gives: the session's suggestions with a similar title."""
    if action != "submit" or not form.is_valid() or form.cleaned_data["submit_anyway"]:
        return []
    return like_titles_in_session(suggestion.session, suggestion.title, suggestion)


def suggestion_page(request, suggestion, viewer, bound=None, status=200, similar=()):
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
            # Passed on (转交): the suggestion of the other congress, and that congress.
            "transferred_to__session__congress",
            "transferred_from__session__congress",
        )
        .prefetch_related(
            Prefetch("signatures", CoSigner.objects.select_related("deputy")),
            Prefetch(
                "assignments",
                Assignment.objects.select_related("unit").prefetch_related(
                    Prefetch("contacts", Contact.objects.all()),
                    Prefetch("opinions", CoHandlerOpinion.objects.all()),
                    "return_requests",
                    "extension_requests",
                ),
            ),
            Prefetch(
                "replies",
                Reply.objects.select_related("assignment__unit", "supersedes", "superseded_by"),
            ),
            Prefetch("evaluations", Evaluation.objects.select_related("deputy")),
            Prefetch(
                "events",
                Event.objects.select_related("actor").prefetch_related(
                    *(f"actor__{rel}" for rel in PERSON_RELATIONS)
                ),
            ),
            "meetings",
            Prefetch("source_problems", Problem.objects.select_related("station")),
        )
        .get(pk=suggestion.pk)
    )
    is_lead_unit = any(
        a.unit_id in viewer.unit_ids and a.role == Assignment.Role.LEAD
        for a in suggestion.assignments.all()
    )

    def form_for(name, assignment=None):
        key = f"{name}-{assignment.pk}" if assignment else name
        if key in bound:
            return bound[key]
        return ACTIONS[name].form(initial=_initial(name, viewer), auto_id=_auto_id(key))

    # What the page offers is what available_actions allows, and nothing else; a form the POST
    # just refused is shown again with its message.
    forms, by_assignment = {}, {}
    for name, assignment in available_actions(viewer, suggestion):
        if assignment is None:
            forms[name] = form_for(name)
        else:
            by_assignment.setdefault(assignment, {})[name] = form_for(name, assignment)
    for key, form in bound.items():
        name, _sep, assignment_pk = key.partition("-")
        if name == "review_flag":
            continue  # keyed by flag kind; the loop context shows it beside its flag
        if not assignment_pk:
            forms.setdefault(name, form)
        else:
            assignment = next(a for a in suggestion.assignments.all() if str(a.pk) == assignment_pk)
            by_assignment.setdefault(assignment, {}).setdefault(name, form)
    unit_forms = [(a, by_assignment[a]) for a in suggestion.assignments.all() if a in by_assignment]

    replies = list(suggestion.replies.all())
    for r in replies:  # the publish form shows where the service would accept it
        r.may_publish = may_take(viewer, "publish", r)
    # A private comment is for staff and its author; no other deputy or unit reads it.
    evaluations = [
        e
        if viewer.is_staff
        or e.comment_is_public
        or any(e.deputy_id == seat.pk for seat in viewer.seats)
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
            "similar": similar,
            "merge_candidates": _merge_candidates(suggestion) if "merge" in forms else (),
            "show_opinions": viewer.is_staff or is_lead_unit,
            # Co-handlers whose views the lead unit has not received: it is warned before replying.
            "missing_views": [
                a.unit
                for a in suggestion.assignments.all()
                if a.role == "co" and not a.opinions.all()
            ],
            "pending_returns": [
                r
                for r in ReturnRequest.objects.filter(
                    suggestion=suggestion, decision=Decision.PENDING
                ).select_related("unit")
                if may_take(viewer, "decide_return", r)
            ]
            if viewer.is_staff
            else [],
            "pending_extensions": [
                r
                for r in ExtensionRequest.objects.filter(
                    assignment__suggestion=suggestion, decision=Decision.PENDING
                ).select_related("assignment__unit")
                if may_take(viewer, "decide_extension", r)
            ]
            if viewer.is_staff
            else [],
            "decision_form": StaffDecisionForm(),
            "publish_form": PublishForm(),
            "today": timezone.localdate(),
            **workbench_loop.workbench_context(suggestion, viewer, replies, bound, offered=forms),
        },
        status=status,
    )


def _merge_candidates(suggestion):
    """What the suggestion may join: the session's suggestions being handled, by number."""
    return (
        Suggestion.objects.filter(session_id=suggestion.session_id, number__isnull=False)
        .exclude(pk=suggestion.pk)
        .exclude(status__in=[S.DRAFT, S.NOT_REGISTERED, S.MERGED])
        .order_by("number")
        .values("number", "title")
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
