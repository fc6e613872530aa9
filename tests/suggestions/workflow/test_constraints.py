"""The database refuses what the rules refuse, whatever code path tries it."""

import datetime
import re

import pytest
from django.db import IntegrityError, models, transaction

from deputies.models import Deputy
from suggestions.models import Assignment, CoSigner, Evaluation, Reply, Suggestion

Status = Suggestion.Status
pytestmark = pytest.mark.django_db


def refused(make, model, constraint):
    """The database refuses `make()`, and it is `model`'s named `constraint` that fires.

    PostgreSQL names the constraint; SQLite names a CHECK constraint, and a UNIQUE one by its
    columns, so either wording is accepted for that constraint and no other.
    """
    (rule,) = [c for c in model._meta.constraints if c.name == constraint]
    wordings = [re.escape(constraint) + r"\b"]
    if isinstance(rule, models.UniqueConstraint):
        table = model._meta.db_table
        columns = ", ".join(f"{table}.{model._meta.get_field(f).column}" for f in rule.fields)
        wordings.append(re.escape(f"UNIQUE constraint failed: {columns}") + "$")
    with pytest.raises(IntegrityError, match="|".join(wordings)), transaction.atomic():
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
    refused(clone.save, Suggestion, "suggestion_number_unique_in_session")


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
        ),
        Assignment,
        "assignment_one_lead_unit",
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
        ),
        Assignment,
        "assignment_unit_once_per_suggestion",
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
        ),
        Assignment,
        "assignment_due_after_assigned",
    )


def test_a_reply_class_outside_a_to_d_is_refused(build, unit_x):
    suggestion = build(Status.REPLIED, lead_unit=unit_x)
    reply = suggestion.replies.get()
    refused(
        lambda: Reply.objects.filter(pk=reply.pk).update(reply_class="E"),
        Reply,
        "reply_class_a_to_d",
    )
    refused(
        lambda: Suggestion.objects.filter(pk=suggestion.pk).update(reply_class="X"),
        Suggestion,
        "suggestion_reply_class_valid",
    )


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
        ),
        Evaluation,
        "evaluation_once_per_round",
    )


def test_a_satisfaction_outside_the_three_choices_is_refused(build, unit_x):
    suggestion = build(Status.EVALUATED, lead_unit=unit_x)
    refused(
        lambda: Evaluation.objects.filter(suggestion=suggestion).update(satisfaction="meh"),
        Evaluation,
        "evaluation_satisfaction_valid",
    )


def test_a_deputy_co_signs_once(build, deputy_b):
    suggestion = build(co_signers=[deputy_b])
    refused(
        lambda: CoSigner.objects.create(suggestion=suggestion, deputy=deputy_b),
        CoSigner,
        "cosigner_once_per_suggestion",
    )


def test_two_deputies_of_one_delegation_cannot_share_a_name(deputy_a):
    refused(
        lambda: Deputy.objects.create(
            name=deputy_a.name, level="municipal", delegation=deputy_a.delegation
        ),
        Deputy,
        "deputy_name_unique_in_delegation",
    )


def test_only_a_draft_goes_without_a_number(build):
    suggestion = build()
    refused(
        lambda: Suggestion.objects.filter(pk=suggestion.pk).update(number=None),
        Suggestion,
        "suggestion_numbered_unless_draft",
    )
