"""Deep API pages by cursor and by offset, and the suggestion export as a background job.

On the database named by DATABASE_URL (a throwaway PostgreSQL database, built by
bench/scale.py's builder unless --reuse): the server time and query count of the first page of
/api/v1/suggestions, of a page in the middle reached by cursor and by offset, and of the last;
then the whole public list written by the export job (CSV and .xlsx), with its time and the
Python memory at peak.

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE jobs_bench"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jobs_bench \\
        .venv/bin/python bench/jobs_and_cursor.py --suggestions 200000
"""

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale  # noqa: E402  (sets Django up)
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from huey.contrib.djhuey import HUEY  # noqa: E402

from congress import jobs  # noqa: E402
from congress.api import encode_cursor  # noqa: E402
from congress.models import Job, Session  # noqa: E402
from suggestions.imports import jobs as suggestion_jobs  # noqa: E402
from suggestions.models import Suggestion  # noqa: E402


def timed(client, url, params, repeat):
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, params)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.content[:300]
        queries = len(captured)
    return statistics.median(times) * 1000, queries


def api_pages(repeat):
    client = Client()
    # A session cookie: measure the API itself, not the anonymous public page cache.
    client.cookies[settings.SESSION_COOKIE_NAME] = "bench"
    public = Suggestion.objects.public().order_by("-session__opens_on", "session_id", "number")
    total = public.count()
    middle = total // 2
    row = public.values("session_id", "number")[middle - 1 : middle].get()
    last = public.values("session_id", "number")[total - 51 : total - 50].get()
    print(f"{total} public suggestions in {Session.objects.count()} sessions; limit=50")
    cases = [
        ("first page", {"limit": 50}),
        (f"row {middle} by cursor", {"limit": 50, "cursor": cursor_for(row)}),
        (f"row {middle} by offset", {"limit": 50, "offset": middle}),
        (f"row {total - 50} by cursor", {"limit": 50, "cursor": cursor_for(last)}),
        (f"row {total - 50} by offset", {"limit": 50, "offset": total - 50}),
        ("first page, category=1", {"limit": 50, "category": 1}),
        (
            f"row {middle} by cursor, category=1",
            {"limit": 50, "category": 1, "cursor": cursor_for(row)},
        ),
    ]
    for name, params in cases:
        ms, queries = timed(client, "/api/v1/suggestions", params, repeat)
        print(f"  {name:<40} {ms:8.1f} ms  {queries:3d} queries")


def cursor_for(row):
    return encode_cursor([None, row["session_id"], row["number"]])


def export(fmt, query=""):
    HUEY.immediate = True
    user, _created = User.objects.get_or_create(username="bench-export", is_superuser=True)
    job = Job.objects.create(
        kind="export", owner=user, title="bench", params={"fmt": fmt, "query": query}, language="en"
    )
    tracemalloc.start()
    start = time.perf_counter()
    jobs.run(job.pk, suggestion_jobs.run_export)
    seconds = time.perf_counter() - start
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    job.refresh_from_db()
    size = job.result.size if job.result else 0
    print(
        f"  export job {fmt:<4} {query or 'all':<11} {job.state}: {job.total} rows in "
        f"{seconds:6.1f} s (under tracemalloc), "
        f"file {size / 1e6:6.1f} MB, Python peak {peak / 1e6:5.1f} MB"
    )
    job.result.delete(save=False)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--suggestions", type=int, default=200_000)
    parser.add_argument("--per-session", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-export", action="store_true")
    parser.add_argument(
        "--one-session", action="store_true", help="export one session only (compare the peak)"
    )
    args = parser.parse_args()
    if not args.reuse:
        call_command("migrate", verbosity=0)
        scale.build(args.suggestions, args.per_session)
        scale.rebuild_summaries()
    api_pages(args.repeat)
    if not args.no_export:
        query = ""
        if args.one_session:
            newest = Session.objects.order_by("-opens_on").values_list("pk", flat=True)[0]
            query = f"session={newest}"
        for fmt in ("csv", "xlsx"):
            export(fmt, query)


if __name__ == "__main__":
    main()
