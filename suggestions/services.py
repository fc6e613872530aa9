"""Every change to a suggestion: one function per transition.

Each function takes keyword arguments, runs in a transaction, locks the suggestion row, checks
the current state, saves what changed and writes an `Event`. A transition the rules refuse
raises `WorkflowError` with a message for the user and changes nothing.
"""

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from congress.models import Session
from congress.workdays import add_months, add_workdays

from . import notifications
from .models import (
    Assignment,
    CoHandlerOpinion,
    Contact,
    CoSigner,
    Decision,
    Evaluation,
    Event,
    ExtensionRequest,
    KeySupervision,
    Reply,
    ReplyClass,
    ReturnRequest,
    Satisfaction,
    SpecialReport,
    Suggestion,
    SupervisionMeeting,
    WorkflowError,
)
from .summaries import in_step, touched, touched_session

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
    signature = suggestion.signatures.filter(deputy=deputy).first()
    if signature is None:
        raise WorkflowError(_("You were not asked to co-sign this suggestion."))
    if signature.confirmed_on:
        raise WorkflowError(_("You have already co-signed this suggestion."))
    if suggestion.status in [Status.NOT_REGISTERED, Status.MERGED, Status.CLOSED]:
        raise WorkflowError(_("This suggestion can no longer be co-signed."))
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
    signature = suggestion.signatures.filter(deputy=deputy, confirmed_on__isnull=True).first()
    if signature is None:
        raise WorkflowError(_("There is no request to co-sign waiting for you here."))
    signature.delete()
    if suggestion.status != Status.DRAFT:
        _record(
            suggestion, Action.CO_SIGN_DECLINED, by=by, on=on, note=str(deputy), is_public=False
        )


@in_step
def submit(*, suggestion, by, on=None):
    """A deputy submits a draft; it gets its number and goes to staff for review."""
    on = _today(on)
    suggestion = _lock(suggestion)
    _require_status(suggestion, [Status.DRAFT], _("Only a draft can be submitted."))
    _check_draft_fields(suggestion.title, suggestion.content)
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
    notifications.notify(
        notifications.staff_users(),
        gettext_lazy("New suggestion to review: %(suggestion)s"),
        {"suggestion": suggestion},
        suggestion=suggestion,
    )
    return suggestion


@in_step
def register(*, suggestion, by, on=None):
    on = _today(on)
    suggestion = _lock(suggestion)
    _require_status(
        suggestion, [Status.SUBMITTED], _("Only a submitted suggestion can be registered.")
    )
    suggestion.registered_on = on
    _move(suggestion, Status.REGISTERED, Action.REGISTERED, by=by, on=on, fields=["registered_on"])
    return suggestion


@in_step
def refuse_registration(*, suggestion, reason, as_letter=False, by, on=None):
    """Not registered (不予立案), with a reason; it may be handled as a letter instead."""
    on = _today(on)
    if not reason.strip():
        raise WorkflowError(_("Say why the suggestion is not registered."))
    suggestion = _lock(suggestion)
    _require_status(
        suggestion, [Status.SUBMITTED], _("Only a submitted suggestion can be refused.")
    )
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


@in_step
def merge(*, suggestion, into, by, on=None):
    """Merge (并案) a suggestion into a similar one of the same session, handled as one."""
    on = _today(on)
    suggestion = _lock(suggestion)
    into = _lock(into)
    mergeable = [Status.SUBMITTED, Status.REGISTERED]
    _require_status(suggestion, mergeable, _("Only a suggestion not yet assigned can be merged."))
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
    _require_status(
        suggestion, [Status.REGISTERED], _("Only a registered suggestion can be assigned.")
    )
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
    _require_status(
        suggestion, Suggestion.AWAITING_REPLY, _("The suggestion is not being handled now.")
    )
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
    if suggestion.status not in [*Suggestion.AWAITING_REPLY, Status.REPLIED, Status.EVALUATED]:
        raise WorkflowError(_("Contacts are recorded while the suggestion is being handled."))
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
    if assignment.role != Assignment.Role.CO:
        raise WorkflowError(_("Only a co-handling unit sends its views to the lead unit."))
    _require_status(suggestion, Suggestion.AWAITING_REPLY, _("The lead unit has already replied."))
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
    _require_status(
        suggestion,
        [Status.ASSIGNED],
        _("A return can only be asked for while the suggestion awaits its reply."),
    )
    if not reason.strip():
        raise WorkflowError(_("Say why the unit is not responsible."))
    limit = rule("RETURN_REQUEST_DAYS")
    if (on - assignment.assigned_on).days > limit:
        raise WorkflowError(
            _("A return must be asked for within %(days)s days of assignment.") % {"days": limit}
        )
    if assignment.replied_on:
        raise WorkflowError(_("A unit that has replied cannot return the suggestion."))
    if ReturnRequest.objects.filter(
        suggestion=suggestion, unit=assignment.unit, decision=Decision.PENDING
    ).exists():
        raise WorkflowError(_("A return request is already waiting for a decision."))
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
        suggestion.save(update_fields=["due_on"])
        _record(suggestion, Action.RETURN_APPROVED, by=by, on=on, note=f"{request.unit}：{note}")
    return request


