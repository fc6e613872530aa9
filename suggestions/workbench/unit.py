"""A handling unit's work: its assignments, owed work first."""

import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import loop
from ..models import Assignment, Suggestion

S = Suggestion.Status


UNIT_STATUSES = [S.ASSIGNED, S.RE_HANDLING, S.REPLIED, S.EVALUATED, S.CLOSED]


GROUP_SIZE = 100


def unit_section(request, viewer):
    """The work in front of the unit, overdue / due this week / due later, each with its days
    left; finished work (and any status or role filter) behind ?show=all."""
    open_work = Q(suggestion__status__in=Suggestion.AWAITING_REPLY) & (
        Q(role=Assignment.Role.CO) | Q(replied_on__isnull=True)
    )
    mine = Assignment.objects.filter(unit__in=viewer.unit_ids).select_related(
        "suggestion__session", "suggestion__lead_deputy", "unit"
    )
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=settings.SUGGESTION_RULES["DUE_SOON_DAYS"])
    owed = mine.filter(open_work).order_by("due_on", "pk")
    overdue = Assignment.overdue_q(today)  # the one rule: a co-handler owes no reply of its own
    groups = []
    for key, title, queryset in [
        ("overdue", _("Overdue"), owed.filter(overdue)),
        ("this_week", _("Due this week"), owed.exclude(overdue).filter(due_on__lte=soon)),
        ("later", _("Due later"), owed.filter(due_on__gt=soon)),
    ]:
        rows = list(queryset[:GROUP_SIZE])
        for a in rows:
            a.days_left = (a.due_on - today).days
            a.days_overdue = -a.days_left
        groups.append((key, title, rows, queryset.count()))
    context = {
        "unit_groups": groups,
        "today": today,
        "unit_show": request.GET.get("show", ""),
        "unit_promises": loop.unit_promises(viewer.unit_ids),
    }
    if context["unit_show"] != "all":
        return context
    assignments = mine.annotate(
        # Work still owed comes first, soonest due first; finished work after, newest first.
        open_due=Case(When(open_work, then=F("due_on")), default=None),
        done_due=Case(When(open_work, then=None), default=F("due_on")),
    ).order_by(F("open_due").asc(nulls_last=True), F("done_due").desc(), "pk")
    status = request.GET.get("status", "")
    role = request.GET.get("role", "")
    if status in UNIT_STATUSES:
        assignments = assignments.filter(suggestion__status=status)
    else:
        status = ""
    if role in Assignment.Role.values:
        assignments = assignments.filter(role=role)
    else:
        role = ""
    page = Paginator(assignments, 50).get_page(request.GET.get("upage"))
    return context | {
        "unit_page": page,
        "unit_status": status,
        "unit_role": role,
        "unit_statuses": [(s, S(s).label) for s in UNIT_STATUSES],
        "roles": Assignment.Role.choices,
    }
