"""Every change to a suggestion: one function per transition.

Each function takes keyword arguments, runs in a transaction, locks the suggestion row, checks
the current state, saves what changed and writes an `Event`. A transition the rules refuse
raises `WorkflowError` with a message for the user and changes nothing.
"""

import datetime
import difflib
import os
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from congress.history import describe_changes
from congress.models import Session
from congress.workdays import add_months, add_workdays
from suggestions import notifications
from suggestions.figures.summaries import in_step, touched, touched_session
from suggestions.imports import replay as import_replay
from suggestions.models import (
    FLAGS,
    FOLLOW_UP_CLASSES,
    Assignment,
    CoHandlerOpinion,
    Contact,
    CoSigner,
    Decision,
    Evaluation,
    Event,
    ExtensionRequest,
    FlagReview,
    ImplementationRating,
    KeySupervision,
    Reply,
    ReplyClass,
    ReturnRequest,
    Satisfaction,
    SimilarLink,
    SpecialReport,
    Suggestion,
    SupervisionMeeting,
    WorkflowError,
)
from suggestions.search import similarity

Status = Suggestion.Status
Action = Event.Action


def site_text(text, **values):
    """History notes are a record: written in the site's language, whatever the actor's.

    `text` is a lazy string or a callable (a model's get_FOO_display).
    """
    with override(settings.LANGUAGE_CODE):
        text = str(text() if callable(text) else text)
        return text % values if values else text


def rule(name):
    return settings.SUGGESTION_RULES[name]


def reply_due_on(assigned_on):
    return add_months(assigned_on, rule("REPLY_MONTHS"))


def latest_allowed_due_on(assigned_on):
    """The extension cap: never later than the maximum months after assignment."""
    return add_months(assigned_on, rule("MAX_REPLY_MONTHS"))


def assignment_deadline(suggestion):
    """When a between-session suggestion must be assigned by (working days after registering)."""
    if suggestion.period != Suggestion.Period.BETWEEN_SESSIONS or not suggestion.registered_on:
        return None
    return add_workdays(suggestion.registered_on, rule("ASSIGN_WITHIN_WORKDAYS"))


def _lock(suggestion):
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    touched(locked)
    return locked


def _require_status(suggestion, allowed, message):
    if suggestion.status not in allowed:
        raise WorkflowError(message)


def _record(suggestion, action, *, by, on, from_status="", note="", is_public=True):
    touched(suggestion)
    return Event.objects.create(
        suggestion=suggestion,
        action=action,
        from_status=from_status,
        to_status=suggestion.status if from_status else "",
        occurred_on=on,
        actor=by,
        note=note,
        is_public=is_public,
    )


def _move(suggestion, to_status, action, *, by, on, fields=(), note="", is_public=True):
    from_status = suggestion.status
    suggestion.status = to_status
    suggestion.save(update_fields=["status", *fields])
    return _record(
        suggestion, action, by=by, on=on, from_status=from_status, note=note, is_public=is_public
    )


def _today(on):
    return on or timezone.localdate()


def _refresh_due_on(suggestion):
    """The suggestion's due date is the earliest one among the replies still owed."""
    due = suggestion.assignments.outstanding().order_by("due_on").values_list("due_on", flat=True)
    suggestion.due_on = due.first()


def _next_number(session):
    Session.objects.select_for_update().get(pk=session.pk)
    current = Suggestion.objects.filter(session=session).aggregate(n=Max("number"))["n"]
    return (current or 0) + 1


# --- preconditions -------------------------------------------------------------------------
# Each service's check of the current state, on its own: the service runs it on the locked row,
# and the workbench asks the same function which actions to offer (`workbench/actions.py`).
# They read related rows through `.all()`, so a page that prefetched them asks no more queries.
# Input (texts, dates, units chosen) is checked by the services themselves, after these.


def _signature(suggestion, deputy):
    return next((s for s in suggestion.signatures.all() if s.deputy_id == deputy.pk), None)


def check_submit(suggestion):
    _require_status(suggestion, [Status.DRAFT], _("Only a draft can be submitted."))
    _check_draft_fields(suggestion.title, suggestion.content)


def check_confirm_co_signature(suggestion, deputy):
    signature = _signature(suggestion, deputy)
    if signature is None:
        raise WorkflowError(_("You were not asked to co-sign this suggestion."))
    if signature.confirmed_on:
        raise WorkflowError(_("You have already co-signed this suggestion."))
    if suggestion.status in [Status.NOT_REGISTERED, Status.MERGED, Status.CLOSED]:
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


# --- editing after entry ------------------------------------------------------------------

# What staff may edit on a suggestion after it was entered; the workflow's own facts (status,
# dates, class, ...) change only through the transitions below.
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


@in_step
def update_suggestion(*, suggestion, changes: dict, by, reason="", on=None):
    """Edit a suggestion's details (title, content, number, lead deputy, co-signers...).

    `changes` maps field names to new values (`co_signers` to the deputies who co-sign). The
    history names each field changed with its old and new value; a closed suggestion takes a
    reason and the line says it was corrected. Changing nothing writes nothing.
    """
    on = _today(on)
    suggestion = _lock(suggestion)
    check_update_suggestion(suggestion, changes, reason)
    changes = dict(changes)
    signatures = {sig.deputy_id: sig for sig in suggestion.signatures.select_related("deputy")}
    old = {"co_signers": sorted(str(sig.deputy) for sig in signatures.values())}
    co_signers = changes.pop("co_signers", None)
    lead = changes.get("lead_deputy", suggestion.lead_deputy)
    if co_signers is not None:
        co_signers = list(co_signers)
        check_co_signers(lead, co_signers)
    elif "lead_deputy" in changes:
        check_co_signers(lead, [sig.deputy for sig in signatures.values()])
    session = changes.get("session", suggestion.session)
    number = changes.get("number", suggestion.number)
    if (
        ("number" in changes or "session" in changes)
        and number is not None
        and Suggestion.objects.filter(session=session, number=number)
        .exclude(pk=suggestion.pk)
        .exists()
    ):
        raise WorkflowError(
            _("Number %(number)s is already used in this session.") % {"number": number}
        )
    if number is None and suggestion.status != Status.DRAFT:
        raise WorkflowError(_("A submitted suggestion keeps its number."))
    shown = dict(changes)
    if co_signers is not None:
        shown["co_signers"] = sorted(str(d) for d in co_signers)
    note = describe_changes(suggestion, shown, old=old)
    if not note:
        return suggestion
    changed = [f for f, v in changes.items() if getattr(suggestion, f) != v]
    for field in changed:
        setattr(suggestion, field, changes[field])
    if changed:
        suggestion.save(update_fields=changed)
    if co_signers is not None:
        wanted = {d.pk for d in co_signers}
        suggestion.signatures.exclude(deputy__in=wanted).delete()
        # Staff edit what was received on paper: the signatures they enter are confirmed.
        CoSigner.objects.bulk_create(
            CoSigner(suggestion=suggestion, deputy=d, confirmed_on=on)
            for d in co_signers
            if d.pk not in signatures
        )
    closed = suggestion.status == Status.CLOSED
    if reason.strip():
        note = f"{note}\n{site_text(gettext_lazy('Reason: %(reason)s'), reason=reason)}"
    _record(
        suggestion,
        Action.CORRECTED if closed else Action.EDITED,
        by=by,
        on=on,
        note=note,
        is_public=False,
    )
    return suggestion


