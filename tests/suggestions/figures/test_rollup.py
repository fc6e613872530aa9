"""Roll-ups (suggestions/figures/rollup.py): the city sees its counties side by side and summed,
read-only, from their summary rows, in a constant number of queries; on its public home page
(which goes stale when a county's figures change), on the staff workbench and in its report."""

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from congress.models import Congress, Session
from congress.tenancy import activate
from reports.compose import SiteLink, compose
from reports.models import Report
from suggestions import services
from suggestions.figures import rollup, stats
from suggestions.models import Suggestion
from tests.conftest import START, make_county

S = Suggestion.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_not_parked():
    yield
    for backend in caches.all(initialized_only=True):
        backend.__dict__.pop("_congress_down_until", None)


@pytest.fixture
def fenyang(db):
    """A second county under the city, 汾阳市, as the `county` fixture makes 孝义市."""
    return make_county(
        "汾阳市",
        "fenyang",
        session="汾阳十七届一次会议",
        delegation="汾阳城区代表团",
        deputy="戊县代表",
        opens_on=datetime.date(2026, 1, 9),
        order=2,
    )


@pytest.fixture
def build_in(category):
    """build_in(county, state): a suggestion of that county, moved through its services."""

    def _build(c, state, session=None):
        with activate(c.congress):
            suggestion = services.enter_suggestion(
                suggestion=Suggestion(
                    session=session or c.session,
                    title="关于县城供热管网改造的建议",
                    content="管网老化。建议改造。",
                    category=category,
                    lead_deputy=c.deputy,
                    delegation=c.delegation,
                ),
                co_signers=(),
                by=c.staff,
                on=START,
            )
            if state == S.SUBMITTED:
                return suggestion
            services.register(suggestion=suggestion, by=c.staff, on=START)
            if state == S.REGISTERED:
                return suggestion
            services.assign(suggestion=suggestion, lead_unit=c.unit, by=c.staff, on=START)
            if state == S.ASSIGNED:
                return suggestion
            services.reply(
                assignment=suggestion.assignments.get(role="lead"),
                reply_class="A",
                text="已改造。",
                signed_by="局长",
                by=c.staff,
                on=START + datetime.timedelta(days=20),
            )
            services.evaluate(
                suggestion=suggestion,
                deputy=c.deputy,
                satisfaction="satisfied",
                contacted=True,
                by=c.staff,
                on=START + datetime.timedelta(days=25),
            )
            return suggestion

    return _build


def own_figures(c):
    """What the county's own home page shows for its current session."""
    with activate(c.congress):
        return stats.session_overview(Session.objects.current())


def queries(function):
    with CaptureQueriesContext(connection) as captured:
        result = function()
    return result, len(captured.captured_queries)


def test_the_city_sees_each_county_and_their_sum_as_each_county_sees_itself(
    county, fenyang, build_in
):
    build_in(county, S.EVALUATED)
    build_in(county, S.ASSIGNED)
    build_in(fenyang, S.REGISTERED)
    city = Congress.objects.default()
    with activate(city):
        below = rollup.rollup(city)
    assert [row.congress for row in below.rows] == [county.congress, fenyang.congress]
    for row, c in zip(below.rows, [county, fenyang], strict=True):
        assert row.sessions == [c.session.name]
        mine = own_figures(c)
        for name in ["received", "registered", "assigned", "replied", "closed", "on_time"]:
            assert row.figures.counts[name] == mine.counts[name], name
        assert row.figures.satisfaction_rate == mine.satisfaction_rate
    xiaoyi = below.rows[0]
    assert (xiaoyi.figures.received, xiaoyi.figures.replied, xiaoyi.speed.median) == (2, 1, 20.0)
    assert below.total.figures.received == 3
    assert below.total.figures.registered == 3
    assert below.total.figures.reply_rate == round(100 / 3, 1)


def test_a_county_with_nothing_below_has_no_rollup_and_asks_nothing(county):
    rollup.children_of(county.congress)  # the per-process list of congresses, read once
    below, count = queries(lambda: rollup.rollup(county.congress))
    assert not below and count == 0


def test_the_sessions_of_a_year_or_each_county_current_one(county, fenyang, build_in):
    with activate(county.congress):
        older = Session.objects.create(
            term=county.term,
            number=2,
            name="十七届二次会议(2025)",
            opens_on=datetime.date(2025, 3, 1),
            closes_on=datetime.date(2025, 3, 3),
        )
    build_in(county, S.REGISTERED, session=older)
    build_in(county, S.REGISTERED)
    city = Congress.objects.default()
    current = rollup.rollup(city)
    in_2025 = rollup.rollup(city, year=2025)
    every = rollup.rollup(city, all_time=True)
    assert (current.rows[0].figures.received, current.rows[0].sessions) == (
        1,
        [county.session.name],
    )
    assert (in_2025.rows[0].figures.received, in_2025.rows[0].sessions) == (1, [older.name])
    assert in_2025.rows[1].figures.received == 0 and in_2025.rows[1].sessions == []
    assert every.total.figures.received == 2


