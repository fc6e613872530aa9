"""Each service's check of the current state, on its own.

The service runs it on the locked row, and the workbench asks the same function which actions to
offer (`suggestions.workbench.actions`). They read related rows through `.all()`, so a page that
prefetched them asks no more queries. Input (texts, dates, units chosen) is checked by the
services themselves, after these."""

from django.utils.translation import gettext as _

from suggestions.models import (
    FLAGS,
    FOLLOW_UP_CLASSES,
    Assignment,
    Decision,
    Event,
    FlagReview,
    ImplementationRating,
    Reply,
    SimilarLink,
    Suggestion,
    WorkflowError,
)
from suggestions.services.common import _require_status, _today, rule

Status = Suggestion.Status
Action = Event.Action

EDITABLE_FIELDS = [
    "session",
    "number",
    "title",
    "content",
    "category",
    "lead_deputy",
    "delegation",
    "period",
    "submitted_on",
    "staff_note",
]


# --- preconditions -------------------------------------------------------------------------
# Each service's check of the current state, on its own: the service runs it on the locked row,
# and the workbench asks the same function which actions to offer (`workbench/actions.py`).
# They read related rows through `.all()`, so a page that prefetched them asks no more queries.
# Input (texts, dates, units chosen) is checked by the services themselves, after these.


def _signature(suggestion, deputy):
    return next((s for s in suggestion.signatures.all() if s.deputy_id == deputy.pk), None)


def check_submit(suggestion):
    _require_status(suggestion, [Status.DRAFT], _("Only a draft can be submitted."))
    if suggestion.session.is_concluded:
        raise WorkflowError(
            _("This session is concluded; a draft of it can no longer be submitted.")
        )
    _check_draft_fields(suggestion.title, suggestion.content)


# Refused, merged, closed or passed on to another congress: a request to co-sign it is moot.
NO_LONGER_CO_SIGNED = [Status.NOT_REGISTERED, Status.MERGED, Status.CLOSED, Status.TRANSFERRED]


def check_confirm_co_signature(suggestion, deputy):
    signature = _signature(suggestion, deputy)
    if signature is None:
        raise WorkflowError(_("You were not asked to co-sign this suggestion."))
    if signature.confirmed_on:
        raise WorkflowError(_("You have already co-signed this suggestion."))
    if suggestion.status in NO_LONGER_CO_SIGNED:
        raise WorkflowError(_("This suggestion can no longer be co-signed."))
    return signature


def check_decline_co_signature(suggestion, deputy):
    signature = _signature(suggestion, deputy)
    if signature is None or signature.confirmed_on:
        raise WorkflowError(_("There is no request to co-sign waiting for you here."))
    return signature


def check_register(suggestion):
    _require_status(
        suggestion, [Status.SUBMITTED], _("Only a submitted suggestion can be registered.")
    )


def check_refuse_registration(suggestion):
    _require_status(
        suggestion, [Status.SUBMITTED], _("Only a submitted suggestion can be refused.")
    )


def check_assign(suggestion):
    _require_status(
        suggestion, [Status.REGISTERED], _("Only a registered suggestion can be assigned.")
    )


def check_name_responsible_person(suggestion, assignment):
    _require_status(
        suggestion, Suggestion.AWAITING_REPLY, _("The suggestion is not being handled now.")
    )


def check_record_contact(suggestion, assignment):
    if suggestion.status not in [*Suggestion.AWAITING_REPLY, Status.REPLIED, Status.EVALUATED]:
        raise WorkflowError(_("Contacts are recorded while the suggestion is being handled."))


def check_send_co_opinion(suggestion, assignment):
    if assignment.role != Assignment.Role.CO:
        raise WorkflowError(_("Only a co-handling unit sends its views to the lead unit."))
    _require_status(suggestion, Suggestion.AWAITING_REPLY, _("The lead unit has already replied."))


def check_request_return(suggestion, assignment, on=None):
    on = _today(on)
    _require_status(
        suggestion,
        [Status.ASSIGNED],
        _("A return can only be asked for while the suggestion awaits its reply."),
    )
    limit = rule("RETURN_REQUEST_DAYS")
    if (on - assignment.assigned_on).days > limit:
        raise WorkflowError(
            _("A return must be asked for within %(days)s days of assignment.") % {"days": limit}
        )
    if assignment.replied_on:
        raise WorkflowError(_("A unit that has replied cannot return the suggestion."))
    if any(r.decision == Decision.PENDING for r in assignment.return_requests.all()):
        raise WorkflowError(_("A return request is already waiting for a decision."))


def check_request_extension(suggestion, assignment):
    _require_status(
        suggestion,
        Suggestion.AWAITING_REPLY,
        _("An extension can only be asked for while a reply is owed."),
    )
    if not assignment.owes_reply or assignment.replied_on:
        raise WorkflowError(_("This unit owes no reply now."))
    if any(r.decision == Decision.PENDING for r in assignment.extension_requests.all()):
        raise WorkflowError(_("An extension request is already waiting for a decision."))


