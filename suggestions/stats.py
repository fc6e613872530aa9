"""Completion statistics. Each table is one aggregate query, whatever the number of rows."""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Assignment, Reply, ReplyClass, Satisfaction, Suggestion

S = Suggestion.Status


def suggestion_counts(today):
    """Aggregates over suggestions; keys are the figures' names (EXPLANATIONS says each one).

    A figure that depends on the replies counts only suggestions every owing unit has replied
    to (`REPLIED_STATUSES`): one of two split units replying is not a reply yet, and its class
    and timeliness are not final.
    """
    registered = Q(status__in=Suggestion.PUBLIC_STATUSES)
    assigned = registered & Q(assigned_on__isnull=False)
    replied = Q(status__in=Suggestion.REPLIED_STATUSES)
    return {
        "received": Count("pk", filter=~Q(status=S.DRAFT)),
        "registered": Count("pk", filter=registered),
        "assigned": Count("pk", filter=assigned),
        "replied": Count("pk", filter=replied),
        "closed": Count("pk", filter=Q(status=S.CLOSED)),
        "on_time": Count("pk", filter=replied & Q(replied_on_time=True)),
        "overdue": Count("pk", filter=Suggestion.overdue_q(today)),
        "face_to_face": Count("pk", filter=assigned & Q(met_face_to_face=True)),
        "re_handled": Count("pk", filter=Q(was_re_handled=True)),
        **{f"class_{c}": Count("pk", filter=replied & Q(reply_class=c)) for c in ReplyClass.values},
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
    owes = Q(role__in=Assignment.REPLYING_ROLES)
    # The unit's first reply of the first round, as sent (a revision or a re-handling reply
    # later does not change whether the unit replied, or replied on time).
    first_reply = Reply.objects.filter(
        assignment=OuterRef("pk"), kind=Reply.Kind.REPLY, round=1, supersedes__isnull=True
    )
    rows = (
        assignments.order_by()
        .values("unit", "unit__name", "unit__kind")
        .annotate(
            lead=Count("pk", filter=Q(role=Assignment.Role.LEAD)),
            co=Count("pk", filter=Q(role=Assignment.Role.CO)),
            separate=Count("pk", filter=Q(role=Assignment.Role.SEPARATE)),
            owing=Count("pk", filter=owes),
            replied=Count("pk", filter=owes & Q(Exists(first_reply))),
            on_time=Count(
                "pk", filter=owes & Q(Exists(first_reply.filter(replied_on__lte=F("due_on"))))
            ),
            overdue=Count("pk", filter=Assignment.overdue_q(today)),
            **{
                s: Count("pk", filter=owes & Q(suggestion__satisfaction=s))
                for s in Satisfaction.values
            },
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
    "replied": _(
        "Suggestions answered in writing by every unit that owes a reply: each unit of a split,"
        " otherwise the lead unit (co-handlers send views, not replies). Re-handled ones count."
    ),
    "closed": _("Replied, rated (or the rating period passed) and closed."),
    "closure_rate": _("办结率 = closed ÷ registered."),
    "on_time_rate": _(
        "按期答复率 = replied by the due date in force (extensions count) ÷ replied."
    ),
    "overdue": _("Still waiting for a reply whose due date has passed, today."),
    "solved_rate": _("解决采纳率 = replied suggestions classed A ÷ replied suggestions."),
    "contact_rate": _(
        "见面沟通率 = suggestions whose unit met the deputy face to face ÷ assigned."
    ),
    "satisfaction_rate": _("满意率 = (satisfied + basically satisfied) ÷ lead deputies' ratings."),
    "re_handled": _("Sent back for re-handling after a dissatisfied rating."),
}
