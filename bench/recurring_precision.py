"""Precision and recall of the recurring-suggestion links on the demo's planted repeats.

The demo writes every suggestion from a topic template (fixtures/demo/topics.json) with a
place filled in; the same topic in two sessions is a true repeat, anything else is not. Run on
a database holding the demo (the links are found as the demo registers its suggestions):

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 DEBUG=1 .venv/bin/python manage.py load_demo
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python bench/recurring_precision.py
"""

import os
import re
import sys
from itertools import product
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings")

import django  # noqa: E402

django.setup()

from demo.builder import load  # noqa: E402
from suggestions.models import SimilarLink, Suggestion  # noqa: E402


def topic_of(title, patterns):
    matches = [i for i, p in enumerate(patterns) if p.fullmatch(title)]
    return matches[0] if len(matches) == 1 else None


def main():
    topics = load("topics.json")
    patterns = [
        re.compile(re.escape(t["title"]).replace(re.escape("{place}"), ".+?")) for t in topics
    ]
    rows = list(
        Suggestion.objects.exclude(status=Suggestion.Status.DRAFT).values_list(
            "pk", "title", "session_id", "session__opens_on"
        )
    )
    public = set(Suggestion.objects.public().values_list("pk", flat=True))
    topic = {pk: topic_of(title, patterns) for pk, title, _s, _o in rows}
    links = list(SimilarLink.objects.values_list("suggestion_id", "earlier_id", "state"))
    true_links = [(a, b) for a, b, _ in links if topic[a] is not None and topic[a] == topic[b]]
    # Every pair of the same topic in different sessions, the later one pointing back.
    by_topic = {}
    for pk, _title, session, opens in rows:
        by_topic.setdefault(topic[pk], []).append((pk, session, opens))
    expected = {
        (a, b)
        for t, items in by_topic.items()
        if t is not None
        for (a, sa, oa), (b, sb, ob) in product(items, items)
        if oa > ob and b in public
    }
    found = {(a, b) for a, b, _ in links}
    precision = len(true_links) / len(links) if links else None
    recall = len(found & expected) / len(expected) if expected else None
    sessions = {}
    for t, items in by_topic.items():
        if t is not None:
            sessions[len({s for _pk, s, _o in items})] = (
                sessions.get(len({s for _pk, s, _o in items}), 0) + 1
            )
    print(f"suggestions: {len(rows)}, unknown topic: {sum(v is None for v in topic.values())}")
    print(f"topics by number of sessions raised in: {dict(sorted(sessions.items()))}")
    print(f"links found: {len(links)}, true: {len(true_links)}, expected pairs: {len(expected)}")
    print(f"precision: {precision:.3f}  recall: {recall:.3f}")


if __name__ == "__main__":
    main()
