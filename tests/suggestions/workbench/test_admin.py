"""The back office: staff work through the same services; lists stay cheap; history is fixed."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress.models import HandlingUnit
from suggestions.models import Event, Suggestion

Status = Suggestion.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_suggestion_list_query_count_does_not_grow_with_rows(staff_client, build, unit_x):
    url = reverse("admin:suggestions_suggestion_changelist")
    for _ in range(3):
        build(Status.ASSIGNED, lead_unit=unit_x)
    few = queries_for(staff_client, url)
    for _ in range(12):
        build(Status.ASSIGNED, lead_unit=unit_x)
    assert queries_for(staff_client, url) == few


def test_deputy_list_query_count_does_not_grow_with_rows(staff_client, delegation):
    from tests.conftest import make_deputy

    url = reverse("admin:deputies_deputy_changelist")
    make_deputy(delegation, "代表一")
    few = queries_for(staff_client, url)
    for n in range(15):
        make_deputy(delegation, f"代表{n + 2}")
    assert queries_for(staff_client, url) == few


def test_station_list_query_count_does_not_grow_with_rows(staff_client, delegation):
    from deputies.models import LiaisonStation

    url = reverse("admin:deputies_liaisonstation_changelist")

    def add(n):
        LiaisonStation.objects.create(
            name=f"站{n}", division=delegation.division, township="城关镇", address="x"
        )

    add(0)
    few = queries_for(staff_client, url)
    for n in range(1, 15):
        add(n)
    assert queries_for(staff_client, url) == few


def test_staff_register_selected_suggestions_with_the_bulk_action(staff_client, build):
    one, two = build(), build()
    response = staff_client.post(
        reverse("admin:suggestions_suggestion_changelist"),
        {"action": "register_selected", "_selected_action": [one.pk, two.pk]},
        follow=True,
    )
    assert "2" in response.content.decode()
    assert set(Suggestion.objects.values_list("status", flat=True)) == {Status.REGISTERED}
    assert Event.objects.filter(action=Event.Action.REGISTERED).count() == 2


def test_bulk_action_reports_refusals_and_changes_nothing_for_them(staff_client, build):
    done = build(Status.REGISTERED)
    response = staff_client.post(
        reverse("admin:suggestions_suggestion_changelist"),
        {"action": "register_selected", "_selected_action": [done.pk]},
        follow=True,
    )
    assert (
        "只有已提交的建议可以立案。" in response.content.decode()
    )  # the back office speaks Chinese
    assert Suggestion.objects.get(pk=done.pk).status == Status.REGISTERED


def test_staff_assign_with_the_intermediate_form(staff_client, build, unit_x, unit_y):
    suggestion = build(Status.REGISTERED)
    url = reverse("admin:suggestions_suggestion_changelist")
    page = staff_client.post(
        url, {"action": "assign_selected", "_selected_action": [suggestion.pk]}
    )
    assert page.status_code == 200 and "lead_unit" in page.content.decode()
    staff_client.post(
        url,
        {
            "action": "assign_selected",
            "_selected_action": [suggestion.pk],
            "apply": "1",
            "lead_unit": unit_x.pk,
            "co_units": [unit_y.pk],
        },
    )
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ASSIGNED
    assert suggestion.assignments.get(role="lead").unit == unit_x


def test_staff_enter_a_suggestion_in_the_admin_and_it_is_numbered(
    staff_client, session, category, deputy_a, deputy_b
):
    response = staff_client.post(
        reverse("admin:suggestions_suggestion_add"),
        {
            "session": session.pk,
            "title": "关于修缮学校操场的建议",
            "content": "操场破损。",
            "category": category.pk,
            "lead_deputy": deputy_a.pk,
            "delegation": deputy_a.delegation_id,
            "period": "during",
            "submitted_on": "2026-01-11",
            "staff_note": "",
            "signatures-TOTAL_FORMS": "1",
            "signatures-INITIAL_FORMS": "0",
            "signatures-0-deputy": deputy_b.pk,
            "signatures-0-confirmed_on": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    suggestion = Suggestion.objects.get()
    assert (suggestion.number, suggestion.status) == (1, Status.SUBMITTED)
    assert suggestion.signatures.get().confirmed_on is not None
    assert suggestion.events.get().action == Event.Action.ENTERED


def test_admin_refuses_the_lead_deputy_as_a_co_signer(staff_client, session, category, deputy_a):
    response = staff_client.post(
        reverse("admin:suggestions_suggestion_add"),
        {
            "session": session.pk,
            "title": "标题",
            "content": "内容",
            "category": category.pk,
            "lead_deputy": deputy_a.pk,
            "delegation": deputy_a.delegation_id,
            "period": "during",
            "signatures-TOTAL_FORMS": "1",
            "signatures-INITIAL_FORMS": "0",
            "signatures-0-deputy": deputy_a.pk,
        },
    )
    assert response.status_code == 200
    assert not Suggestion.objects.exists()


def test_reply_recorded_in_the_admin_goes_through_the_workflow(staff_client, build, unit_x):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x)
    lead = suggestion.assignments.get()
    response = staff_client.post(
        reverse("admin:suggestions_reply_add"),
        {
            "assignment": lead.pk,
            "reply_class": "B",
            "text": "正在解决",
            "promise": "年底前完成改造",
            "promised_by": "2026-12-31",
            "signed_by": "局长",
            "replied_on": "2026-10-01",
        },
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.reply_class) == (Status.REPLIED, "B")


def test_reply_refused_by_the_workflow_shows_on_the_form(staff_client, build, unit_x, unit_y):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x, co_units=[unit_y])
    co = suggestion.assignments.get(role="co")
    response = staff_client.post(
        reverse("admin:suggestions_reply_add"),
        {
            "assignment": co.pk,
            "reply_class": "A",
            "text": "x",
            "signed_by": "y",
            "replied_on": "2026-10-01",
        },
    )
    assert response.status_code == 200
    assert "协办单位向主办单位提出意见，不单独答复。" in response.content.decode()
    assert not suggestion.replies.exists()


def test_evaluation_recorded_in_the_admin_moves_the_suggestion(staff_client, build, unit_x):
    suggestion = build(Status.REPLIED, lead_unit=unit_x)
    response = staff_client.post(
        reverse("admin:suggestions_evaluation_add"),
        {
            "suggestion": suggestion.pk,
            "deputy": suggestion.lead_deputy_id,
            "satisfaction": "satisfied",
            "contacted": "on",
            "comment": "",
            "evaluated_on": "2026-11-01",
        },
    )
    assert response.status_code == 302
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.EVALUATED


def test_status_cannot_be_edited_directly(staff_client, build):
    suggestion = build()
    page = staff_client.get(reverse("admin:suggestions_suggestion_change", args=[suggestion.pk]))
    assert 'name="status"' not in page.content.decode()


def test_history_cannot_be_edited_or_deleted(staff_client, build):
    event = build().events.get()
    assert (
        staff_client.post(
            reverse("admin:suggestions_event_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    change = staff_client.post(
        reverse("admin:suggestions_event_change", args=[event.pk]), {"note": "rewritten"}
    )
    assert change.status_code == 403
    event.refresh_from_db()
    assert event.note == ""


def test_overdue_filter_lists_only_overdue_suggestions(staff_client, build, unit_x, unit_y):
    late = build(Status.ASSIGNED, lead_unit=unit_x, on=datetime.date(2026, 1, 5))
    build(Status.ASSIGNED, lead_unit=unit_y)
    page = staff_client.get(
        reverse("admin:suggestions_suggestion_changelist"), {"deadline": "overdue"}
    )
    assert page.context["cl"].result_count == 1
    assert list(page.context["cl"].result_list) == [late]


def test_admin_search_by_number_with_text_does_not_fail(staff_client, build):
    build()
    page = staff_client.get(reverse("admin:suggestions_suggestion_changelist"), {"q": "供热"})
    assert page.status_code == 200


def test_unit_filter_shows_the_units_suggestions(staff_client, build, unit_x, unit_y):
    mine = build(Status.ASSIGNED, lead_unit=unit_x)
    build(Status.ASSIGNED, lead_unit=unit_y)
    page = staff_client.get(
        reverse("admin:suggestions_suggestion_changelist"),
        {"unit": HandlingUnit.objects.get(name="市住建局").pk},
    )
    assert list(page.context["cl"].result_list) == [mine]
