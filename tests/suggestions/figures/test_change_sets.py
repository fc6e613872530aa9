"""Every write goes through one mechanism: a change-set notes what the writes touched, and the
derived rows of those keys are recounted once, when the outermost change-set ends.

A save outside a change-set fails in the tests (SUMMARIES_STRICT); in production it is logged
and the suggestion's session is recounted, so the stored flag "replied on time, no contact"
no longer outlives a contact written some other way.
"""

import logging

import pytest

from suggestions import services
from suggestions.figures import summaries
from suggestions.models import Contact, Suggestion, Tally
from tests.conftest import START
from tests.suggestions.figures.test_flags_stored import assert_flags_in_step, kinds
from tests.suggestions.figures.test_summaries import assert_in_step

Status = Suggestion.Status
pytestmark = pytest.mark.django_db


def test_a_contact_saved_outside_a_change_set_fails_loudly_in_tests(build, unit_x):
    replied = build(Status.REPLIED, lead_unit=unit_x)
    with pytest.raises(summaries.UntrackedWrite, match="Contact"):
        Contact.objects.create(assignment=replied.assignments.get(), contacted_on=START)


def test_in_production_a_write_outside_a_change_set_is_logged_and_its_session_recounted(
    build, unit_x, session, settings, caplog
):
    settings.SUMMARIES_STRICT = False
    replied = build(Status.REPLIED, lead_unit=unit_x)
    assert kinds(replied) == {"on_time_no_contact"}
    with caplog.at_level(logging.WARNING, logger="suggestions.figures.summaries"):
        Contact.objects.create(assignment=replied.assignments.get(), contacted_on=START)
    assert kinds(replied) == set()  # the drift: the flag stayed set
    assert "outside a change-set" in caplog.text
    assert_flags_in_step("contact saved outside the services")
    # A suggestion's own row, saved by hand, moves its figures too.
    replied.category = replied.category.__class__.objects.create(name="教育")
    replied.save(update_fields=["category"])
    assert_in_step(session, "category saved by hand")


def test_writes_inside_a_change_set_are_noted_without_a_service(build, unit_x, unit_y, session):
    replied = build(Status.REPLIED, lead_unit=unit_x)
    with summaries.change_set():
        Contact.objects.create(assignment=replied.assignments.get(), contacted_on=START)
    assert kinds(replied) == set()
    assert_flags_in_step("contact saved in a change-set")
    assigned = build(Status.ASSIGNED, lead_unit=unit_x, co_units=[unit_y])
    assert Tally.objects.filter(group="unit", key=unit_y.pk).exists()
    with summaries.change_set():
        assigned.assignments.get(unit=unit_y).delete()  # its unit's row goes with it
    assert not Tally.objects.filter(group="unit", key=unit_y.pk).exists()
    assert_in_step(session, "assignment deleted in a change-set")


def test_many_services_in_one_change_set_recount_once_and_end_in_step(
    build, unit_x, unit_y, staff, session, monkeypatch
):
    applied = []
    apply = summaries.Changes.apply
    monkeypatch.setattr(summaries.Changes, "apply", lambda self: applied.append(1) or apply(self))
    with summaries.change_set():
        build(Status.CLOSED, lead_unit=unit_x)
        second = build(Status.REPLIED, lead_unit=unit_y)
        services.record_contact(
            assignment=second.assignments.get(), contacted_on=START, way="phone", by=staff
        )
        assert not Tally.objects.exists()  # nothing recounted before the change-set ends
    assert applied == [1]
    assert_in_step(session, "two suggestions built in one change-set")
    assert_flags_in_step("two suggestions built in one change-set")


def test_a_change_set_that_fails_recounts_nothing_and_leaves_the_rows_as_they_were(
    build, unit_x, session
):
    build(Status.CLOSED, lead_unit=unit_x)
    kept = list(Tally.objects.values_list("group", "key", "closed"))
    with pytest.raises(RuntimeError), summaries.change_set():
        build(Status.CLOSED, lead_unit=unit_x, title="另一条建议")
        raise RuntimeError("undone")
    assert list(Tally.objects.values_list("group", "key", "closed")) == kept
    assert_in_step(session, "undone change-set")


def test_a_service_that_fails_inside_a_change_set_undoes_only_its_own_writes(
    build, unit_x, staff, session
):
    with summaries.change_set():
        suggestion = build(Status.REGISTERED)
        with pytest.raises(RuntimeError), summaries.change_set():
            services.assign(suggestion=suggestion, lead_unit=unit_x, by=staff, on=START)
            raise RuntimeError("the caller gives up after the service wrote")
        suggestion.refresh_from_db()
        assert suggestion.status == Status.REGISTERED
        assert not suggestion.assignments.exists()
    assert_in_step(session, "a failed service inside a change-set")
