"""Nothing bypasses the history: every entry point that changes a suggestion or a station
problem writes an event naming what changed, and what a figure counts is never deleted silently.

Entry points checked: the admin (suggestion edits and co-signers, closed-suggestion
corrections, deletes, key supervision, meetings, special reports, problems, receptions), the
workbench, the import, and the API (read-only).
"""

import datetime

import pytest
from django.urls import reverse

from deputies import services as station_services
from deputies.models import Problem, ProblemEvent, Reception
from suggestions import services
from suggestions.models import (
    Event,
    KeySupervision,
    SpecialReport,
    Suggestion,
    SupervisionMeeting,
)
from suggestions.services import stations as problem_services
from tests.conftest import TODAY
from tests.suggestions.imports.test_data_in_out import good_rows, import_file, xlsx

S = Suggestion.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def _value(field):
    value = field.value()
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def change_form_data(response):
    """What the admin change page would post back unchanged: main form and every inline."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = _value(form[name])
        if value is not False:
            data[name] = "on" if value is True else value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(
            {
                f"{formset.prefix}-TOTAL_FORMS": formset.total_form_count(),
                f"{formset.prefix}-INITIAL_FORMS": formset.initial_form_count(),
            }
        )
        for f in formset.forms:
            for name in f.fields:
                value = _value(f[name])
                if value is not False:
                    data[f"{f.prefix}-{name}"] = "on" if value is True else value
    return data


def admin_edit(client, suggestion, **changes):
    url = reverse("admin:suggestions_suggestion_change", args=[suggestion.pk])
    data = change_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


# --- the admin ----------------------------------------------------------------------------


def test_admin_edit_of_title_number_and_lead_deputy_is_logged_with_old_and_new_values(
    staff_client, build, deputy_b
):
    suggestion = build(S.REGISTERED, title="旧标题")
    response = admin_edit(
        staff_client, suggestion, title="新标题", number="42", lead_deputy=deputy_b.pk
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.title, suggestion.number, suggestion.lead_deputy) == ("新标题", 42, deputy_b)
    event = suggestion.events.get(action=Event.Action.EDITED)
    assert "旧标题 → 新标题" in event.note and "1 → 42" in event.note
    assert "甲代表 → 乙代表" in event.note
    assert not event.is_public  # the old text may be what was corrected away


def test_admin_edit_of_co_signers_is_logged(staff_client, build, deputy_b):
    suggestion = build(S.SUBMITTED)
    response = admin_edit(
        staff_client,
        suggestion,
        **{"signatures-TOTAL_FORMS": "1", "signatures-0-deputy": deputy_b.pk},
    )
    assert response.status_code == 302
    assert suggestion.signatures.get().deputy == deputy_b
    assert "— → 乙代表" in suggestion.events.get(action=Event.Action.EDITED).note


def test_saving_the_admin_form_unchanged_writes_nothing(staff_client, build):
    suggestion = build(S.REGISTERED)
    assert admin_edit(staff_client, suggestion).status_code == 302
    assert not suggestion.events.filter(action=Event.Action.EDITED).exists()


def test_a_closed_suggestion_is_corrected_only_with_a_reason(staff_client, build, unit_x):
    suggestion = build(S.CLOSED, lead_unit=unit_x, title="关于加快老旧小区改诰的建议")
    refused = admin_edit(staff_client, suggestion, title="关于加快老旧小区改造的建议")
    assert refused.status_code == 200
    assert refused.context["adminform"].form.non_field_errors()
    suggestion.refresh_from_db()
    assert suggestion.title.endswith("改诰的建议")

    response = admin_edit(
        staff_client, suggestion, title="关于加快老旧小区改造的建议", change_reason="错别字"
    )
    assert response.status_code == 302
    event = suggestion.events.get(action=Event.Action.CORRECTED)
    assert "改诰" in event.note and "改造" in event.note and "错别字" in event.note


def test_correct_suggestion_service_requires_a_reason(build, unit_x, staff):
    suggestion = build(S.CLOSED, lead_unit=unit_x)
    with pytest.raises(services.WorkflowError):
        services.correct_suggestion(
            suggestion=suggestion, changes={"title": "x"}, by=staff, reason=" "
        )
    with pytest.raises(services.WorkflowError):
        services.update_suggestion(suggestion=suggestion, changes={"status": S.DRAFT}, by=staff)
    assert Suggestion.objects.get().status == S.CLOSED


def test_suggestions_and_key_supervision_cannot_be_deleted_from_the_admin(
    staff_client, build, unit_x, leader, staff
):
    suggestion = build(S.ASSIGNED, lead_unit=unit_x)
    services.mark_key(suggestion=suggestion, leader=leader, by=staff)
    supervision = KeySupervision.objects.get()
    for url in [
        reverse("admin:suggestions_suggestion_delete", args=[suggestion.pk]),
        reverse("admin:suggestions_keysupervision_delete", args=[supervision.pk]),
    ]:
        assert staff_client.post(url, {"post": "yes"}).status_code == 403
    response = staff_client.post(
        reverse("admin:suggestions_keysupervision_change", args=[supervision.pk]), {}
    )
    assert response.status_code == 403
    assert Suggestion.objects.filter(is_key=True).count() == KeySupervision.objects.count() == 1


def test_admin_meeting_goes_through_the_service_and_refuses_another_sessions_suggestion(
    staff_client, build, session, next_session, unit_x
):
    other = next_session
    suggestion = build(S.ASSIGNED, lead_unit=unit_x)
    data = {
        "session": other.pk,
        "kind": "progress",
        "title": "推进会",
        "held_on": "2026-10-01",
        "suggestions": str(suggestion.pk),
    }
    url = reverse("admin:suggestions_supervisionmeeting_add")
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()  # the service's message
    assert not SupervisionMeeting.objects.exists()

    assert staff_client.post(url, {**data, "session": session.pk}).status_code == 302
    assert list(SupervisionMeeting.objects.get().suggestions.all()) == [suggestion]


def test_admin_special_report_vote_needs_a_vote(staff_client, session, unit_x):
    data = {
        "session": session.pk,
        "unit": unit_x.pk,
        "title": "专项报告",
        "heard_on": "2026-10-01",
        "satisfied": 0,
        "basically_satisfied": 0,
        "dissatisfied": 0,
    }
    url = reverse("admin:suggestions_specialreport_add")
    assert staff_client.post(url, data).status_code == 200
    assert not SpecialReport.objects.exists()
    assert staff_client.post(url, {**data, "satisfied": 30}).status_code == 302
    report = SpecialReport.objects.get()
    change = reverse("admin:suggestions_specialreport_change", args=[report.pk])
    staff_client.post(change, {**data, "satisfied": 99})
    assert SpecialReport.objects.get().satisfied == 30  # recorded votes are read-only
    assert (
        staff_client.post(
            reverse("admin:suggestions_specialreport_delete", args=[report.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_record_meeting_checks_before_it_writes(build, session, unit_x):
    suggestion = build(S.ASSIGNED, lead_unit=unit_x)
    with pytest.raises(services.WorkflowError):
        services.record_meeting(
            session=session, kind="progress", title=" ", held_on=TODAY, suggestions=[suggestion]
        )
    assert not SupervisionMeeting.objects.exists()


# --- station problems ---------------------------------------------------------------------


def test_every_problem_change_is_in_its_history_and_on_its_page(client, reception, unit_x, staff):
    problem = reception.problems.order_by("pk").first()
    problem_services.pass_to_unit(problem=problem, unit=unit_x, by=staff)
    station_services.unit_answers(problem=problem, answer="已维修。", by=unit_x.members.get())
    station_services.close_problem(
        problem=problem, outcome="已解决。", solved=True, person_told=True, by=staff
    )
    assert list(problem.events.values_list("action", "from_status", "to_status")) == [
        (ProblemEvent.Action.RAISED, "", ""),
        (ProblemEvent.Action.PASSED, Problem.Status.OPEN, Problem.Status.PASSED),
        (ProblemEvent.Action.UNIT_ANSWERED, Problem.Status.PASSED, Problem.Status.ANSWERED),
        (ProblemEvent.Action.CLOSED, Problem.Status.ANSWERED, Problem.Status.CLOSED),
    ]
    client.force_login(staff)
    page = client.get(reverse("stations_work:problem", args=[problem.pk])).content.decode()
    history = page[page.index('id="h-history"') :]
    assert history.count("<li>") == 4 and "市住建局" in history and "已解决。" in history


def test_problems_turned_into_suggestions_and_answered_on_the_spot_are_logged(
    reception, deputy_a, session, category, staff
):
    first, second = reception.problems.order_by("pk")
    station_services.answer_on_the_spot(problem=first, outcome="当场答复。", by=staff)
    problem_services.turn_into_suggestion(
        problem=second, deputy=deputy_a, session=session, category=category, title="建议", by=staff
    )
    assert first.events.last().action == ProblemEvent.Action.ANSWERED_ON_THE_SPOT
    assert second.events.last().action == ProblemEvent.Action.TAKEN_UP


def test_admin_problem_edit_is_logged_without_the_persons_details(staff_client, reception):
    problem = reception.problems.order_by("pk").first()
    url = reverse("admin:deputies_problem_change", args=[problem.pk])
    data = change_form_data(staff_client.get(url))
    data.update(summary="小区供暖温度偏低", person_phone="10055559999")
    assert staff_client.post(url, data).status_code == 302
    note = problem.events.get(action=ProblemEvent.Action.EDITED).note
    assert "小区供暖温度不达标 → 小区供暖温度偏低" in note
    assert "10055559999" not in note and "10055550001" not in note
    delete = reverse("admin:deputies_problem_delete", args=[problem.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403


def test_a_reception_with_problems_is_not_deleted_from_the_admin(staff_client, reception):
    url = reverse("admin:deputies_reception_delete", args=[reception.pk])
    page = staff_client.get(url).content.decode()
    assert 'id="deleted-objects"' in page and 'name="post"' not in page  # says why, no button
    staff_client.post(url, {"post": "yes"})
    bulk = reverse("admin:deputies_reception_changelist")
    staff_client.post(
        bulk, {"action": "delete_selected", "_selected_action": [reception.pk], "post": "yes"}
    )
    assert Reception.objects.filter(pk=reception.pk).exists()
    assert Problem.objects.filter(reception=reception).count() == 2


# --- the workbench, the import and the API ------------------------------------------------


def test_workbench_actions_write_history(client, build, staff):
    suggestion = build(S.SUBMITTED)
    client.force_login(staff)
    client.post(reverse("workbench:act", args=[suggestion.pk, "register"]))
    event = suggestion.events.last()
    assert (event.action, event.actor, event.to_status) == (
        Event.Action.REGISTERED,
        staff,
        S.REGISTERED,
    )


def test_imported_suggestions_are_entered_with_an_event(
    session, category, deputy_a, deputy_b, staff
):
    import_file(session, xlsx(good_rows(3, deputy_a, deputy_b)), by=staff)
    assert Suggestion.objects.count() == 3
    events = Event.objects.filter(action=Event.Action.ENTERED, actor=staff)
    assert events.count() == 3
    assert all("imported" in e.note or "导入" in e.note for e in events)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_changes_nothing(client, build, unit_x, method):
    suggestion = build(S.ASSIGNED, lead_unit=unit_x)
    events = Event.objects.count()
    response = getattr(client, method)(
        f"/api/v1/suggestions/{suggestion.pk}", {"title": "x"}, content_type="application/json"
    )
    assert response.status_code == 405
    assert Event.objects.count() == events
    assert Suggestion.objects.get().title != "x"
