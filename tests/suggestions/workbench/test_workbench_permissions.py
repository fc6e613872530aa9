"""Permissions as a matrix: every workbench page and action against every role.

Roles: anonymous, deputy A (the suggestion's lead deputy), deputy B (not involved), unit X
(the lead unit), unit Y (not involved), staff. Refused requests change nothing.
"""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from suggestions import services
from suggestions.models import Event, ReturnRequest, Suggestion
from tests.conftest import NOW

Status = Suggestion.Status
pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "deputy_a", "deputy_b", "unit_x", "unit_y", "staff"]


@pytest.fixture
def client_as(client, staff, deputy_a, deputy_b, unit_x, unit_y):
    def _as(role):
        if role != "anonymous":
            client.force_login(get_user_model().objects.get(username=role))
        return client

    return _as


def expect(response, outcome):
    if outcome == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif outcome == "ok":
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"]
    else:
        assert response.status_code == outcome, (response.status_code, outcome)


PAGES = {
    # name: {role: outcome}
    "dashboard": dict(
        anonymous="login", deputy_a="ok", deputy_b="ok", unit_x="ok", unit_y="ok", staff="ok"
    ),
    "suggestion": dict(
        anonymous="login", deputy_a="ok", deputy_b=404, unit_x="ok", unit_y=404, staff="ok"
    ),
    "draft_new": dict(
        anonymous="login", deputy_a="ok", deputy_b="ok", unit_x=403, unit_y=403, staff=403
    ),
    "duty_record": dict(
        anonymous="login", deputy_a="ok", deputy_b="ok", unit_x=403, unit_y=403, staff=403
    ),
    "deputy_record": dict(
        anonymous="login", deputy_a="ok", deputy_b=403, unit_x=403, unit_y=403, staff="ok"
    ),
    "paper_new": dict(
        anonymous="login", deputy_a=403, deputy_b=403, unit_x=403, unit_y=403, staff="ok"
    ),
    "meeting_new": dict(
        anonymous="login", deputy_a=403, deputy_b=403, unit_x=403, unit_y=403, staff="ok"
    ),
    "report_new": dict(
        anonymous="login", deputy_a=403, deputy_b=403, unit_x=403, unit_y=403, staff="ok"
    ),
    "export_responsibility": dict(
        anonymous="login", deputy_a=403, deputy_b=403, unit_x=403, unit_y=403, staff="ok"
    ),
    "notifications": dict(
        anonymous="login", deputy_a="ok", deputy_b="ok", unit_x="ok", unit_y="ok", staff="ok"
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_page_matrix(client_as, build, unit_x, deputy_a, page, role):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x)
    args = {"suggestion": [suggestion.pk], "deputy_record": [deputy_a.pk]}.get(page, [])
    url = reverse(f"workbench:{page}", args=args)
    if page == "export_responsibility":
        url += f"?session={suggestion.session_id}"
    expect(client_as(role).get(url), PAGES[page][role])


def state(suggestion):
    suggestion.refresh_from_db()
    return suggestion.status, suggestion.events.count(), suggestion.replies.count()


# action: (state to build, POST data, {role: outcome}); "ok" roles succeed, others change nothing
ACTIONS = {
    "submit": (
        "draft",
        {},
        dict(anonymous="login", deputy_a="ok", deputy_b=404, unit_x=404, unit_y=404, staff=403),
    ),
    "register": (
        Status.SUBMITTED,
        {},
        dict(anonymous="login", deputy_a=403, deputy_b=404, unit_x=404, unit_y=404, staff="ok"),
    ),
    "refuse": (
        Status.SUBMITTED,
        {"reason": "属个人事项"},
        dict(anonymous="login", deputy_a=403, deputy_b=404, unit_x=404, unit_y=404, staff="ok"),
    ),
    "merge": (
        Status.REGISTERED,
        "another",
        dict(anonymous="login", deputy_a=403, deputy_b=404, unit_x=404, unit_y=404, staff="ok"),
    ),
    "assign": (
        Status.REGISTERED,
        "units",
        dict(anonymous="login", deputy_a=403, deputy_b=404, unit_x=404, unit_y=404, staff="ok"),
    ),
    "key": (
        Status.ASSIGNED,
        "leader",
        dict(anonymous="login", deputy_a=403, deputy_b=404, unit_x=403, unit_y=404, staff="ok"),
    ),
    "evaluate": (
        Status.REPLIED,
        {"satisfaction": "satisfied", "contacted": "yes"},
        dict(anonymous="login", deputy_a="ok", deputy_b=404, unit_x=403, unit_y=404, staff=403),
    ),
    "close": (
        Status.EVALUATED,
        {},
        dict(anonymous="login", deputy_a=403, deputy_b=404, unit_x=403, unit_y=404, staff="ok"),
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_action_matrix(
    client_as, build, staff, unit_x, unit_y, leader, deputy_a, category, session, action, role
):
    status, data, outcomes = ACTIONS[action]
    if status == "draft":
        suggestion = services.create_draft(
            deputy=deputy_a,
            session=session,
            title="草稿",
            content="内容",
            category=category,
            by=staff,
        )
    else:
        suggestion = build(status, lead_unit=unit_x)
    if data == "units":
        data = {"lead_unit": unit_y.pk}
    elif data == "leader":
        data = {"leader": leader.pk}
    elif data == "another":
        data = {"into": build(Status.REGISTERED, title="关于同一件事的建议").number}
    before = state(suggestion)
    response = client_as(role).post(reverse("workbench:act", args=[suggestion.pk, action]), data)
    expect(response, outcomes[role])
    if outcomes[role] == "ok":
        assert state(suggestion) != before
    else:
        assert state(suggestion) == before


UNIT_ACTIONS = {
    "responsible": {"person": "张科长", "phone": "10012345678"},
    "contact": {"contacted_on": "2026-09-10", "way": "face", "note": "见面沟通"},
    "reply": {
        "reply_class": "A",
        "text": "已解决",
        "signed_by": "局长",
        "replied_on": "2026-10-01",
    },
    "extension": {"due_on": "2027-01-15", "reason": "需协调"},
    "return": {"reason": "不属本单位职责"},
}
UNIT_OUTCOMES = dict(
    anonymous="login", deputy_a=403, deputy_b=404, unit_x="ok", unit_y=404, staff="ok"
)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(UNIT_ACTIONS))
def test_unit_action_matrix(client_as, build, unit_x, action, role):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x)
    lead = suggestion.assignments.get()
    before = state(suggestion)
    url = reverse("workbench:act_on_assignment", args=[suggestion.pk, lead.pk, action])
    if action == "return":  # asked within ten days of assignment
        with time_machine.travel(datetime.datetime(2026, 9, 3, 10, tzinfo=NOW.tzinfo)):
            response = client_as(role).post(url, UNIT_ACTIONS[action])
    else:
        response = client_as(role).post(url, UNIT_ACTIONS[action])
    expect(response, UNIT_OUTCOMES[role])
    if UNIT_OUTCOMES[role] == "ok":
        assert state(suggestion) != before
    else:
        assert state(suggestion) == before


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_publish_replies(client_as, build, unit_x, role):
    suggestion = build(Status.REPLIED, lead_unit=unit_x)
    reply = suggestion.replies.get()
    response = client_as(role).post(reverse("workbench:publish", args=[reply.pk]), {})
    expect(response, {"anonymous": "login", "staff": "ok"}.get(role, 403))
    reply.refresh_from_db()
    assert reply.is_published == (role == "staff")


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_decide_returns(client_as, build, staff, unit_x, role):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x)
    request = services.request_return(
        assignment=suggestion.assignments.get(), reason="x", by=staff, on=datetime.date(2026, 9, 2)
    )
    response = client_as(role).post(
        reverse("workbench:decide", args=["return", request.pk]),
        {"approve": "no", "note": "属本单位职责"},
    )
    expect(response, {"anonymous": "login", "staff": "ok"}.get(role, 403))
    assert ReturnRequest.objects.get().decision == ("refused" if role == "staff" else "pending")


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_assign_in_bulk(client_as, build, unit_x, role):
    suggestion = build(Status.REGISTERED)
    response = client_as(role).post(
        reverse("workbench:bulk_assign"), {"suggestion": [suggestion.pk], "lead_unit": unit_x.pk}
    )
    expect(response, {"anonymous": "login", "staff": "ok"}.get(role, 403))
    suggestion.refresh_from_db()
    assert (suggestion.status == Status.ASSIGNED) == (role == "staff")


