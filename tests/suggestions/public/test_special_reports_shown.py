"""Special reports' satisfaction votes show on the session's home page and the unit's page."""

import datetime

from django.urls import reverse

from suggestions.models import SpecialReport


def test_votes_show_on_the_home_page_and_the_reporting_units_page(client, session, unit_x, unit_y):
    SpecialReport.objects.create(
        session=session,
        unit=unit_x,
        title="关于办理代表建议情况的报告",
        heard_on=datetime.date(2026, 10, 28),
        satisfied=38,
        basically_satisfied=4,
        dissatisfied=2,
    )
    home = client.get(reverse("suggestions:home"), {"session": session.pk}).content.decode()
    assert "关于办理代表建议情况的报告" in home and "95.5%" in home
    unit_page = client.get(reverse("suggestions:unit", args=[unit_x.pk])).content.decode()
    assert "关于办理代表建议情况的报告" in unit_page
    other = client.get(reverse("suggestions:unit", args=[unit_y.pk])).content.decode()
    assert "关于办理代表建议情况的报告" not in other
