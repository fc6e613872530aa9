"""Benchmark: the pages that list consistency flags, over a database bench/scale.py built.

The busiest unit's public page (this session and all sessions) and staff's queues, each
rendered cold (the public pages' cache version bumped before every request), median server
time through Django's test client, its query count and the time in its flag queries; then
the flag queries alone, stored columns against the live definition.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fig_bench2 \
        .venv/bin/python bench/flags.py --repeat 5
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from congress.cache import bump_public_version  # noqa: E402
from congress.roles import staff_group  # noqa: E402
from suggestions.models import Assignment, Suggestion  # noqa: E402

FLAG_SQL = ('"flagged_after" <', '"to_review_after" <', "suggestions_flagreview")


def timed(client, url, repeat):
    """(median ms, median ms in the flag queries, queries) of a cold page."""
    timings, flag_timings, queries = [], [], None
    for _ in range(repeat):
        bump_public_version()  # cold: no cached page
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
        flag_timings.append(
            sum(
                float(q["time"]) * 1000
                for q in captured.captured_queries
                if any(word in q["sql"] for word in FLAG_SQL)
            )
        )
    return statistics.median(timings), statistics.median(flag_timings), queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {  # no collectstatic needed: plain static URLs
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    unit_id, n = (
        Assignment.objects.values("unit")
        .annotate(n=models.Count("pk"))
        .order_by("-n")
        .values_list("unit", "n")
        .first()
    )
    staff, _ = get_user_model().objects.get_or_create(
        username="bench_staff", defaults={"is_staff": True}
    )
    staff.groups.add(staff_group())
    anonymous, logged_in = Client(), Client()
    logged_in.force_login(staff)
    pages = [
        (f"/units/{unit_id}/ ({n:,} assignments)", anonymous, f"/units/{unit_id}/"),
        ("  ?session=all", anonymous, f"/units/{unit_id}/?session=all"),
        ("/workbench/ (staff queues)", logged_in, "/workbench/"),
    ]
    for name, client, url in pages:
        ms, flag_ms, queries = timed(client, url, args.repeat)
        print(f"{name:45} {ms:8.1f} ms  {queries:3} queries, flag queries {flag_ms:7.1f} ms")
    if not hasattr(Suggestion.objects, "flagged_live"):
        return  # the code before the stored flags
    mine = Suggestion.objects.public().for_unit(unit_id)
    for name, qs, count in [
        ("flag list, unit, all sessions", mine.flagged(reviewed=True).order_by("number"), 0),
        ("  live definition (before)", mine.flagged_live(reviewed=True).order_by("number"), 0),
        (
            "all flagged, count (staff's queue now sums FlagsToReview)",
            Suggestion.objects.flagged(),
            1,
        ),
        ("  live definition (before)", Suggestion.objects.flagged_live(), 1),
    ]:
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            qs.count() if count else list(qs.all()[:20])
            timings.append((time.perf_counter() - start) * 1000)
        print(f"{name:45} {statistics.median(timings):8.1f} ms")


if __name__ == "__main__":
    main()
