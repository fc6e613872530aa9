"""Who may see and do what in the workbench. Every workbench view asks here, nowhere else.

A suggestion a user may not see answers 404 (its existence is not confirmed); an action the
user may not take on a suggestion they can see answers 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from congress.viewer import Viewer, require_staff, viewer_for  # noqa: F401  (views import here)
from suggestions.models import Assignment, Reply, Suggestion


def visible_suggestions(viewer):
    """Staff see all; units what they were assigned; deputies what they lead or co-signed."""
    if viewer.is_staff:
        return Suggestion.objects.all()
    match = Q(assignments__unit__in=viewer.unit_ids)
    if viewer.seats:
        # Every seat of the person: a suggestion transferred from another level keeps its lead
        # deputy's row there. The default manager still keeps to this site's congress, so the
        # county's suggestions open on the county's site only.
        seats = [seat.pk for seat in viewer.seats]
        match |= Q(lead_deputy__in=seats) | Q(signatures__deputy__in=seats)
    ids = Suggestion.objects.filter(match).values("pk")
    return Suggestion.objects.filter(pk__in=ids)


def get_visible_suggestion(viewer, pk):
    suggestion = visible_suggestions(viewer).filter(pk=pk).first()
    if suggestion is None:
        raise Http404
    return suggestion


def own_assignment(viewer, suggestion, assignment_pk):
    """The unit's own assignment on this suggestion (staff may act for any unit)."""
    try:
        assignment = suggestion.assignments.get(pk=assignment_pk)
    except (Assignment.DoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error
    if not (viewer.is_staff or assignment.unit_id in viewer.unit_ids):
        raise PermissionDenied
    return assignment


def may_download(user, reply):
    """The public: a published, current reply of a public suggestion, unless staff published a
    redacted text (the signed letter holds the full one). Logged-in users: every reply of a
    suggestion their role lets them see, as the workbench shows it."""
    public = Reply.objects.published().filter(
        pk=reply.pk, public_text="", suggestion__in=Suggestion.objects.public()
    )
    if public.exists():
        return True
    if not user.is_authenticated:
        return False
    return visible_suggestions(Viewer(user)).filter(pk=reply.suggestion_id).exists()