@in_step
def correct_suggestion(*, suggestion, changes: dict, by, reason, on=None):
    """Correct a suggestion, closed ones included (a typo in the title...): a reason is required."""
    if not reason.strip():
        raise WorkflowError(_("Say why the suggestion is corrected."))
    return update_suggestion(suggestion=suggestion, changes=changes, by=by, reason=reason, on=on)


# --- submission and review ---------------------------------------------------------------


@in_step
def enter_suggestion(*, suggestion, co_signers=(), by, on=None):
    """Staff register a suggestion received on paper: it is submitted, signatures confirmed."""
    on = _today(on)
    if suggestion.pk:
        raise WorkflowError(_("This suggestion has already been entered."))
    check_co_signers(suggestion.lead_deputy, co_signers)
    if suggestion.number is None:
        suggestion.number = _next_number(suggestion.session)
    elif Suggestion.objects.filter(session=suggestion.session, number=suggestion.number).exists():
        raise WorkflowError(
            _("Number %(number)s is already used in this session.") % {"number": suggestion.number}
        )
    suggestion.status = Status.SUBMITTED
    suggestion.submitted_on = suggestion.submitted_on or on
    suggestion.save()
    CoSigner.objects.bulk_create(
        CoSigner(suggestion=suggestion, deputy=deputy, confirmed_on=on) for deputy in co_signers
    )
    _record(suggestion, Action.ENTERED, by=by, on=suggestion.submitted_on)
    find_recurring(suggestion)
    return suggestion


def check_co_signers(lead_deputy, co_signers):
    """The co-signing rule every entry point shares (services, admin inline, workbench form)."""
    if any(deputy.pk == lead_deputy.pk for deputy in co_signers):
        raise WorkflowError(_("The lead deputy cannot also co-sign the suggestion."))


def _check_draft_fields(title, content):
    if not title.strip():
        raise WorkflowError(_("The title is empty."))
    if not content.strip():
        raise WorkflowError(_("The content is empty."))


def _ask_co_signers(suggestion, deputies):
    CoSigner.objects.bulk_create(CoSigner(suggestion=suggestion, deputy=d) for d in deputies)
    notifications.notify(
        notifications.deputy_users(deputies),
        gettext_lazy("%(deputy)s asks you to co-sign: %(title)s"),
        {"deputy": suggestion.lead_deputy, "title": suggestion.title},
        suggestion=suggestion,
    )


@in_step
def create_draft(*, deputy, session, title, content, category, co_signers=(), by):
    """A deputy drafts a suggestion between sessions; co-signers are asked to confirm."""
    co_signers = list(co_signers)
    if session is None:
        raise WorkflowError(_("No session is open for suggestions yet; ask congress staff."))
    _check_draft_fields(title, content)
    check_co_signers(deputy, co_signers)
    suggestion = Suggestion.objects.create(
        session=session,
        title=title,
        content=content,
        category=category,
        lead_deputy=deputy,
        delegation=deputy.delegation,
        period=Suggestion.Period.BETWEEN_SESSIONS,
        status=Status.DRAFT,
    )
    touched(suggestion)  # a draft writes no history yet, but its category row lists it
    _ask_co_signers(suggestion, co_signers)
    return suggestion


@in_step
def update_draft(*, suggestion, title, content, category, co_signers=(), by):
    suggestion = _lock(suggestion)
    _require_status(suggestion, [Status.DRAFT], _("Only a draft can be edited."))
    co_signers = list(co_signers)
    _check_draft_fields(title, content)
    check_co_signers(suggestion.lead_deputy, co_signers)
    suggestion.title, suggestion.content, suggestion.category = title, content, category
    suggestion.save(update_fields=["title", "content", "category"])
    wanted = {d.pk for d in co_signers}
    suggestion.signatures.exclude(deputy__in=wanted).delete()
    existing = set(suggestion.signatures.values_list("deputy_id", flat=True))
    _ask_co_signers(suggestion, [d for d in co_signers if d.pk not in existing])
    return suggestion


@in_step
def confirm_co_signature(*, suggestion, deputy, by, on=None):
    """A co-signer confirms (附议); only confirmed co-signers count."""
    on = _today(on)
    suggestion = _lock(suggestion)
    signature = check_confirm_co_signature(suggestion, deputy)
    signature.confirmed_on = on
    signature.save(update_fields=["confirmed_on"])
    _record(
        suggestion,
        Action.CO_SIGNED,
        by=by,
        on=on,
        note=str(deputy),
        is_public=suggestion.status != Status.DRAFT,
    )
    return signature


@in_step
def decline_co_signature(*, suggestion, deputy, by, on=None):
    on = _today(on)
    suggestion = _lock(suggestion)
    check_decline_co_signature(suggestion, deputy).delete()
    if suggestion.status != Status.DRAFT:
        _record(
            suggestion, Action.CO_SIGN_DECLINED, by=by, on=on, note=str(deputy), is_public=False
        )


@in_step
def submit(*, suggestion, by, on=None):
    """A deputy submits a draft; it gets its number and goes to staff for review."""
    on = _today(on)
    suggestion = _lock(suggestion)
    check_submit(suggestion)
    suggestion.number = _next_number(suggestion.session)
    suggestion.submitted_on = on
    _move(
        suggestion,
        Status.SUBMITTED,
        Action.SUBMITTED,
        by=by,
        on=on,
        fields=["number", "submitted_on"],
    )
    find_recurring(suggestion)
    notifications.notify(
        notifications.staff_users(),
        gettext_lazy("New suggestion to review: %(suggestion)s"),
        {"suggestion": suggestion},
        suggestion=suggestion,
    )
    return suggestion


@in_step
def draft_and_submit(*, deputy, session, title, content, category, co_signers=(), by):
    """Draft and submit in one go, in one transaction: a refused submission leaves no draft."""
    draft = create_draft(
        deputy=deputy,
        session=session,
        title=title,
        content=content,
        category=category,
        co_signers=co_signers,
        by=by,
    )
    return submit(suggestion=draft, by=by)


@in_step
def update_and_submit(*, suggestion, title, content, category, co_signers=(), by):
    """Save the draft's last edits and submit it; neither happens without the other."""
    update_draft(
        suggestion=suggestion,
        title=title,
        content=content,
        category=category,
        co_signers=co_signers,
        by=by,
    )
    return submit(suggestion=suggestion, by=by)


@in_step
def register(*, suggestion, by, on=None):
    on = _today(on)
    suggestion = _lock(suggestion)
    check_register(suggestion)
    suggestion.registered_on = on
    _move(suggestion, Status.REGISTERED, Action.REGISTERED, by=by, on=on, fields=["registered_on"])
    find_recurring(suggestion)
    return suggestion


