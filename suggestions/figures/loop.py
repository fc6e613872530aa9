"""Closing the accountability loop: promises, ratings of what was done, consistency flags,
recurring suggestions and the publication clock. Read helpers shared by the public pages and
the workbench; every write is in `services`."""

import datetime

from django.db.models import Exists, F, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from suggestions.figures import stats
from suggestions.models import (
    FLAGS,
    NAMING,
    FlagReview,
    FlagsToReview,
    ImplementationRating,
    OpenPromise,
    Reply,
    SimilarLink,
    Suggestion,
    Tally,
)
from suggestions.rules import (
    due_soon_until,
    promise_past_its_date,
    promise_still_ahead,
    rule,
)


def _current(reply):
    # The workbench selects superseded_by with the replies; the public page lists only
    # published replies, which are current already (and does not select it).
    return reply._state.fields_cache.get("superseded_by") is None


def promises_of(replies, today=None):
    """[(reply, state)] for the current replies that carry a promise."""
    today = today or timezone.localdate()
    return [(r, r.promise_state(today)) for r in replies if r.promised_by and _current(r)]


def flags_of(suggestion, today=None):
    """[(kind, rule, review or None)] of the flags this suggestion carries."""
    row = Suggestion.objects.with_flags(today).filter(pk=suggestion.pk).values().first() or {}
    reviews = {r.kind: r for r in FlagReview.objects.filter(suggestion=suggestion)}
    return [
        (kind, rule, reviews.get(kind)) for kind, rule in FLAGS.items() if row.get(f"flag_{kind}")
    ]


def flag_rows(queryset, today=None):
    """Rows of flagged suggestions, each with [(kind, rule, reviewed)] in FLAGS order, read
    from the suggestions' stored flag columns (no query per row)."""
    rows = list(queryset)
    for s in rows:
        s.flags = [(kind, FLAGS[kind], reviewed) for kind, reviewed in s.stored_flags(today)]
    return rows


def links_of(suggestion, *, include_dismissed=False):
    links = suggestion.similar_links.select_related("earlier__session").order_by(
        "earlier__session__opens_on", "earlier__number"
    )
    if not include_dismissed:
        links = links.exclude(state=SimilarLink.State.DISMISSED)
    return list(links)


def recurrence(suggestion, links):
    """(times raised, since year) counting this suggestion and its earlier look-alikes."""
    if not links:
        return None
    years = [link.earlier.session.opens_on.year for link in links]
    return {"count": len(links) + 1, "since": min(years)}


def implementation_ratings(suggestion):
    return list(
        ImplementationRating.objects.filter(suggestion=suggestion).select_related(
            "deputy", "promise"
        )
    )


def recurring_topics(session=None):
    """The newest suggestion of each recurring problem, with how many times it was raised.

    A suggestion heads a topic when it links to earlier ones and no later one links to it."""
    live = ~Q(state=SimilarLink.State.DISMISSED)
    later = SimilarLink.objects.filter(live, earlier=OuterRef("pk"))
    heads = (
        Suggestion.objects.public()
        .for_session(session)
        .filter(Exists(SimilarLink.objects.filter(live, suggestion=OuterRef("pk"))))
        .exclude(Exists(later))
        .with_lead_unit()
        .select_related("session")
        .prefetch_related(
            Prefetch(
                "similar_links",
                SimilarLink.objects.filter(live)
                .select_related("earlier__session")
                .order_by("earlier__session__opens_on"),
                to_attr="live_links",
            )
        )
    )
    return heads


def with_earlier_lead_units(heads):
    """Lead unit names of the earlier suggestions of a page of topics (one query)."""
    ids = {link.earlier_id for s in heads for link in s.live_links}
    names = dict(
        Suggestion.objects.filter(pk__in=ids).with_lead_unit().values_list("pk", "lead_unit_name")
    )
    for s in heads:
        s.times = len(s.live_links) + 1
        for link in s.live_links:
            link.earlier.lead_unit_name = names.get(link.earlier_id)
    return heads


def publication_queue(today=None):
    """Closed suggestions with a current reply not yet public, oldest deadline first: the
    column the services keep (`awaits_publication_since`) in its own index."""
    today = today or timezone.localdate()
    days = rule("PUBLISH_DAYS")
    rows = (
        Suggestion.objects.filter(awaits_publication_since__isnull=False)
        .as_queue_rows("closed_on")
        .order_by("awaits_publication_since", "pk")
    )
    return rows, days, today - datetime.timedelta(days=days)


def awaiting_publication_count():
    """How many `publication_queue` holds: closed minus closed and published, summed over the
    summary rows that carry the loop's figures, the categories' (`awaits_publication` is the
    publication rate's complement). A concluded session's closed suggestions are at rest: its
    rows are left out."""
    rows = Tally.objects.filter(group=Tally.Group.CATEGORY, session__concluded_on__isnull=True)
    total = rows.aggregate(n=Sum(F("closed") - F("closed_published")))
    return total["n"] or 0