def test_the_rollup_costs_the_same_queries_however_many_suggestions_the_counties_hold(
    county, fenyang, build_in
):
    city = Congress.objects.default()
    build_in(county, S.EVALUATED)
    _, few = queries(lambda: rollup.rollup(city, staff=True))
    for _i in range(3):
        build_in(county, S.EVALUATED)
        build_in(fenyang, S.ASSIGNED)
    _, many = queries(lambda: rollup.rollup(city, staff=True))
    assert few == many <= 6


def test_the_city_home_page_links_to_each_county_site_with_the_summed_row(
    client, session, county, fenyang, build_in
):
    build_in(county, S.EVALUATED)
    build_in(fenyang, S.REGISTERED)
    page = client.get("/").content.decode()
    assert "下级人大" in page or "Congresses below" in page
    assert 'href="/c/xiaoyi/">孝义市</a>' in page
    assert 'href="/c/fenyang/">汾阳市</a>' in page
    assert 'data-congress="total"' in page
    # A county has no congress below: its home page shows nothing new.
    county_page = client.get("/c/xiaoyi/").content.decode()
    assert 'data-congress="total"' not in county_page


def test_the_city_home_page_query_count_does_not_grow_with_the_counties_suggestions(
    session, county, fenyang, build_in
):
    caches["default"].clear()
    build_in(county, S.EVALUATED)
    _, few = queries(lambda: Client().get("/?session=all"))
    for _i in range(3):
        build_in(county, S.EVALUATED)
        build_in(fenyang, S.REGISTERED)
    caches["default"].clear()
    _, many = queries(lambda: Client().get("/?session=all"))
    assert few == many


def test_the_city_home_page_goes_stale_when_a_county_figures_change(
    session, county, fenyang, build_in
):
    build_in(county, S.REGISTERED)
    assert Client().get("/").status_code == 200
    _, count = queries(lambda: Client().get("/"))
    assert count == 0  # served from the page cache
    build_in(fenyang, S.REGISTERED)  # a write in a county, nothing in the city
    response, count = queries(lambda: Client().get("/"))
    assert count > 0
    row = response.content.decode().split('data-congress="fenyang"')[1]
    assert 'data-figure="received">1<' in row


def test_staff_see_the_counties_with_what_the_summary_rows_say_of_lateness(
    client, staff, county, fenyang, build_in
):
    build_in(county, S.EVALUATED)
    client.force_login(staff)
    page = client.get("/workbench/below/").content.decode()
    assert 'href="/c/xiaoyi/">孝义市</a>' in page
    assert 'data-figure="promises_overdue"' in page
    assert 'data-figure="flags_to_review"' in page
    assert "/workbench/below/" in client.get("/workbench/").content.decode()
    # A year nobody can mean is refused with a message, and the current sessions shown.
    response = client.get("/workbench/below/?year=abc")
    assert response.status_code == 200
    assert 'href="/c/xiaoyi/">孝义市</a>' in response.content.decode()


def test_only_staff_see_the_staff_rollup_and_a_county_has_none_below(
    client, county, fenyang, deputy_a
):
    client.force_login(deputy_a.user)
    assert client.get("/workbench/below/").status_code == 403
    client.force_login(county.staff)
    page = client.get("/c/xiaoyi/workbench/below/")
    assert page.status_code == 200
    assert 'data-congress="total"' not in page.content.decode()
    assert "/workbench/below/" not in client.get("/c/xiaoyi/workbench/").content.decode()


def test_the_city_report_of_the_year_has_the_counties_figures(
    staff, session, county, fenyang, build_in
):
    build_in(county, S.EVALUATED)
    city = Congress.objects.default()
    with activate(city):
        report = Report.objects.create(year=2026, title="2026年度", generated_by=staff)
        sections = compose(report)
    # After the handling units' section: the counties', each linking to its site.
    (table,) = sections[4].blocks
    assert isinstance(table.rows[0][0], SiteLink)
    assert [str(c) for c in table.rows[0]][1:3] == ["1", "1"]
    assert [str(c) for c in table.rows[-1]][1] == "1"  # the total
    assert table.rows[0][0].url == "/c/xiaoyi/"
    with activate(county.congress):
        county_report = Report.objects.create(year=2026, title="2026年度", generated_by=staff)
        titles = [s.title for s in compose(county_report)]
    assert len(titles) == len(sections) - 1
    # The Word document holds the same table.
    from reports.documents import report_docx

    with activate(city):
        assert report_docx(report)