@in_step
def refuse_registration(*, suggestion, reason, as_letter=False, by, on=None):
    """Not registered (不予立案), with a reason; it may be handled as a letter instead."""
    on = _today(on)
    if not reason.strip():
        raise WorkflowError(_("Say why the suggestion is not registered."))
    suggestion = _lock(suggestion)
    check_refuse_registration(suggestion)
    suggestion.not_registered_reason = reason
    suggestion.handled_as_letter = as_letter
    _move(
        suggestion,
        Status.NOT_REGISTERED,
        Action.NOT_REGISTERED,
        by=by,
        on=on,
        fields=["not_registered_reason", "handled_as_letter"],
        note=reason,
        is_public=False,
    )
    return suggestion


def check_merge(suggestion):
    _require_status(
        suggestion,
        [Status.SUBMITTED, Status.REGISTERED],
        _("Only a suggestion not yet assigned can be merged."),
    )


@in_step
def merge(*, suggestion, into, by, on=None):
    """Merge (并案) a suggestion into a similar one of the same session, handled as one."""
    on = _today(on)
    suggestion = _lock(suggestion)
    into = _lock(into)
    check_merge(suggestion)
    if into.pk == suggestion.pk:
        raise WorkflowError(_("A suggestion cannot be merged into itself."))
    if into.session_id != suggestion.session_id:
        raise WorkflowError(_("Only suggestions of the same session can be merged."))
    if into.status in [Status.DRAFT, Status.NOT_REGISTERED, Status.MERGED]:
        raise WorkflowError(_("The suggestion to merge into is not being handled."))
    suggestion.merged_into = into
    _move(
        suggestion,
        Status.MERGED,
        Action.MERGED,
        by=by,
        on=on,
        fields=["merged_into"],
        note=str(into),
    )
    return suggestion


# --- assignment ---------------------------------------------------------------------------


@in_step
def assign(*, suggestion, lead_unit=None, co_units=(), separate_units=(), by, on=None):
    """Assign (交办) to one lead unit with optional co-handlers, or split between units."""
    on = _today(on)
    suggestion = _lock(suggestion)
    check_assign(suggestion)
    if suggestion.registered_on and on < suggestion.registered_on:
        raise WorkflowError(_("A suggestion cannot be assigned before it was registered."))
    co_units, separate_units = list(co_units), list(separate_units)
    if lead_unit and separate_units:
        raise WorkflowError(_("Choose either a lead unit or separate units, not both."))
    if not lead_unit and len(separate_units) < 2:
        raise WorkflowError(_("Choose a lead unit, or at least two units that each handle a part."))
    units = [u for u in [lead_unit, *co_units, *separate_units] if u]
    if len({u.pk for u in units}) != len(units):
        raise WorkflowError(_("A unit can be given the same suggestion only once."))
    if any(not u.is_active for u in units):
        raise WorkflowError(_("An inactive unit cannot be given suggestions."))

    due_on = reply_due_on(on)
    roles = [(lead_unit, Assignment.Role.LEAD)] if lead_unit else []
    roles += [(u, Assignment.Role.CO) for u in co_units]
    roles += [(u, Assignment.Role.SEPARATE) for u in separate_units]
    Assignment.objects.bulk_create(
        Assignment(
            suggestion=suggestion,
            unit=unit,
            role=role,
            assigned_on=on,
            due_on=due_on,
            original_due_on=due_on,
        )
        for unit, role in roles
    )
    suggestion.assigned_on = on
    suggestion.due_on = due_on
    note = "；".join(f"{unit}（{site_text(role.label)}）" for unit, role in roles)
    _move(
        suggestion,
        Status.ASSIGNED,
        Action.ASSIGNED,
        by=by,
        on=on,
        fields=["assigned_on", "due_on"],
        note=note,
    )
    notifications.notify(
        notifications.unit_users([unit for unit, _role in roles]),
        gettext_lazy("Assigned to your unit: %(suggestion)s, reply due on %(date)s"),
        {"suggestion": suggestion, "date": due_on},
        suggestion=suggestion,
    )
    return suggestion


def _lock_assignment(assignment):
    suggestion = _lock(assignment.suggestion)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    return suggestion, assignment


@in_step
def name_responsible_person(*, assignment, person, phone="", by, on=None):
    on = _today(on)
    suggestion, assignment = _lock_assignment(assignment)
    check_name_responsible_person(suggestion, assignment)
    if not person.strip():
        raise WorkflowError(_("Name the responsible person."))
    assignment.responsible_person = person
    assignment.responsible_phone = phone
    assignment.save(update_fields=["responsible_person", "responsible_phone"])
    _record(
        suggestion,
        Action.RESPONSIBLE_NAMED,
        by=by,
        on=on,
        note=f"{assignment.unit}：{person}",
        is_public=False,
    )
    return assignment


@in_step
def record_contact(*, assignment, contacted_on, way, note="", by):
    suggestion, assignment = _lock_assignment(assignment)
    check_record_contact(suggestion, assignment)
    if contacted_on < assignment.assigned_on:
        raise WorkflowError(_("A contact cannot be dated before the assignment."))
    if contacted_on > timezone.localdate():
        raise WorkflowError(_("A contact cannot be dated in the future."))
    contact = Contact.objects.create(
        assignment=assignment, contacted_on=contacted_on, way=way, note=note, recorded_by=by
    )
    if way == Contact.Way.FACE_TO_FACE and not suggestion.met_face_to_face:
        suggestion.met_face_to_face = True
        suggestion.save(update_fields=["met_face_to_face"])
    _record(
        suggestion,
        Action.CONTACTED,
        by=by,
        on=contacted_on,
        note=f"{assignment.unit}：{site_text(contact.get_way_display)}",
    )
    return contact


@in_step
def send_co_opinion(*, assignment, text, by, on=None):
    """A co-handler sends its views to the lead unit."""
    on = _today(on)
    suggestion, assignment = _lock_assignment(assignment)
    check_send_co_opinion(suggestion, assignment)
    if not text.strip():
        raise WorkflowError(_("The opinion is empty."))
    opinion = CoHandlerOpinion.objects.create(
        assignment=assignment, text=text, sent_on=on, sent_by=by
    )
    _record(
        suggestion, Action.CO_OPINION_SENT, by=by, on=on, note=str(assignment.unit), is_public=False
    )
    return opinion


# --- returns and extensions -----------------------------------------------------------------


@in_step
def request_return(*, assignment, reason, by, on=None):
    on = _today(on)
    suggestion, assignment = _lock_assignment(assignment)
    check_request_return(suggestion, assignment, on)
    if not reason.strip():
        raise WorkflowError(_("Say why the unit is not responsible."))
    request = ReturnRequest.objects.create(
        suggestion=suggestion,
        unit=assignment.unit,
        assignment=assignment,
        reason=reason,
        requested_on=on,
        requested_by=by,
    )
    _record(
        suggestion,
        Action.RETURN_REQUESTED,
        by=by,
        on=on,
        note=f"{assignment.unit}：{reason}",
        is_public=False,
    )
    notifications.notify(
        notifications.staff_users(),
        gettext_lazy("%(unit)s asks to return %(suggestion)s"),
        {"unit": assignment.unit, "suggestion": suggestion},
        suggestion=suggestion,
    )
    return request