def check_reply(suggestion, assignment):
    if not assignment.owes_reply:
        raise WorkflowError(
            _("A co-handling unit sends its views to the lead unit; it does not reply.")
        )
    _require_status(
        suggestion, Suggestion.AWAITING_REPLY, _("This suggestion is not waiting for a reply.")
    )
    if assignment.replied_on:
        raise WorkflowError(_("This unit has already replied; revise the reply instead."))


def _current_replies(suggestion, assignment):
    """The unit's replies not revised since, newest first (a revision keeps the original)."""
    replies = [r for r in suggestion.replies.all() if r.assignment_id == assignment.pk]
    revised = {r.supersedes_id for r in replies if r.supersedes_id}
    current = [r for r in replies if r.pk not in revised]
    return sorted(current, key=lambda r: (r.replied_on, r.pk), reverse=True)


def current_reply(suggestion, assignment):
    """The unit's reply (not a follow-up) as it stands now: what a revision replaces."""
    reply = next(
        (r for r in _current_replies(suggestion, assignment) if r.kind == Reply.Kind.REPLY), None
    )
    if reply is None:
        raise WorkflowError(_("This unit has no reply to revise."))
    return reply


def check_revise_reply(suggestion, reply):
    if any(r.supersedes_id == reply.pk for r in suggestion.replies.all()):
        raise WorkflowError(_("This reply has already been revised; revise the newest one."))
    if suggestion.status == Status.CLOSED:
        raise WorkflowError(_("A closed suggestion's reply cannot be revised."))


def check_follow_up(suggestion, assignment):
    """A follow-up comes after this round's reply, when the newest one promised more (B/C)."""
    current = _current_replies(suggestion, assignment)
    if not assignment.replied_on or not current or current[0].reply_class not in FOLLOW_UP_CLASSES:
        raise WorkflowError(_("Only a reply classed B or C is followed up."))
    return current[0]


def check_evaluate(suggestion, deputy):
    is_lead = deputy.pk == suggestion.lead_deputy_id
    signature = _signature(suggestion, deputy)
    if not is_lead and not (signature and signature.confirmed_on):
        raise WorkflowError(_("Only the suggestion's deputies can rate its reply."))
    allowed = [Status.REPLIED] if is_lead else [Status.REPLIED, Status.EVALUATED]
    _require_status(suggestion, allowed, _("There is no reply waiting to be rated."))
    round_ = suggestion.current_round
    if any(e.deputy_id == deputy.pk and e.round == round_ for e in suggestion.evaluations.all()):
        raise WorkflowError(_("This deputy has already rated this reply."))
    return is_lead


def check_close(suggestion, on=None):
    on = _today(on)
    if suggestion.status == Status.REPLIED:
        last_reply = max((r.replied_on for r in suggestion.replies.all()), default=None)
        waited = (on - last_reply).days if last_reply else 0
        if waited < rule("EVALUATION_DAYS"):
            raise WorkflowError(
                _("The deputy has %(days)s days to rate the reply; it cannot be closed yet.")
                % {"days": rule("EVALUATION_DAYS")}
            )
    else:
        _require_status(
            suggestion,
            [Status.EVALUATED],
            _("Only a replied and evaluated suggestion can be closed."),
        )


def check_mark_key(suggestion):
    if not suggestion.is_public or suggestion.status == Status.CLOSED:
        raise WorkflowError(_("Only a registered suggestion still in handling can be chosen."))
    if suggestion.is_key:
        raise WorkflowError(_("This is already a key suggestion."))


