"""What the suggestion page offers is exactly what the POST accepts, for every status and role.

For each status a suggestion is built (deputy A leads, deputy B co-signs, unit X leads, unit Y
co-handles) and each role opens its page; then every action the workbench knows is posted with
valid data. An offered action succeeds; one not offered is refused (403, 404, or 400 with the
reason) and changes nothing. Each POST runs in a savepoint that is rolled back, so every action
is tried against the same state.
"""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from congress.models import Leader
from suggestions import services
from suggestions.models import (
    Assignment,
    CoHandlerOpinion,
    Contact,
    CoSigner,
    Evaluation,
    Event,
    ExtensionRequest,
    KeySupervision,
    Reply,
    ReturnRequest,
    Suggestion,
)
from suggestions.workbench.actions import ACTIONS
from tests.conftest import TODAY, make_deputy, make_unit

S = Suggestion.Status
ROLES = ["lead_deputy", "co_signer", "other_deputy", "lead_unit", "co_unit", "other_unit", "staff"]
STATES = [
    "draft",
    "submitted",
    "not_registered",
    "merged",
    "registered",
    "assigned",
    "assigned_today",
    "replied",
    "re_handling",
    "evaluated",
    "closed",
]


class Rollback(Exception):
    pass


@pytest.fixture
def world(build, session, category, staff, deputy_a, deputy_b, delegation, unit_x, unit_y):
    return {
        "lead_deputy": deputy_a.user,
        "co_signer": deputy_b.user,
        "other_deputy": make_deputy(delegation, "丙代表", "deputy_c").user,
        "lead_unit": unit_x.members.get(),
        "co_unit": unit_y.members.get(),
        "other_unit": make_unit("市水利局", "unit_z").members.get(),
        "staff": staff,
        "unit_z": unit_x.__class__.objects.get(name="市水利局"),
        "leader": Leader.objects.create(name="常委乙", kind=Leader.Kind.STANDING_COMMITTEE),
        # A suggestion of the same session to merge into (并案).
        "merge_into": build(S.REGISTERED, title="关于同一事项的另一件建议"),
    }


def _suggestion_in(state, build, world, deputy_a, deputy_b, session, category, unit_x, unit_y):
    staff = world["staff"]
    units = {"lead_unit": unit_x, "co_units": [unit_y]}
    if state == "draft":
        return services.create_draft(
            deputy=deputy_a,
            session=session,
            title="关于增设公交线路的建议",
            content="建议增设。",
            category=category,
            co_signers=[deputy_b],
            by=deputy_a.user,
        )
    if state == "not_registered":
        s = build(S.SUBMITTED, co_signers=[deputy_b])
        return services.refuse_registration(suggestion=s, reason="个人诉求", by=staff)
    if state == "merged":
        into = build(S.REGISTERED)
        s = build(S.REGISTERED, co_signers=[deputy_b])
        return services.merge(suggestion=s, into=into, by=staff)
    if state == "assigned_today":  # still within the return window
        return build(
            S.ASSIGNED, on=TODAY - datetime.timedelta(days=2), co_signers=[deputy_b], **units
        )
    if state == "re_handling":
        s = build(S.REPLIED, co_signers=[deputy_b], **units)
        services.evaluate(
            suggestion=s, deputy=deputy_a, satisfaction="dissatisfied", contacted=True, by=staff
        )
        return s
    return build(S(state), co_signers=[deputy_b], reply_class="B", **units)


def _open_flag(suggestion):
    from suggestions.models import FLAGS, FlagReview

    row = Suggestion.objects.with_flags(TODAY).filter(pk=suggestion.pk).values().first() or {}
    reviewed = set(FlagReview.objects.filter(suggestion=suggestion).values_list("kind", flat=True))
    return next((k for k in FLAGS if row.get(f"flag_{k}") and k not in reviewed), "")


