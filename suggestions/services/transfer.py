"""Passing a suggestion on (转交) to the congress directly above or below, whose government the
matter belongs to: the original closes as transferred, the same suggestion is entered in that
congress's current session (numbered there as its own intake numbers one), both keep a line of
history naming the other congress, and the lead deputy is told.

It spans two congresses on purpose: the work runs with no congress active, so the managers (and
the recount of the derived rows when the change-set ends) see both sessions; the target's own
intake runs with the target congress active, as its staff entering a suggestion would."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.models import Session
from congress.roles import is_congress_staff
from congress.tenancy import activate
from deputies.models import Deputy
from suggestions import notifications
from suggestions.figures.summaries import in_step
from suggestions.models import Event, Suggestion, WorkflowError
from suggestions.services.checks import check_transfer, transfer_targets
from suggestions.services.common import _lock, _move, _record, site_text
from suggestions.services.intake import ask_co_signers, enter_suggestion

Status = Suggestion.Status
Action = Event.Action


def transfer(*, suggestion, to_congress, reason, by, on=None):
    """Transfer `suggestion` to `to_congress` (its parent or a child) for `reason`; by the staff
    of the suggestion's own congress. Returns the suggestion it became there."""
    with activate(None):  # both congresses' rows, the recount at the end included
        return _transfer(
            suggestion=suggestion, to_congress=to_congress, reason=reason, by=by, on=on
        )


def _seat_in(deputy, congress):
    """The same person's seat in `congress`, if they hold one; else the deputy row itself."""
    if deputy.user_id is None:
        return deputy
    seat = (
        Deputy.everywhere.filter(user_id=deputy.user_id, delegation__congress=congress)
        .select_related("delegation")
        .first()
    )
    return seat or deputy


@in_step
def _transfer(*, suggestion, to_congress, reason, by, on):
    on = on or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Say why the suggestion is transferred."))
    source = _lock(suggestion)
    source_congress = source.session.congress
    if not is_congress_staff(by, source_congress):
        raise WorkflowError(
            _("Only the staff of %(congress)s can transfer its suggestions.")
            % {"congress": source_congress.short_name}
        )
    check_transfer(source)
    targets = {c.pk for c in transfer_targets(source_congress)}
    if to_congress is None or to_congress.pk not in targets:
        raise WorkflowError(
            _("A suggestion can be transferred only to the congress directly above or below.")
        )
    # Read on this side before working for the other: the source's rows keep to its congress.
    signatures = list(source.signatures.select_related("deputy").order_by("pk"))
    signed = [s for s in signatures if s.confirmed_on is not None]
    asked = [s for s in signatures if s.confirmed_on is None]
    with activate(to_congress):
        session = Session.objects.current()
        if session is None or session.is_concluded:
            raise WorkflowError(
                _("%(congress)s has no session open for suggestions.")
                % {"congress": to_congress.short_name}
            )
        # The lead deputy is the person's own seat there when they hold one; otherwise the same
        # Deputy row crosses levels (a city deputy's suggestion now handled by the county), and
        # so does the delegation they came with.
        lead = _seat_in(source.lead_deputy, to_congress)
        co_signers = [_seat_in(signature.deputy, to_congress) for signature in signed]
        arrived = enter_suggestion(
            suggestion=Suggestion(
                session=session,
                title=source.title,
                content=source.content,
                category=source.category,
                lead_deputy=lead,
                delegation=lead.delegation,
                period=source.period,
                submitted_on=on,
            ),
            co_signers=[d for d in co_signers if d.pk != lead.pk],
            by=by,
            on=on,
        )
        # Deputies asked to co-sign who have not answered are asked again there (and told):
        # the original, transferred, can no longer be co-signed.
        taken = {lead.pk, *(d.pk for d in co_signers)}
        ask_co_signers(
            arrived,
            [d for d in (_seat_in(s.deputy, to_congress) for s in asked) if d.pk not in taken],
        )
    source.signatures.filter(confirmed_on__isnull=True).delete()
    _record(
        arrived,
        Action.RECEIVED,
        by=by,
        on=on,
        note=site_text(
            gettext_lazy("From %(congress)s, its %(number)s: %(reason)s"),
            congress=source_congress.short_name,
            number=str(source.number_label),
            reason=reason,
        ),
    )
    source.transferred_to = arrived
    _move(
        source,
        Status.TRANSFERRED,
        Action.TRANSFERRED,
        by=by,
        on=on,
        fields=["transferred_to"],
        note=site_text(
            gettext_lazy("To %(congress)s, its %(number)s: %(reason)s"),
            congress=to_congress.short_name,
            number=str(arrived.number_label),
            reason=reason,
        ),
    )
    notifications.notify(
        notifications.deputy_users([source.lead_deputy, lead]),
        gettext_lazy("Your suggestion “%(title)s” was transferred to %(congress)s: %(reason)s"),
        {"title": source.title, "congress": to_congress.short_name, "reason": reason},
        suggestion=arrived,
    )
    notifications.notify(
        notifications.staff_users(arrived),
        gettext_lazy("New suggestion to review, transferred from %(congress)s: %(suggestion)s"),
        {"congress": source_congress.short_name, "suggestion": arrived},
        suggestion=arrived,
    )
    return arrived