def check_update_suggestion(suggestion, changes, reason=""):
    """The edit rule the admin form asks before saving: known fields, a reason once closed."""
    unknown = set(changes) - {*EDITABLE_FIELDS, "co_signers"}
    if unknown:
        raise WorkflowError(
            _("These fields change only through the workflow: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    if suggestion.status == Status.CLOSED and not reason.strip():
        raise WorkflowError(
            _("A closed suggestion is only corrected, with a reason (e.g. a typo in the title).")
        )


def check_co_signers(lead_deputy, co_signers):
    """The co-signing rule every entry point shares (services, admin inline, workbench form)."""
    if any(deputy.pk == lead_deputy.pk for deputy in co_signers):
        raise WorkflowError(_("The lead deputy cannot also co-sign the suggestion."))


def _check_draft_fields(title, content):
    if not title.strip():
        raise WorkflowError(_("The title is empty."))
    if not content.strip():
        raise WorkflowError(_("The content is empty."))


def check_merge(suggestion):
    _require_status(
        suggestion,
        [Status.SUBMITTED, Status.REGISTERED],
        _("Only a suggestion not yet assigned can be merged."),
    )


def transfer_targets(congress):
    """The congresses a suggestion of `congress` (or its id) may be passed on to (转交): the
    one directly above and those directly below, read from the per-process list of congresses
    (a page that asks for every suggestion asks the database nothing)."""
    from congress.tenancy import known_congresses

    found = {c.pk: c for c in known_congresses().values() if c is not None}
    congress = found.get(getattr(congress, "pk", congress))
    if congress is None:
        return []
    return sorted(
        (c for c in found.values() if c.pk == congress.parent_id or c.parent_id == congress.pk),
        key=lambda c: (c.pk != congress.parent_id, c.order, c.pk),
    )


def check_transfer(suggestion):
    """Passed on only before a unit has it, and only where there is a congress to pass it to."""
    _require_status(
        suggestion,
        [Status.SUBMITTED, Status.REGISTERED],
        _("Only a suggestion not yet assigned to a unit can be transferred."),
    )
    if not transfer_targets(suggestion.session.congress_id):
        raise WorkflowError(_("There is no congress directly above or below this one."))


# --- closing the loop: implementation, flags, recurring suggestions --------------------------


def check_rate_implementation(suggestion, deputy, on=None):
    """The promise this deputy may rate now (its follow-up arrived or its date passed)."""
    on = _today(on)
    is_lead = deputy is not None and deputy.pk == suggestion.lead_deputy_id
    if not is_lead and not (
        deputy is not None
        and suggestion.signatures.filter(deputy=deputy, confirmed_on__isnull=False).exists()
    ):
        raise WorkflowError(_("Only the suggestion's deputies can rate its implementation."))
    promise = (
        suggestion.replies.promises()
        .filter(promised_by__isnull=False)
        .order_by("-replied_on", "-pk")
        .first()
    )
    if promise is None:
        raise WorkflowError(_("No reply of this suggestion promised anything to rate."))
    if promise.followed_up_on is None and promise.promised_by >= on:
        raise WorkflowError(
            _("The implementation can be rated once the follow-up arrives or after %(date)s.")
            % {"date": promise.promised_by}
        )
    if ImplementationRating.objects.filter(promise=promise, deputy=deputy).exists():
        raise WorkflowError(_("This deputy has already rated this implementation."))
    return promise


def check_review_flag(suggestion, on=None):
    """Open while the suggestion carries a consistency flag nobody has reviewed yet."""
    row = Suggestion.objects.with_flags(_today(on)).filter(pk=suggestion.pk).values().first()
    reviewed = set(FlagReview.objects.filter(suggestion=suggestion).values_list("kind", flat=True))
    if not row or not [k for k in FLAGS if row.get(f"flag_{k}") and k not in reviewed]:
        raise WorkflowError(_("This suggestion carries no flag left to review."))


def check_decide_link(suggestion):
    """Open while a link to an earlier suggestion waits for staff to confirm or dismiss it."""
    if not suggestion.similar_links.filter(state=SimilarLink.State.FOUND).exists():
        raise WorkflowError(_("No link to an earlier suggestion waits for a decision."))


def _is_superseded(reply):
    try:
        return reply.superseded_by is not None
    except Reply.DoesNotExist:  # no revision: the reverse one-to-one is empty
        return False


def check_publish(reply):
    """Staff publish a reply once, and only its newest version."""
    if reply.is_published:
        raise WorkflowError(_("This reply is already published."))
    if _is_superseded(reply):
        raise WorkflowError(_("This reply was revised; publish the newest version."))


def may_publish(reply):
    """What the page asks before showing the publish form: `check_publish`, as a yes or no."""
    try:
        check_publish(reply)
    except WorkflowError:
        return False
    return True


def check_decide(request):
    """Staff decide a unit's return or extension request once."""
    if request.decision != Decision.PENDING:
        raise WorkflowError(_("This request has already been decided."))


# What keeps a session from being concluded: suggestions not yet replied to.
WAITING_FOR_A_REPLY = [Status.SUBMITTED, Status.REGISTERED, Status.ASSIGNED]


def check_conclude_session(session):
    waiting = list(
        Suggestion.objects.filter(session=session, status__in=WAITING_FOR_A_REPLY)
        .order_by("number")
        .values_list("number", flat=True)[:11]
    )
    if waiting:
        shown = "、".join(str(n) for n in waiting[:10]) + ("…" if len(waiting) > 10 else "")
        raise WorkflowError(
            _(
                "Suggestions of this session still wait to be registered, assigned or replied "
                "to (No. %(numbers)s); the session cannot be concluded yet."
            )
            % {"numbers": shown}
        )


def check_reopen(suggestion):
    if suggestion.status != Status.CLOSED or not suggestion.session.is_concluded:
        raise WorkflowError(_("Only a closed suggestion of a concluded session can be reopened."))
