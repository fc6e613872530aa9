"""Completion statistics. Each table is one aggregate query, whatever the number of rows."""

from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.models import Delegation, HandlingUnit

from .models import Assignment, Category, ReplyClass, Satisfaction, Suggestion, Tally
from .summaries import SUGGESTION_COLUMNS
from .summaries import UNIT_COLUMNS as UNIT_TALLY_COLUMNS

S = Suggestion.Status
NOT_ACCEPTED = [S.DRAFT, S.SUBMITTED, S.NOT_REGISTERED, S.MERGED]


def suggestion_counts(today):
    """Aggregates over suggestions; keys are the figures' names."""
    return {
        "received": Count("pk", filter=~Q(status=S.DRAFT)),
        "registered": Count("pk", filter=~Q(status__in=NOT_ACCEPTED)),
        "assigned": Count("pk", filter=Q(assigned_on__isnull=False) & ~Q(status__in=NOT_ACCEPTED)),
        "replied": Count("pk", filter=Q(first_replied_on__isnull=False)),
        "closed": Count("pk", filter=Q(status=S.CLOSED)),
        "on_time": Count("pk", filter=Q(replied_on_time=True)),
        "overdue": Count("pk", filter=Q(status__in=Suggestion.AWAITING_REPLY, due_on__lt=today)),
        "face_to_face": Count("pk", filter=Q(met_face_to_face=True)),
        "re_handled": Count("pk", filter=Q(was_re_handled=True)),
        **{f"class_{c}": Count("pk", filter=Q(reply_class=c)) for c in ReplyClass.values},
        **{s: Count("pk", filter=Q(satisfaction=s)) for s in Satisfaction.values},
    }


def rate(part, whole):
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Figures:
    """One row of statistics with the rates derived from its counts."""

    counts: dict
    label: str = ""
    key: object = None

    def __getattr__(self, name):
        try:
            return self.counts[name]
        except KeyError as error:
            raise AttributeError(name) from error

    @property
    def classified(self):
        return sum(self.counts.get(f"class_{c}", 0) for c in ReplyClass.values)

    @property
    def evaluated(self):
        return sum(self.counts.get(s, 0) for s in Satisfaction.values)

    @property
    def closure_rate(self):
        return rate(self.counts["closed"], self.counts["registered"])

    @property
    def reply_rate(self):
        return rate(self.counts["replied"], self.counts["registered"])

    @property
    def on_time_rate(self):
        return rate(self.counts["on_time"], self.counts["replied"])

    @property
    def solved_rate(self):
        return rate(self.counts["class_A"], self.classified)

    @property
    def contact_rate(self):
        return rate(self.counts["face_to_face"], self.counts["assigned"])

    @property
    def satisfaction_rate(self):
        c = self.counts
        return rate(c["satisfied"] + c["basically_satisfied"], self.evaluated)

    def split(self, keys_labels):
        """[(label, count, percent)] for a bar chart."""
        total = sum(self.counts[k] for k, _label in keys_labels) or 0
        return [
            (label, self.counts[k], rate(self.counts[k], total) or 0) for k, label in keys_labels
        ]

    @property
    def class_split(self):
        return self.split([(f"class_{c}", label) for c, label in ReplyClass.choices])

    @property
    def satisfaction_split(self):
        return self.split(list(Satisfaction.choices))


def overview(queryset, today=None):
    today = today or timezone.localdate()
    return Figures(queryset.aggregate(**suggestion_counts(today)))


def grouped(queryset, field, label_field, today=None):
    """Figures per category, delegation...: one GROUP BY query."""
    today = today or timezone.localdate()
    rows = (
        queryset.order_by()
        .values(field, label_field)
        .annotate(**suggestion_counts(today))
        .order_by(label_field)
    )
    return [
        Figures(
            {k: v for k, v in row.items() if k not in (field, label_field)},
            label=row[label_field],
            key=row[field],
        )
        for row in rows
    ]


UNIT_COLUMNS = [
    "lead",
    "co",
    "separate",
    "replied",
    "on_time",
    "overdue",
    "satisfied",
    "basically_satisfied",
    "dissatisfied",
    "satisfaction_rate",
    "on_time_rate",
]


def by_unit(assignments, today=None):
    """Per handling unit: what it was given, as what, how it replied and how it was rated."""
    today = today or timezone.localdate()
    owes = ~Q(role=Assignment.Role.CO)
    rows = (
        assignments.order_by()
        .values("unit", "unit__name", "unit__kind")
        .annotate(
            lead=Count("pk", filter=Q(role=Assignment.Role.LEAD)),
            co=Count("pk", filter=Q(role=Assignment.Role.CO)),
            separate=Count("pk", filter=Q(role=Assignment.Role.SEPARATE)),
            replied=Count("pk", filter=owes & Q(replied_on__isnull=False)),
            on_time=Count("pk", filter=owes & Q(replied_on__lte=F("due_on"))),
            overdue=Count(
                "pk",
                filter=owes
                & Q(
                    replied_on__isnull=True,
                    due_on__lt=today,
                    suggestion__status__in=Suggestion.AWAITING_REPLY,
                ),
            ),
            satisfied=Count("pk", filter=owes & Q(suggestion__satisfaction="satisfied")),
            basically_satisfied=Count(
                "pk", filter=owes & Q(suggestion__satisfaction="basically_satisfied")
            ),
            dissatisfied=Count("pk", filter=owes & Q(suggestion__satisfaction="dissatisfied")),
        )
    )
    result = []
    for row in rows:
        evaluated = row["satisfied"] + row["basically_satisfied"] + row["dissatisfied"]
        row["satisfaction_rate"] = rate(row["satisfied"] + row["basically_satisfied"], evaluated)
        row["on_time_rate"] = rate(row["on_time"], row["replied"])
        result.append(row)
    return result


