"""Completion statistics. Each table is one aggregate query, whatever the number of rows."""

import statistics
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.models import Delegation, HandlingUnit
from suggestions.figures import summaries
from suggestions.models import (
    Assignment,
    Category,
    ImplementationRating,
    OpenPromise,
    Reply,
    ReplyClass,
    ReplyDays,
    Satisfaction,
    Suggestion,
    Tally,
)
from suggestions.rules import promise_past_its_date, promise_still_ahead

S = Suggestion.Status


def suggestion_counts(today):
    """Aggregates over suggestions; keys are the figures' names (EXPLANATIONS says each one).

    The definitions are the summary rows' own (`summaries.suggestion_counts`, which says the
    rule for replies), with overdue, which depends on today, counted here.
    """
    counts = summaries.suggestion_counts()
    del counts["suggestions"]
    return {**counts, "overdue": Count("pk", filter=Suggestion.overdue_q(today))}


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
    """Per handling unit: what it was given, as what, how it replied and how it was rated.

    The columns are the summary rows' own (`summaries.unit_counts`); overdue is counted here."""
    today = today or timezone.localdate()
    rows = (
        assignments.order_by()
        .values("unit", "unit__name", "unit__kind")
        .annotate(
            **summaries.unit_counts(),
            owing=Count("pk", filter=Q(role__in=Assignment.REPLYING_ROLES)),
            overdue=Count("pk", filter=Assignment.overdue_q(today)),
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
    "reply_days": _(
        "Days from assignment to the unit's first reply: the median (half the replies came "
        "sooner) and the average. Co-handlers are not counted; they send views, not replies."
    ),
}


# --- the accountability loop: promises, implementation, all ratings, publication -------------
# Plain aggregate functions (one query each), so summary tables can reuse them.

SAT = Satisfaction.values


def _open_split(today):
    """Open promises (no follow-up yet): past their date today, or still ahead."""
    return {
        "promises_overdue": Count("pk", filter=promise_past_its_date(today)),
        "promises_open": Count("pk", filter=promise_still_ahead(today)),
    }


def promise_counts(suggestions, today=None, unit=None):
    """Promises of B/C replies (current ones) among these suggestions: one aggregate query.

    kept = follow-up by the promised date; late = follow-up after it; overdue = date passed
    without a follow-up; open = date still ahead. The live definition: the public pages read
    the same from the summary rows (`session_loop`, `session_units`)."""
    today = today or timezone.localdate()
    replies = Reply.objects.promises().filter(suggestion__in=suggestions)
    if unit is not None:
        replies = replies.filter(assignment__unit=unit)
    return replies.aggregate(**summaries.promise_counts(), **_open_split(today))


def promise_counts_by_unit(replies, today=None):
    """{unit id: counts} of promises per replying unit: one GROUP BY query (live)."""
    today = today or timezone.localdate()
    rows = (
        replies.promises()
        .order_by()
        .values("assignment__unit")
        .annotate(**summaries.promise_counts(), **_open_split(today))
    )
    return {row.pop("assignment__unit"): row for row in rows}


def promise_kept_rate(counts):
    """承诺兑现率 = kept ÷ (kept + late + overdue): promises whose date has come. Untracked
    promises (a concluded session's, never followed up in the records) are not judged."""
    judged = counts["promises_kept"] + counts["promises_late"] + counts["promises_overdue"]
    return rate(counts["promises_kept"], judged)


def promises_untracked(counts):
    """Promises neither kept, late nor open: those a concluded session left untracked."""
    followed = counts["promises_kept"] + counts["promises_late"]
    return counts["promises"] - followed - counts["promises_overdue"] - counts["promises_open"]


def implementation_counts(suggestions):
    """The lead deputies' implementation ratings (落实满意度), one per suggestion."""
    columns = summaries.loop_counts()
    return suggestions.aggregate(**{f"impl_{s}": columns[f"impl_{s}"] for s in SAT})


def all_implementation_counts(suggestions):
    """Every deputy's implementation rating (lead and co-signers)."""
    return ImplementationRating.objects.filter(suggestion__in=suggestions).aggregate(
        **summaries.implementation_rating_counts()
    )


def all_reply_rating_counts(suggestions):
    """Every deputy's latest rating of the reply (lead and co-signers), one per deputy."""
    return (
        summaries.latest_evaluations()
        .filter(suggestion__in=suggestions)
        .aggregate(**summaries.evaluation_counts())
    )


def publication_counts(suggestions, today=None):
    """Closed suggestions and those whose every current reply is public (公开率)."""
    return suggestions.aggregate(
        closed_total=Count("pk", filter=Q(status=S.CLOSED)),
        closed_published=summaries.loop_counts()["closed_published"],
    )


def satisfaction_rate_of(counts, prefix):
    good = counts[f"{prefix}satisfied"] + counts[f"{prefix}basically_satisfied"]
    return rate(good, good + counts[f"{prefix}dissatisfied"])


def loop_figures(suggestions, today=None):
    """The loop's figures for a set of suggestions, with their rates (five queries, live).

    The definition the summary rows are kept equal to; pages read `session_loop`."""
    return with_loop_rates(
        {
            **promise_counts(suggestions, today),
            **implementation_counts(suggestions),
            **all_implementation_counts(suggestions),
            **all_reply_rating_counts(suggestions),
            **publication_counts(suggestions, today),
        }
    )


def with_loop_rates(c):
    c["impl_rated"] = sum(c[f"impl_{s}"] for s in SAT)
    c["impl_all_rated"] = sum(c[f"impl_all_{s}"] for s in SAT)
    c["all_rated"] = sum(c[f"all_{s}"] for s in SAT)
    c["promise_kept_rate"] = promise_kept_rate(c)
    c["promises_untracked"] = promises_untracked(c)
    c["promises_judged"] = c["promises_kept"] + c["promises_late"] + c["promises_overdue"]
    c["implementation_rate"] = satisfaction_rate_of(c, "impl_")
    c["implementation_all_rate"] = satisfaction_rate_of(c, "impl_all_")
    c["all_ratings_rate"] = satisfaction_rate_of(c, "all_")
    c["publication_rate"] = rate(c["closed_published"], c["closed_total"])
    return c


EXPLANATIONS.update(
    {
        "promise_kept_rate": _(
            "承诺兑现率 = B/C promises followed up by their promised date ÷ promises whose "
            "date has come (kept + kept late + past their date with no follow-up); promises "
            "of a concluded session never followed up in the records are untracked (未跟踪) and "
            "not counted."
        ),
        "satisfaction_rate_reply": _(
            "满意率（答复）= (satisfied + basically satisfied) ÷ lead deputies' ratings of "
            "the reply."
        ),
        "implementation_rate": _(
            "落实满意率 = (satisfied + basically satisfied) ÷ lead deputies' ratings of what was "
            "done on a promise, rated after its follow-up or its date."
        ),
        "all_ratings_rate": _(
            "All deputies' rating of the reply = (satisfied + basically satisfied) ÷ each "
            "deputy's latest rating of the reply, the lead deputy's and co-signers' alike."
        ),
        "implementation_all_rate": _(
            "All deputies' rating of what was done = (satisfied + basically satisfied) ÷ every "
            "implementation rating, by the lead deputy and co-signers alike."
        ),
        "publication_rate": _(
            "公开率 = closed suggestions whose every current reply is published ÷ closed "
            "suggestions."
        ),
    }
)


@dataclass
class Speed:
    """Days from assignment to first reply over a set of replies: median, average, how many.

    `spread` is {days: how many replies took that many}, as the summary rows keep it; the
    median is `statistics.median`'s (the mean of the two middle values of an even count)."""

    spread: dict

    @classmethod
    def of(cls, days):
        return cls(dict(Counter(days)))

    @property
    def count(self):
        return sum(self.spread.values())

    def nth(self, index):
        """The index-th smallest value (from 0)."""
        for days in sorted(self.spread):
            index -= self.spread[days]
            if index < 0:
                return days
        raise IndexError(index)

    @property
    def median(self):
        n = self.count
        if not n:
            return None
        middle = [self.nth(n // 2)] if n % 2 else [self.nth(n // 2 - 1), self.nth(n // 2)]
        return round(float(statistics.median(middle)), 1)

    @property
    def average(self):
        n = self.count
        # The exact sum over the count, as statistics.fmean gives it for whole days.
        return round(sum(d * k for d, k in self.spread.items()) / n, 1) if n else None


def reply_speed(assignments):
    """How fast units first replied: ({unit id: Speed}, Speed overall), live over the rows.

    The definition the `ReplyDays` summary rows are kept equal to; pages read `unit_speeds`
    and `session_speed`."""
    per_unit, overall = {}, []
    for unit, days in summaries.first_reply_days(assignments):
        per_unit.setdefault(unit, []).append(days)
        overall.append(days)
    return {unit: Speed.of(days) for unit, days in per_unit.items()}, Speed.of(overall)


def session_speed(session):
    """Speed over all units of a session (all sessions for None), from the summary rows."""
    rows = ReplyDays.objects.filter(session=session).order_by().values("days")
    return Speed(dict(rows.annotate(n=Sum("replies")).values_list("days", "n")))


def unit_speeds(session, unit=None):
    """{unit id: Speed} for a session (all sessions for None), from the summary rows."""
    rows = ReplyDays.objects.filter(session=session)
    if unit is not None:
        rows = rows.filter(unit=unit.pk)
    speeds = {}
    for key, days, n in rows.values_list("unit", "days", "replies"):
        speeds.setdefault(key, {})[days] = n
    return {key: Speed(spread) for key, spread in speeds.items()}


def with_speed(rows, session, unit=None):
    """Add median_days, average_days and speed_count to session_units' rows."""
    speeds = unit_speeds(session, unit)
    for row in rows:
        speed = speeds.get(row["unit"], Speed({}))
        row["median_days"] = speed.median
        row["average_days"] = speed.average
        row["speed_count"] = speed.count


def sort_rows(rows, sort, columns):
    """Sort by a column (a leading '-' for descending); rows with nothing to show go last."""
    column = sort.lstrip("-")
    if column not in columns:
        return ""
    known = [r for r in rows if r[column] is not None]
    unknown = [r for r in rows if r[column] is None]
    known.sort(key=lambda r: r[column], reverse=sort.startswith("-"))
    rows[:] = known + unknown
    return sort


FIGURES = summaries.SUGGESTION_COLUMNS
UNIT_FIGURES = summaries.UNIT_COLUMNS
PROMISE_FIGURES = summaries.PROMISE_COLUMNS
PROMISE_SPLIT = [*PROMISE_FIGURES, "promises_overdue", "promises_open"]


# -- the public figures, read from the summary rows (suggestions.figures.summaries) --------------


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
    overdue = Assignment.objects.filter(Assignment.overdue_q(today))
    if session:
        overdue = overdue.filter(session=session)
    units = HandlingUnit.objects.all()
    if unit:
        rows, overdue, units = rows.filter(key=unit.pk), overdue.filter(unit=unit), [unit]
    else:
        units = units.only("pk", "name", "kind")
    summed = rows.order_by().values("key").annotate(**_summed(UNIT_FIGURES + PROMISE_FIGURES))
    summed = {row.pop("key"): row for row in summed}
    overdue = dict(
        overdue.order_by().values("unit").annotate(n=Count("pk")).values_list("unit", "n")
    )
    opened = _open_promises(session, today, unit)
    opened = {row.pop("unit"): row for row in opened.values("unit").annotate(**_split(today))}
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
                "owing": sum(row[role] for role in Assignment.REPLYING_ROLES),
                "overdue": overdue.get(u.pk, 0),
                "satisfaction_rate": rate(row["satisfied"] + row["basically_satisfied"], evaluated),
                "on_time_rate": rate(row["on_time"], row["replied"]),
                **opened.get(u.pk, {"promises_overdue": 0, "promises_open": 0}),
            }
        )
        result[-1]["promise_kept_rate"] = promise_kept_rate(result[-1])
        result[-1]["promises_untracked"] = promises_untracked(result[-1])
    return result


def _open_promises(session, today, unit=None):
    rows = OpenPromise.objects.order_by()
    if session:
        rows = rows.filter(session=session)
    return rows.filter(unit=unit.pk) if unit else rows


def _split(today):
    return {
        "promises_overdue": Coalesce(Sum("promises", filter=Q(due__lt=today)), 0),
        "promises_open": Coalesce(Sum("promises", filter=Q(due__gte=today)), 0),
    }


def session_loop(session, today=None):
    """The loop's figures of a session (all time for None), as `loop_figures` gives them, from
    the summary rows: its categories' (which sum to the session's), and open promises split by
    their date against today."""
    today = today or timezone.localdate()
    counts = _tallies(session, Tally.Group.CATEGORY).aggregate(
        **_summed(summaries.LOOP_COLUMNS), closed_total=Coalesce(Sum("closed"), 0)
    )
    counts.update(open_promise_split(today, session))
    return with_loop_rates(counts)


def open_promise_split(today, session=None):
    """{promises_overdue, promises_open}: the open promises of a session (all time for None),
    past their date or not as of today, summed over their summary rows."""
    return _open_promises(session, today).aggregate(**_split(today))
