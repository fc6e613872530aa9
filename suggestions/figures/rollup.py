"""Roll-ups: the congresses one level below a congress (a city's counties, a province's cities)
side by side and summed, read-only, from their summary rows — never by scanning suggestions.

`rollup(congress)` answers in a constant number of queries whatever the number of congresses
below or of their suggestions: their sessions, their `Tally` totals summed per congress, their
`ReplyDays` spreads, and for staff their `OpenPromise` and `FlagsToReview` rows. The reads span
congresses on purpose, so they use the unscoped managers (`Session.everywhere`, the summary
rows' base manager): the congress being viewed is active, the ones below are not.

"Overdue now" is not in the roll-up: it depends on today and the summary rows do not keep it
(the public pages count it live over the suggestions awaiting a reply). Staff see what the
summary rows do keep about lateness: promises past their date and flags to review.
"""

from dataclasses import dataclass, field

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from congress import cache
from congress.models import Session
from congress.tenancy import known_congresses
from suggestions.figures import stats
from suggestions.models import FlagsToReview, OpenPromise, ReplyDays, Tally

FIGURES = stats.FIGURES  # the headline counts of a session, as its Tally total row keeps them


def children_of(congress):
    """The congresses one level below, in their order (from the per-process list: no query)."""
    if congress is None:
        return []
    rows = {c.pk: c for c in known_congresses().values() if c is not None}
    return sorted(
        (c for c in rows.values() if c.parent_id == congress.pk), key=lambda c: (c.order, c.pk)
    )


def cache_scopes(congress):
    """What a page showing `congress`'s roll-up depends on: every session of every congress
    below (a change to any of their suggestions bumps its `sessions:<id>`)."""
    return {cache.all_sessions(child.pk) for child in children_of(congress)}


@dataclass
class Row:
    """One congress below (or the total, `congress` None) with its figures."""

    congress: object
    sessions: list = field(default_factory=list)  # the sessions counted (names)
    figures: stats.Figures = None
    speed: stats.Speed = None
    promises_overdue: int = 0  # staff only: B/C promises past their date, no follow-up
    flags_to_review: int = 0  # staff only: suggestions carrying a flag nobody reviewed

    @property
    def is_total(self):
        return self.congress is None


@dataclass
class Rollup:
    rows: list
    total: Row
    year: int = None
    all_time: bool = False

    def __bool__(self):
        return bool(self.rows)

    @property
    def all_rows(self):
        """The rows, then the total."""
        return [*self.rows, self.total]


def _chosen_sessions(children, year, all_time, today):
    """{congress id: [(session id, name)]}: the sessions opened in `year`, every session
    (`all_time`), or else each congress's current one (the latest opened by today)."""
    rows = Session.everywhere.filter(congress__in=[c.pk for c in children]).order_by(
        "congress", "-opens_on", "-pk"
    )
    if year is not None:
        rows = rows.filter(opens_on__year=year)
    elif not all_time:
        rows = rows.filter(opens_on__lte=today)
    chosen = {}
    for pk, congress_id, name in rows.values_list("pk", "congress", "name"):
        if year is None and not all_time and congress_id in chosen:
            continue  # the current session only: the first, latest opened
        chosen.setdefault(congress_id, []).append((pk, name))
    return chosen


def _summed(columns):
    return {c: Coalesce(Sum(c), 0) for c in columns}


def rollup(congress, year=None, *, all_time=False, staff=False, today=None):
    """The congresses below `congress`, one Row each, and their total.

    Sessions counted: those opened in `year`; every session with `all_time`; by default each
    one's current session. `staff` adds what the summary rows say about lateness. Empty (falsy)
    for a congress with nothing below it, with no query."""
    today = today or timezone.localdate()
    children = children_of(congress)
    if not children:
        return Rollup([], Row(None, figures=stats.Figures(dict.fromkeys(FIGURES, 0))), year)
    chosen = _chosen_sessions(children, year, all_time, today)
    session_ids = [pk for sessions in chosen.values() for pk, _name in sessions]
    by_congress = "session__congress"
    totals = {
        row.pop(by_congress): row
        for row in Tally._base_manager.filter(group=Tally.Group.TOTAL, session__in=session_ids)
        .order_by()
        .values(by_congress)
        .annotate(**_summed(FIGURES))
    }
    spreads = {}
    days = (
        ReplyDays._base_manager.filter(session__in=session_ids)
        .order_by()
        .values(by_congress, "days")
        .annotate(n=Sum("replies"))
        .values_list(by_congress, "days", "n")
    )
    for congress_id, d, n in days:
        spreads.setdefault(congress_id, {})[d] = n
    promises, flags = {}, {}
    if staff:
        promises = dict(
            OpenPromise._base_manager.filter(session__in=session_ids, due__lt=today)
            .order_by()
            .values(by_congress)
            .annotate(n=Sum("promises"))
            .values_list(by_congress, "n")
        )
        flags = dict(
            FlagsToReview._base_manager.filter(session__in=session_ids, after__lt=today)
            .order_by()
            .values(by_congress)
            .annotate(n=Sum("suggestions"))
            .values_list(by_congress, "n")
        )
    rows = []
    for child in children:
        rows.append(
            Row(
                child,
                sessions=[name for _pk, name in chosen.get(child.pk, [])],
                figures=stats.Figures(totals.get(child.pk, dict.fromkeys(FIGURES, 0))),
                speed=stats.Speed(spreads.get(child.pk, {})),
                promises_overdue=promises.get(child.pk, 0),
                flags_to_review=flags.get(child.pk, 0),
            )
        )
    return Rollup(rows, _total(rows), year, all_time)


def _total(rows):
    counts = {c: sum(r.figures.counts[c] for r in rows) for c in FIGURES}
    spread = {}
    for row in rows:
        for d, n in row.speed.spread.items():
            spread[d] = spread.get(d, 0) + n
    return Row(
        None,
        figures=stats.Figures(counts),
        speed=stats.Speed(spread),
        promises_overdue=sum(r.promises_overdue for r in rows),
        flags_to_review=sum(r.flags_to_review for r in rows),
    )