EXPLANATIONS = {
    "received": _("Suggestions submitted to the congress (drafts not counted)."),
    "registered": _("Received and accepted for handling (立案), merged and refused ones left out."),
    "assigned": _("Registered suggestions given to at least one handling unit."),
    "replied": _("Suggestions with a written reply from every unit that owes one."),
    "closed": _("Replied, rated (or the rating period passed) and closed."),
    "closure_rate": _("办结率 = closed ÷ registered."),
    "on_time_rate": _(
        "按期答复率 = replied by the due date in force (extensions count) ÷ replied."
    ),
    "overdue": _("Still waiting for a reply whose due date has passed, today."),
    "solved_rate": _("解决采纳率 = replies classed A ÷ classed replies."),
    "contact_rate": _(
        "见面沟通率 = suggestions whose unit met the deputy face to face ÷ assigned."
    ),
    "satisfaction_rate": _("满意率 = (satisfied + basically satisfied) ÷ lead deputies' ratings."),
    "re_handled": _("Sent back for re-handling after a dissatisfied rating."),
}


FIGURES = SUGGESTION_COLUMNS
UNIT_FIGURES = UNIT_TALLY_COLUMNS


# -- the public figures, read from the summary rows (suggestions.summaries) ----------------------


def _tallies(session, group):
    rows = Tally.objects.filter(group=group)
    return rows.filter(session=session) if session else rows


def _summed(columns):
    return {c: Coalesce(Sum(c), 0) for c in columns}


def session_overview(session, today=None):
    """The figures of a session (all time for None): a sum of summary rows, overdue counted live."""
    today = today or timezone.localdate()
    counts = _tallies(session, Tally.Group.TOTAL).aggregate(**_summed(FIGURES))
    counts["overdue"] = Suggestion.objects.for_session(session).overdue(today).count()
    return Figures(counts)


def session_grouped(session, field, today=None, registered_only=False):
    """Figures per category or delegation, as `grouped` gives them, from the summary rows."""
    today = today or timezone.localdate()
    model = {"category": Category, "delegation": Delegation}[field]
    rows = (
        _tallies(session, field)
        .order_by()
        .values("key")
        .annotate(**_summed(FIGURES))
        .filter(**{"registered__gt" if registered_only else "suggestions__gt": 0})
    )
    overdue = dict(
        Suggestion.objects.for_session(session)
        .overdue(today)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values_list(field, "n")
    )
    labels = dict(model.objects.values_list("pk", "name"))
    result = []
    for row in rows:
        key = row.pop("key")
        row.pop("suggestions")
        result.append(Figures({**row, "overdue": overdue.get(key, 0)}, label=labels[key], key=key))
    return sorted(result, key=lambda f: f.label)


def session_units(session, unit=None, today=None):
    """Per handling unit, as `by_unit` gives it, from the summary rows."""
    today = today or timezone.localdate()
    rows = _tallies(session, Tally.Group.UNIT)
    overdue = Assignment.objects.filter(
        replied_on__isnull=True,
        due_on__lt=today,
        suggestion__status__in=Suggestion.AWAITING_REPLY,
    ).exclude(role=Assignment.Role.CO)
    if session:
        overdue = overdue.filter(suggestion__session=session)
    units = HandlingUnit.objects.all()
    if unit:
        rows, overdue, units = rows.filter(key=unit.pk), overdue.filter(unit=unit), [unit]
    else:
        units = units.only("pk", "name", "kind")
    summed = rows.order_by().values("key").annotate(**_summed(UNIT_FIGURES))
    summed = {row.pop("key"): row for row in summed}
    overdue = dict(
        overdue.order_by().values("unit").annotate(n=Count("pk")).values_list("unit", "n")
    )
    result = []
    for u in units:
        row = summed.get(u.pk)
        if not row or not (row["lead"] or row["co"] or row["separate"]):
            continue
        evaluated = row["satisfied"] + row["basically_satisfied"] + row["dissatisfied"]
        result.append(
            {
                "unit": u.pk,
                "unit__name": u.name,
                "unit__kind": u.kind,
                **row,
                "overdue": overdue.get(u.pk, 0),
                "satisfaction_rate": rate(row["satisfied"] + row["basically_satisfied"], evaluated),
                "on_time_rate": rate(row["on_time"], row["replied"]),
            }
        )
    return result
