"""Benchmark: time to find a suggestion's look-alikes of earlier sessions among N rows.

Fills the database named by DATABASE_URL (use a throwaway PostgreSQL database) with --rows
synthetic suggestions spread over ten sessions, written from the demo topics' own words so
unrelated texts share common bigrams as real ones do, stores their band keys, plants --lookups
topics raised once in an earlier session, then times `similarity.similar` for each planted
re-raise and prints the median and 95th percentile, the candidates fetched, and the recall.

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE loop_db"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loop_db \\
        .venv/bin/python bench/recurring_lookup.py --rows 1000000
"""

import argparse
import datetime
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from congress.models import Delegation, Division, Session, Term  # noqa: E402
from demo.builder import load  # noqa: E402
from deputies.models import Deputy  # noqa: E402
from suggestions.models import Category, Suggestion, TextBand  # noqa: E402
from suggestions.search import similarity  # noqa: E402

BENCH_TERM = 91


def words_from_topics(topics):
    """Two- to four-character pieces of the demo topics' text: the city's own vocabulary."""
    text = "".join(t["problem"] + "".join(t["measures"]) for t in topics)
    text = "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    return sorted({text[i : i + n] for n in (2, 3, 4) for i in range(0, len(text) - n, n)})


def topic_text(topic, place, rng):
    measures = topic["measures"][:]
    rng.shuffle(measures)
    content = topic["problem"].format(place=place) + "为此建议：" + "；".join(measures) + "。"
    return topic["title"].format(place=place), content


def copy_rows(table, columns, rows):
    buffer = io.StringIO("".join("\t".join(map(str, row)) + "\n" for row in rows))
    with connection.cursor() as cursor:
        cursor.cursor.copy_from(buffer, table, columns=columns)


def fill(rows, lookups, rng):
    term = Term.objects.create(
        number=BENCH_TERM, name="相似度基准届", starts_on=datetime.date(2015, 1, 1)
    )
    sessions = [
        Session.objects.create(
            term=term,
            number=n,
            name=f"基准{n}次会议",
            opens_on=datetime.date(2015 + n, 1, 6),
            closes_on=datetime.date(2015 + n, 1, 9),
        )
        for n in range(10)
    ]
    division = Division.objects.create(name="相似度基准县")
    delegation = Delegation.objects.create(name="相似度基准代表团", division=division)
    category = Category.objects.get_or_create(name="相似度基准类别")[0]
    deputy = Deputy.objects.create(name="基准代表", level="municipal", delegation=delegation)
    topics = load("topics.json")
    words = words_from_topics(topics)
    places = load("reference.json")["villages"]
    postgres = connection.vendor == "postgresql"
    batch = 20_000
    started = time.perf_counter()
    number = 0
    for start in range(0, rows, batch):
        objs = []
        for _ in range(min(batch, rows - start)):
            number += 1
            title = "关于" + "".join(rng.choices(words, k=3)) + "的建议"
            content = "".join(rng.choices(words, k=rng.randint(25, 45))) + "。"
            objs.append(
                Suggestion(
                    session=sessions[number % 9],  # the last session holds the re-raises
                    number=number,
                    title=title,
                    content=content,
                    category=category,
                    lead_deputy=deputy,
                    delegation=delegation,
                    status=Suggestion.Status.CLOSED,
                )
            )
        created = Suggestion.objects.bulk_create(objs)
        bands = (
            (s.pk, key)
            for s in created
            for key in similarity.band_keys(similarity.bigrams(s.title, s.content))
        )
        if postgres:
            copy_rows("suggestions_textband", ("suggestion_id", "key"), bands)
        else:
            TextBand.objects.bulk_create(
                (TextBand(suggestion_id=pk, key=key) for pk, key in bands), batch_size=5000
            )
        done = start + len(objs)
        rate = done / (time.perf_counter() - started)
        print(f"  {done:>9,} rows, {rate:,.0f} rows/s", file=sys.stderr, flush=True)
    planted = []
    for i in range(lookups):
        topic = topics[i % len(topics)]
        before = topic_text(topic, rng.choice(places), rng)
        again = topic_text(topic, rng.choice(places), rng)
        number += 1
        earlier = Suggestion.objects.create(
            session=sessions[i % 9],
            number=number,
            title=before[0],
            content=before[1],
            category=category,
            lead_deputy=deputy,
            delegation=delegation,
            status=Suggestion.Status.CLOSED,
        )
        similarity.index_suggestion(earlier)
        planted.append((earlier.pk, again))
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE suggestions_textband; ANALYZE suggestions_suggestion")
    return sessions[9], planted


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=200)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if Term.objects.filter(number=BENCH_TERM).exists():
        sys.exit("This database already holds a benchmark run; use a fresh one.")
    t0 = time.perf_counter()
    latest, planted = fill(args.rows, args.lookups, random.Random(7))
    print(f"filled {args.rows:,} rows in {time.perf_counter() - t0:.0f} s")
    times, queries, found = [], [], 0
    for earlier_pk, (title, content) in planted:
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            result = similarity.similar(title, content, before_session=latest, limit=10)
            times.append(time.perf_counter() - t0)
        queries.append(len(ctx.captured_queries))
        found += any(other.pk == earlier_pk for _score, other in result)
    total = Suggestion.objects.count()
    bands = TextBand.objects.count()
    print(f"{connection.vendor}: {total:,} suggestions, {bands:,} band rows")
    print(
        f"lookup: median {1000 * statistics.median(times):.1f} ms, "
        f"p95 {1000 * statistics.quantiles(times, n=20)[-1]:.1f} ms, "
        f"queries {max(queries)}, recall on planted re-raises {found}/{len(planted)}"
    )


if __name__ == "__main__":
    main()
