"""Each rule is written once: status sets, overdue / due soon / days left, and the choices."""

import datetime

import time_machine

from suggestions.models import Assignment, Suggestion
from suggestions.templatetags.handling import due_tags
from tests.conftest import TODAY

S = Suggestion.Status


def test_public_and_not_public_statuses_split_every_status_once():
    assert set(Suggestion.PUBLIC_STATUSES) | set(Suggestion.NOT_PUBLIC) == set(S)
    assert not set(Suggestion.PUBLIC_STATUSES) & set(Suggestion.NOT_PUBLIC)
    assert set(Suggestion.REPLIED_STATUSES) <= set(Suggestion.PUBLIC_STATUSES)


def test_public_queryset_and_is_public_agree(build):
    for state in [S.SUBMITTED, S.REGISTERED]:
        build(state)
    public = set(Suggestion.objects.public())
    assert {s for s in Suggestion.objects.all() if s.is_public} == public
    assert {s.status for s in public} == {S.REGISTERED}


def test_due_badge_reads_the_due_soon_rule(build, unit_x, settings):
    suggestion = build(S.ASSIGNED, lead_unit=unit_x)  # due 2026-12-01: five days left
    assert suggestion.days_left() == 5

    settings.SUGGESTION_RULES = {**settings.SUGGESTION_RULES, "DUE_SOON_DAYS": 7}
    assert 'class="tag soon"' in due_tags(suggestion)
    assert Suggestion.objects.due_soon().filter(pk=suggestion.pk).exists()

    settings.SUGGESTION_RULES = {**settings.SUGGESTION_RULES, "DUE_SOON_DAYS": 3}
    assert 'class="tag soon"' not in due_tags(suggestion)
    assert not Suggestion.objects.due_soon().filter(pk=suggestion.pk).exists()


def test_overdue_is_one_rule_for_suggestion_assignment_queryset_and_unit_page(
    build, unit_x, unit_y, client
):
    suggestion = build(S.ASSIGNED, lead_unit=unit_x, co_units=[unit_y])
    later = TODAY + datetime.timedelta(days=10)
    lead = suggestion.assignments.get(role=Assignment.Role.LEAD)
    co = suggestion.assignments.get(role=Assignment.Role.CO)
    assert not suggestion.is_overdue() and not lead.is_overdue()
    assert suggestion.is_overdue(later) and lead.is_overdue(later)
    assert not co.is_overdue(later)  # a co-handler owes no reply of its own
    assert list(Suggestion.objects.overdue(later)) == [suggestion]
    assert list(Assignment.objects.overdue(later)) == [lead]

    with time_machine.travel(later):
        client.force_login(unit_x.members.get())
        assert 'class="overdue-row"' in client.get("/workbench/").content.decode()
        client.force_login(unit_y.members.get())
        assert 'class="overdue-row"' not in client.get("/workbench/").content.decode()
