"""A person who is a deputy of the city and of a county (孝义市): one login, one workbench showing
both, each suggestion under its own congress and acted on at that congress's site; and the
liaison stations they share with deputies of every level."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress.models import Congress, Delegation, Division, Session
from congress.tenancy import activate
from deputies.forms import ReceptionForm
from deputies.models import Deputy, Problem
from suggestions import services
from suggestions.models import Suggestion
from tests.conftest import START, make_deputy

Status = Suggestion.Status


@pytest.fixture
def county_seat(county, deputy_a):
    """deputy_a's seat in the county: the same login, a second Deputy row."""
    return Deputy.objects.create(
        name=deputy_a.name,
        level=Deputy.Level.MUNICIPAL,
        delegation=county.delegation,
        user=deputy_a.user,
    )


def county_suggestion(county, category, lead, state=Status.SUBMITTED, title=None, **kwargs):
    """A suggestion of the county's session, entered and moved on by the county's staff."""
    with activate(county.congress):
        suggestion = services.enter_suggestion(
            suggestion=Suggestion(
                session=county.session,
                title=title or "关于县城供暖管网改造的建议",
                content="管网老化。",
                category=category,
                lead_deputy=lead,
                delegation=lead.delegation,
            ),
            by=county.staff,
            on=START,
            **kwargs,
        )
        if state in (Status.REGISTERED, Status.REPLIED):
            services.register(suggestion=suggestion, by=county.staff, on=START)
        if state == Status.REPLIED:
            services.assign(suggestion=suggestion, lead_unit=county.unit, by=county.staff, on=START)
            services.reply(
                assignment=suggestion.assignments.get(),
                reply_class="A",
                text="已解决。",
                signed_by="局长",
                by=county.staff,
                on=START + datetime.timedelta(days=30),
            )
    return suggestion


def test_one_workbench_shows_both_congresses_suggestions_at_either_site(
    client, build, deputy_a, county, county_seat, category
):
    city = build(Status.REGISTERED, title="关于市级主干道改造的建议")
    theirs = county_suggestion(county, category, county_seat)
    client.force_login(deputy_a.user)
    for dashboard in ("/workbench/", "/c/xiaoyi/workbench/"):
        page = client.get(dashboard).content.decode()
        assert city.title in page and theirs.title in page
        # Each links to its page on its own congress's site.
        assert f'href="/workbench/suggestions/{city.pk}/"' in page
        assert f'href="/c/xiaoyi/workbench/suggestions/{theirs.pk}/"' in page
        # A new suggestion is drafted at the site of the congress it is for.
        assert 'href="/workbench/suggestions/new/"' in page
        assert 'href="/c/xiaoyi/workbench/suggestions/new/"' in page
        assert "孝义市" in page


def test_each_suggestion_opens_at_its_own_congress_site_only(
    client, build, deputy_a, county, county_seat, category
):
    city = build(Status.REGISTERED)
    theirs = county_suggestion(county, category, county_seat)
    client.force_login(deputy_a.user)
    assert client.get(f"/c/xiaoyi/workbench/suggestions/{theirs.pk}/").status_code == 200
    assert client.get(f"/workbench/suggestions/{theirs.pk}/").status_code == 404
    assert client.get(f"/workbench/suggestions/{city.pk}/").status_code == 200
    assert client.get(f"/c/xiaoyi/workbench/suggestions/{city.pk}/").status_code == 404


def test_a_county_reply_awaits_the_rating_on_the_city_dashboard_too(
    client, deputy_a, county, county_seat, category
):
    replied = county_suggestion(county, category, county_seat, Status.REPLIED)
    client.force_login(deputy_a.user)
    response = client.get("/workbench/")
    groups = {key: rows for key, _title, rows, _page in response.context["deputy_groups"]}
    assert [s.pk for s in groups["rate"]] == [replied.pk]
    assert groups["rate"][0].lead_unit_name == county.unit.name  # the county's unit, read there
    # It is rated at the county's site, from the county seat.
    rate = f"/c/xiaoyi/workbench/suggestions/{replied.pk}/evaluate/"
    response = client.post(rate, {"satisfaction": "satisfied", "contacted": "yes"})
    assert response.status_code == 302
    assert replied.evaluations.get().deputy == county_seat


