"""Permissions as a matrix for station work: every page and action against every role.

Roles: anonymous; the station's keeper; another station's keeper; unit X (the problem is
passed to it) and unit Y (not); deputy A (serves at the station) and deputy B (does not); staff.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from deputies.models import DutyActivity, Problem, Reception
from suggestions.services import stations as problem_services

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "keeper", "other_keeper", "unit_x", "unit_y", "deputy_a", "deputy_b", "staff"]


@pytest.fixture
def as_role(client, staff, station, other_station, unit_x, unit_y, deputy_a, deputy_b):
    def _as(role):
        if role != "anonymous":
            client.force_login(get_user_model().objects.get(username=role))
        return client

    return _as


@pytest.fixture
def passed(reception, unit_x, staff):
    """The reception's first problem, passed to unit X."""
    problem = reception.problems.order_by("pk").first()
    return problem_services.pass_to_unit(problem=problem, unit=unit_x, by=staff)


def outcome(response):
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    return "ok" if response.status_code in (200, 302) else response.status_code


PAGES = {
    "stations": dict(
        anonymous="login",
        keeper="ok",
        other_keeper="ok",
        unit_x=403,
        unit_y=403,
        deputy_a=403,
        deputy_b=403,
        staff="ok",
    ),
    "reception_new": dict(
        anonymous="login",
        keeper="ok",
        other_keeper=403,
        unit_x=403,
        unit_y=403,
        deputy_a=403,
        deputy_b=403,
        staff="ok",
    ),
    "problems": dict(
        anonymous="login",
        keeper="ok",
        other_keeper="ok",
        unit_x="ok",
        unit_y="ok",
        deputy_a="ok",
        deputy_b="ok",
        staff="ok",
    ),
    "problem": dict(
        anonymous="login",
        keeper="ok",
        other_keeper=404,
        unit_x="ok",
        unit_y=404,
        deputy_a="ok",
        deputy_b=404,
        staff="ok",
    ),
    "activity_new": dict(
        anonymous="login",
        keeper=403,
        other_keeper=403,
        unit_x=403,
        unit_y=403,
        deputy_a=403,
        deputy_b=403,
        staff="ok",
    ),
    "records_export": dict(
        anonymous="login",
        keeper=403,
        other_keeper=403,
        unit_x=403,
        unit_y=403,
        deputy_a=403,
        deputy_b=403,
        staff="ok",
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_page_matrix(as_role, passed, station, page, role):
    args = {"reception_new": [station.pk], "problem": [passed.pk]}.get(page, [])
    response = as_role(role).get(reverse(f"stations_work:{page}", args=args))
    assert outcome(response) == PAGES[page][role]


def test_lists_show_each_role_only_its_problems(as_role, passed, reception):
    def listed(role):
        return {p.pk for p in as_role(role).get(reverse("stations_work:problems")).context["page"]}

    everything = set(reception.problems.values_list("pk", flat=True))
    assert listed("keeper") == everything == listed("staff") == listed("deputy_a")
    assert listed("unit_x") == {passed.pk}
    assert listed("other_keeper") == listed("unit_y") == listed("deputy_b") == set()


def test_private_details_show_to_the_keeper_and_the_unit_only(as_role, passed):
    url = reverse("stations_work:problem", args=[passed.pk])
    for role, sees in [("keeper", True), ("unit_x", True), ("staff", True), ("deputy_a", False)]:
        page = as_role(role).get(url).content.decode()
        assert ("10055550001" in page) == sees, role


ACTIONS = {
    # action: (problem state, POST data, roles that may)
    "on_the_spot": ("open", {"outcome": "现场答复", "person_told": "on"}, {"keeper", "staff"}),
    "pass": ("open", "unit", {"keeper", "staff"}),
    "close": (
        "open",
        {"outcome": "已解决", "solved": "on", "person_told": "on"},
        {"keeper", "staff"},
    ),
    "answer": ("passed", {"answer": "已处理"}, {"unit_x", "staff"}),
    "take_up": ("open", "suggestion", {"deputy_a"}),
}
VISIBLE = {
    "open": {"keeper", "staff", "deputy_a"},
    "passed": {"keeper", "staff", "deputy_a", "unit_x"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_action_matrix(as_role, reception, unit_x, category, session, staff, action, role):
    state, data, allowed = ACTIONS[action]
    problem = reception.problems.order_by("pk").first()
    if state == "passed":
        problem = problem_services.pass_to_unit(problem=problem, unit=unit_x, by=staff)
    if data == "unit":
        data = {"unit": unit_x.pk}
    elif data == "suggestion":
        data = {"title": "关于解决供暖问题的建议", "category": category.pk}
    before = Problem.objects.filter(pk=problem.pk).values().get()
    response = as_role(role).post(
        reverse("stations_work:problem_act", args=[problem.pk, action]), data
    )
    after = Problem.objects.filter(pk=problem.pk).values().get()
    if role == "anonymous":
        assert outcome(response) == "login"
    elif role in allowed:
        assert outcome(response) == "ok" and after != before
        return
    elif role in VISIBLE[state]:
        assert response.status_code == 403
    else:
        assert response.status_code == 404
    assert after == before


@pytest.mark.parametrize("role", ROLES)
def test_only_the_stations_keeper_and_staff_record_receptions(
    as_role, station, deputy_a, category, role
):
    response = as_role(role).post(
        reverse("stations_work:reception_new", args=[station.pk]),
        {
            "held_on": "2026-11-01",
            "deputies": [deputy_a.pk],
            "people_received": 3,
            "problems-TOTAL_FORMS": "1",
            "problems-INITIAL_FORMS": "0",
            "problems-0-summary": "路灯损坏",
            "problems-0-category": category.pk,
            "problems-0-person_name": "群众丙",
            "problems-0-person_phone": "10055550003",
        },
    )
    allowed = role in {"keeper", "staff"}
    assert outcome(response) == ("ok" if allowed else "login" if role == "anonymous" else 403)
    assert Reception.objects.exists() == allowed


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_record_duty_activities(as_role, deputy_a, role):
    response = as_role(role).post(
        reverse("stations_work:activity_new"),
        {"deputy": deputy_a.pk, "kind": "sit_in", "held_on": "2026-10-20", "title": "列席"},
    )
    assert outcome(response) == (
        "ok" if role == "staff" else "login" if role == "anonymous" else 403
    )
    assert DutyActivity.objects.exists() == (role == "staff")


def test_reception_form_refuses_a_future_date_next_to_the_field(as_role, station):
    response = as_role("keeper").post(
        reverse("stations_work:reception_new", args=[station.pk]),
        {
            "held_on": "2999-01-01",
            "deputies": [],
            "people_received": 1,
            "problems-TOTAL_FORMS": "0",
            "problems-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200 and "held_on" in response.context["form"].errors
    assert not Reception.objects.exists()