@in_step
def decide_return(*, request, approve, note="", by, on=None):
    """Staff decide a return request. Approving the lead's return sends it back for assignment."""
    on = _today(on)
    suggestion = _lock(request.suggestion)
    request = ReturnRequest.objects.select_for_update().get(pk=request.pk)
    if request.decision != Decision.PENDING:
        raise WorkflowError(_("This request has already been decided."))
    request.decision = Decision.APPROVED if approve else Decision.REFUSED
    request.decided_on, request.decided_by, request.decision_note = on, by, note
    request.save(update_fields=["decision", "decided_on", "decided_by", "decision_note"])
    _tell_unit_of_decision(request.unit, suggestion, request, gettext_lazy("return"))
    if not approve:
        _record(
            suggestion,
            Action.RETURN_REFUSED,
            by=by,
            on=on,
            note=f"{request.unit}：{note}",
            is_public=False,
        )
        return request
    assignment = request.assignment
    if assignment is None or suggestion.status != Status.ASSIGNED:
        raise WorkflowError(_("The suggestion has moved on; the return can no longer be approved."))
    if assignment.role == Assignment.Role.LEAD:
        if suggestion.replies.exists():
            raise WorkflowError(_("A unit has already replied; the lead unit cannot be removed."))
        suggestion.assignments.all().delete()
        suggestion.assigned_on = suggestion.due_on = None
        _move(
            suggestion,
            Status.REGISTERED,
            Action.RETURN_APPROVED,
            by=by,
            on=on,
            fields=["assigned_on", "due_on"],
            note=f"{request.unit}：{note}",
        )
    else:
        assignment.delete()
        _refresh_due_on(suggestion)
        note = f"{request.unit}：{note}"
        if suggestion.due_on is None:
            # The returned unit was the last one owing a reply: the others have all replied.
            _move(
                suggestion,
                Status.REPLIED,
                Action.RETURN_APPROVED,
                by=by,
                on=on,
                fields=["due_on"],
                note=note,
            )
        else:
            suggestion.save(update_fields=["due_on"])
            _record(suggestion, Action.RETURN_APPROVED, by=by, on=on, note=note)
    return request


@in_step
def request_extension(*, assignment, reason, due_on, by, on=None):
    on = _today(on)
    suggestion, assignment = _lock_assignment(assignment)
    check_request_extension(suggestion, assignment)
    if not reason.strip():
        raise WorkflowError(_("Say why more time is needed."))
    _check_extension_date(assignment, due_on)
    request = ExtensionRequest.objects.create(
        assignment=assignment,
        reason=reason,
        requested_due_on=due_on,
        requested_on=on,
        requested_by=by,
    )
    _record(
        suggestion,
        Action.EXTENSION_REQUESTED,
        by=by,
        on=on,
        note=f"{assignment.unit}：{due_on}",
        is_public=False,
    )
    notifications.notify(
        notifications.staff_users(),
        gettext_lazy("%(unit)s asks for an extension of %(suggestion)s to %(date)s"),
        {"unit": assignment.unit, "suggestion": suggestion, "date": due_on},
        suggestion=suggestion,
    )
    return request


def _check_extension_date(assignment, due_on):
    if due_on <= assignment.due_on:
        raise WorkflowError(_("The new due date must be later than the current one."))
    cap = latest_allowed_due_on(assignment.assigned_on)
    if due_on > cap:
        raise WorkflowError(
            _("A reply cannot be due later than %(months)s months after assignment (%(date)s).")
            % {"months": rule("MAX_REPLY_MONTHS"), "date": cap}
        )


@in_step
def decide_extension(*, request, approve, due_on=None, note="", by, on=None):
    on = _today(on)
    suggestion, assignment = _lock_assignment(request.assignment)
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if request.decision != Decision.PENDING:
        raise WorkflowError(_("This request has already been decided."))
    request.decided_on, request.decided_by, request.decision_note = on, by, note
    if not approve:
        request.decision = Decision.REFUSED
        _tell_unit_of_decision(assignment.unit, suggestion, request, gettext_lazy("extension"))
        request.save(update_fields=["decision", "decided_on", "decided_by", "decision_note"])
        _record(
            suggestion,
            Action.EXTENSION_REFUSED,
            by=by,
            on=on,
            note=f"{assignment.unit}：{note}",
            is_public=False,
        )
        return request
    if suggestion.status not in Suggestion.AWAITING_REPLY or assignment.replied_on:
        raise WorkflowError(_("The unit has already replied; no extension is needed."))
    due_on = due_on or request.requested_due_on
    _check_extension_date(assignment, due_on)
    request.decision = Decision.APPROVED
    request.approved_due_on = due_on
    request.save(
        update_fields=["decision", "decided_on", "decided_by", "decision_note", "approved_due_on"]
    )
    assignment.due_on = due_on
    assignment.save(update_fields=["due_on"])
    _refresh_due_on(suggestion)
    suggestion.save(update_fields=["due_on"])
    _record(
        suggestion,
        Action.EXTENSION_APPROVED,
        by=by,
        on=on,
        note=site_text(
            gettext_lazy("%(unit)s: now due on %(date)s"), unit=assignment.unit, date=due_on
        ),
    )
    _tell_unit_of_decision(assignment.unit, suggestion, request, gettext_lazy("extension"))
    return request


def _tell_unit_of_decision(unit, suggestion, request, what):
    notifications.notify(
        notifications.unit_users([unit]),
        gettext_lazy("Your %(what)s request for %(suggestion)s was %(decision)s"),
        {"what": what, "suggestion": suggestion, "decision": request.get_decision_display},
        suggestion=suggestion,
    )


# --- replies ---------------------------------------------------------------------------------


def _check_reply_fields(reply_class, text, signed_by):
    if reply_class not in ReplyClass.values:
        raise WorkflowError(_("The reply class must be one of A, B, C and D."))
    if not text.strip():
        raise WorkflowError(_("The reply text is empty."))
    if not signed_by.strip():
        raise WorkflowError(_("A reply is signed by the unit's head."))


def _summary_class(suggestion):
    """The lead unit's class; with split handling, the least favourable of the units' classes."""
    classes = list(
        suggestion.replies.current()
        .order_by("-replied_on", "-id")
        .values_list("assignment__role", "reply_class")
    )
    lead = [c for role, c in classes if role == Assignment.Role.LEAD]
    if lead:
        return lead[0]
    return max((c for _role, c in classes), default="")


def IMPORTED_PROMISE():  # noqa: N802  (a site-language text, computed when used)
    return site_text(gettext_lazy("As in the paper reply (imported; no date to follow up)."))


