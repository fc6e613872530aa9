"""Which units are slowest: days from assignment to first reply, per unit and for the session."""

import csv
import datetime
import io

from django.urls import reverse

from deputies.models import LiaisonStation
from suggestions import services
from suggestions.models import Suggestion
from tests.conftest import promise_for

Status = Suggestion.Status
DAY = datetime.timedelta(days=1)


def replied_after(build, unit, days, title):
    """A suggestion assigned to `unit` on 1 September and first replied `days` later."""
    on = datetime.date(2026, 9, 1)
    suggestion = build(Status.ASSIGNED, lead_unit=unit, on=on, title=title)
    services.reply(
        assignment=suggestion.assignments.get(),
        reply_class="A",
        text="已解决。",
        signed_by="局长",
        by=suggestion.lead_deputy.user,
        on=on + days * DAY,
    )
    return suggestion


def test_units_table_shows_median_and_average_days_to_first_reply(
    client, build, unit_x, unit_y, staff
):
    for days in (10, 20, 60):
        replied_after(build, unit_x, days, f"x{days}")
    replied_after(build, unit_y, 5, "y5")
    response = client.get(reverse("suggestions:units"), {"sort": "median_days"})
    rows = response.context["rows"]
    assert [(r["unit__name"], r["median_days"], r["average_days"]) for r in rows] == [
        (unit_y.name, 5, 5.0),
        (unit_x.name, 20, 30.0),
    ]


def test_units_with_nothing_to_show_sort_last_whichever_way_and_are_marked(
    client, build, unit_x, unit_y
):
    replied_after(build, unit_x, 10, "x")
    build(Status.ASSIGNED, lead_unit=unit_y, title="y")  # nothing replied yet
    for sort in ("median_days", "-median_days", "on_time_rate", "-on_time_rate"):
        rows = client.get(reverse("suggestions:units"), {"sort": sort}).context["rows"]
        assert [r["unit__name"] for r in rows] == [unit_x.name, unit_y.name], sort
    page = client.get(reverse("suggestions:units")).content.decode()
    assert "暂无数据" in page


def test_unit_page_and_home_page_show_the_days_to_first_reply(client, build, unit_x, unit_y):
    replied_after(build, unit_x, 10, "a")
    replied_after(build, unit_x, 30, "b")
    replied_after(build, unit_y, 50, "c")
    unit_page = client.get(reverse("suggestions:unit", args=[unit_x.pk]))
    assert unit_page.context["row"]["median_days"] == 20
    home = client.get(reverse("suggestions:home"))
    assert (home.context["speed"].median, home.context["speed"].average) == (30, 30.0)
    assert "中位数 30.0 天" in home.content.decode()


def test_a_revised_reply_does_not_change_the_days_to_first_reply(client, build, unit_x, staff):
    suggestion = replied_after(build, unit_x, 10, "a")
    services.revise_reply(
        reply=suggestion.replies.get(),
        reply_class="B",
        text="改为分步解决。",
        signed_by="局长",
        by=staff,
        on=datetime.date(2026, 11, 1),
        **promise_for("B", datetime.date(2026, 11, 1)),
    )
    rows = client.get(reverse("suggestions:units")).context["rows"]
    assert rows[0]["median_days"] == 10


def test_station_page_title_is_plain_text(client, delegation):
    station = LiaisonStation.objects.create(
        name="滨河街道人大代表联络站", division=delegation.division, township="滨河街道"
    )
    page = client.get(reverse("deputies:station", args=[station.pk])).content.decode()
    title = page[page.index("<title>") : page.index("</title>")]
    assert "<h2>" not in title and "<table" not in title and station.name in title


def test_units_export_carries_the_days_to_first_reply(client, build, unit_x):
    replied_after(build, unit_x, 12, "a")
    content = client.get(reverse("suggestions:units_export", args=["csv"])).content
    header, row = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[:2]
    assert row[header.index("答复用时中位数（天）")] == "12.0"
