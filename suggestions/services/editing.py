"""Staff's edits of a registered suggestion's fields, each change recorded with its reason."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.history import describe_changes
from suggestions.figures.summaries import in_step
from suggestions.models import (
    CoSigner,
    Event,
    Suggestion,
    WorkflowError,
)
from suggestions.services.checks import check_co_signers, check_update_suggestion
from suggestions.services.common import _lock, _record, _today, site_text

Status = Suggestion.Status
Action = Event.Action


# --- editing after entry ------------------------------------------------------------------

# What staff may edit on a suggestion after it was entered; the workflow's own facts (status,
# dates, class, ...) change only through the transitions below.


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
