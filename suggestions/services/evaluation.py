"""The deputy's word on the reply and on what was done: evaluation, closing, rating the
implementation."""

from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.workdays import add_months
from suggestions import notifications
from suggestions.figures.summaries import in_step
from suggestions.models import (
    Evaluation,
    Event,
    ImplementationRating,
    Satisfaction,
    Suggestion,
    WorkflowError,
)
from suggestions.services.checks import check_close, check_evaluate, check_rate_implementation
from suggestions.services.common import _lock, _move, _record, _today, rule, site_text

Status = Suggestion.Status
Action = Event.Action


# --- evaluation and closing ---------------------------------------------------------------


@in_step
def evaluate(
    *,
    suggestion,
    deputy,
    satisfaction,
    contacted,
    comment="",
    comment_is_public=False,
    last_word=False,
    by,
    on=None,
):
    """A deputy rates the reply. The lead deputy's rating moves the suggestion on;
    dissatisfied sends it back for one round of re-handling with a new, shorter deadline,
    unless the rating is the deputy's `last_word` (a concluded session's sheet): then it is
    recorded and the suggestion is evaluated."""
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
    rehandle = not (suggestion.was_re_handled or last_word)
    if satisfaction == Satisfaction.DISSATISFIED and rehandle:
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
