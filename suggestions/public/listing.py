"""Deep pages of the public list without OFFSET over a million rows.

The public list runs newest session first, then by number. When it is filtered by nothing but
the session, the summary rows say how many public suggestions each session holds, so page N (or
API offset N) is found by walking those counts to the session it falls in and reading that
session's rows by number from the (session, number) index: the last page costs what the first
costs, and the total is a sum of summary rows instead of a count over the table.
"""

from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import F

from congress.models import Session
from suggestions.models import Tally
from suggestions.search import keywords as search


def session_counts(session=None):
    """[(session id, public suggestions)] newest session first."""
    rows = Tally.objects.filter(group=Tally.Group.TOTAL, registered__gt=0)
    if session:
        rows = rows.filter(session=session)
    return list(rows.order_by("-session__opens_on", "session").values_list("session", "registered"))


def unit_counts(unit, session=None):
    """[(session id, the unit's suggestions)] newest session first: a unit holds one
    assignment per suggestion, and only suggestions accepted for handling are assigned."""
    rows = Tally.objects.filter(group=Tally.Group.UNIT, key=unit.pk)
    if session:
        rows = rows.filter(session=session)
    rows = rows.annotate(n=F("lead") + F("co") + F("separate")).filter(n__gt=0)
    return list(rows.order_by("-session__opens_on", "session").values_list("session", "n"))


def seek(queryset, counts, start, stop):
    """Rows start..stop of `queryset` (ordered by session, then number) read session by session."""
    found, before = [], 0
    for session_id, n in counts:
        if before + n > start and before < stop:
            lo, hi = max(start - before, 0), min(stop - before, n)
            rows = queryset.filter(session=session_id).order_by("number")
            # Skip by bare ids first, so the columns and annotations of skipped rows are never
            # computed; then read the page's rows.
            ids = rows.values("pk")[lo:hi]
            found += list(rows.filter(pk__in=ids))
        before += n
        if before >= stop:
            break
    return found


class SessionWindow:
    """The public suggestions of one session or all, sliceable like a queryset, counted from
    the summary rows."""

    def __init__(self, queryset, session=None, counts=None):
        self.queryset = queryset
        self.counts = session_counts(session) if counts is None else counts

    def count(self):
        return sum(n for _session, n in self.counts)

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        if isinstance(window, int):
            return self[window : window + 1][0]
        start, stop = window.start or 0, window.stop if window.stop is not None else self.count()
        return seek(self.queryset, self.counts, start, stop)


class SessionPaginator(Paginator):
    """A Paginator over what `window` gives (a SessionWindow, a FilteredWindow, a search, or the
    queryset itself), counted once: the count and any page in a fixed number of queries."""

    @cached_property
    def count(self):
        return self.object_list.count()


def only_session(data, names):
    """True when the request filters by nothing but (perhaps) the session."""
    return all(not data.get(name) for name in names if name != "session")


def window(queryset, data, names):
    """The public list's rows as the list's pages and the API's offsets read them: one rule for
    both. `data` is the filters' cleaned values, `names` every filter's name.

    - By nothing but the session: a SessionWindow (counted from the summary rows).
    - A keyword search: `search.Ranked` over the chosen session or all, counted up to its cap.
    - Other filters over all sessions: a FilteredWindow, counted up to the same cap.
    - Other filters within one session: the queryset itself (one session's rows are few)."""
    chosen = data.get("session")
    query = (data.get("q") or "").strip()
    if only_session(data, names):
        return SessionWindow(queryset, chosen)
    if chosen and not query:
        return queryset
    sessions = Session.objects.filter(pk=chosen.pk) if chosen else Session.objects.all()
    sessions = list(sessions.order_by("-opens_on", "pk").values_list("pk", "opens_on"))
    if query:
        return search.Ranked(queryset, sessions)
    return FilteredWindow(queryset, sessions, search.CAP)


def is_capped(window):
    """True for a window counted up to the cap (a search, or filters over all sessions)."""
    return isinstance(window, search.Ranked | FilteredWindow)


# A filtered list over all sessions is counted up to CAP and pages within its first CAP rows,
# as a keyword search is (suggestions/search/keywords.py): a filter most rows pass (a status, a
# reply class) matches hundreds of thousands, and counting or sorting them all read every one
# (1.2 s for status=closed at a million suggestions).
MAX_SESSIONS_READ = 16  # sessions a page reads in one query, at most


class FilteredWindow:
    """The public list under filters other than the session, over all sessions, sliceable like
    a queryset, counted up to CAP.

    One query reads the sort keys of at most CAP + 1 matches in any order (a LIMIT stops it
    early when many match). When that is all of them, they are the count and, sorted here, every
    page. When more match, a page is read newest session first: the newest session alone, then
    2, 4 … 16 sessions a query, until the rows before and on the page are found; the filter
    passes many rows, so the first sessions hold them. Sessions that open the same day are
    never split (the list orders their rows by number together)."""

    def __init__(self, queryset, sessions, cap):
        self.queryset = queryset
        self.sessions = sessions  # [(session id, opens on)] newest first
        self.cap = cap

    @cached_property
    def probe(self):
        keys = self.queryset.order_by().values_list("pk", "session_id", "number")
        return list(keys[: self.cap + 1])

    @property
    def capped(self):
        return len(self.probe) > self.cap

    def count(self):
        return min(len(self.probe), self.cap)

    def __len__(self):
        return self.count()

    def chunks(self):
        i, width = 0, 1
        while i < len(self.sessions):
            cut = min(i + width, len(self.sessions))
            while cut < len(self.sessions) and self.sessions[cut][1] == self.sessions[cut - 1][1]:
                cut += 1
            yield [pk for pk, _opens in self.sessions[i:cut]]
            i, width = cut, min(2 * width, MAX_SESSIONS_READ)

    def __getitem__(self, window):
        if isinstance(window, int):
            return self[window : window + 1][0]
        start = window.start or 0
        stop = min(window.stop if window.stop is not None else self.count(), self.count())
        if stop <= start:
            return []
        if not self.capped:
            opens = dict(self.sessions)
            keys = sorted(self.probe, key=lambda k: (-opens[k[1]].toordinal(), k[2], k[0]))
            ids = [pk for pk, _session, _number in keys[start:stop]]
        else:
            ids = []
            for chunk in self.chunks():
                part = self.queryset.filter(session_id__in=chunk)
                part = part.order_by("-session__opens_on", "number", "pk")
                ids += part.values_list("pk", flat=True)[: stop - len(ids)]
                if len(ids) >= stop:
                    break
            ids = ids[start:stop]
        # The page's rows with their columns, in the order found.
        rows = {row.pk: row for row in self.queryset.order_by().filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]