def test_co_handler_sees_the_suggestion_but_cannot_touch_the_lead_units_work(
    client_as, build, unit_x, unit_y
):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x, co_units=[unit_y])
    lead = suggestion.assignments.get(role="lead")
    co = suggestion.assignments.get(role="co")
    client = client_as("unit_y")
    assert client.get(reverse("workbench:suggestion", args=[suggestion.pk])).status_code == 200
    response = client.post(
        reverse("workbench:act_on_assignment", args=[suggestion.pk, lead.pk, "reply"]),
        UNIT_ACTIONS["reply"],
    )
    assert response.status_code == 403
    response = client.post(
        reverse("workbench:act_on_assignment", args=[suggestion.pk, co.pk, "opinion"]),
        {"text": "同意"},
    )
    assert response.status_code == 302
    assert co.opinions.count() == 1 and not suggestion.replies.exists()


def test_a_deputy_never_reads_another_deputys_private_comment(
    client_as, build, staff, unit_x, deputy_b
):
    suggestion = build(Status.REPLIED, lead_unit=unit_x, co_signers=[deputy_b])
    services.evaluate(
        suggestion=suggestion,
        deputy=deputy_b,
        satisfaction="dissatisfied",
        contacted=False,
        comment="附议代表的私下意见",
        by=staff,
    )
    services.evaluate(
        suggestion=suggestion,
        deputy=suggestion.lead_deputy,
        satisfaction="satisfied",
        contacted=True,
        comment="领衔代表的私下意见",
        by=staff,
    )
    url = reverse("workbench:suggestion", args=[suggestion.pk])
    as_lead = client_as("deputy_a").get(url).content.decode()
    assert "领衔代表的私下意见" in as_lead and "附议代表的私下意见" not in as_lead
    as_unit = client_as("unit_x").get(url).content.decode()
    assert "私下意见" not in as_unit
    as_staff = client_as("staff").get(url).content.decode()
    assert "附议代表的私下意见" in as_staff


