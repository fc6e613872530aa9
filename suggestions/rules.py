"""The rules every part reads, written once: reply classes and what they oblige, satisfaction,
the rule profile's windows (due soon, promise past its date), the consistency flags.

Querysets, services, the workbench, badges, reminders and figures read these; none restates
them. Each state rule that needs rows (may rate, may publish, may merge …) is a check in
`suggestions.services.checks`, which the workbench's `available_actions` asks.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress import tenancy
from congress.models import (  # noqa: F401  (Category: many modules import it from here)
    Category,
    Delegation,
    HandlingUnit,
    Leader,
    Session,
    WorkingCommittee,
)


class ReplyClass(models.TextChoices):
    A = "A", _("A: solved or essentially solved")
    B = "B", _("B: being solved or planned step by step")
    C = "C", _("C: to be solved when conditions allow")
    D = "D", _("D: kept for reference, with an explanation")


# Classes whose reply promises more: a follow-up reply (跟踪办理) comes once the promise is kept.
FOLLOW_UP_CLASSES = frozenset({ReplyClass.B, ReplyClass.C})


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("basically satisfied")
    DISSATISFIED = "dissatisfied", _("dissatisfied")


def rule(name):
    """One value of the rule profile of the congress being worked for: its own (`Congress.rules`)
    where it sets one, else the installation's (settings.SUGGESTION_RULES)."""
    congress = tenancy.active()
    if congress is not None:
        return congress.rule(name)
    return settings.SUGGESTION_RULES[name]


def due_soon_days():
    """The "due soon" window of the rule profile; lists, badges and reminders all read it."""
    return rule("DUE_SOON_DAYS")


def days_until(due_on, today=None):
    return (due_on - (today or timezone.localdate())).days


def due_soon_until(today=None):
    """The last day that is still "due soon": replies, promises, lists and reminders."""
    return (today or timezone.localdate()) + datetime.timedelta(days=due_soon_days())


def is_due_soon(due_on, today=None):
    return due_on is not None and 0 <= days_until(due_on, today) <= due_soon_days()


def promise_tracked():
    """Of a reply's rows: a promise still followed, open until its follow-up. A promise of a
    concluded session that nobody followed up in the records is untracked (未跟踪): neither
    kept, late, open nor past its date, and no queue, reminder, flag or rate counts it."""
    return models.Q(followed_up_on__isnull=True, promise_untracked=False)


def promise_past_its_date(today=None):
    """Of a reply's rows: a promise with no follow-up whose date has passed (a Q over replies)."""
    return promise_tracked() & models.Q(promised_by__lt=today or timezone.localdate())


def promise_still_ahead(today=None):
    """Of a reply's rows: an open promise whose date is today or later."""
    return promise_tracked() & models.Q(promised_by__gte=today or timezone.localdate())


def is_promise_past_its_date(reply, today=None):
    return (
        reply.promised_by is not None
        and reply.followed_up_on is None
        and not reply.promise_untracked
        and reply.promised_by < (today or timezone.localdate())
    )


def at_rest(prefix="", session_prefix=None):
    """A suggestion that is history: closed, in a concluded session (a Q over suggestions).
    Nothing at rest is work: no queue, flag or reminder shows it; staff may reopen one.

    `session_prefix` reads the session from elsewhere: "" for a row that carries its
    suggestion's session (a reply, an assignment), one join fewer than through the suggestion."""
    session_prefix = prefix if session_prefix is None else session_prefix
    return models.Q(
        **{f"{prefix}status": "closed", f"{session_prefix}session__concluded_on__isnull": False}
    )


# The consistency flags: replies whose record does not add up. Each rule is written out for users.
FLAGS = {
    "a_dissatisfied": _("Class A but dissatisfied: the reply says solved, the deputy disagrees."),
    "promise_overdue": _(
        "Promise past its date: a B or C reply promised a date that has passed with no follow-up."
    ),
    "on_time_no_contact": _(
        "Replied on time but no contact recorded: no contact with the deputy was ever recorded."
    ),
    "key_class_d": _("Class D for a key suggestion: a key suggestion only kept for reference."),
    "same_rehandled": _(
        "Re-handled with the same answer: the new reply has the class and text of the first."
    ),
}


FLAG_BIT = {kind: 1 << i for i, kind in enumerate(FLAGS)}  # Suggestion.flag_bits, flags_reviewed
FLAGGED_ALWAYS = datetime.date.min  # flagged_after of a flag that does not depend on the day
