"""Keyword search over suggestions' titles and content, Chinese first.

Chinese is written without spaces, so the text is indexed as overlapping character pairs
(bigrams: 老旧供热管网 → 老旧 旧供 供热 热管 管网). On PostgreSQL the SQL function
`suggestion_bigrams` turns title and content into a tsvector of their bigrams, and a GIN index
over that expression answers "which suggestions contain 供暖" without reading the table: a
two-character word is one bigram, so the index alone is exact; longer words are every bigram
of the word, then checked against the text. Bigrams need no dictionary (a segmenter such as
jieba misses new names, places and slang, and costs a dependency and a segmentation pass at
every write); they index every string a visitor can type. On other databases the search falls
back to a plain `icontains`.

Synonyms (`SearchSynonym`, edited by staff) widen each word: 供暖 also finds 供热. Results are
ranked: title matches first, then the list's usual order.
"""

import re
from functools import cached_property

from django.db import connection
from django.db.models import BooleanField, Case, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL

from suggestions.models import SearchSynonym

# Pairs at odd positions, then at even ones, by two regular expressions (ten times faster to
# index than a loop over positions); a pair across a space falls apart into single characters.
SQL_FUNCTION = r"""
CREATE OR REPLACE FUNCTION suggestion_bigrams(t text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT array_to_tsvector(array_remove(string_to_array(
    regexp_replace(s, '(..)', '\1 ', 'g') || ' '
    || regexp_replace(substr(s, 2), '(..)', '\1 ', 'g'), ' '), ''))
  FROM (SELECT regexp_replace(lower(t), '\s+', ' ', 'g') AS s) AS normalised
$$
"""
INDEXED = "suggestion_bigrams((title || ' ') || content)"
SQL_INDEX = f"CREATE INDEX IF NOT EXISTS suggestion_text_bigrams ON suggestions_suggestion USING gin ({INDEXED})"  # noqa: E501
TABLE = '"suggestions_suggestion"'


def words(value):
    return [w for w in re.split(r"\s+", value.strip().lower()) if w][:5]


def variants(word, groups):
    """The word, and the word with each synonym of a part of it put in that part's place."""
    found = {word}
    for group in groups:
        for part in group:
            if part and part in word:
                found |= {word.replace(part, other) for other in group if other != part}
    return sorted(found)


def synonym_groups():
    return [[w.lower() for w in s.word_list] for s in SearchSynonym.objects.all()]


def _lexeme(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(word):
    """The bigrams a word's text must all contain (a single character: any bigram it starts)."""
    if len(word) == 1:
        return _lexeme(word) + ":*"
    return " & ".join(_lexeme(word[i : i + 2]) for i in range(len(word) - 1))


def contains(word):
    return Q(title__icontains=word) | Q(content__icontains=word)


def match(value):
    """(a Q matching every word of `value` or a synonym of it, the variants of all words)."""
    groups = synonym_groups()
    condition = Q()
    every = []
    for word in words(value):
        alternatives = variants(word, groups)
        every += alternatives
        if connection.vendor == "postgresql":
            query = " | ".join(f"({tsquery(w)})" for w in alternatives)
            indexed = RawSQL(
                f"suggestion_bigrams(({TABLE}.title || ' ') || {TABLE}.content) @@ %s::tsquery",
                [query],
                output_field=BooleanField(),
            )
            if all(len(w) == 2 for w in alternatives):
                condition &= Q(indexed)
            else:
                checked = Q()
                for w in alternatives:
                    checked |= contains(w)
                condition &= Q(indexed) & checked
        else:
            either = Q()
            for w in alternatives:
                either |= contains(w)
            condition &= either
    return condition, every


def title_rank(alternatives):
    """1 where the title holds one of the words, for ranking title matches first."""
    hit = Q()
    for w in alternatives:
        hit |= Q(title__icontains=w)
    return Case(When(hit, then=Value(1)), default=Value(0), output_field=IntegerField())


# Over all sessions a common word matches tens of thousands of suggestions; counting them all
# and ranking them all reads every matching row. The list counts at most CAP (and says so)
# and ranks a page within the newest sessions, widening them until the page is provably the
# one ranking every match would give.
CAP = 1000
FIRST_WINDOW = 2  # sessions; each widening takes four times as many


class Ranked:
    """Search results in rank order (title matches first, then newest session first, then
    number), sliceable like a queryset, counted up to CAP.

    `ranked` is the filtered queryset, annotated with `title_hit` and ordered by rank. Title
    matches rank newest session first, so the title matches of the newest sessions are the
    first title matches of all: when a window of the newest sessions holds a full page of title
    matches at the page's place, that page is the page of the whole ranking. A window never
    splits sessions that open on the same day (their rows interleave by number)."""

    def __init__(self, ranked, sessions):
        self.ranked = ranked
        self.sessions = sessions  # [(session id, opens on)] newest first

    @cached_property
    def found(self):
        """How many match, counted no further than CAP + 1 (a LIMIT stops the count)."""
        return self.ranked.order_by().values("pk")[: CAP + 1].count()

    @property
    def capped(self):
        return self.found > CAP

    def count(self):
        return min(self.found, CAP)

    def __len__(self):
        return self.count()

    def windows(self):
        """Session id lists of the newest sessions, widening; None for all of them."""
        size = FIRST_WINDOW
        while size < len(self.sessions):
            cut = size
            while cut < len(self.sessions) and self.sessions[cut][1] == self.sessions[cut - 1][1]:
                cut += 1
            if cut >= len(self.sessions):
                break
            yield [pk for pk, _opens in self.sessions[:cut]]
            size *= 4
        yield None

    def __getitem__(self, window):
        if isinstance(window, int):
            return self[window : window + 1][0]
        start = window.start or 0
        stop = min(window.stop if window.stop is not None else self.count(), self.count())
        if stop <= start:
            return []
        ids = None
        if self.capped:
            for sessions in self.windows():
                part = self.ranked if sessions is None else self.ranked.filter(session__in=sessions)
                hits = list(part.values_list("pk", "title_hit")[start:stop])
                if sessions is None or (
                    len(hits) == stop - start and all(hit for _pk, hit in hits)
                ):
                    ids = [pk for pk, _hit in hits]
                    break
        else:
            ids = list(self.ranked.values_list("pk", flat=True)[start:stop])
        # The page's rows with their columns, in the order found.
        rows = {row.pk: row for row in self.ranked.order_by().filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]