def test_a_co_signing_request_of_the_county_shows_at_the_city_and_links_there(
    client, deputy_a, county, county_seat, category
):
    with activate(county.congress):
        services.create_draft(
            deputy=county.deputy,
            session=county.session,
            title="关于县道养护的建议",
            content="坑洼多。",
            category=category,
            co_signers=[county_seat],
            by=county.deputy.user,
        )
    client.force_login(deputy_a.user)
    response = client.get("/workbench/")
    [request] = response.context["to_confirm"]
    assert request.site_url.startswith("/c/xiaoyi/workbench/suggestions/")


def test_a_person_with_a_county_seat_only_has_a_workbench_at_the_city_site(
    client, county, category
):
    theirs = county_suggestion(county, category, county.deputy)
    client.force_login(county.deputy.user)
    page = client.get("/workbench/").content.decode()
    assert f'href="/c/xiaoyi/workbench/suggestions/{theirs.pk}/"' in page


def test_the_dashboard_asks_no_more_queries_for_more_rows(
    client, build, deputy_a, county, county_seat, category
):
    build(Status.REGISTERED)
    county_suggestion(county, category, county_seat)
    client.force_login(deputy_a.user)
    client.get("/workbench/")  # warm the per-process caches

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/workbench/").status_code == 200
        return len(queries)

    few = count()
    for n in range(4):
        build(Status.REGISTERED, title=f"关于第{n}条市级道路的建议")
        county_suggestion(county, category, county_seat, title=f"关于第{n}条县级道路的建议")
    assert count() == few


# -- liaison stations, shared across levels --------------------------------------------------


def test_the_reception_form_offers_the_deputies_of_every_level(
    station, deputy_a, county, county_seat, delegation
):
    county.congress.division = station.division  # 离石区's own congress, for this test
    county.congress.save()
    elsewhere = Delegation.everywhere.create(
        congress=Congress.objects.default(),
        name="兴县代表团",
        division=Division.objects.create(name="兴县"),
    )
    far = make_deputy(elsewhere, "远代表")
    with activate(Congress.objects.default()):
        form = ReceptionForm(station=station)
        offered = set(form.fields["deputies"].queryset)
        labels = dict(form.fields["deputies"].choices)
    assert {deputy_a, county_seat, county.deputy} <= offered
    assert far not in offered
    assert any("孝义市" in str(label) for label in labels.values())


def test_a_reception_records_and_lists_deputies_of_both_levels(
    client, station, deputy_a, county, county_seat
):
    station.deputies.add(county_seat)
    client.force_login(station.keepers.get())
    response = client.post(
        reverse("stations_work:reception_new", args=[station.pk]),
        {
            "held_on": START.isoformat(),
            "deputies": [deputy_a.pk, county_seat.pk],
            "people_received": 2,
            "problems-TOTAL_FORMS": 0,
            "problems-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("deputies:station", args=[station.pk])).content.decode()
    assert f"{deputy_a.name}（{Congress.objects.default().short_name}）" in page
    assert f"{county_seat.name}（孝义市）" in page


def test_problems_are_taken_up_into_the_congress_of_the_site_the_deputy_acts_from(
    client, reception, deputy_a, county, county_seat, category, session
):
    station = reception.station
    station.deputies.add(county_seat)
    heating, road = reception.problems.order_by("pk")
    client.force_login(deputy_a.user)

    response = client.post(
        reverse("stations_work:problem_act", args=[heating.pk, "take_up"]),
        {"title": "关于改善小区供暖的建议", "category": category.pk},
    )
    assert response.status_code == 302
    response = client.post(
        f"/c/xiaoyi/workbench/problems/{road.pk}/take_up/",
        {"title": "关于整修村道的建议", "category": category.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].startswith("/c/xiaoyi/")

    city = Suggestion.everywhere.get(title="关于改善小区供暖的建议")
    county_one = Suggestion.everywhere.get(title="关于整修村道的建议")
    assert (city.session, city.lead_deputy) == (session, deputy_a)
    with activate(county.congress):
        assert county_one.session == Session.objects.current() == county.session
    assert county_one.lead_deputy == county_seat
    assert Problem.objects.get(pk=road.pk).suggestion == county_one
    # The problem's page at the city's site links to the suggestion on the county's.
    page = client.get(reverse("stations_work:problem", args=[road.pk])).content.decode()
    assert f"/c/xiaoyi/workbench/suggestions/{county_one.pk}/" in page