def _check_promise(reply_class, promise, promised_by, promise_year, on):
    """A B or C reply promises what will be done and by when: a date, or a year (列入计划).

    Returns (promised_by, year_only); A and D replies promise nothing.
    """
    promise = (promise or "").strip()
    if reply_class not in (ReplyClass.B, ReplyClass.C):
        if promise or promised_by or promise_year:
            raise WorkflowError(_("Only a B or C reply makes a promise; leave the promise empty."))
        return None, False
    if not promise:
        raise WorkflowError(_("A B or C reply says what will be done (the promise)."))
    if promised_by and promise_year:
        raise WorkflowError(_("Give the promise either a date or a year, not both."))
    if promise_year:
        if not on.year <= promise_year <= on.year + rule("PROMISE_MAX_YEARS"):
            raise WorkflowError(
                _("The promised year must be between %(first)s and %(last)s.")
                % {"first": on.year, "last": on.year + rule("PROMISE_MAX_YEARS")}
            )
        return datetime.date(promise_year, 12, 31), True
    if not promised_by:
        raise WorkflowError(_("A B or C reply says by when: a date, or a year for 列入计划."))
    if promised_by <= on:
        raise WorkflowError(_("The promised date must be after the reply's date."))
    if promised_by.year > on.year + rule("PROMISE_MAX_YEARS"):
        raise WorkflowError(
            _("A promise cannot be more than %(years)s years away.")
            % {"years": rule("PROMISE_MAX_YEARS")}
        )
    return promised_by, False


def _promise_fields(reply_class, promise, promised_by, promise_year, on, imported=False):
    if imported and reply_class in (ReplyClass.B, ReplyClass.C) and not promise:
        # A concluded session brought in from a summary sheet: its promise is in the paper
        # reply, with no date to follow up, so it is recorded as such and not tracked.
        return {"promise": IMPORTED_PROMISE(), "promised_by": None, "promise_year_only": False}
    date, year_only = _check_promise(reply_class, promise, promised_by, promise_year, on)
    return {
        "promise": (promise or "").strip() if date else "",
        "promised_by": date,
        "promise_year_only": year_only,
    }


def _tell_deputies(suggestion, text, values):
    """The lead deputy and every confirmed co-signer."""
    co_signers = suggestion.signatures.filter(confirmed_on__isnull=False).select_related("deputy")
    notifications.notify(
        notifications.deputy_users([suggestion.lead_deputy, *(s.deputy for s in co_signers)]),
        text,
        values,
        suggestion=suggestion,
    )


@in_step
def reply(
    *,
    assignment,
    reply_class,
    text,
    signed_by,
    by,
    on=None,
    attachment=None,
    promise="",
    promised_by=None,
    promise_year=None,
    imported=False,
):
    """The unit's written reply (答复). When every reply owed is in, the suggestion is replied.

    A B or C reply carries its promise: what will be done, by a date or within a year (a reply
    `imported` from a concluded session's sheet may have none: it is not tracked)."""
    on = _today(on)
    suggestion, assignment = _lock_assignment(assignment)
    check_reply(suggestion, assignment)
    _check_reply_fields(reply_class, text, signed_by)
    if on < assignment.assigned_on:
        raise WorkflowError(_("A reply cannot be dated before the assignment."))
    promised = _promise_fields(reply_class, promise, promised_by, promise_year, on, imported)
    new_reply = Reply.objects.create(
        **promised,
        suggestion=suggestion,
        assignment=assignment,
        round=suggestion.current_round,
        reply_class=reply_class,
        text=text,
        signed_by=signed_by,
        replied_on=on,
        due_on=assignment.due_on,
        attachment=attachment or "",
        attachment_name=os.path.basename(getattr(attachment, "name", "") or "")[:255],
        recorded_by=by,
    )
    assignment.replied_on = on
    assignment.save(update_fields=["replied_on"])

    fields = ["reply_class", "due_on"]
    if not suggestion.was_re_handled:
        # On time means every first-round reply came by its own due date.
        suggestion.first_replied_on = suggestion.first_replied_on or on
        suggestion.replied_on_time = (
            on <= assignment.due_on and suggestion.replied_on_time is not False
        )
        fields += ["first_replied_on", "replied_on_time"]
    suggestion.reply_class = _summary_class(suggestion)
    _refresh_due_on(suggestion)
    note = f"{assignment.unit}：{site_text(new_reply.get_reply_class_display)}"
    if suggestion.due_on is None:
        _move(suggestion, Status.REPLIED, Action.REPLIED, by=by, on=on, fields=fields, note=note)
    else:
        suggestion.save(update_fields=fields)
        _record(suggestion, Action.REPLIED, by=by, on=on, note=note)
    _tell_deputies(
        suggestion,
        gettext_lazy("A reply from %(unit)s arrived for %(suggestion)s"),
        {"unit": assignment.unit, "suggestion": suggestion},
    )
    return new_reply


@in_step
def revise_reply(
    *,
    reply,
    reply_class,
    text,
    signed_by,
    by,
    on=None,
    promise="",
    promised_by=None,
    promise_year=None,
):
    """A corrected reply replaces the current one; the original stays on record.

    A revised B or C reply states its promise again (it may move the date)."""
    on = _today(on)
    suggestion = _lock(reply.suggestion)
    original = Reply.objects.select_for_update().get(pk=reply.pk)
    check_revise_reply(suggestion, original)
    _check_reply_fields(reply_class, text, signed_by)
    promised = _promise_fields(reply_class, promise, promised_by, promise_year, on)
    revised = Reply.objects.create(
        **promised,
        followed_up_on=original.followed_up_on if promised["promised_by"] else None,
        suggestion=suggestion,
        assignment=original.assignment,
        kind=original.kind,
        round=original.round,
        reply_class=reply_class,
        text=text,
        signed_by=signed_by,
        replied_on=on,
        due_on=original.due_on,
        supersedes=original,
        recorded_by=by,
    )
    suggestion.reply_class = _summary_class(suggestion)
    suggestion.save(update_fields=["reply_class"])
    _record(
        suggestion,
        Action.REPLY_REVISED,
        by=by,
        on=on,
        note=f"{original.assignment.unit}：{site_text(revised.get_reply_class_display)}",
    )
    return revised


@in_step
def follow_up(
    *,
    assignment,
    reply_class,
    text,
    signed_by,
    by,
    on=None,
    promise="",
    promised_by=None,
    promise_year=None,
):
    """The follow-up reply (跟踪办理) that a B or C class promised, once the promise is kept.

    It settles the promise (kept if sent by the promised date, late otherwise); a follow-up
    that is itself B or C makes a new promise."""
    on = _today(on)
    suggestion, assignment = _lock_assignment(assignment)
    latest = check_follow_up(suggestion, assignment)
    _check_reply_fields(reply_class, text, signed_by)
    if on < latest.replied_on:
        raise WorkflowError(_("A follow-up reply cannot be dated before the reply it follows."))
    promised = _promise_fields(reply_class, promise, promised_by, promise_year, on)
    if latest.promised_by and not latest.followed_up_on:
        latest.followed_up_on = on
        latest.save(update_fields=["followed_up_on"])
    follow = Reply.objects.create(
        **promised,
        suggestion=suggestion,
        assignment=assignment,
        kind=Reply.Kind.FOLLOW_UP,
        round=latest.round,
        reply_class=reply_class,
        text=text,
        signed_by=signed_by,
        replied_on=on,
        recorded_by=by,
    )
    suggestion.reply_class = _summary_class(suggestion)
    suggestion.save(update_fields=["reply_class"])
    _record(
        suggestion,
        Action.FOLLOWED_UP,
        by=by,
        on=on,
        note=f"{assignment.unit}：{site_text(follow.get_reply_class_display)}",
    )
    _tell_deputies(
        suggestion,
        gettext_lazy("A follow-up reply from %(unit)s arrived for %(suggestion)s"),
        {"unit": assignment.unit, "suggestion": suggestion},
    )
    return follow


