"""Who the logged-in user is to the congress: staff, a deputy, a handling unit, a station keeper.

Every app's views ask here. The core names no model of the apps above it: the deputy is found
through the reverse relation the deputies app declares on the user, and what a viewer may see of
problems and suggestions is asked of `deputies.access` and `suggestions.access`.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from congress.roles import STAFF_GROUP, is_congress_staff


def _seats_of(user):
    """The user's deputy records (a seat in each congress they sit in), with delegation and
    congress (one query, as the pages expect)."""
    deputy_model = user._meta.get_field("deputy_seats").related_model
    rows = deputy_model.everywhere.filter(user=user).select_related("delegation__congress")
    return list(rows.order_by("delegation__congress__level", "pk"))


def _seat_in(seats, congress):
    """The seat in `congress` (None: the congress being worked for)."""
    from congress.tenancy import congress_of_work

    congress = congress or congress_of_work()
    return next((s for s in seats if s.delegation.congress_id == congress.pk), None)


class Viewer:
    """A logged-in user's roles: congress staff, a deputy, member of handling units."""

    def __init__(self, user):
        self.user = user
        self.is_staff = is_congress_staff(user)
        # Every congress the person sits in, and their seat in the one being worked for.
        self.seats = _seats_of(user)
        self.deputy = _seat_in(self.seats, None)
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

    def sees_private_details(self, problem):
        """The person's name and phone: staff, the station's keepers, the unit handling it."""
        return self.keeps(problem.station_id) or problem.unit_id in self.unit_ids

    def seat_on(self, suggestion):
        """The person's seat that leads or co-signs `suggestion`: their seat in the congress
        being worked for, or (a suggestion transferred across levels keeps its deputy rows)
        another of their seats; None if they are not on it."""
        signers = {sig.deputy_id for sig in suggestion.signatures.all()}
        on_it = [s for s in self.seats if s.pk == suggestion.lead_deputy_id or s.pk in signers]
        return next((s for s in on_it if s == self.deputy), on_it[0] if on_it else None)

    def is_lead_deputy(self, suggestion):
        return any(seat.pk == suggestion.lead_deputy_id for seat in self.seats)

    def is_co_signer(self, suggestion):
        seats = {seat.pk for seat in self.seats}
        return any(sig.deputy_id in seats for sig in suggestion.signatures.all())


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


# What person_and_role reads beyond the deputy seats: prefetch these when naming many.
PERSON_RELATIONS = ("deputy_seats", "handling_units", "groups", "kept_stations")


def person_and_role(user):
    """(name, role) of the person behind a login, as a history line names them: a deputy,
    a handling unit's member, congress staff or a station's keeper; the name is "" when the
    login has none (the login name is never shown to people). Reads user.deputy_seats,
    user.handling_units, user.groups and user.kept_stations, so prefetch those when naming many."""
    if user is None:
        return "", ""
    name = user.get_full_name()
    deputy = next(iter(user.deputy_seats.all()), None)
    if deputy is not None:
        return deputy.name, _("deputy")
    units = list(user.handling_units.all())
    if units:
        return name, str(units[0])
    if user.is_superuser or any(g.name == STAFF_GROUP for g in user.groups.all()):
        return name, _("congress staff")
    stations = list(user.kept_stations.all())
    if stations:
        return name, _("keeper of %(station)s") % {"station": stations[0]}
    return name, ""


def person(user):
    """A person as people read them, everywhere (pages, history, reports, .docx): name and
    role, 顾明亮（代表）; the role alone when the login has no name; never the login name."""
    name, role = person_and_role(user)
    if name and role:
        return f"{name}（{role}）"
    return name or str(role) or (_("a user without a name") if user is not None else "")
