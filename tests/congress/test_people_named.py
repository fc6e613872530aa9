"""People are shown by name and role wherever a person reads, never by their login name."""

import io

import pytest
from django.urls import reverse
from docx import Document

from congress.viewer import person
from reports import services as report_services
from suggestions import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """Pages in English, the source language."""
    from django.test import Client

    return Client(headers={"accept-language": "en"})


LOGINS = ["staff", "deputy_a", "unit_x", "keeper"]


def test_a_person_is_named_with_their_role_and_never_by_their_login(
    staff, deputy_a, unit_x, station
):
    keeper = station.keepers.get()
    assert person(deputy_a.user) == "甲代表（deputy）"
    assert person(unit_x.members.get()) == "市住建局"  # a login without a name: its role alone
    assert person(staff) == "congress staff"
    assert person(keeper) == "keeper of 滨河街道人大代表联络站"
    staff.first_name, staff.last_name = "明亮", "顾"
    assert person(staff) == "明亮 顾（congress staff）"  # Django's full name: first, then last


@pytest.mark.parametrize("who", LOGINS)
def test_the_workbench_greets_each_role_without_the_login_name(
    client, who, staff, deputy_a, unit_x, station
):
    user = {
        "staff": staff,
        "deputy_a": deputy_a.user,
        "unit_x": unit_x.members.get(),
        "keeper": station.keepers.get(),
    }[who]
    client.force_login(user)
    page = client.get(reverse("workbench:dashboard")).content.decode()
    assert f"Logged in as {person(user)}." in page
    assert f"Logged in as {who}." not in page


def test_a_problems_history_names_the_deputy_and_keeper_not_their_logins(
    client, reception, deputy_a, session, category
):
    problem = reception.problems.first()
    client.force_login(deputy_a.user)
    client.post(
        reverse("stations_work:problem_act", args=[problem.pk, "take_up"]),
        {"title": "关于供暖的建议", "category": category.pk},
    )
    keeper = reception.station.keepers.get()
    client.force_login(keeper)
    page = client.get(reverse("stations_work:problem", args=[problem.pk])).content.decode()
    assert "<small>甲代表（deputy）</small>" in page
    assert "<small>congress staff</small>" in page  # staff recorded the reception
    assert "<small>deputy_a</small>" not in page and "<small>staff</small>" not in page


def test_the_report_and_its_docx_name_who_made_it_by_name_and_role(client, staff, session):
    staff.first_name = "王芳"
    staff.save()
    report = report_services.generate_report(session=session, by=staff)
    client.force_login(staff)
    page = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert "by 王芳（congress staff）" in page and "by staff" not in page
    index = client.get(reverse("reports:index")).content.decode()
    assert "王芳（congress staff）" in index
    response = client.get(reverse("reports:docx", args=[report.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "by 王芳（congress staff）" in text and "by staff" not in text


def test_the_back_offices_history_names_people_not_logins(client, staff, build, reception):
    station = reception.station
    suggestion = build()
    services.register(suggestion=suggestion, by=station.keepers.get())
    client.force_login(staff)
    page = client.get(
        reverse("admin:suggestions_suggestion_change", args=[suggestion.pk])
    ).content.decode()
    assert "keeper of 滨河街道人大代表联络站" in page
    events = client.get(reverse("admin:suggestions_event_changelist")).content.decode()
    assert "keeper of 滨河街道人大代表联络站" in events
    problem = reception.problems.first()
    page = client.get(reverse("admin:deputies_problem_change", args=[problem.pk])).content.decode()
    assert "congress staff" in page  # staff recorded the reception
