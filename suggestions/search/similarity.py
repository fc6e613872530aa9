"""Finding the same problem raised again: character-bigram Jaccard with a MinHash band index.

Chinese has no spaces, and deputies who raise a problem again rephrase it; overlapping pairs of
characters (bigrams) of the title and content survive rephrasing without a word segmenter or a
dictionary, on SQLite and PostgreSQL alike. Similarity is the Jaccard index of two bigram sets.

Comparing a new suggestion with a million earlier ones one by one is too slow, so each
suggestion stores BANDS keys (`TextBand`): a one-permutation MinHash sketch of its bigrams
(SKETCH bins, each keeping the smallest hash that falls in it) cut into bands of ROWS bins,
each band hashed to one 63-bit integer. Two texts share a band with probability about
1 - (1 - J^ROWS)^BANDS for Jaccard J: near 0.9 at J = 0.5, 0.5 at J = 0.3, under 0.01 at
J = 0.05. Candidates found through the index are then scored exactly on their text, and only
those at THRESHOLD or above are kept.
"""

import hashlib
import re
import zlib

from django.db import transaction

BANDS, ROWS = 20, 3
SKETCH = BANDS * ROWS
THRESHOLD = 0.3
_EMPTY = 0xFFFFFFFF
# Formulaic phrases every suggestion uses; they say nothing about the problem.
STOP_BIGRAMS = frozenset(
    {"关于", "于加", "建议", "的建", "议。", "为此", "此建", "一是", "二是", "三是", "我市"}
)
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def bigrams(title, content):
    """The text's character bigrams, punctuation and spaces removed, per line of text."""
    grams = set()
    for part in (title, content):
        for chunk in _NOISE.split(part.lower()):
            grams.update(map(str.__add__, chunk, chunk[1:]))  # each pair of neighbours
    return grams - STOP_BIGRAMS


def jaccard(a, b):
    return len(a & b) / len(a | b) if a and b else 0.0


def _hash(gram):
    # crc32 is stable across processes (Python's hash() is salted) and fast.
    return (zlib.crc32(gram.encode()) * 0x9E3779B1) & 0xFFFFFFFF


def band_keys(grams):
    """The BANDS integer keys of a bigram set (empty for an empty text)."""
    if not grams:
        return []
    bins = [_EMPTY] * SKETCH
    for gram in grams:
        h = _hash(gram)
        slot = h % SKETCH
        if h < bins[slot]:
            bins[slot] = h
    # A short text leaves bins empty: each takes the next filled bin's value, shifted by the
    # distance (rotation densification), so empty bins agree only where the texts agree.
    # Walked backwards, `after` is the next filled bin (past the end: the first, wrapped round).
    after = next(i for i, v in enumerate(bins) if v != _EMPTY) + SKETCH
    for i in range(SKETCH - 1, -1, -1):
        if bins[i] != _EMPTY:
            after = i
        else:
            bins[i] = bins[after % SKETCH] + (after - i) * 0x100000000
    keys = []
    for band in range(BANDS):
        values = bins[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.blake2b(repr((band, values)).encode(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big") >> 1)  # fits a signed 64-bit column
    return keys


@transaction.atomic
def index_suggestion(suggestion):
    """Store (or refresh) a suggestion's band keys."""
    from suggestions.models import TextBand

    TextBand.objects.filter(suggestion=suggestion).delete()
    TextBand.objects.bulk_create(
        TextBand(suggestion_id=suggestion.pk, key=key)
        for key in band_keys(bigrams(suggestion.title, suggestion.content))
    )


def index_many(suggestions):
    """Band keys for many new suggestions at once (imports, the demo, the benchmark)."""
    from suggestions.models import TextBand

    TextBand.objects.bulk_create(
        (
            TextBand(suggestion_id=s.pk, key=key)
            for s in suggestions
            for key in band_keys(bigrams(s.title, s.content))
        ),
        batch_size=5000,
    )


CANDIDATE_LIMIT = 200


def similar(title, content, *, before_session=None, exclude_session=None, limit=10):
    """[(score, suggestion)] of registered suggestions like this text, best first.

    `before_session` keeps those of sessions that opened earlier; `exclude_session` leaves a
    session out. Cost: one indexed lookup of BANDS keys, grouped so that the suggestions
    sharing the most bands come first (CANDIDATE_LIMIT of them), then one query for their text.
    """
    from django.db.models import Count

    from congress.tenancy import keep_to_congress
    from suggestions.models import Suggestion, TextBand

    grams = bigrams(title, content)
    keys = band_keys(grams)
    if not keys:
        return []
    # The congress's own suggestions only: a county's recurring matter is not the city's.
    bands = keep_to_congress(TextBand.objects.filter(key__in=keys))
    if before_session is not None:
        bands = bands.filter(suggestion__session__opens_on__lt=before_session.opens_on)
    if exclude_session is not None:
        bands = bands.exclude(suggestion__session=exclude_session)
    ranked = (
        bands.values("suggestion")
        .annotate(shared=Count("id"))
        .order_by("-shared", "suggestion")
        .values_list("suggestion", flat=True)[:CANDIDATE_LIMIT]
    )
    rows = (
        Suggestion.objects.public()
        .filter(pk__in=list(ranked))
        .select_related("session")
        .only(*["pk", "number", "title", "content", "status", "reply_class", "session__name"])
    )
    scored = []
    for other in rows:
        score = jaccard(grams, bigrams(other.title, other.content))
        if score >= THRESHOLD:
            scored.append((round(score, 3), other))
    scored.sort(key=lambda pair: (-pair[0], pair[1].pk))
    return scored[:limit]