@in_step
def publish_reply(*, reply, public_text="", by, on=None):
    """Make a reply public (办理结果公开), optionally as a redacted text. Logged."""
    on = _today(on)
    suggestion = _lock(reply.suggestion)
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    if reply.is_published:
        raise WorkflowError(_("This reply is already published."))
    if Reply.objects.filter(supersedes=reply).exists():
        raise WorkflowError(_("This reply was revised; publish the newest version."))
    public_text = public_text.strip()
    if public_text == reply.text.strip():
        public_text = ""  # published as written
    reply.is_published, reply.published_on, reply.public_text = True, on, public_text
    reply.removed_passages = "\n".join(removed_passages(reply.text, public_text))
    reply.save(update_fields=["is_published", "published_on", "public_text", "removed_passages"])
    note = str(reply.assignment.unit)
    if public_text:
        note += site_text(gettext_lazy(" (redacted text)"))
    _record(suggestion, Action.PUBLISHED, by=by, on=on, note=note)
    return reply


def removed_passages(original, public):
    """The passages of the original a redacted public text leaves out or replaces, in order."""
    if not public:
        return []
    # Compared sentence by sentence, so a passage reads as the original wrote it.
    before, after = _sentences(original), _sentences(public)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [
        "".join(before[i1:i2])
        for tag, i1, i2, _j1, _j2 in matcher.get_opcodes()
        if tag in ("delete", "replace")
    ]


def _sentences(text):
    return [s.strip() for s in re.findall(r"[^。！？；!?;\n]*[。！？；!?;\n]?", text) if s.strip()]


# --- evaluation and closing ---------------------------------------------------------------


@in_step
def evaluate(
    *, suggestion, deputy, satisfaction, contacted, comment="", comment_is_public=False, by, on=None
):
    """A deputy rates the reply. The lead deputy's rating moves the suggestion on;
    dissatisfied sends it back for one round of re-handling with a new, shorter deadline."""
    on = _today(on)
    suggestion = _lock(suggestion)
    if satisfaction not in Satisfaction.values:
        raise WorkflowError(_("Choose satisfied, basically satisfied or dissatisfied."))
    is_lead = check_evaluate(suggestion, deputy)
    last_reply_on = suggestion.replies.aggregate(last=Max("replied_on"))["last"]
    if last_reply_on and on < last_reply_on:
        raise WorkflowError(_("A rating cannot be dated before the reply it rates."))
    round_ = suggestion.current_round
    evaluation = Evaluation.objects.create(
        suggestion=suggestion,
        deputy=deputy,
        round=round_,
        satisfaction=satisfaction,
        contacted=contacted,
        comment=comment,
        comment_is_public=comment_is_public,
        evaluated_on=on,
    )
    label = site_text(evaluation.get_satisfaction_display)
    if not is_lead:
        _record(suggestion, Action.EVALUATED, by=by, on=on, note=f"{deputy}：{label}")
        return evaluation
    suggestion.satisfaction = satisfaction
    if satisfaction == Satisfaction.DISSATISFIED and not suggestion.was_re_handled:
        due_on = add_months(on, rule("REHANDLING_MONTHS"))
        suggestion.assignments.replying().update(replied_on=None, due_on=due_on)
        suggestion.was_re_handled = True
        suggestion.due_on = due_on
        _record(suggestion, Action.EVALUATED, by=by, on=on, note=f"{deputy}：{label}")
        _move(
            suggestion,
            Status.RE_HANDLING,
            Action.RE_HANDLING,
            by=by,
            on=on,
            fields=["satisfaction", "was_re_handled", "due_on"],
            note=site_text(gettext_lazy("New reply due on %(date)s"), date=due_on),
        )
        notifications.notify(
            notifications.unit_users(
                [a.unit for a in suggestion.assignments.replying().select_related("unit")]
            ),
            gettext_lazy("The deputy is dissatisfied: re-handle %(suggestion)s by %(date)s"),
            {"suggestion": suggestion, "date": due_on},
            suggestion=suggestion,
        )
    else:
        _move(
            suggestion,
            Status.EVALUATED,
            Action.EVALUATED,
            by=by,
            on=on,
            fields=["satisfaction"],
            note=f"{deputy}：{label}",
        )
    return evaluation


@in_step
def close(*, suggestion, by, on=None):
    """Close (办结): rated, or the evaluation period passed without a rating."""
    on = _today(on)
    suggestion = _lock(suggestion)
    check_close(suggestion, on)
    suggestion.closed_on = on
    _move(suggestion, Status.CLOSED, Action.CLOSED, by=by, on=on, fields=["closed_on"])
    return suggestion


# --- supervision ------------------------------------------------------------------------------


@in_step
def mark_key(*, suggestion, leader, vice_mayor=None, committee=None, by, on=None):
    """Choose a key suggestion (重点建议) and name who supervises it."""
    on = _today(on)
    suggestion = _lock(suggestion)
    check_mark_key(suggestion)
    KeySupervision.objects.create(
        suggestion=suggestion,
        leader=leader,
        vice_mayor=vice_mayor,
        committee=committee,
        chosen_on=on,
    )
    suggestion.is_key = True
    suggestion.save(update_fields=["is_key"])
    _record(suggestion, Action.MARKED_KEY, by=by, on=on, note=str(leader))
    return suggestion


@in_step
def record_meeting(
    *, session, kind, title, held_on, attendees="", notes="", suggestions=(), leaders=()
):
    """A meeting (交办会, 推进会, 督办会), the leaders present and the suggestions it covered;
    their timelines show it through the link. Checked before anything is saved."""
    if kind not in SupervisionMeeting.Kind.values:
        raise WorkflowError(_("Choose the kind of meeting."))
    suggestions = list(suggestions)
    if not title.strip():
        raise WorkflowError(_("The title is empty."))
    if any(s.session_id != session.pk for s in suggestions):
        raise WorkflowError(_("A meeting covers suggestions of its own session only."))
    meeting = SupervisionMeeting.objects.create(
        session=session, kind=kind, title=title, held_on=held_on, attendees=attendees, notes=notes
    )
    meeting.suggestions.set(suggestions)
    meeting.leaders.set(leaders)
    return meeting