def flag_queue(size, today=None):
    """(the first `size` suggestions with a flag nobody has reviewed, newest session first and
    by number; how many there are). The summary rows say how many each session holds, so the
    page reads only the sessions that fill it, in their own index: three queries, whatever the
    number of flagged suggestions."""
    today = today or timezone.localdate()
    per_session = (
        FlagsToReview.objects.filter(after__lt=today)
        .values_list("session")
        .annotate(n=Sum("suggestions"))
        .order_by("-session__opens_on", "-session_id")
    )
    per_session = list(per_session)
    # Sessions before the last one needed hold fewer than `size` between them: read whole.
    needed, held = [], 0
    for session_id, n in per_session:
        needed.append(session_id)
        held += n
        if held >= size:
            break
    rows = []
    if needed:
        flagged = (
            Suggestion.objects.flagged(today)
            .as_queue_rows("flag_bits", "flags_reviewed", "promise_due")
            .with_lead_unit()
            .order_by("number")
        )
        rows = list(flagged.filter(session__in=needed[:-1]))
        rows += flagged.filter(session=needed[-1])[: max(size - len(rows), 0)]
        order = {session_id: i for i, session_id in enumerate(needed)}
        rows.sort(key=lambda s: (order[s.session_id], s.number))
    return flag_rows(rows[:size], today), sum(n for _s, n in per_session)


def staff_queues(size, today=None):
    """The loop's staff queues: [(key, title, rows, total)], each a fixed number of queries;
    the totals come from summary rows, not from counting the rows behind them."""
    from django.utils.translation import gettext_lazy as _

    today = today or timezone.localdate()
    # A reply's own session (its suggestion's, copied): one join fewer to plan than the
    # suggestion's session.
    replies = Reply.objects.as_queue_rows()
    soon = due_soon_until(today)
    # The promises read as NOT EXISTS a revision (`walked`): as a LEFT JOIN … IS NULL,
    # PostgreSQL guessed one row would survive and joined each of the week's 190 promises to
    # every session in a loop (6 ms at a million suggestions).
    current = replies.promises(walked=True)
    due = current.filter(promise_still_ahead(today), promised_by__lte=soon)
    due = due.order_by("promised_by", "pk")
    overdue = current.filter(promise_past_its_date(today)).order_by("promised_by", "pk")
    published, days, _cutoff = publication_queue(today)
    links = (
        SimilarLink.objects.filter(
            state=SimilarLink.State.FOUND,
            suggestion__status__in=[Suggestion.Status.SUBMITTED, Suggestion.Status.REGISTERED],
        )
        .select_related("suggestion__session", "earlier__session")
        .only(  # what the row shows of the two suggestions
            "score",
            *(f"{side}__{name}" for side in ("suggestion", "earlier") for name in NAMING),
        )
        .order_by("suggestion__pk", "-score")
    )
    published = list(published[:size])
    for s in published:
        s.publish_by = s.closed_on + datetime.timedelta(days=days)
        s.publish_late = s.publish_by < today
    flagged, flagged_count = flag_queue(size, today)
    return [
        (
            "promises_due",
            _("Promises due within the week"),
            list(due[:size]),
            OpenPromise.objects.filter(due__gte=today, due__lte=soon).aggregate(
                n=Coalesce(Sum("promises"), 0)
            )["n"],
        ),
        (
            "promises_overdue",
            _("Promises past their date, no follow-up"),
            list(soonest_open_promises(overdue, size)[:size]),
            stats.open_promise_split(today)["promises_overdue"],
        ),
        ("flags", _("Consistency flags to review"), flagged, flagged_count),
        ("publish_due", _("Closed, reply to publish"), published, awaiting_publication_count()),
        ("links", _("Look-alikes of earlier sessions to confirm"), *first_and_total(links, size)),
    ]


# A queue's badge counts up to COUNT_CAP and then says "1,000+" (`queue_count`), as the public
# list counts a search: past a thousand the number changes nothing staff do, and counting a
# queue of 60,000 replied suggestions read all of them (5 ms each, six queues on one page).
COUNT_CAP = 1000


def first_and_total(queryset, size):
    """(the first `size` rows, how many there are up to COUNT_CAP + 1): counted only when the
    page is full, and then no further than one past the cap (a LIMIT stops the count)."""
    rows = list(queryset[:size])
    if len(rows) < size:
        return rows, len(rows)
    return rows, queryset.order_by().values("pk")[: COUNT_CAP + 1].count()


def unit_promises(unit_ids, size=30):
    """A unit's open promises, soonest first: the follow-ups it owes.

    The summary rows of open promises (per unit and date due) tell by which date the unit's
    `size` soonest fall, so the replies are read among the few open promises due by then, not
    sorted out of every reply the unit ever sent."""
    owed = Reply.objects.promises_open().filter(assignment__unit__in=unit_ids)
    owed = soonest_open_promises(owed, size, unit_ids)
    return list(
        owed.select_related("suggestion__session", "assignment__unit").order_by(
            "promised_by", "pk"
        )[:size]
    )


def soonest_open_promises(owed, size, unit_ids=None):
    """`owed` (open promises) cut to those due by the date of its `size` soonest, which the
    summary rows of open promises tell: the first page is then read among a few promises, not
    sorted out of every one. The rows and their order do not change.

    Each summary row holds at least one promise, so the `size` soonest rows (read in their
    date's index) reach that date, or there are fewer promises than `size`."""
    by_date = OpenPromise.objects.filter(promises__gt=0)
    if unit_ids is not None:
        by_date = by_date.filter(unit__in=unit_ids)
    counted = 0
    for due, n in by_date.order_by("due").values_list("due", "promises")[:size]:
        counted += n
        if counted >= size:
            return owed.filter(promised_by__lte=due)
    return owed
