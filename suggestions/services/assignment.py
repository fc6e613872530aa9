"""Handing a suggestion to its units and what a unit asks along the way: the responsible
person, contact with the deputy, co-handlers' opinions, returns and extensions."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suggestions import notifications
from suggestions.figures.summaries import in_step
from suggestions.models import (
    Assignment,
    CoHandlerOpinion,
    Contact,
    Decision,
    Event,
    ExtensionRequest,
    ReturnRequest,
    Suggestion,
    WorkflowError,
)
from suggestions.services.checks import (
    check_assign,
    check_decide,
    check_name_responsible_person,
    check_record_contact,
    check_request_extension,
    check_request_return,
    check_send_co_opinion,
)
from suggestions.services.common import (
    _lock,
    _move,
    _record,
    _refresh_due_on,
    _today,
    latest_allowed_due_on,
    reply_due_on,
    rule,
    site_text,
)

Status = Suggestion.Status
Action = Event.Action


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
            session_id=suggestion.session_id,
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
        notifications.staff_users(suggestion),
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
    check_decide(request)
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
        notifications.staff_users(suggestion),
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
    check_decide(request)
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
