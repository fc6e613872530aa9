"""Ids typed into a URL or a form: "²" passes str.isdigit() but not int(), and 20 digits
overflow the database. Each is refused or ignored, never a 500."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ODD = ["²", "１２", "99999999999999999999", "-1", ""]


@pytest.mark.parametrize("value", ODD)
def test_station_figures_ignore_an_odd_year(client, value):
    response = client.get(reverse("deputies:figures"), {"year": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ODD)
def test_responsibility_export_ignores_an_odd_session(client, staff, session, value):
    client.force_login(staff)
    response = client.get(reverse("workbench:export_responsibility"), {"session": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ODD)
def test_bulk_assign_refuses_odd_ids_with_a_message(client, staff, unit_x, value):
    client.force_login(staff)
    response = client.post(
        reverse("workbench:bulk_assign"), {"suggestion": value, "lead_unit": unit_x.pk}
    )
    assert response.status_code == 302
    assert response.url == reverse("workbench:dashboard")


@pytest.mark.parametrize("value", ODD)
def test_admin_unit_filter_ignores_an_odd_unit(client, staff, value):
    client.force_login(staff)
    response = client.get(reverse("admin:suggestions_suggestion_changelist"), {"unit": value})
    assert response.status_code in (200, 302)  # the admin redirects a filter value it refuses
