"""Supervision and the accountability loop: key suggestions, meetings, special reports,
consistency flags, recurring suggestions and the publication clock."""

import datetime

from django.utils.translation import gettext as _

from suggestions.figures.summaries import in_step
from suggestions.models import (
    FLAGS,
    Event,
    FlagReview,
    KeySupervision,
    SimilarLink,
    SpecialReport,
    Suggestion,
    SupervisionMeeting,
    WorkflowError,
)
from suggestions.search import similarity
from suggestions.services.checks import check_mark_key
from suggestions.services.common import _lock, _record, _today, rule, site_text

Status = Suggestion.Status
Action = Event.Action


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