@in_step
def record_special_report(
    *, session, unit, title, heard_on, satisfied, basically_satisfied, dissatisfied
):
    """The standing committee's satisfaction vote (满意度测评) on a body's special report."""
    if satisfied + basically_satisfied + dissatisfied == 0:
        raise WorkflowError(_("Enter the votes: at least one member voted."))
    return SpecialReport.objects.create(
        session=session,
        unit=unit,
        title=title,
        heard_on=heard_on,
        satisfied=satisfied,
        basically_satisfied=basically_satisfied,
        dissatisfied=dissatisfied,
    )


# --- corrections and imports ----------------------------------------------------------------


def imported_reply_text():
    """The text of a reply replayed from a sheet, which has the class but not the letter."""
    return site_text(gettext_lazy("Imported from a file; the reply's text is to be added."))


def imported_signature():
    return site_text(gettext_lazy("(imported)"))


def concluded_assignment_dates(session, submitted_on, assigned_on=None):
    """(registered on, assigned on) of a concluded suggestion: assigned on the day given, by
    default when the session closed (never before it was submitted), registered then at the
    latest."""
    submitted = submitted_on or session.opens_on
    assigned_on = assigned_on or max(submitted, session.closes_on or submitted)
    return min(submitted, assigned_on), assigned_on


def concluded_reply_date(replied_on, assigned_on, due_on, today):
    """A concluded reply is dated as given, else on its due date (nothing says it was late),
    never after today nor before the assignment."""
    return replied_on or max(assigned_on, min(due_on, today))


def unrated_closing_date(replied_on, today):
    """A reply nobody rated is closed once the evaluation period has passed (None: not yet)."""
    closes_on = replied_on + datetime.timedelta(days=rule("EVALUATION_DAYS"))
    return closes_on if closes_on <= today else None


@in_step
def bring_to_final_state(
    *,
    suggestion,
    lead_unit,
    co_units=(),
    reply_class="",
    satisfaction="",
    assigned_on=None,
    replied_on=None,
    contacted=False,
    responsible_person="",
    by,
    today=None,
):
    """Replay the handling of a concluded suggestion through the ordinary services.

    Registered and assigned on the day given (by default when the session closed), replied
    with its class (by default on its due date: nothing says it was late), rated by its lead
    deputy the same day, and closed; without a rating it is closed once the evaluation period
    has passed. A dissatisfied rating leaves it in re-handling, as it would be in the app.

    The reference for `import_replay`, which writes the same rows for many new suggestions
    at once (tests/test_import_bulk.py compares the two).
    """
    today = _today(today)
    registered_on, assigned_on = concluded_assignment_dates(
        suggestion.session, suggestion.submitted_on, assigned_on
    )
    register(suggestion=suggestion, by=by, on=registered_on)
    assign(suggestion=suggestion, lead_unit=lead_unit, co_units=co_units, by=by, on=assigned_on)
    assignment = suggestion.assignments.get(role=Assignment.Role.LEAD)
    if responsible_person:
        name_responsible_person(
            assignment=assignment, person=responsible_person, by=by, on=assigned_on
        )
    if not reply_class:
        return
    replied_on = concluded_reply_date(replied_on, assigned_on, assignment.due_on, today)
    reply(
        assignment=assignment,
        reply_class=reply_class,
        text=imported_reply_text(),
        signed_by=imported_signature(),
        by=by,
        on=replied_on,
        imported=True,
    )
    if satisfaction:
        evaluate(
            suggestion=suggestion,
            deputy=suggestion.lead_deputy,
            satisfaction=satisfaction,
            contacted=contacted,
            by=by,
            on=replied_on,
        )
        if satisfaction != Satisfaction.DISSATISFIED:
            close(suggestion=suggestion, by=by, on=replied_on)
        return
    closes_on = unrated_closing_date(replied_on, today)
    if closes_on:
        close(suggestion=suggestion, by=by, on=closes_on)


@in_step
def import_suggestions(*, session, plans, by, on=None, progress=None, bulk=True):
    """Save a checked import all at once: every row or none. Returns the counts.

    New rows are created; with handling columns they are brought to their final state, in
    bulk by `import_replay` (the rows the services would write, a few statements per thousand
    suggestions) or, with `bulk=False` and for a row the bulk replay cannot take, through
    `bring_to_final_state` one service at a time. Rows of suggestions already in the session
    apply their changes through `update_suggestion`; unchanged rows are skipped, so importing
    a file twice changes nothing. Every event the import writes is marked as imported. The
    session row is locked so that two imports cannot take the same numbers, and the session's
    summary rows are recounted once, at the end. Nobody is notified of replayed work.
    `progress(n)` is called as suggestions are brought to their final state (the command).
    """
    on = _today(on)
    plans = list(plans)
    refused = [p for p in plans if p.action == "refused"]
    if refused:
        raise WorkflowError(
            _("%(count)s row(s) have problems; nothing was imported.") % {"count": len(refused)}
        )
    Session.objects.select_for_update().get(pk=session.pk)
    first_event = Event.objects.aggregate(n=Max("pk"))["n"] or 0
    touched_session(session)
    new = [p for p in plans if p.action == "create"]
    numbers = [p.values["number"] for p in new]
    if Suggestion.objects.filter(session=session, number__in=numbers).exists():
        raise WorkflowError(_("Some numbers were taken meanwhile; check the file again."))
    suggestions, replays = [], []
    for p in new:
        suggestion = Suggestion(
            session=session,
            number=p.values["number"],
            title=p.values["title"],
            content=p.values["content"],
            category=p.category,
            lead_deputy=p.lead,
            delegation=p.lead.delegation,
            period=p.values["period"],
            submitted_on=p.values["submitted_on"],
            status=Status.SUBMITTED,
        )
        # Created in its final state when the bulk replay can take it (None: the services).
        replay = import_replay.prepare(suggestion, p, today=on) if bulk and p.conclude else None
        suggestions.append(suggestion)
        replays.append(replay)
    import_replay.insert(
        Suggestion,
        import_replay.SUGGESTION_COLUMNS,
        ([getattr(s, name) for name in import_replay.SUGGESTION_COLUMNS] for s in suggestions),
    )
    ids = dict(
        Suggestion.objects.filter(session=session, number__in=numbers).values_list("number", "pk")
    )
    for suggestion in suggestions:
        suggestion.pk = ids[suggestion.number]
        suggestion._state.adding, suggestion._state.db = False, "default"
    created = suggestions
    # Plain INSERTs (`import_replay.insert`): a session of 10,000 has some 20,000 co-signers,
    # 200,000 text bands and 70,000 events, too many rows for Django to prepare one by one.
    import_replay.insert(
        CoSigner,
        ["suggestion_id", "deputy_id", "confirmed_on"],
        (
            (s.pk, deputy.pk, s.submitted_on)
            for s, p in zip(created, new, strict=True)
            for deputy in p.co_signers
        ),
    )
    import_replay.index(created)  # links to earlier sessions are found at registration
    reason = site_text(gettext_lazy("imported from a file"))
    import_replay.insert(
        Event,
        import_replay.EVENT_COLUMNS,
        (
            (s.pk, Action.ENTERED.value, "", "", s.submitted_on, by and by.pk, reason, True, True)
            for s in created
        ),
    )
    with notifications.muted():
        concluded = import_replay.write(
            [r for r in replays if r is not None],
            session=session,
            by=by,
            progress=progress,
        )
        serviced = []  # suggestions the services wrote to: their events are marked below
        for suggestion, plan, replay in zip(created, new, replays, strict=True):
            if plan.conclude and replay is None:
                suggestion.session = session
                _conclude(suggestion, plan, by, on)
                serviced.append(suggestion.pk)
                concluded += 1
                if progress and concluded % 100 == 0:
                    progress(concluded)
        updated = 0
        for plan in plans:
            if plan.action != "update":
                continue
            updated += 1
            suggestion = plan.existing
            serviced.append(suggestion.pk)
            if plan.changes:
                update_suggestion(suggestion=suggestion, changes=plan.changes, by=by, reason=reason)
                suggestion.refresh_from_db()
            if plan.conclude:
                _conclude(suggestion, plan, by, on)
                concluded += 1
            elif plan.responsible_change:
                name_responsible_person(
                    assignment=plan.responsible_lead, person=plan.responsible_person, by=by, on=on
                )
    if serviced:
        Event.objects.filter(pk__gt=first_event, suggestion_id__in=serviced).update(imported=True)
    return ImportCounts(created=len(created), updated=updated, concluded=concluded)


