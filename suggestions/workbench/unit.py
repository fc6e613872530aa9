"""A handling unit's work: its assignments, owed work first."""

from django.core.paginator import Paginator
from django.db.models import Case, F, Q, When
from django.utils import timezone

from .. import loop
from ..models import Assignment, Suggestion

S = Suggestion.Status


UNIT_STATUSES = [S.ASSIGNED, S.RE_HANDLING, S.REPLIED, S.EVALUATED, S.CLOSED]


def unit_section(request, viewer):
    open_work = Q(suggestion__status__in=Suggestion.AWAITING_REPLY) & (
        Q(role=Assignment.Role.CO) | Q(replied_on__isnull=True)
    )
    assignments = (
        Assignment.objects.filter(unit__in=viewer.unit_ids)
        .select_related("suggestion__session", "suggestion__lead_deputy", "unit")
        .annotate(
            # Work still owed comes first, soonest due first; finished work after, newest first.
            open_due=Case(When(open_work, then=F("due_on")), default=None),
            done_due=Case(When(open_work, then=None), default=F("due_on")),
        )
        .order_by(F("open_due").asc(nulls_last=True), F("done_due").desc(), "pk")
    )
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
    return {
        "unit_page": page,
        "unit_status": status,
        "unit_role": role,
        "unit_statuses": [(s, S(s).label) for s in UNIT_STATUSES],
        "roles": Assignment.Role.choices,
        "today": timezone.localdate(),
        "unit_promises": loop.unit_promises(viewer.unit_ids),
    }