@in_step
def request_extension(*, assignment, reason, due_on, by, on=None):
    on = _today(on)
    suggestion, assignment = _lock_assignment(assignment)
    _require_status(
        suggestion,
        Suggestion.AWAITING_REPLY,
        _("An extension can only be asked for while a reply is owed."),
    )
    if not assignment.owes_reply or assignment.replied_on:
        raise WorkflowError(_("This unit owes no reply now."))
    if not reason.strip():
        raise WorkflowError(_("Say why more time is needed."))
    _check_extension_date(assignment, due_on)
    if ExtensionRequest.objects.filter(assignment=assignment, decision=Decision.PENDING).exists():
        raise WorkflowError(_("An extension request is already waiting for a decision."))
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


@in_step
def reply(*, assignment, reply_class, text, signed_by, by, on=None, attachment=None):
    """The unit's written reply (答复). When every reply owed is in, the suggestion is replied."""
    on = _today(on)
    suggestion, assignment = _lock_assignment(assignment)
    if not assignment.owes_reply:
        raise WorkflowError(
            _("A co-handling unit sends its views to the lead unit; it does not reply.")
        )
    _require_status(
        suggestion, Suggestion.AWAITING_REPLY, _("This suggestion is not waiting for a reply.")
    )
    if assignment.replied_on:
        raise WorkflowError(_("This unit has already replied; revise the reply instead."))
    _check_reply_fields(reply_class, text, signed_by)
    if on < assignment.assigned_on:
        raise WorkflowError(_("A reply cannot be dated before the assignment."))
    new_reply = Reply.objects.create(
        suggestion=suggestion,
        assignment=assignment,
        round=suggestion.current_round,
        reply_class=reply_class,
        text=text,
        signed_by=signed_by,
        replied_on=on,
        due_on=assignment.due_on,
        attachment=attachment or "",
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
    deputies = [
        suggestion.lead_deputy,
        *(
            sig.deputy
            for sig in suggestion.signatures.filter(confirmed_on__isnull=False).select_related(
                "deputy"
            )
        ),
    ]
    notifications.notify(
        notifications.deputy_users(deputies),
        gettext_lazy("A reply from %(unit)s arrived for %(suggestion)s"),
        {"unit": assignment.unit, "suggestion": suggestion},
        suggestion=suggestion,
    )
    return new_reply


@in_step
def revise_reply(*, reply, reply_class, text, signed_by, by, on=None):
    """A corrected reply replaces the current one; the original stays on record."""
    on = _today(on)
    suggestion = _lock(reply.suggestion)
    original = Reply.objects.select_for_update().get(pk=reply.pk)
    if Reply.objects.filter(supersedes=original).exists():
        raise WorkflowError(_("This reply has already been revised; revise the newest one."))
    if suggestion.status == Status.CLOSED:
        raise WorkflowError(_("A closed suggestion's reply cannot be revised."))
    _check_reply_fields(reply_class, text, signed_by)
    revised = Reply.objects.create(
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
def follow_up(*, assignment, reply_class, text, signed_by, by, on=None):
    """The follow-up reply (跟踪办理) that a B or C class promised, once the promise is kept."""
    on = _today(on)
    suggestion, assignment = _lock_assignment(assignment)
    latest = assignment.replies.current().order_by("-replied_on", "-id").first()
    if latest is None or latest.reply_class not in [ReplyClass.B, ReplyClass.C]:
        raise WorkflowError(_("Only a reply classed B or C is followed up."))
    _check_reply_fields(reply_class, text, signed_by)
    if on < latest.replied_on:
        raise WorkflowError(_("A follow-up reply cannot be dated before the reply it follows."))
    follow = Reply.objects.create(
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
    reply.is_published, reply.published_on, reply.public_text = True, on, public_text
    reply.save(update_fields=["is_published", "published_on", "public_text"])
    note = str(reply.assignment.unit)
    if public_text:
        note += site_text(gettext_lazy(" (redacted text)"))
    _record(suggestion, Action.PUBLISHED, by=by, on=on, note=note)
    return reply


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
    is_lead = deputy.pk == suggestion.lead_deputy_id
    if (
        not is_lead
        and not suggestion.signatures.filter(deputy=deputy, confirmed_on__isnull=False).exists()
    ):
        raise WorkflowError(_("Only the suggestion's deputies can rate its reply."))
    allowed = [Status.REPLIED] if is_lead else [Status.REPLIED, Status.EVALUATED]
    _require_status(suggestion, allowed, _("There is no reply waiting to be rated."))
    last_reply_on = suggestion.replies.aggregate(last=Max("replied_on"))["last"]
    if last_reply_on and on < last_reply_on:
        raise WorkflowError(_("A rating cannot be dated before the reply it rates."))
    round_ = suggestion.current_round
    if Evaluation.objects.filter(suggestion=suggestion, deputy=deputy, round=round_).exists():
        raise WorkflowError(_("This deputy has already rated this reply."))
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
    if suggestion.status == Status.REPLIED:
        last_reply = (
            suggestion.replies.order_by("-replied_on").values_list("replied_on", flat=True).first()
        )
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
    suggestion.closed_on = on
    _move(suggestion, Status.CLOSED, Action.CLOSED, by=by, on=on, fields=["closed_on"])
    return suggestion


# --- supervision ------------------------------------------------------------------------------


@in_step
def mark_key(*, suggestion, leader, vice_mayor=None, committee=None, by, on=None):
    """Choose a key suggestion (重点建议) and name who supervises it."""
    on = _today(on)
    suggestion = _lock(suggestion)
    if not suggestion.is_public or suggestion.status == Status.CLOSED:
        raise WorkflowError(_("Only a registered suggestion still in handling can be chosen."))
    if suggestion.is_key:
        raise WorkflowError(_("This is already a key suggestion."))
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
def record_meeting(*, session, kind, title, held_on, attendees="", notes="", suggestions=()):
    """A meeting and the suggestions it covered; their timelines show it through the link."""
    meeting = SupervisionMeeting.objects.create(
        session=session, kind=kind, title=title, held_on=held_on, attendees=attendees, notes=notes
    )
    suggestions = list(suggestions)
    if any(s.session_id != session.pk for s in suggestions):
        raise WorkflowError(_("A meeting covers suggestions of its own session only."))
    meeting.suggestions.set(suggestions)
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


@in_step
def import_suggestions(*, session, plans, by, on=None):
    """Save a checked import all at once: every row or none. Returns how many were created.

    Rows already in the session unchanged are skipped, so importing a file twice changes
    nothing. The session row is locked so that two imports cannot take the same numbers.
    """
    on = _today(on)
    refused = [p for p in plans if p.action == "refused"]
    if refused:
        raise WorkflowError(
            _("%(count)s row(s) have problems; nothing was imported.") % {"count": len(refused)}
        )
    Session.objects.select_for_update().get(pk=session.pk)
    touched_session(session)
    new = [p for p in plans if p.action == "create"]
    numbers = [p.values["number"] for p in new]
    if Suggestion.objects.filter(session=session, number__in=numbers).exists():
        raise WorkflowError(_("Some numbers were taken meanwhile; check the file again."))
    created = Suggestion.objects.bulk_create(
        [
            Suggestion(
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
            for p in new
        ],
        batch_size=1000,
    )
    if created and created[0].pk is None:  # backends that do not return ids
        by_number = dict(
            Suggestion.objects.filter(session=session, number__in=numbers).values_list(
                "number", "pk"
            )
        )
        for suggestion in created:
            suggestion.pk = by_number[suggestion.number]
    CoSigner.objects.bulk_create(
        [
            CoSigner(suggestion_id=s.pk, deputy=deputy, confirmed_on=s.submitted_on)
            for s, p in zip(created, new, strict=True)
            for deputy in p.co_signers
        ],
        batch_size=2000,
    )
    Event.objects.bulk_create(
        [
            Event(
                suggestion_id=s.pk,
                action=Action.ENTERED,
                occurred_on=s.submitted_on,
                actor=by,
                note=site_text(gettext_lazy("imported from a file")),
            )
            for s in created
        ],
        batch_size=2000,
    )
    return len(created)
