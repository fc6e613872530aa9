"""The loop on the workbench's suggestion page: promises, ratings, flags and links, per viewer."""

from suggestions.figures.loop import (
    flags_of,
    implementation_ratings,
    links_of,
    promises_of,
    recurrence,
)
from suggestions.forms import FlagReviewForm, ImplementationForm, LinkDecisionForm
from suggestions.models import (
    SimilarLink,
    Suggestion,
)
from suggestions.search import similarity


def similar_for_draft(suggestion):
    """What a deputy sees while drafting: registered suggestions of other sessions like it."""
    return similarity.similar(
        suggestion.title, suggestion.content, exclude_session=suggestion.session, limit=5
    )


def workbench_context(suggestion, viewer, replies, bound, offered):
    """What the workbench suggestion page shows and offers for the loop, per viewer; `offered`
    is what the action decider opened (the same answer the POST gets)."""
    ratings = implementation_ratings(suggestion)
    rate_form = None
    if "rate_implementation" in bound:
        rate_form = bound["rate_implementation"]
    elif "rate_implementation" in offered:
        rate_form = ImplementationForm()
    links = links_of(suggestion, include_dismissed=viewer.is_staff)
    context = {
        "promises": promises_of(replies),
        "implementation_ratings": ratings,
        "rate_implementation_form": rate_form,
        "links": links,
        "recurrence": recurrence(
            suggestion, [link for link in links if link.state != SimilarLink.State.DISMISSED]
        ),
    }
    if suggestion.status == Suggestion.Status.DRAFT and viewer.is_lead_deputy(suggestion):
        context["draft_similar"] = similar_for_draft(suggestion)
    if viewer.is_staff:
        context["flags"] = [
            (
                kind,
                rule,
                review,
                bound.get(f"review_flag-{kind}") or FlagReviewForm(initial={"kind": kind}),
            )
            for kind, rule, review in flags_of(suggestion)
        ]
        context["link_forms"] = [
            (link, LinkDecisionForm(initial={"link": link.pk}))
            for link in links
            if link.state == SimilarLink.State.FOUND and "decide_link" in offered
        ]
    return context
