"""What a viewer may see of the stations' problems."""

from django.db.models import Q

from deputies.models import Problem


def visible_problems(viewer):
    """Staff see all; keepers their stations'; units what was passed to them; deputies the
    problems raised at stations they serve (to take them up)."""
    if viewer.is_staff:
        return Problem.objects.all()
    match = Q(station__in=viewer.kept_station_ids) | Q(unit__in=viewer.unit_ids)
    if viewer.deputy:
        match |= Q(station__deputies=viewer.deputy)
    return Problem.objects.filter(pk__in=Problem.objects.filter(match).values("pk"))
