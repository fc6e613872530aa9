"""From a deputy's draft to a registered suggestion: drafts, co-signers, submission,
registration or refusal, merging, and staff entering a suggestion on a deputy's behalf."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suggestions import notifications
from suggestions.figures.summaries import in_step, touched
from suggestions.models import (
    CoSigner,
    Event,
    Suggestion,
    WorkflowError,
)
from suggestions.services.checks import (
    _check_draft_fields,
    check_co_signers,
    check_confirm_co_signature,
    check_decline_co_signature,
    check_merge,
    check_refuse_registration,
    check_register,
    check_submit,
)
from suggestions.services.common import _lock, _move, _next_number, _record, _require_status, _today
from suggestions.services.loop import find_recurring

Status = Suggestion.Status
Action = Event.Action


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


def ask_co_signers(suggestion, deputies):
    """Ask `deputies` to co-sign `suggestion` (unconfirmed signatures), and tell them."""
    if not deputies:
        return
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
    ask_co_signers(suggestion, co_signers)
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
    ask_co_signers(suggestion, [d for d in co_signers if d.pk not in existing])
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
        notifications.staff_users(suggestion),
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
