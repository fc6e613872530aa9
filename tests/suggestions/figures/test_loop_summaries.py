"""The loop's figures and the days to first reply on the public pages come from summary rows.

What a page or the API shows equals the live definition (`stats.loop_figures`,
`stats.reply_speed`, `stats.promise_counts_by_unit`); whether a promise is past its date moves
with the clock, with nothing written; and no page reads more queries for more rows.
(`tests/test_summaries.py` checks the rows themselves equal a recount after every service.)
"""

import datetime
import random
import statistics

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suggestions import services
from suggestions.figures import stats
from suggestions.models import Assignment, Reply, Suggestion
from tests.conftest import NOW, START

Status = Suggestion.Status
pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
PROMISED = START + 30 * DAY + 90 * DAY  # the date `build` promises on a B reply: 30 December


def replied_after(build, unit, days, title):
    suggestion = build(Status.ASSIGNED, lead_unit=unit, title=title)
    services.reply(
        assignment=suggestion.assignments.get(),
        reply_class="A",
        text="已解决。",
        signed_by="局长",
        by=suggestion.lead_deputy.user,
        on=START + days * DAY,
    )
    return suggestion


# --- median and average from a spread of days ---------------------------------------------------


def test_median_and_average_from_the_spread_are_statistics_own():
    rng = random.Random(11)
    for n in [1, 2, 3, 4, 5, 10, 11, 100, 101]:
        for _ in range(20):
            days = [rng.randint(0, 12) for _ in range(n)]
            speed = stats.Speed.of(days)
            assert speed.count == n
            assert speed.median == round(float(statistics.median(days)), 1), days
            assert speed.average == round(statistics.fmean(days), 1), days
    assert stats.Speed({}).median is None and stats.Speed({}).average is None


def test_an_even_count_shows_the_mean_of_the_two_middle_days(client, build, unit_x, unit_y):
    replied_after(build, unit_x, 10, "a")
    replied_after(build, unit_x, 11, "b")
    replied_after(build, unit_y, 40, "c")
    units = {r["unit"]: r for r in client.get(reverse("suggestions:units")).context["rows"]}
    assert (units[unit_x.pk]["median_days"], units[unit_x.pk]["average_days"]) == (10.5, 10.5)
    home = client.get(reverse("suggestions:home")).context["speed"]
    assert (home.median, home.average, home.count) == (11.0, 20.3, 3)  # 10, 11, 40
    replied_after(build, unit_x, 30, "d")  # odd again: 10, 11, 30
    page = client.get(reverse("suggestions:unit", args=[unit_x.pk]))
    assert (page.context["row"]["median_days"], page.context["row"]["average_days"]) == (11, 17.0)
    home = client.get(reverse("suggestions:home") + "?session=all").context["speed"]
    assert (home.median, home.count) == (20.5, 4)  # 10, 11, 30, 40


# --- promises past their date as the clock moves ---------------------------------------------


def promise_figures(client, unit):
    """The promise figures of every page and the API, all time."""
    home = client.get(reverse("suggestions:home") + "?session=all").context["loop"]
    row = next(
        r
        for r in client.get(reverse("suggestions:units") + "?session=all").context["rows"]
        if r["unit"] == unit.pk
    )
    page = client.get(reverse("suggestions:unit", args=[unit.pk]) + "?session=all").context
    api = client.get("/api/v1/statistics").json()["promises"]
    keys = ["kept", "late", "overdue", "open"]
    shown = {
        "home": [home[f"promises_{k}"] for k in keys],
        "units": [row[f"promises_{k}"] for k in keys if k != "open"],
        "unit": [page["promise_figures"][f"promises_{k}"] for k in keys],
        "api": [api[k] for k in keys],
    }
    live = stats.promise_counts(Suggestion.objects.all())
    assert shown["home"] == shown["unit"] == shown["api"] == [live[f"promises_{k}"] for k in keys]
    assert shown["units"] == shown["home"][:3]
    return shown["home"], home["promise_kept_rate"], row["promise_kept_rate"]


def test_a_promise_falls_past_its_date_at_midnight_with_nothing_written(
    client, build, staff, unit_x
):
    kept = build(Status.REPLIED, lead_unit=unit_x, reply_class="B")
    build(Status.REPLIED, lead_unit=unit_x, reply_class="B")  # promised by 30 December
    services.follow_up(
        assignment=kept.assignments.get(),
        reply_class="A",
        text="已完成。",
        signed_by="局长",
        by=staff,
        on=NOW.date(),
    )
    assert promise_figures(client, unit_x) == ([1, 0, 0, 1], 100.0, 100.0)
    with time_machine.travel(datetime.datetime.combine(PROMISED, NOW.timetz()), tick=False):
        assert promise_figures(client, unit_x) == ([1, 0, 0, 1], 100.0, 100.0)  # due today
    with time_machine.travel(datetime.datetime.combine(PROMISED + DAY, NOW.timetz()), tick=False):
        assert promise_figures(client, unit_x) == ([1, 0, 1, 0], 50.0, 50.0)


