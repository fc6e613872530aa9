"""A handling unit's work: its assignments, owed work first."""

from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, ExpressionWrapper, F, Q, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suggestions.figures import loop
from suggestions.models import Assignment, Suggestion, Tally
from suggestions.public.listing import SessionPaginator
from suggestions.rules import due_soon_until

S = Suggestion.Status


UNIT_STATUSES = [S.ASSIGNED, S.RE_HANDLING, S.REPLIED, S.EVALUATED, S.CLOSED]


GROUP_SIZE = 100
OWED_AT_ONCE = 900


class OwedFirst:
    """A unit's assignments, work still owed first, without sorting all of them at each page.

    Owed work is a few hundred rows at most; finished work (all the rest, tens of thousands for
    a busy unit) is read in the (unit, due date) index's order. The count comes from the
    summary rows.
    """

    def __init__(self, assignments, open_ids, unit_ids, owed):
        self.rows = assignments.order_by()
        self.open_ids = open_ids  # the owed work's ids, soonest due first (unit_section's)
        self.unit_ids = unit_ids
        # Finished work excludes the owed ids as a list; past OWED_AT_ONCE of them (SQLite's
        # limit on a statement's parameters) as the query that found them, asked again at the
        # page: it may then see work that changed since the list was read, and such an
        # assignment may be missing from this one page (it is never shown twice). As a
        # subquery PostgreSQL read every assignment of a busy unit to find its few owed (65 ms
        # at a million suggestions, the list 1 ms).
        self.owed = open_ids if len(open_ids) <= OWED_AT_ONCE else owed.values("pk")

    def count(self):
        tally = Tally.objects.filter(group=Tally.Group.UNIT, key__in=self.unit_ids).aggregate(
            n=Coalesce(Sum(F("lead") + F("co") + F("separate")), 0)
        )
        return tally["n"]

    def __getitem__(self, window):
        start, stop = window.start or 0, window.stop
        ids = self.open_ids[start:stop]
        skip = max(start - len(self.open_ids), 0)
        need = (stop - start) - len(ids)
        # Finished work is every other assignment of the unit: skipped through the (unit, due
        # date, id) index alone, never joined to the suggestions it passes. Always one query,
        # so the page's query count is fixed.
        done = (
            Assignment.objects.filter(unit__in=self.unit_ids)
            .exclude(pk__in=self.owed)
            .order_by("-due_on", "pk")
            .values_list("pk", flat=True)
        )
        ids = list(dict.fromkeys(ids + list(done[skip : skip + max(need, 1)])[:need]))
        rows = {a.pk: a for a in self.rows.filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]


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
    soon = due_soon_until(today)
    # Driven from the few suggestions awaiting a reply, not from the unit's every row: one
    # light query sorts the owed work into its groups and counts them, one reads the rows shown.
    awaiting = Suggestion.objects.in_handling().values("pk")
    overdue = Assignment.overdue_q(today)  # the one rule: a co-handler owes no reply of its own
    owed = (
        Assignment.objects.filter(unit__in=viewer.unit_ids, suggestion__in=awaiting)
        .filter(open_work)
        .annotate(late=ExpressionWrapper(overdue, output_field=BooleanField()))
        .order_by("due_on", "pk")
        .values_list("pk", "due_on", "late")
    )
    sorted_out = {"overdue": [], "this_week": [], "later": [], "co_past": []}
    owed_query, owed = owed, list(owed)
    for pk, due_on, late in owed:
        # A co-handler past the date owes its views, not a reply: not overdue, and not due
        # this week either, where it would sit for good.
        if late:
            key = "overdue"
        elif due_on < today:
            key = "co_past"
        else:
            key = "this_week" if due_on <= soon else "later"
        sorted_out[key].append(pk)
    show = request.GET.get("show", "")
    # The groups' rows are read only where they are shown (not behind ?show=all).
    shown = {pk for pks in sorted_out.values() for pk in pks[:GROUP_SIZE]} if show != "all" else ()
    rows = {a.pk: a for a in mine.filter(pk__in=shown)} if shown else {}
    groups = []
    for key, title in [
        ("overdue", _("Overdue")),
        ("this_week", _("Due this week")),
        ("later", _("Due later")),
        ("co_past", _("Co-handling past the lead unit's due date")),
    ]:
        group = [rows[pk] for pk in sorted_out[key][:GROUP_SIZE] if pk in rows]
        for a in group:
            a.days_left = (a.due_on - today).days
            a.days_overdue = -a.days_left
        groups.append((key, title, group, len(sorted_out[key])))
    context = {
        "unit_groups": groups,
        "today": today,
        "unit_show": show,
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
    if status or role:
        paginator = Paginator(assignments, 50)
    else:
        paginator = SessionPaginator(
            OwedFirst(assignments, [pk for pk, _due, _late in owed], viewer.unit_ids, owed_query),
            50,
        )
    page = paginator.get_page(request.GET.get("upage"))
    return context | {
        "unit_page": page,
        "unit_status": status,
        "unit_role": role,
        "unit_statuses": [(s, S(s).label) for s in UNIT_STATUSES],
        "roles": Assignment.Role.choices,
    }