def _valid_data(name, assignment, world, suggestion):
    text = {"reply_class": "A", "text": "已办理。", "signed_by": "局长"}
    link = suggestion.similar_links.filter(state="found").first()
    return {
        "rate_implementation": {"satisfaction": "satisfied"},
        "review_flag": {"kind": _open_flag(suggestion), "note": "已核实"},
        "decide_link": {"link": link.pk if link else "", "confirm": "yes"},
        "evaluate": {"satisfaction": "satisfied", "contacted": "yes"},
        "responsible": {"person": "张三"},
        "contact": {"contacted_on": TODAY.isoformat(), "way": "face"},
        "opinion": {"text": "协办意见"},
        "reply": {**text, "replied_on": TODAY.isoformat()},
        "extension": {
            "due_on": (assignment.due_on + datetime.timedelta(days=20)).isoformat()
            if assignment
            else "",
            "reason": "情况复杂",
        },
        "return": {"reason": "不属本单位职责"},
        "revise": text,
        "follow_up": text,
        "refuse": {"reason": "个人诉求"},
        "assign": {"lead_unit": world["unit_z"].pk},
        "key": {"leader": world["leader"].pk},
        "merge": {"into": world["merge_into"].number},
    }.get(name, {})


def _every_action(suggestion):
    """[(name, assignment or None, url)] for every action the workbench knows."""
    out = []
    for name, spec in ACTIONS.items():
        if spec.who == "unit":
            for a in suggestion.assignments.all():
                url = reverse("workbench:act_on_assignment", args=[suggestion.pk, a.pk, name])
                out.append((name, a, url))
        else:
            out.append((name, None, reverse("workbench:act", args=[suggestion.pk, name])))
    return out


def _offered(client, suggestion):
    response = client.get(reverse("workbench:suggestion", args=[suggestion.pk]))
    if response.status_code == 404:
        return set()
    assert response.status_code == 200
    offered = {(name, None) for name, form in response.context["forms"].items() if form}
    for assignment, forms in response.context["unit_forms"]:
        offered |= {(name, assignment.pk) for name, form in forms.items() if form}
    return offered


def _snapshot(suggestion):
    s = Suggestion.objects.get(pk=suggestion.pk)
    return (
        s.status,
        s.is_key,
        s.due_on,
        s.reply_class,
        Event.objects.filter(suggestion=s).count(),
        Reply.objects.filter(suggestion=s).count(),
        Evaluation.objects.filter(suggestion=s).count(),
        list(CoSigner.objects.filter(suggestion=s).values_list("deputy", "confirmed_on")),
        list(
            Assignment.objects.filter(suggestion=s).values_list(
                "unit", "due_on", "replied_on", "responsible_person"
            )
        ),
        ReturnRequest.objects.filter(suggestion=s).count(),
        ExtensionRequest.objects.filter(assignment__suggestion=s).count(),
        CoHandlerOpinion.objects.filter(assignment__suggestion=s).count(),
        Contact.objects.filter(assignment__suggestion=s).count(),
        KeySupervision.objects.filter(suggestion=s).count(),
    )


@pytest.mark.parametrize("state", STATES)
def test_page_offers_exactly_what_the_post_accepts(
    client, state, world, build, deputy_a, deputy_b, session, category, unit_x, unit_y
):
    suggestion = _suggestion_in(
        state, build, world, deputy_a, deputy_b, session, category, unit_x, unit_y
    )
    before = _snapshot(suggestion)
    offered_somewhere = False
    for role in ROLES:
        client.force_login(world[role])
        offered = _offered(client, suggestion)
        offered_somewhere |= bool(offered)
        for name, assignment, url in _every_action(suggestion):
            key = (name, assignment.pk if assignment else None)
            data = _valid_data(name, assignment, world, suggestion)
            try:
                with transaction.atomic():
                    response = client.post(url, data)
                    changed = _snapshot(suggestion) != before
                    raise Rollback
            except Rollback:
                pass
            where = f"{state} · {role} · {key}"
            if key in offered:
                assert response.status_code == 302, f"offered but refused: {where}"
            else:
                assert response.status_code in (400, 403, 404), f"not offered, accepted: {where}"
                assert not changed, f"not offered, yet something changed: {where}"
        assert _snapshot(suggestion) == before
    assert offered_somewhere or state in ("not_registered", "merged")


