"""Deadlines: reply in 3 months, extension up to 6, working days on the Chinese calendar."""

import datetime

import pytest

from congress.workdays import add_months, add_workdays
from suggestions import services
from suggestions.models import Suggestion, WorkflowError
from tests.conftest import TODAY

Status = Suggestion.Status
D = datetime.date


def test_working_days_skip_the_national_day_holiday():
    # 1-7 October 2026 is the National Day holiday: one working day after 30 Sept is 8 Oct.
    assert add_workdays(D(2026, 9, 30), 1).due_on == D(2026, 10, 8)


def test_working_days_count_a_make_up_sunday():
    # Sunday 20 Sept 2026 is a make-up workday (调休): it counts.
    assert add_workdays(D(2026, 9, 18), 1).due_on == D(2026, 9, 20)
    assert add_workdays(D(2026, 9, 18), 1).provisional is False


def test_a_year_the_official_calendar_does_not_know_is_provisional():
    deadline = add_workdays(D(2026, 12, 30), 5)
    assert deadline.provisional is True
    assert deadline.due_on == D(2027, 1, 6)  # weekends only: Thu, Fri, Mon, Tue, Wed


def test_months_are_clamped_to_the_end_of_a_short_month():
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)


@pytest.mark.django_db
def test_between_session_suggestion_must_be_assigned_within_five_working_days(build, staff):
    suggestion = build(period=Suggestion.Period.BETWEEN_SESSIONS)
    services.register(suggestion=suggestion, by=staff, on=D(2026, 9, 29))
    suggestion.refresh_from_db()
    # 30 Sept, then 8, 9, 10 (a make-up Saturday), 12 October.
    assert services.assignment_deadline(suggestion).due_on == D(2026, 10, 12)


@pytest.mark.django_db
def test_overdue_and_due_soon_follow_the_units_own_due_date(build, unit_x, unit_y):
    overdue = build(Status.ASSIGNED, lead_unit=unit_x, on=D(2026, 8, 1))  # due 1 Nov
    soon = build(Status.ASSIGNED, lead_unit=unit_y, on=D(2026, 8, 30))  # due 30 Nov
    assert list(Suggestion.objects.overdue(TODAY)) == [overdue]
    assert list(Suggestion.objects.due_soon(TODAY)) == [soon]
    assert overdue.is_overdue(TODAY) and overdue.days_left(TODAY) == -25
    assert not soon.is_overdue(TODAY) and soon.days_left(TODAY) == 4


@pytest.mark.django_db
def test_a_replied_suggestion_is_never_overdue(build, unit_x):
    replied = build(Status.REPLIED, lead_unit=unit_x, on=D(2026, 1, 5))
    assert not replied.is_overdue(TODAY)
    assert not Suggestion.objects.overdue(TODAY).exists()


@pytest.mark.django_db
def test_approved_extension_moves_the_due_date(build, staff, unit_x):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x, on=D(2026, 3, 1))
    lead = suggestion.assignments.get()
    request = services.request_extension(
        assignment=lead, reason="需多部门协调", due_on=D(2026, 7, 15), by=staff, on=D(2026, 5, 20)
    )
    services.decide_extension(request=request, approve=True, by=staff, on=D(2026, 5, 21))
    lead.refresh_from_db()
    suggestion.refresh_from_db()
    assert (lead.due_on, lead.original_due_on) == (D(2026, 7, 15), D(2026, 6, 1))
    assert suggestion.due_on == D(2026, 7, 15)


@pytest.mark.django_db
def test_extension_is_capped_at_six_months_after_assignment(build, staff, unit_x):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x, on=D(2026, 3, 1))
    lead = suggestion.assignments.get()
    with pytest.raises(WorkflowError, match="6 months after assignment"):
        services.request_extension(
            assignment=lead, reason="x", due_on=D(2026, 9, 2), by=staff, on=D(2026, 5, 1)
        )
    request = services.request_extension(
        assignment=lead, reason="x", due_on=D(2026, 9, 1), by=staff, on=D(2026, 5, 1)
    )
    with pytest.raises(WorkflowError, match="6 months"):
        services.decide_extension(request=request, approve=True, due_on=D(2026, 10, 1), by=staff)
    lead.refresh_from_db()
    assert lead.due_on == D(2026, 6, 1)


@pytest.mark.django_db
def test_extension_must_move_the_date_later_and_only_one_waits_at_a_time(build, staff, unit_x):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x, on=D(2026, 3, 1))
    lead = suggestion.assignments.get()
    with pytest.raises(WorkflowError, match="later than the current one"):
        services.request_extension(assignment=lead, reason="x", due_on=D(2026, 5, 1), by=staff)
    services.request_extension(assignment=lead, reason="x", due_on=D(2026, 7, 1), by=staff)
    with pytest.raises(WorkflowError, match="already waiting"):
        services.request_extension(assignment=lead, reason="y", due_on=D(2026, 8, 1), by=staff)


@pytest.mark.django_db
def test_the_rule_profile_comes_from_settings(build, staff, unit_x, settings):
    settings.SUGGESTION_RULES = {**settings.SUGGESTION_RULES, "REPLY_MONTHS": 2}
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x, on=D(2026, 3, 1))
    assert suggestion.due_on == D(2026, 5, 1)
