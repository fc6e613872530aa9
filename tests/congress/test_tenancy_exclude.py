"""A congress's queries may exclude across a many-valued relation (a subquery Django builds)."""

from congress.tenancy import activate
from suggestions.models import Suggestion


def test_excluding_across_a_many_valued_relation_keeps_to_the_active_congress(
    county, build, unit_x
):
    build(Suggestion.Status.ASSIGNED, lead_unit=unit_x)
    with activate(county.congress):
        assert not Suggestion.objects.exclude(assignments__unit=county.unit).exists()
    city = unit_x.congress
    with activate(city):
        assert Suggestion.objects.exclude(assignments__unit=county.unit).count() == 1
        assert not Suggestion.objects.exclude(assignments__unit__congress=city).exists()