DEPUTY_ROLES = ["lead_deputy", "co_signer", "other_deputy"]


@pytest.mark.parametrize("state", STATES)
def test_the_dashboard_asks_for_a_rating_exactly_where_the_page_offers_one(
    client, state, world, build, deputy_a, deputy_b, session, category, unit_x, unit_y
):
    """The badge "awaits your rating" on a deputy's dashboard, the rating form on the page and
    the service agree (the page and the service agree by the test above)."""
    suggestion = _suggestion_in(
        state, build, world, deputy_a, deputy_b, session, category, unit_x, unit_y
    )
    for role in DEPUTY_ROLES:
        client.force_login(world[role])
        offered = ("evaluate", None) in _offered(client, suggestion)
        dashboard = client.get(reverse("workbench:dashboard"))
        groups = {key: rows for key, _title, rows, _page in dashboard.context["deputy_groups"]}
        badged = any(s.pk == suggestion.pk for s in groups["rate"])
        assert badged == offered, f"{state} · {role}: badge {badged}, page offers {offered}"


def _page(client, suggestion):
    response = client.get(reverse("workbench:suggestion", args=[suggestion.pk]))
    return response.context if response.status_code == 200 else None


@pytest.mark.parametrize("role", ROLES)
def test_the_publish_form_shows_exactly_where_the_publish_is_accepted(
    client, role, world, build, unit_x, unit_y
):
    """Publishing a reply is asked of the same decider as the page's other actions."""
    suggestion = build(S.REPLIED, lead_unit=unit_x, co_units=[unit_y])
    reply = suggestion.replies.get()
    client.force_login(world[role])
    context = _page(client, suggestion)
    offered = bool(context) and any(r.may_publish for r in context["replies"])
    client.post(reverse("workbench:publish", args=[reply.pk]), {"public_text": ""})
    reply.refresh_from_db()
    assert reply.is_published == offered, role
    if offered:  # published once: the form is gone and a second POST changes nothing
        assert not any(r.may_publish for r in _page(client, suggestion)["replies"])


@pytest.mark.parametrize("role", ROLES)
def test_a_request_is_decided_where_the_page_offers_it_and_only_once(
    client, role, world, build, unit_x, unit_y
):
    suggestion = build(S.ASSIGNED, lead_unit=unit_x, co_units=[unit_y])
    assignment = suggestion.assignments.get(unit=unit_x)
    request = services.request_extension(
        assignment=assignment,
        reason="需要跨部门协调",
        due_on=assignment.due_on + datetime.timedelta(days=20),
        by=world["lead_unit"],
    )
    client.force_login(world[role])
    context = _page(client, suggestion)
    offered = bool(context) and request in context["pending_extensions"]
    url = reverse("workbench:decide", args=["extension", request.pk])
    response = client.post(url, {"approve": "no", "note": "不予延期"})
    request.refresh_from_db()
    assert (request.decision != "pending") == offered, role
    assert offered or response.status_code == 403
    if offered:
        assert request not in _page(client, suggestion)["pending_extensions"]


def test_bulk_assign_asks_each_suggestion_what_its_page_would(client, world, build, unit_x):
    ready = build(S.REGISTERED)
    already = build(S.ASSIGNED, lead_unit=unit_x)
    client.force_login(world["staff"])
    response = client.post(
        reverse("workbench:bulk_assign"),
        {"suggestion": [ready.pk, already.pk], "lead_unit": world["unit_z"].pk},
        follow=True,
    )
    ready.refresh_from_db()
    already.refresh_from_db()
    assert ready.status == S.ASSIGNED
    assert list(already.assignments.values_list("unit", flat=True)) == [unit_x.pk]
    assert str(already) in response.content.decode()  # said why it was skipped
