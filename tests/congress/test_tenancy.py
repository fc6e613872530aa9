"""Many congresses in one installation: each congress's site, and its rows kept to it."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from congress.models import Congress, HandlingUnit, Session
from congress.tenancy import activate, url_in
from suggestions.models import Suggestion
from tests.conftest import START


def test_the_city_stays_at_the_root_and_a_county_has_its_own_site(client, session, county):
    city = client.get("/")
    assert city.status_code == 200
    assert "吕梁市人民代表大会" in city.content.decode()
    page = client.get("/c/xiaoyi/")
    assert page.status_code == 200 and "孝义市人民代表大会" in page.content.decode()
    # Every address the county's page builds stays on the county's site.
    assert 'href="/c/xiaoyi/suggestions/"' in page.content.decode()


def test_an_unknown_congress_is_not_found(client, county):
    assert client.get("/c/nowhere/").status_code == 404
    assert client.get("/c/lvliang/").status_code == 404  # the default is at /, once


def test_rows_keep_to_the_active_congress_when_the_query_runs(session, county):
    units = HandlingUnit.objects.all()  # built before any congress is active
    with activate(county.congress):
        assert list(units) == [county.unit]
        assert list(Session.objects.all()) == [county.session]
    with activate(Congress.objects.default()):
        assert county.unit not in list(units.all())
        assert list(Session.objects.all()) == [session]
    assert set(Session.objects.all()) == {session, county.session}  # no congress: every one


def test_an_update_through_the_manager_keeps_to_the_active_congress(session, county, build):
    build()
    with activate(county.congress):
        assert Suggestion.objects.update(title="改") == 0
    assert Suggestion.objects.get().title != "改"


def test_a_new_row_belongs_to_the_congress_being_worked_for(county):
    with activate(county.congress):
        unit = HandlingUnit.objects.create(name="孝义市教育局")
    assert unit.congress == county.congress
    assert HandlingUnit.objects.create(name="市教育局").congress.is_default


def test_the_same_unit_name_may_serve_two_congresses(county):
    with activate(county.congress):
        HandlingUnit.objects.create(name="财政局")
    HandlingUnit.objects.create(name="财政局")
    assert HandlingUnit.everywhere.filter(name="财政局").count() == 2


def test_addresses_on_another_congress_site(rf, county):
    city = Congress.objects.default()
    assert url_in(county.congress, "/suggestions/") == "/c/xiaoyi/suggestions/"
    assert url_in(city, "/suggestions/") == "/suggestions/"
    assert reverse("suggestions:list") == "/suggestions/"


def test_each_congress_handles_under_its_own_rule_profile(build, unit_x, county, staff):
    """孝义市's own 办法 gives units two months to reply; the city's default gives three."""
    county.congress.rules = {"REPLY_MONTHS": 2}
    county.congress.save()
    city_case = build(Suggestion.Status.ASSIGNED, lead_unit=unit_x)
    with activate(county.congress):
        county_case = build(
            Suggestion.Status.ASSIGNED,
            session=county.session,
            lead_deputy=county.deputy,
            lead_unit=county.unit,
        )
    city_due = city_case.assignments.get().due_on
    county_due = county_case.assignments.get().due_on
    assert (city_due.month - START.month, county_due.month - START.month) == (3, 2)


def test_operators_manage_congresses_and_staff_see_their_own(client, staff, county):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-12345!")
    client.force_login(admin)
    listing = client.get("/admin/congress/congress/").content.decode()
    assert "孝义市人民代表大会" in listing and "吕梁市人民代表大会" in listing
    client.force_login(county.staff)
    assert client.get("/admin/congress/congress/").status_code == 302  # not the city's staff
    own = client.get("/c/xiaoyi/admin/congress/congress/")
    assert own.status_code == 200
    assert "吕梁市人民代表大会</a>" not in own.content.decode()  # the city above: not theirs
    change = client.get(f"/c/xiaoyi/admin/congress/congress/{county.congress.pk}/change/")
    assert change.status_code == 200 and 'name="name"' not in change.content.decode()


def test_a_locked_row_locks_only_itself_not_what_its_congress_is_reached_through(county):
    """A suggestion reaches its congress through its session: a write that locks a suggestion
    must not lock the session's row too (every write of the session would queue on it)."""
    with activate(county.congress):
        compiled = Suggestion.objects.select_for_update().query.get_compiler("default").query
    assert compiled.select_for_update_of == ("self",)
