"""A session's end: concluding it (办结), so that its suggestions are history, not work; and
reopening one of them on purpose."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.models import Session
from congress.workdays import add_months
from suggestions import notifications
from suggestions.figures.summaries import in_step, touched_session
from suggestions.models import Event, Reply, Satisfaction, Suggestion, WorkflowError
from suggestions.services.checks import check_conclude_session, check_reopen
from suggestions.services.common import _lock, _move, _today, rule, site_text

Status = Suggestion.Status
Action = Event.Action
# What concluding closes: every suggestion that has had its reply (a dissatisfied rating in
# re-handling is the deputy's last word; an unrated reply stays unrated).
CLOSED_BY_CONCLUDING = [Status.REPLIED, Status.EVALUATED, Status.RE_HANDLING]


@in_step
def conclude_session(*, session, by, on=None, only=None):
    """Conclude a session (办结): every replied suggestion is closed with its class and rating as
    they stand, and the B/C promises nobody followed up are untracked (未跟踪). From then on its
    closed suggestions are history: no queue, workbench group, reminder or flag shows them;
    they stay public, searchable and counted. Returns how many suggestions it closed.

    Refused while a suggestion still waits to be registered, assigned or replied to. `only`
    (ids) limits the closing to those suggestions: an import into a concluded session closes
    its own rows, never one that staff reopened."""
    on = _today(on)
    session = Session.objects.select_for_update().get(pk=session.pk)
    check_conclude_session(session)
    touched_session(session)
    closing = Suggestion.objects.select_for_update().filter(
        session=session, status__in=CLOSED_BY_CONCLUDING
    )
    promises = Reply.objects.promises_open().filter(session=session)
    if only is not None:
        closing = closing.filter(pk__in=only)
        promises = promises.filter(suggestion__in=only)
    note = site_text(gettext_lazy("Session %(session)s concluded"), session=session.name)
    closed = 0
    for suggestion in closing.order_by("number"):
        suggestion.closed_on = on
        suggestion.due_on = None  # a reply still owed in re-handling is no longer awaited
        _move(
            suggestion,
            Status.CLOSED,
            Action.SESSION_CONCLUDED,
            by=by,
            on=on,
            fields=["closed_on", "due_on"],
            note=note,
        )
        closed += 1
    promises.update(promise_untracked=True)
    if session.concluded_on is None:
        session.concluded_on = on
        session.save(update_fields=["concluded_on"])
    return closed


@in_step
def reopen(*, suggestion, reason, by, on=None):
    """Take a suggestion of a concluded session back into handling, on purpose, with a reason.

    It goes back to where the rules would have left it: a dissatisfied rating not yet re-handled
    opens the round of re-handling (the units are told); a rated one awaits closing again, an
    unrated one its rating. Its untracked promises are tracked again."""
    on = _today(on)
    suggestion = _lock(suggestion)
    check_reopen(suggestion)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Say why the suggestion is reopened."))
    suggestion.closed_on = None
    fields = ["closed_on"]
    if suggestion.satisfaction == Satisfaction.DISSATISFIED and not suggestion.was_re_handled:
        due_on = add_months(on, rule("REHANDLING_MONTHS"))
        suggestion.assignments.replying().update(replied_on=None, due_on=due_on)
        suggestion.was_re_handled = True
        suggestion.due_on = due_on
        fields += ["was_re_handled", "due_on"]
        to_status = Status.RE_HANDLING
        units = [a.unit for a in suggestion.assignments.replying().select_related("unit")]
        notifications.notify(
            notifications.unit_users(units),
            gettext_lazy("Reopened: re-handle %(suggestion)s by %(date)s"),
            {"suggestion": suggestion, "date": due_on},
            suggestion=suggestion,
        )
    elif suggestion.satisfaction:
        to_status = Status.EVALUATED
    else:
        to_status = Status.REPLIED
    suggestion.replies.filter(promise_untracked=True).update(promise_untracked=False)
    _move(suggestion, to_status, Action.REOPENED, by=by, on=on, fields=fields, note=reason)
    return suggestion