def test_unknown_action_and_assignment_are_404(client_as, build, unit_x, unit_y):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x)
    client = client_as("staff")
    assert client.post(reverse("workbench:act", args=[suggestion.pk, "explode"])).status_code == 404
    assert (
        client.post(
            reverse("workbench:act_on_assignment", args=[suggestion.pk, 999999, "reply"])
        ).status_code
        == 404
    )
    assert client.post(reverse("workbench:act", args=[suggestion.pk, "reply"])).status_code == 404
    assert Event.objects.filter(suggestion=suggestion).count() == 3


ODD_VALUES = [
    "",
    "0",
    "-1",
    "99999999999999999999",
    "abc",
    "🙂",
    "' OR 1=1 --",
    "%",
    "1.5",
    "2999-99-99",
    "\u202e",
    "x" * 300,
]


@pytest.mark.parametrize("value", ODD_VALUES)
def test_odd_input_anywhere_in_the_workbench_never_gives_a_500(
    client_as, build, unit_x, reception, value
):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x)
    lead = suggestion.assignments.get()
    client = client_as("staff")
    for url in [
        "workbench:dashboard",
        "stations_work:problems",
        "stations_work:stations",
        "workbench:export_responsibility",
        "stations_work:records_export",
        "workbench:notifications",
    ]:
        params = {
            k: value
            for k in [
                "status",
                "role",
                "dpage",
                "upage",
                "page",
                "q",
                "session",
                "format",
                "delegation",
                "year",
            ]
        }
        assert client.get(reverse(url), params).status_code < 500, url
    posts = [
        reverse("workbench:act", args=[suggestion.pk, "assign"]),
        reverse("workbench:act", args=[suggestion.pk, "key"]),
        reverse("workbench:act_on_assignment", args=[suggestion.pk, lead.pk, "reply"]),
        reverse("workbench:act_on_assignment", args=[suggestion.pk, lead.pk, "extension"]),
        reverse("workbench:act_on_assignment", args=[suggestion.pk, lead.pk, "contact"]),
        reverse("workbench:bulk_assign"),
        reverse("workbench:meeting_new"),
        reverse("workbench:report_new"),
        reverse("workbench:draft_new"),
        reverse("stations_work:reception_new", args=[reception.station_id]),
        reverse("stations_work:problem_act", args=[reception.problems.first().pk, "pass"]),
        reverse("workbench:import_confirm", args=["0" * 32]),
    ]
    data = {
        k: value
        for k in [
            "lead_unit",
            "co_units",
            "leader",
            "reply_class",
            "text",
            "signed_by",
            "replied_on",
            "due_on",
            "reason",
            "contacted_on",
            "way",
            "suggestion",
            "session",
            "held_on",
            "numbers",
            "title",
            "content",
            "category",
            "deputies",
            "people_received",
            "unit",
            "token",
            "satisfied",
            "problems-TOTAL_FORMS",
        ]
    }
    for url in posts:
        assert client.post(url, data).status_code < 500, url
