"""Benchmark: median server time of each public page over a large database.

Fills the database named by DATABASE_URL (use a throwaway PostgreSQL database) with
--per-session suggestions in each of --sessions sessions, then requests every public page
--repeat times through Django's test client and prints the median and the query count.

    createdb -h 127.0.0.1 -U postgres bench_suggestions
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_suggestions \
        .venv/bin/python bench/public_pages.py --sessions 3 --per-session 10000
"""

import argparse
import datetime
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
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from congress.models import Delegation, Division, HandlingUnit, Session, Term  # noqa: E402
from deputies.models import Deputy, LiaisonStation  # noqa: E402
from suggestions.models import Assignment, Category, Event, Reply, Suggestion  # noqa: E402

D = datetime.date
BENCH_TERM = 90


@transaction.atomic
def fill(sessions, per_session):
    rng = random.Random(1)
    term = Term.objects.create(number=BENCH_TERM, name="基准测试届", starts_on=D(2020, 1, 1))
    divisions = [Division.objects.create(name=f"基准县{i}", order=i) for i in range(13)]
    delegations = [
        Delegation.objects.create(name=f"基准县{i}代表团", division=d, order=i)
        for i, d in enumerate(divisions)
    ]
    categories = [Category.objects.get_or_create(name=f"基准类别{i}")[0] for i in range(12)]
    units = [HandlingUnit.objects.create(name=f"基准单位{i}") for i in range(60)]
    deputies = Deputy.objects.bulk_create(
        Deputy(
            name=f"基准代表{i}",
            level="municipal",
            delegation=delegations[i % 13],
            phone=f"100{i:08d}",
        )
        for i in range(3000)
    )
    LiaisonStation.objects.bulk_create(
        LiaisonStation(
            name=f"基准联络站{i}",
            division=divisions[i % 13],
            township=f"镇{i % 40}",
            address="基准地址",
        )
        for i in range(5000)
    )
    statuses = ["registered", "assigned", "replied", "evaluated", "closed", "closed", "closed"]
    for n in range(sessions):
        opens = D(2021 + n, 1, 10)
        session = Session.objects.create(
            term=term,
            number=n + 1,
            name=f"基准第{n + 1}次会议",
            opens_on=opens,
            closes_on=opens + datetime.timedelta(3),
        )
        rows = []
        for i in range(per_session):
            status = rng.choice(statuses)
            done = status in ("replied", "evaluated", "closed")
            lead = rng.choice(deputies)
            rows.append(
                Suggestion(
                    session=session,
                    number=i + 1,
                    title=f"关于第{i}项民生问题的建议（供热、道路、教育）",
                    content="建议内容。" * 20,
                    category=rng.choice(categories),
                    lead_deputy=lead,
                    delegation=lead.delegation,
                    submitted_on=opens,
                    status=status,
                    registered_on=opens,
                    assigned_on=None if status == "registered" else opens,
                    due_on=None if status == "registered" else opens + datetime.timedelta(90),
                    first_replied_on=opens + datetime.timedelta(60) if done else None,
                    replied_on_time=True if done else None,
                    reply_class=rng.choice("AABCD") if done else "",
                    satisfaction=rng.choice(["satisfied", "basically_satisfied"])
                    if status in ("evaluated", "closed")
                    else "",
                    met_face_to_face=rng.random() < 0.6,
                    is_key=i % 100 == 0,
                )
            )
        created = Suggestion.objects.bulk_create(rows, batch_size=2000)
        assignments = Assignment.objects.bulk_create(
            (
                Assignment(
                    suggestion=s,
                    session_id=s.session_id,
                    unit=rng.choice(units),
                    role="lead",
                    assigned_on=opens,
                    due_on=opens + datetime.timedelta(90),
                    original_due_on=opens + datetime.timedelta(90),
                    replied_on=s.first_replied_on,
                )
                for s in created
                if s.status != "registered"
            ),
            batch_size=2000,
        )
        Reply.objects.bulk_create(
            (
                Reply(
                    suggestion=a.suggestion,
                    session_id=a.session_id,
                    assignment=a,
                    reply_class=a.suggestion.reply_class,
                    text="答复正文。" * 30,
                    signed_by="局长",
                    replied_on=a.replied_on,
                    is_published=True,
                    published_on=a.replied_on,
                )
                for a in assignments
                if a.replied_on
            ),
            batch_size=2000,
        )
        Event.objects.bulk_create(
            (
                Event(suggestion=s, action=action, occurred_on=opens)
                for s in created
                for action in ("entered", "registered", "assigned")
            ),
            batch_size=5000,
        )
        print(f"filled {session.name}: {per_session} suggestions", flush=True)


def measure(repeat):
    client = Client()
    session = Session.objects.filter(term__number=BENCH_TERM).order_by("-opens_on").first()
    sample = Suggestion.objects.filter(session=session, status="closed").first()
    unit = Assignment.objects.filter(suggestion__session=session).first().unit
    station = LiaisonStation.objects.filter(name__startswith="基准").first()
    pages = {
        "home (session)": f"/?session={session.pk}",
        "home (all time)": "/?session=all",
        "suggestions list": f"/suggestions/?session={session.pk}",
        "suggestions list, keyword": f"/suggestions/?session={session.pk}&q=供热",
        "suggestions list, page 400": f"/suggestions/?session={session.pk}&page=400",
        "suggestion detail": f"/suggestions/{sample.pk}/",
        "units (session)": f"/units/?session={session.pk}",
        "unit page": f"/units/{unit.pk}/?session={session.pk}",
        "by category": f"/categories/?session={session.pk}",
        "by delegation": f"/delegations/?session={session.pk}",
        "stations": "/stations/",
        "station page": f"/stations/{station.pk}/",
        "station figures": "/stations/figures/",
        "print a reply letter": f"/suggestions/{sample.pk}/print/",
        "export list (csv, 1 session)": f"/suggestions/export.csv?session={session.pk}",
        "API suggestions": f"/api/v1/suggestions?session={session.pk}",
        "API suggestions, offset 9000": f"/api/v1/suggestions?session={session.pk}&offset=9000",
        "API suggestion": f"/api/v1/suggestions/{sample.pk}",
        "API statistics": f"/api/v1/statistics?session={session.pk}",
        "API unit statistics": f"/api/v1/statistics/units?session={session.pk}",
        "API stations": "/api/v1/stations",
    }
    print(
        f"\n{Suggestion.objects.count()} suggestions, {LiaisonStation.objects.count()} "
        f"stations, database {connection.vendor}\n"
    )
    print(f"{'page':32} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for name, url in pages.items():
        timings = []
        for _ in range(3 if "export" in name else repeat):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(
            f"{name:32} {statistics.median(timings):10.1f} {max(timings):8.1f} "
            f"{len(queries.captured_queries):8}"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=3)
    parser.add_argument("--per-session", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Term.objects.filter(number=BENCH_TERM).exists():
        fill(args.sessions, args.per_session)
    connection.cursor().execute("ANALYZE") if connection.vendor == "postgresql" else None
    measure(args.repeat)


if __name__ == "__main__":
    main()