def test_overdue_suggestions_on_a_cached_page_move_with_the_clock(client, build, unit_x):
    build(Status.ASSIGNED, lead_unit=unit_x)  # assigned 1 September, due within 3 months
    url = reverse("suggestions:home")
    assert 'data-figure="overdue">0<' in client.get(url).content.decode()
    due = Suggestion.objects.get().due_on
    with time_machine.travel(datetime.datetime.combine(due + DAY, NOW.timetz()), tick=False):
        assert 'data-figure="overdue">1<' in client.get(url).content.decode()


# --- pages and API equal the live definitions ------------------------------------------------


@pytest.fixture
def mixed(build, staff, unit_x, unit_y, deputy_b):
    """Suggestions in each state, classes B and C with promises kept, late and open, split and
    co-handled ones, ratings by co-signers, published and unpublished replies."""
    made = [
        build(Status.EVALUATED, lead_unit=unit_x, reply_class="B", co_signers=[deputy_b]),
        build(Status.EVALUATED, lead_unit=unit_y, reply_class="C", co_units=[unit_x]),
        build(Status.REPLIED, lead_unit=unit_x, reply_class="B", on=datetime.date(2026, 1, 5)),
        build(Status.CLOSED, lead_unit=unit_y),
        build(Status.ASSIGNED, lead_unit=unit_x),
        build(Status.REGISTERED),
    ]
    services.publish_reply(reply=made[3].replies.get(), by=staff)
    services.follow_up(
        assignment=made[0].assignments.get(),
        reply_class="A",
        text="已完成。",
        signed_by="局长",
        by=staff,
        on=NOW.date(),
    )
    for deputy, satisfaction in [(made[0].lead_deputy, "satisfied"), (deputy_b, "dissatisfied")]:
        services.rate_implementation(
            suggestion=made[0], deputy=deputy, satisfaction=satisfaction, by=staff
        )
    services.evaluate(
        suggestion=made[0],
        deputy=deputy_b,
        satisfaction="basically_satisfied",
        contacted=True,
        by=staff,
    )
    return made


@pytest.mark.parametrize("all_time", [False, True])
def test_pages_and_api_show_the_live_figures(client, mixed, session, unit_x, all_time):
    query = "?session=all" if all_time else f"?session={session.pk}"
    suggestions = Suggestion.objects.all()
    assignments = Assignment.objects.all()
    live = stats.loop_figures(suggestions)
    speeds, overall = stats.reply_speed(assignments)
    promises = stats.promise_counts_by_unit(Reply.objects.all())
    assert live["promises"] == 3 and live["impl_all_rated"] == 2 and live["all_rated"] == 4

    home = client.get(reverse("suggestions:home") + query).context
    assert {k: v for k, v in home["loop"].items() if k in live} == live
    assert (home["speed"].spread, home["speed"].median) == (overall.spread, overall.median)

    rows = client.get(reverse("suggestions:units") + query).context["rows"]
    assert len(rows) == 2
    for row in rows:
        want = promises[row["unit"]]
        assert {k: row[k] for k in want} == want
        assert row["promise_kept_rate"] == stats.promise_kept_rate(want)
        speed = speeds[row["unit"]]
        assert (row["median_days"], row["average_days"], row["speed_count"]) == (
            speed.median,
            speed.average,
            speed.count,
        )

    page = client.get(reverse("suggestions:unit", args=[unit_x.pk]) + query).context
    mine = Suggestion.objects.public().for_unit(unit_x)
    assert {k: page["promise_figures"][k] for k in promises[unit_x.pk]} == stats.promise_counts(
        mine, unit=unit_x
    )
    listed = Reply.objects.promises().filter(assignment__unit=unit_x, suggestion__in=mine)
    assert page["promise_page"].paginator.count == listed.count() == 2
    own = Suggestion.objects.public().filter(
        assignments__unit=unit_x, assignments__role__in=Assignment.REPLYING_ROLES
    )
    want = stats.implementation_counts(own)
    assert {k: page["implementation"][k] for k in want} == want
    assert page["implementation"]["rate"] == stats.satisfaction_rate_of(want, "impl_")

    api = client.get("/api/v1/statistics" + ("" if all_time else query)).json()
    assert api["promises"]["total"] == live["promises"]
    assert api["promise_kept_rate"] == live["promise_kept_rate"]
    assert api["all_ratings_rate"] == live["all_ratings_rate"]
    assert api["implementation_all_rate"] == live["implementation_all_rate"]
    assert (api["closed_published"], api["publication_rate"]) == (
        live["closed_published"],
        live["publication_rate"],
    )


# --- queries do not grow with rows ------------------------------------------------------------


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_figure_pages_read_as_many_queries_for_many_rows_as_for_few(
    client, build, staff, unit_x, unit_y
):
    urls = [
        reverse("suggestions:home"),
        reverse("suggestions:home") + "?session=all",
        reverse("suggestions:units") + "?session=all",
        reverse("suggestions:unit", args=[unit_x.pk]) + "?session=all",
        "/api/v1/statistics",
        "/api/v1/statistics/units",
    ]

    def more(n):
        for i in range(n):
            build(Status.REPLIED, lead_unit=[unit_x, unit_y][i % 2], reply_class="BC"[i % 2])
            build(Status.CLOSED, lead_unit=unit_x, co_units=[unit_y])

    more(1)
    few = [queries(client, url) for url in urls]
    more(4)
    assert [queries(client, url) for url in urls] == few
