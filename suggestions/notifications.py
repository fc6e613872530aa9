"""Telling each role what needs them: an in-app notification and an e-mail.

Called by the services inside their transaction; mail goes out only once it commits.
"""

import contextlib
import contextvars

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from congress.roles import STAFF_GROUP
from suggestions.models import Notification, Reply
from suggestions.rules import due_soon_until, is_promise_past_its_date


def staff_users(suggestion):
    """The staff of the suggestion's congress (and superusers): no one else's staff hears."""
    congress = suggestion.session.congress
    ours = Q(staffed_congresses=congress)
    if congress.is_default:  # a member of the group on no congress's staff is the default's
        ours |= Q(staffed_congresses__isnull=True)
    staff = Q(groups__name=STAFF_GROUP) & ours
    return get_user_model().objects.filter(staff | Q(is_superuser=True), is_active=True).distinct()


def unit_users(units):
    return get_user_model().objects.filter(handling_units__in=units, is_active=True).distinct()


def deputy_users(deputies):
    return get_user_model().objects.filter(deputy_seats__in=deputies, is_active=True).distinct()


_muted = contextvars.ContextVar("notifications_muted", default=False)


@contextlib.contextmanager
def muted():
    """Replaying past work (an imported concluded session) tells nobody anything."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def notify(users, text, values=None, *, suggestion=None, key=""):
    """Notify each user once (per key, when given), in the site's language."""
    if _muted.get():
        return []
    with override(settings.LANGUAGE_CODE):
        values = {k: str(v() if callable(v) else v) for k, v in (values or {}).items()}
        text = str(text) % values if values else str(text)
    users = list(users)
    if key:
        already = set(
            Notification.objects.filter(user__in=users, key=key).values_list("user_id", flat=True)
        )
        users = [u for u in users if u.pk not in already]
    created = Notification.objects.bulk_create(
        Notification(user=user, suggestion=suggestion, text=text, key=key) for user in users
    )
    mails = [
        (text, text, settings.DEFAULT_FROM_EMAIL, [user.email]) for user in users if user.email
    ]
    if mails:
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))
    return created


def send_due_reminders(today):
    """Remind units of replies due within the week and of overdue ones.

    Each reminder has a key naming the assignment and its due date, so running this twice a
    day (or again after a crash) sends nothing new; an extension's new date is reminded afresh.
    """
    from suggestions.models import Assignment, Suggestion

    soon = due_soon_until(today)
    assignments = (
        Assignment.objects.outstanding()
        .filter(suggestion__status__in=Suggestion.AWAITING_REPLY, due_on__lte=soon)
        .select_related("unit", "suggestion")
        .order_by("due_on")
    )
    sent = 0
    members = {}
    for assignment in assignments.iterator(chunk_size=500):
        if assignment.unit_id not in members:
            members[assignment.unit_id] = list(unit_users([assignment.unit_id]))
        overdue = assignment.is_overdue(today)
        text = (
            _("Overdue since %(date)s: %(suggestion)s")
            if overdue
            else _("Reply due on %(date)s: %(suggestion)s")
        )
        kind = "overdue" if overdue else "due-soon"
        sent += len(
            notify(
                members[assignment.unit_id],
                text,
                {"date": assignment.due_on, "suggestion": assignment.suggestion},
                suggestion=assignment.suggestion,
                key=f"{kind}:{assignment.pk}:{assignment.due_on}",
            )
        )
    return sent


def send_promise_reminders(today):
    """Remind units of follow-ups promised within the week and of promises past their date.

    Keyed by the promise and its date, so a second run the same day sends nothing."""
    soon = due_soon_until(today)
    promises = (
        Reply.objects.promises_open()
        .filter(promised_by__lte=soon)
        .select_related("suggestion", "assignment__unit")
        .order_by("promised_by", "pk")
    )
    sent, members = 0, {}
    for promise in promises.iterator(chunk_size=500):
        unit_id = promise.assignment.unit_id
        if unit_id not in members:
            members[unit_id] = list(unit_users([unit_id]))
        overdue = is_promise_past_its_date(promise, today)
        text = (
            _("Promise past its date (%(date)s), follow-up owed: %(suggestion)s")
            if overdue
            else _("Follow-up promised by %(date)s: %(suggestion)s")
        )
        sent += len(
            notify(
                members[unit_id],
                text,
                {"date": promise.promised_by, "suggestion": promise.suggestion},
                suggestion=promise.suggestion,
                key=f"promise-{'overdue' if overdue else 'due'}:{promise.pk}:{promise.promised_by}",
            )
        )
    return sent
