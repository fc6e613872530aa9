"""The database refuses what the rules refuse, whatever code path tries it."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from deputies.models import Deputy
from suggestions.models import Assignment, CoSigner, Evaluation, Reply, Suggestion

Status = Suggestion.Status
pytestmark = pytest.mark.django_db


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_a_number_is_used_once_in_a_session(build):
    first = build()
    clone = Suggestion(
        session=first.session,
        number=first.number,
        title="x",
        content="x",
        category=first.category,
        lead_deputy=first.lead_deputy,
        delegation=first.delegation,
    )
    refused(clone.save)


def test_a_suggestion_has_at_most_one_lead_unit(build, unit_x, unit_y):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x)
    lead = suggestion.assignments.get()
    refused(
        lambda: Assignment.objects.create(
            suggestion=suggestion,
            unit=unit_y,
            role="lead",
            assigned_on=lead.assigned_on,
            due_on=lead.due_on,
            original_due_on=lead.due_on,
        )
    )


def test_a_unit_is_given_a_suggestion_once(build, unit_x):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x)
    lead = suggestion.assignments.get()
    refused(
        lambda: Assignment.objects.create(
            suggestion=suggestion,
            unit=unit_x,
            role="co",
            assigned_on=lead.assigned_on,
            due_on=lead.due_on,
            original_due_on=lead.due_on,
        )
    )


def test_a_due_date_is_never_before_the_assignment(build, unit_x):
    suggestion = build(Status.REGISTERED)
    refused(
        lambda: Assignment.objects.create(
            suggestion=suggestion,
            unit=unit_x,
            role="lead",
            assigned_on=datetime.date(2026, 5, 1),
            due_on=datetime.date(2026, 4, 1),
            original_due_on=datetime.date(2026, 4, 1),
        )
    )


def test_a_reply_class_outside_a_to_d_is_refused(build, unit_x):
    suggestion = build(Status.REPLIED, lead_unit=unit_x)
    reply = suggestion.replies.get()
    refused(lambda: Reply.objects.filter(pk=reply.pk).update(reply_class="E"))
    refused(lambda: Suggestion.objects.filter(pk=suggestion.pk).update(reply_class="X"))


def test_a_deputy_rates_a_reply_once_per_round(build, unit_x):
    suggestion = build(Status.EVALUATED, lead_unit=unit_x)
    refused(
        lambda: Evaluation.objects.create(
            suggestion=suggestion,
            deputy=suggestion.lead_deputy,
            round=1,
            satisfaction="satisfied",
            contacted=True,
            evaluated_on=datetime.date(2026, 11, 1),
        )
    )


def test_a_satisfaction_outside_the_three_choices_is_refused(build, unit_x):
    suggestion = build(Status.EVALUATED, lead_unit=unit_x)
    refused(lambda: Evaluation.objects.filter(suggestion=suggestion).update(satisfaction="meh"))


def test_a_deputy_co_signs_once(build, deputy_b):
    suggestion = build(co_signers=[deputy_b])
    refused(lambda: CoSigner.objects.create(suggestion=suggestion, deputy=deputy_b))


def test_two_deputies_of_one_delegation_cannot_share_a_name(deputy_a):
    refused(
        lambda: Deputy.objects.create(
            name=deputy_a.name, level="municipal", delegation=deputy_a.delegation
        )
    )


def test_only_a_draft_goes_without_a_number(build):
    suggestion = build()
    refused(lambda: Suggestion.objects.filter(pk=suggestion.pk).update(number=None))
