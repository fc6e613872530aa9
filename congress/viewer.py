"""Who the logged-in user is to the congress: staff, a deputy, a handling unit, a station keeper.

Every app's views ask here; `suggestions.access` adds what a viewer may see of suggestions.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from congress.roles import STAFF_GROUP, is_congress_staff
from deputies.models import Deputy


class Viewer:
    """A logged-in user's roles: congress staff, a deputy, member of handling units."""

    def __init__(self, user):
        self.user = user
        self.is_staff = is_congress_staff(user)
        self.deputy = Deputy.objects.filter(user=user).select_related("delegation").first()
        self.unit_ids = set(user.handling_units.values_list("pk", flat=True))
        self.kept_station_ids = set(user.kept_stations.values_list("pk", flat=True))

    @property
    def is_unit(self):
        return bool(self.unit_ids)

    @property
    def is_keeper(self):
        return bool(self.kept_station_ids)

    @property
    def has_role(self):
        return self.is_staff or self.deputy is not None or self.is_unit or self.is_keeper

    def keeps(self, station_id):
        return self.is_staff or station_id in self.kept_station_ids

    def visible_problems(self):
        """Staff see all; keepers their stations'; units what was passed to them; deputies the
        problems raised at stations they serve (to take them up)."""
        from deputies.models import Problem

        if self.is_staff:
            return Problem.objects.all()
        match = Q(station__in=self.kept_station_ids) | Q(unit__in=self.unit_ids)
        if self.deputy:
            match |= Q(station__deputies=self.deputy)
        return Problem.objects.filter(pk__in=Problem.objects.filter(match).values("pk"))

    def sees_private_details(self, problem):
        """The person's name and phone: staff, the station's keepers, the unit handling it."""
        return self.keeps(problem.station_id) or problem.unit_id in self.unit_ids

    def visible_suggestions(self):
        from suggestions.models import Suggestion  # the floor names apps' models only lazily

        if self.is_staff:
            return Suggestion.objects.all()
        match = Q(assignments__unit__in=self.unit_ids)
        if self.deputy:
            match |= Q(lead_deputy=self.deputy) | Q(signatures__deputy=self.deputy)
        ids = Suggestion.objects.filter(match).values("pk")
        return Suggestion.objects.filter(pk__in=ids)

    def is_lead_deputy(self, suggestion):
        return self.deputy is not None and suggestion.lead_deputy_id == self.deputy.pk

    def is_co_signer(self, suggestion):
        return self.deputy is not None and any(
            sig.deputy_id == self.deputy.pk for sig in suggestion.signatures.all()
        )

    def own_assignment(self, suggestion, assignment_pk):
        """The unit's own assignment on this suggestion (staff may act for any unit)."""
        from suggestions.models import Assignment

        try:
            assignment = suggestion.assignments.get(pk=assignment_pk)
        except (Assignment.DoesNotExist, ValueError, TypeError) as error:
            raise Http404 from error
        if not (self.is_staff or assignment.unit_id in self.unit_ids):
            raise PermissionDenied
        return assignment


def viewer_for(request):
    if not hasattr(request, "_viewer"):
        request._viewer = Viewer(request.user)
    return request._viewer


def require_staff(request):
    """The viewer, when congress staff; 403 for anyone else."""
    viewer = viewer_for(request)
    if not viewer.is_staff:
        raise PermissionDenied
    return viewer


def person_and_role(user):
    """(name, role) of the person behind a login, as a history line names them: a deputy,
    a handling unit's member or congress staff. Reads user.deputy, user.handling_units and
    user.groups, so prefetch those when naming many."""
    if user is None:
        return "", ""
    name = user.get_full_name() or user.username
    deputy = getattr(user, "deputy", None)
    if deputy is not None:
        return deputy.name, _("deputy")
    units = list(user.handling_units.all())
    if units:
        return name, str(units[0])
    if user.is_superuser or any(g.name == STAFF_GROUP for g in user.groups.all()):
        return name, _("congress staff")
    return name, ""