def _conclude(suggestion, plan, by, on):
    try:
        _replay(suggestion, plan, by, on)
    except WorkflowError as error:  # say which row, since the whole import is undone
        raise WorkflowError(f"{plan.where}: {error}") from error


def _replay(suggestion, plan, by, on):
    bring_to_final_state(
        suggestion=suggestion,
        lead_unit=plan.lead_unit,
        co_units=plan.co_units,
        reply_class=plan.reply_class,
        satisfaction=plan.satisfaction,
        assigned_on=plan.values.get("assigned_on"),
        replied_on=plan.values.get("replied_on"),
        responsible_person=plan.responsible_person,
        by=by,
        today=on,
    )


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    concluded: int = 0


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


@in_step
def rate_implementation(
    *, suggestion, deputy, satisfaction, comment="", comment_is_public=False, by, on=None
):
    """A deputy rates what was done on a promise (落实满意度), apart from the reply's rating.

    Open once the promise's follow-up arrived or its date passed; the lead deputy's rating is
    the suggestion's implementation satisfaction, co-signers' ratings are recorded beside it."""
    on = _today(on)
    suggestion = _lock(suggestion)
    if satisfaction not in Satisfaction.values:
        raise WorkflowError(_("Choose satisfied, basically satisfied or dissatisfied."))
    promise = check_rate_implementation(suggestion, deputy, on)
    is_lead = deputy.pk == suggestion.lead_deputy_id
    rating = ImplementationRating.objects.create(
        suggestion=suggestion,
        promise=promise,
        deputy=deputy,
        satisfaction=satisfaction,
        comment=comment,
        comment_is_public=comment_is_public,
        rated_on=on,
    )
    if is_lead:
        suggestion.implementation_satisfaction = satisfaction
        suggestion.save(update_fields=["implementation_satisfaction"])
    _record(
        suggestion,
        Action.IMPLEMENTATION_RATED,
        by=by,
        on=on,
        note=f"{deputy}：{site_text(rating.get_satisfaction_display)}",
    )
    return rating


def check_review_flag(suggestion, on=None):
    """Open while the suggestion carries a consistency flag nobody has reviewed yet."""
    row = Suggestion.objects.with_flags(_today(on)).filter(pk=suggestion.pk).values().first()
    reviewed = set(FlagReview.objects.filter(suggestion=suggestion).values_list("kind", flat=True))
    if not row or not [k for k in FLAGS if row.get(f"flag_{k}") and k not in reviewed]:
        raise WorkflowError(_("This suggestion carries no flag left to review."))


@in_step
def review_flag(*, suggestion, kind, note, by, on=None):
    """Staff looked at a consistency flag and say what they found (logged, not public)."""
    on = _today(on)
    suggestion = _lock(suggestion)
    if kind not in FLAGS:
        raise WorkflowError(_("Unknown flag."))
    if not note.strip():
        raise WorkflowError(_("Write what you found in a note."))
    flagged = Suggestion.objects.with_flags(on).filter(pk=suggestion.pk).values(f"flag_{kind}")
    if not flagged[0][f"flag_{kind}"]:
        raise WorkflowError(_("This suggestion does not carry that flag."))
    if FlagReview.objects.filter(suggestion=suggestion, kind=kind).exists():
        raise WorkflowError(_("This flag has already been reviewed."))
    review = FlagReview.objects.create(
        suggestion=suggestion, kind=kind, note=note, reviewed_on=on, reviewed_by=by
    )
    _record(
        suggestion,
        Action.FLAG_REVIEWED,
        by=by,
        on=on,
        note=f"{site_text(review.get_kind_display)} {note}",
        is_public=False,
    )
    return review


def find_recurring(suggestion):
    """Index a suggestion's text and link it to similar ones of earlier sessions."""
    similarity.index_suggestion(suggestion)
    found = similarity.similar(
        suggestion.title, suggestion.content, before_session=suggestion.session, limit=20
    )
    known = set(suggestion.similar_links.values_list("earlier_id", flat=True))
    SimilarLink.objects.bulk_create(
        SimilarLink(suggestion=suggestion, earlier=other, score=score)
        for score, other in found
        if other.pk not in known
    )
    return found


def check_decide_link(suggestion):
    """Open while a link to an earlier suggestion waits for staff to confirm or dismiss it."""
    if not suggestion.similar_links.filter(state=SimilarLink.State.FOUND).exists():
        raise WorkflowError(_("No link to an earlier suggestion waits for a decision."))


@in_step
def decide_link(*, link, confirm, by, on=None):
    """Staff confirm that two suggestions raise the same problem, or dismiss the link."""
    on = _today(on)
    suggestion = _lock(link.suggestion)
    link = SimilarLink.objects.select_for_update().get(pk=link.pk)
    if link.state != SimilarLink.State.FOUND:
        raise WorkflowError(_("This link has already been decided."))
    link.state = SimilarLink.State.CONFIRMED if confirm else SimilarLink.State.DISMISSED
    link.decided_on, link.decided_by = on, by
    link.save(update_fields=["state", "decided_on", "decided_by"])
    _record(
        suggestion,
        Action.LINK_CONFIRMED if confirm else Action.LINK_DISMISSED,
        by=by,
        on=on,
        note=str(link.earlier),
        is_public=confirm,
    )
    return link


def publication_due_on(suggestion):
    """When a closed suggestion's replies must be public (PUBLISH_DAYS after closing)."""
    if suggestion.closed_on is None:
        return None
    return suggestion.closed_on + datetime.timedelta(days=rule("PUBLISH_DAYS"))
