"""Benchmark at national scale: a million suggestions, every public page timed and loaded.

Builds the database named by DATABASE_URL (use a throwaway PostgreSQL database) with
--suggestions suggestions in sessions of --per-session, with their assignments, replies,
evaluations and history events in the proportions of a real congress (old sessions closed, the
current one in flight), written with COPY on PostgreSQL (plain INSERTs elsewhere). Then, for
every public page and API endpoint, prints the median server time through Django's test client,
its query count and, unless --no-wrk, its throughput under gunicorn (2 sync workers, DEBUG off)
with wrk, beside a bare `HttpResponse("ok")` view served by the same gunicorn in the same run,
bare view and page interleaved.

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE scale_bench"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_bench \
        .venv/bin/python bench/scale.py --suggestions 1000000        # builds, then measures
    ... bench/scale.py --reuse                                         # measures what is there
"""

import argparse
import csv
import datetime
import io
import json
import os
import queue
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings")

import django  # noqa: E402
import django.apps  # noqa: E402

if not django.apps.apps.ready:
    django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from congress.models import Delegation, Division, HandlingUnit, Session, Term  # noqa: E402
from deputies.models import Deputy, LiaisonStation  # noqa: E402
from suggestions.models import (  # noqa: E402
    Assignment,
    Category,
    Evaluation,
    Event,
    Reply,
    Suggestion,
)

D = datetime.date
DAY = datetime.timedelta(days=1)
BENCH_TERM = 80  # terms 80.. hold the bench's sessions, apart from any demo data
PLACES = ["离石区", "孝义市", "汾阳市", "文水县", "交城县", "兴县", "临县", "柳林县", "石楼县"]
PLACES += ["岚县", "方山县", "中阳县", "交口县", "城北街道", "凤山街道", "莲花池街道"]


class Table:
    """Rows of one model's table as tuples in column order, defaults filled in."""

    def __init__(self, model):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        now = timezone.now()
        self.defaults = {}
        for f in self.fields:
            if isinstance(f, models.DateTimeField):
                value = now
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif isinstance(f, (models.CharField, models.TextField, models.FileField)):
                value = ""
            else:
                value = None
            self.defaults[f.attname] = value
        self.rows = []
        self.next_id = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1

    def add(self, **values):
        values.setdefault("id", self.next_id)
        self.next_id = max(self.next_id, values["id"] + 1)
        row = {**self.defaults, **values}
        self.rows.append(tuple(row[f.attname] for f in self.fields))
        return values["id"]

    def flush(self):
        if not self.rows:
            return
        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                writer = csv.writer(buffer)
                for row in self.rows:
                    writer.writerow([r"\N" if v is None else v for v in row])
                buffer.seek(0)
                columns = ", ".join(f'"{c}"' for c in self.columns)
                cursor.cursor.copy_expert(
                    f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                    buffer,
                )
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                columns = ", ".join(f'"{c}"' for c in self.columns)
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", self.rows)
        self.rows = []

    def reset_sequence(self):
        if connection.vendor == "postgresql":
            table = self.model._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )


def reference_data(sessions):
    """Terms, sessions, 13 delegations, 12 categories, 60 units, 3,000 deputies, 5,000 stations."""
    divisions = [
        Division.objects.get_or_create(name=f"基准县{i}", defaults={"order": i})[0]
        for i in range(13)
    ]
    delegations = [
        Delegation.objects.get_or_create(
            name=f"基准县{i}代表团", defaults={"division": d, "order": i}
        )[0]
        for i, d in enumerate(divisions)
    ]
    categories = [Category.objects.get_or_create(name=f"基准类别{i}")[0] for i in range(12)]
    units = [HandlingUnit.objects.get_or_create(name=f"基准单位{i}")[0] for i in range(60)]
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
    # Sessions every 100 days back from 10 October 2026: the last one is the current session.
    last_opens = D(2026, 10, 10)
    made = []
    for k in range(sessions):
        term_number = BENCH_TERM + k // 5
        term, _ = Term.objects.get_or_create(
            number=term_number,
            defaults={"name": f"基准第{term_number}届", "starts_on": D(1990, 1, 1)},
        )
        opens = last_opens - (sessions - 1 - k) * 100 * DAY
        made.append(
            Session.objects.create(
                term=term,
                number=k % 5 + 1,
                name=f"基准第{term_number}届第{k % 5 + 1}次会议",
                opens_on=opens,
                closes_on=opens + 3 * DAY,
            )
        )
    return made, delegations, categories, units, deputies


OLD = [("not_registered", 3), ("closed", 88), ("evaluated", 6), ("replied", 2), ("closed_re", 1)]
CURRENT = [
    ("submitted", 3),
    ("not_registered", 3),
    ("registered", 10),
    ("assigned", 40),
    ("replied", 20),
    ("re_handling", 2),
    ("evaluated", 12),
    ("closed", 10),
]
REACHED = ["registered", "assigned", "replied", "evaluated", "closed"]


def pick(rng, weighted):
    return rng.choices([s for s, _ in weighted], [w for _, w in weighted])[0]


def build(total, per_session, seed=1, progress=print):
    """Write `total` suggestions in sessions of `per_session`, and everything they imply."""
    rng = random.Random(seed)
    promise_rng = random.Random(seed + 1)  # apart, so the other rows stay as they were
    topics = json.loads((ROOT / "fixtures/demo/topics.json").read_text())
    topic_categories = sorted({t["category"] for t in topics})
    n_sessions = max(1, -(-total // per_session))
    sessions, delegations, categories, units, deputies = reference_data(n_sessions)
    # Units are not equally busy: the busiest gets about seven times the quietest's share.
    unit_weights = [1 / (i + 1) ** 0.5 for i in range(len(units))]
    user = User.objects.filter(is_superuser=True).first()
    tables = {m: Table(m) for m in (Suggestion, Assignment, Reply, Evaluation, Event)}
    ts, ta, tr, te, tv = tables.values()
    started = time.perf_counter()
    made = 0
    for index, session in enumerate(sessions):
        current = index == len(sessions) - 1
        opens = session.opens_on
        for number in range(1, min(per_session, total - made) + 1):
            topic = rng.choice(topics)
            place = rng.choice(PLACES)
            state = pick(rng, CURRENT if current else OLD)
            re_handled = state in ("closed_re", "re_handling")
            status = "closed" if state == "closed_re" else state
            lead = rng.choice(deputies)
            reached = REACHED.index(status) if status in REACHED else -1
            if status == "re_handling":
                reached = REACHED.index("assigned")
            assigned = reached >= 1
            replied = reached >= 2 or re_handled
            assigned_on = opens + rng.randint(5, 40) * DAY if assigned else None
            due_on = assigned_on + 91 * DAY if assigned else None
            replied_on = assigned_on + rng.randint(20, 100) * DAY if replied else None
            if replied_on and current and replied_on > D(2026, 11, 25):
                replied_on = D(2026, 11, 25)
            reply_class = rng.choice("AAABBCD") if replied else ""
            evaluated = reached >= 3
            satisfaction = (
                rng.choice(["satisfied"] * 6 + ["basically_satisfied"] * 3 + ["dissatisfied"])
                if evaluated
                else ""
            )
            sid = ts.add(
                session_id=session.pk,
                number=number,
                title=topic["title"].format(place=place),
                content=topic["problem"].format(place=place) + "；".join(topic["measures"]),
                category_id=categories[topic_categories.index(topic["category"])].pk,
                lead_deputy_id=lead.pk,
                delegation_id=lead.delegation_id,
                submitted_on=opens,
                status=status,
                is_key=number % 100 == 0 and reached >= 0,
                registered_on=opens + 2 * DAY if reached >= 0 else None,
                not_registered_reason="属于个人诉求" if status == "not_registered" else "",
                assigned_on=assigned_on,
                due_on=due_on if status != "re_handling" else D(2026, 12, 20),
                first_replied_on=replied_on,
                replied_on_time=(replied_on <= due_on) if replied else None,
                reply_class=reply_class,
                met_face_to_face=assigned and rng.random() < 0.6,
                satisfaction=satisfaction,
                was_re_handled=re_handled,
                closed_on=replied_on + 40 * DAY if status == "closed" else None,
                created_at=timezone.now(),
            )
            events = [("entered", "", "submitted", opens, True)]
            if reached >= 0:
                events.append(("registered", "submitted", "registered", opens + 2 * DAY, True))
            elif status == "not_registered":
                events.append(("not_registered", "submitted", status, opens + 2 * DAY, True))
            if assigned:
                lead_unit = rng.choices(units, unit_weights)[0]
                aid = ta.add(
                    suggestion_id=sid,
                    session_id=session.pk,
                    unit_id=lead_unit.pk,
                    role="lead",
                    assigned_on=assigned_on,
                    due_on=due_on,
                    original_due_on=due_on,
                    responsible_person="负责人",
                    replied_on=replied_on,
                )
                if rng.random() < 0.25:
                    co = rng.choice(units)
                    if co != lead_unit:
                        ta.add(
                            suggestion_id=sid,
                            session_id=session.pk,
                            unit_id=co.pk,
                            role="co",
                            assigned_on=assigned_on,
                            due_on=due_on,
                            original_due_on=due_on,
                        )
                events.append(("assigned", "registered", "assigned", assigned_on, True))
                events.append(("responsible_named", "", "", assigned_on + DAY, False))
                events.append(("contacted", "", "", assigned_on + 5 * DAY, False))
            if replied:
                published = rng.random() < 0.9
                promise = {}
                if reply_class in "BC":  # a promise, followed up on time, late, or not yet
                    promised_by = replied_on + promise_rng.randint(60, 365) * DAY
                    followed = promised_by + promise_rng.randint(-40, 20) * DAY
                    promise = {
                        "promise": "分批实施改造",
                        "promised_by": promised_by,
                        "followed_up_on": followed
                        if followed <= D(2026, 11, 25) and promise_rng.random() < 0.95
                        else None,
                    }
                tr.add(
                    suggestion_id=sid,
                    session_id=session.pk,
                    assignment_id=aid,
                    reply_class=reply_class,
                    text=f"对《{topic['title'].format(place=place)}》的答复。经研究，" * 3,
                    signed_by="局长",
                    replied_on=replied_on,
                    due_on=due_on,
                    is_published=published,
                    published_on=replied_on + 3 * DAY if published else None,
                    recorded_at=timezone.now(),
                    **promise,
                )
                events.append(("replied", "assigned", "replied", replied_on, True))
                if published:
                    events.append(("published", "", "", replied_on + 3 * DAY, True))
            if evaluated:
                te.add(
                    suggestion_id=sid,
                    deputy_id=lead.pk,
                    satisfaction=satisfaction,
                    contacted=True,
                    evaluated_on=replied_on + 10 * DAY,
                )
                events.append(("evaluated", "replied", "evaluated", replied_on + 10 * DAY, True))
            if status == "closed":
                events.append(("closed", "evaluated", "closed", replied_on + 40 * DAY, True))
            for action, was, now, on, public in events:
                tv.add(
                    suggestion_id=sid,
                    action=action,
                    from_status=was,
                    to_status=now,
                    occurred_on=on,
                    actor_id=user.pk if user else None,
                    is_public=public,
                )
            made += 1
        with transaction.atomic():
            for table in tables.values():
                table.flush()
        progress(
            f"  session {index + 1}/{len(sessions)}: {made} suggestions, "
            f"{time.perf_counter() - started:.0f} s"
        )
    for table in tables.values():
        table.reset_sequence()
    if connection.vendor == "postgresql":  # the recount's plans need the new rows' statistics
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    rebuild_summaries()


def rebuild_summaries():
    """Rebuild whatever the project derives from the rows (summary rows, if it has them)."""
    try:
        call_command("recount_summaries", verbosity=0)
    except Exception as error:  # noqa: BLE001  (a checkout without the command still benches)
        if "Unknown command" not in str(error):
            raise


# -- measuring ---------------------------------------------------------------------------------


def pages():
    """Every public page and API endpoint, at its hardest at this size."""
    bench_sessions = Session.objects.filter(term__number__gte=BENCH_TERM)
    session = bench_sessions.order_by("-opens_on").first()
    sample = Suggestion.objects.filter(session=session, status="closed").first() or (
        Suggestion.objects.public().first()
    )
    busiest = (
        Assignment.objects.values("unit")
        .annotate(n=models.Count("pk"))
        .order_by("-n")
        .values_list("unit", flat=True)
        .first()
    )
    station = LiaisonStation.objects.order_by("pk").first()
    # Four filters over all sessions: a category, a status, the busiest unit, a delegation.
    category = Category.objects.filter(name__startswith="基准").order_by("pk").first()
    delegation = Delegation.objects.filter(name__startswith="基准").order_by("pk").first()
    filters = f"category={category.pk}&status=closed&unit={busiest}&delegation={delegation.pk}"
    public = Suggestion.objects.public().count()
    last_page = max(1, -(-public // 20))
    return {
        "/ current session": "/",
        "/?session=all": "/?session=all",
        "/suggestions/ default": "/suggestions/",
        "/suggestions/?q=供暖": "/suggestions/?q=供暖",
        "/suggestions/?q=供暖 (session)": f"/suggestions/?session={session.pk}&q=供暖",
        "/suggestions/?q=12": "/suggestions/?q=12",
        "/suggestions/?status=closed": "/suggestions/?status=closed",
        "/suggestions/ four filters": f"/suggestions/?{filters}",
        "/suggestions/?page=400": "/suggestions/?page=400",
        "/suggestions/ last page": f"/suggestions/?page={last_page}",
        "/suggestions/<id>/": f"/suggestions/{sample.pk}/",
        "/suggestions/<id>/print/": f"/suggestions/{sample.pk}/print/",
        "/units/ current session": "/units/",
        "/units/?session=all": "/units/?session=all",
        "/units/<busiest>/": f"/units/{busiest}/",
        "/units/<busiest>/?session=all": f"/units/{busiest}/?session=all",
        "/categories/?session=all": "/categories/?session=all",
        "/delegations/?session=all": "/delegations/?session=all",
        "/stations/": "/stations/",
        "/stations/<id>/": f"/stations/{station.pk}/",
        "/stations/figures/": "/stations/figures/",
        "API /suggestions (all)": "/api/v1/suggestions",
        "API /suggestions?offset=9000": "/api/v1/suggestions?offset=9000",
        "API /suggestions?q=供暖": "/api/v1/suggestions?q=供暖",
        "API /suggestions?unit=<busiest>": f"/api/v1/suggestions?unit={busiest}",
        "API /suggestions four filters": f"/api/v1/suggestions?{filters}",
        "API /suggestions/<id>": f"/api/v1/suggestions/{sample.pk}",
        "API /statistics (all time)": "/api/v1/statistics",
        "API /statistics/units (all time)": "/api/v1/statistics/units",
        "API /stations": "/api/v1/stations",
    }


def login_pages():
    """Pages behind login: the busiest unit's workbench, and staff's queues. {name: (user, url)}"""
    from congress.roles import staff_group

    busiest = (
        Assignment.objects.values("unit")
        .annotate(n=models.Count("pk"))
        .order_by("-n")
        .values_list("unit", "n")
        .first()
    )
    unit = HandlingUnit.objects.get(pk=busiest[0])
    unit_user, _ = User.objects.get_or_create(username="bench_unit")
    unit.members.add(unit_user)
    staff_user, _ = User.objects.get_or_create(username="bench_staff", defaults={"is_staff": True})
    staff_user.groups.add(staff_group())
    sample = Assignment.objects.filter(unit=unit).order_by("-pk").first()
    return {
        f"workbench: unit with {busiest[1]:,} assignments": (unit_user, "/workbench/"),
        "workbench: unit, all work, page 100": (unit_user, "/workbench/?show=all&upage=100"),
        "workbench: a suggestion (unit)": (
            unit_user,
            f"/workbench/suggestions/{sample.suggestion_id}/",
        ),
        "workbench: staff queues": (staff_user, "/workbench/"),
    }


def server_times(urls, repeat, user=None, cold_repeat=5):
    """{name: (first ms, cold ms, cached ms, queries)} through Django's test client.

    *First* is the page's first request in this process (templates compiled, nothing cached).
    *Cold* is the median of `cold_repeat` requests each made right after every cached page was
    made stale (`bump`, as a write to the reference data does), so nothing is served from the
    cache: what a page costs to render, and what a visitor with a query string the cache does
    not know waits. *Cached* is the median of `repeat` requests in a row, the first rendering
    the page and the others served from the cache (for pages behind login, never cached,
    every request renders). Queries are those of a cold request."""
    client = Client()
    if user:
        client.force_login(user)
    first = {}
    for name, url in urls.items():
        start = time.perf_counter()
        response = client.get(url)
        first[name] = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (url, response.status_code)
    result = {}
    # Every bump is rendered at once (not held for the refresh interval a stream of writes gets).
    settings.PUBLIC_PAGE_REFRESH_SECONDS = 0
    for name, url in urls.items():
        cold, queries = [], None
        for _ in range(cold_repeat):
            bump()
            # Queries are counted by a bare wrapper: Django's CaptureQueriesContext formats and
            # logs every statement, which the server does not.
            counted = QueryCounter()
            with connection.execute_wrapper(counted):
                start = time.perf_counter()
                response = client.get(url)
                cold.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries = counted.queries if queries is None else queries
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        result[name] = (first[name], statistics.median(cold), statistics.median(timings), queries)
    return result


class QueryCounter:
    """Counts the statements a request sends, and nothing else."""

    def __init__(self):
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)


def bump():
    """What every write does: the cached public pages are stale from now on."""
    try:
        from congress.cache import bump_public_version

        bump_public_version()
    except ImportError:
        pass


def wrk(url, seconds, connections=16, script=None):
    """(req/s, p99 ms) of `url` under wrk (1 thread), or the Python fallback's."""
    if shutil.which("wrk"):
        command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
        command += ["--timeout", "10s"] + (["-s", str(script)] if script else []) + [url]
        out = subprocess.run(command, capture_output=True, text=True, check=False).stdout
        match = re.search(r"Requests/sec:\s+([\d.]+)", out)
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        timeouts = re.search(r"Socket errors:.*timeout (\d+)", out)
        if errors or (timeouts and int(timeouts.group(1))) or not match:
            return 0.0, float("inf")
        return float(match.group(1)), wrk_ms(re.search(r"\s99%\s+([\d.]+)(us|ms|s)\b", out))
    if script:
        sys.exit("The unknown-query-string load needs wrk: apt-get install wrk (benchmarks.md)")
    return python_load(url, seconds, connections)


def wrk_ms(match):
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def python_load(url, seconds, connections):
    """Fallback load generator (no wrk): threads issuing requests back to back."""
    latencies = []
    stop = time.perf_counter() + seconds

    def worker():
        while time.perf_counter() < stop:
            start = time.perf_counter()
            with urllib.request.urlopen(url) as response:  # noqa: S310  (our own server)
                response.read()
            latencies.append((time.perf_counter() - start) * 1000)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    p99 = latencies[int(0.99 * (len(latencies) - 1))] if latencies else float("nan")
    return len(latencies) / seconds, p99


# A query string the cache has not seen, new on every request: on the pages, a parameter no
# cached route declares (a cache-buster: dropped, so the page is the cached one); on the API,
# which refuses unknown parameters, a random offset, a value of a known parameter the cache has
# not seen (rendered, then stored under its own key). What random query strings cost the site.
UNKNOWN_QUERY_LUA = """
counter = 0
request = function()
    counter = counter + 1
    local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
    local extra
    if string.sub(wrk.path, 1, 5) == "/api/" then
        extra = "offset=" .. math.random(0, 99999)
    else
        extra = "nocache=" .. counter .. "-" .. math.random(1, 1000000000)
    end
    return wrk.format(nil, wrk.path .. sep .. extra)
end
"""


class Writes:
    """`per_second` writes a second, spread over the bench's sessions, while pages are loaded:
    a suggestion picked at random is saved (its title, unchanged) in a change-set, as a service
    writes, which recounts its summary groups and bumps what a real write bumps (its page, its
    session, the pages over all sessions) and takes a row lock. A write's recount takes a good
    part of a second here, so the writes are started on schedule by a pool of writers (each
    with its own connection), as concurrent requests would make them; `rate()` says how many
    a second landed."""

    def __init__(self, per_second, writers=None):
        self.per_second = per_second
        self.writers = writers or min(32, max(1, 2 * per_second))
        self.done = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.ticks = queue.Queue()
        self.threads = [
            threading.Thread(target=self.write, daemon=True) for _ in range(self.writers)
        ]
        self.clock = threading.Thread(target=self.schedule, daemon=True)

    def __enter__(self):
        if self.per_second:
            self.rows = list(
                Suggestion.objects.filter(session__term__number__gte=BENCH_TERM)
                .order_by("?")
                .values_list("pk", "session_id", "title")[:5000]
            )
            self.rng = random.Random(21)
            self.started = time.perf_counter()
            for thread in [*self.threads, self.clock]:
                thread.start()
        return self

    def __exit__(self, *exc):
        if self.per_second:
            self.stop.set()
            self.clock.join()
            for _ in self.threads:
                self.ticks.put(None)
            for thread in self.threads:
                thread.join()
            self.elapsed = time.perf_counter() - self.started

    def schedule(self):
        interval, due = 1 / self.per_second, time.perf_counter()
        while not self.stop.is_set():
            self.ticks.put(self.rng.choice(self.rows))
            due += interval
            self.stop.wait(max(0.0, due - time.perf_counter()))

    def write(self):
        from suggestions.figures import summaries

        try:
            while (row := self.ticks.get()) is not None:
                if self.stop.is_set():
                    continue  # the load is over: what is still queued is dropped
                pk, session_id, title = row
                with summaries.change_set():
                    suggestion = Suggestion(pk=pk, session_id=session_id, title=title)
                    suggestion.save(update_fields=["title"])
                with self.lock:
                    self.done += 1
        finally:
            connection.close()

    def rate(self):
        return self.done / self.elapsed if self.per_second else 0.0


class Gunicorn:
    """The project and a bare view under gunicorn (2 sync workers, DEBUG off)."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.port = port

    def __enter__(self):
        env = {**os.environ, "DEBUG": "0", "BENCH_BARE_VIEW": "1"}
        self.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "bench.bare_wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--chdir",
                str(ROOT),
                "--log-level",
                "warning",
            ],
            env=env,
            start_new_session=True,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{self.base}/__bare__/").read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        return self

    def __exit__(self, *exc):
        os.killpg(self.server.pid, signal.SIGTERM)
        self.server.wait(timeout=30)

    def url(self, path):
        return self.base + urllib.parse.quote(path, safe="/?=&")

    def settle(self, timeout=30):
        """Wait for the requests wrk left queued (gunicorn renders them after wrk hung up) to
        drain: until the bare view answers within 50 ms, so one load does not spill into the
        next one's figures."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            urllib.request.urlopen(f"{self.base}/__bare__/").read()  # noqa: S310
            if time.perf_counter() - start < 0.05:
                return
            time.sleep(0.2)


def throughput(urls, port, seconds, rounds, writes=0, connections=16):
    """{name: (req/s, p99 ms, bare req/s)} with gunicorn serving the project and a bare view,
    while `writes` writes a second land (`Writes`)."""
    with Gunicorn(port) as server:
        result = {}
        with Writes(writes) as load:
            for name, url in urls.items():
                urllib.request.urlopen(server.url(url)).read()  # noqa: S310
                bare, page, p99 = [], [], []
                for _ in range(rounds):
                    server.settle()
                    bare.append(wrk(server.url("/__bare__/"), seconds, connections)[0])
                    server.settle()
                    rps, ms = wrk(server.url(url), seconds, connections)
                    page.append(rps)
                    p99.append(ms)
                result[name] = (statistics.median(page), max(p99), statistics.median(bare))
        if writes:
            print(f"writes during the load: {load.done} ({load.rate():.1f}/s)", flush=True)
        return result


def unknown_queries(urls, port, seconds, connections=64):
    """{name: (req/s, p99 ms)} of each page with a query parameter the cache does not know,
    new on every request, at `connections` connections."""
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(UNKNOWN_QUERY_LUA)
    try:
        with Gunicorn(port) as server:
            result = {}
            for name, url in urls.items():
                server.settle()
                result[name] = wrk(server.url(url), seconds, connections, script=script)
            return result
    finally:
        script.unlink()


def measure(
    repeat=15,
    load=True,
    port=8105,
    seconds=3,
    rounds=1,
    out=print,
    only="",
    writes=0,
    cold_repeat=5,
    unknown=False,
):
    urls = {name: url for name, url in pages().items() if re.search(only, name)}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    bump()  # nothing cached from an earlier run
    times = server_times(urls, repeat, cold_repeat=cold_repeat)
    loads = throughput(urls, port, seconds, rounds, writes) if load else {}
    unknowns = unknown_queries(urls, port, seconds) if unknown else {}
    for name, (user, url) in login_pages().items():
        if not re.search(only, name):
            continue
        times.update(server_times({name: url}, repeat, user=user, cold_repeat=cold_repeat))
    out(
        f"\n{Suggestion.objects.count():,} suggestions, {Assignment.objects.count():,} "
        f"assignments, {Event.objects.count():,} events, database {connection.vendor}"
        + (f", {writes} writes/s during the load" if writes else "")
        + f"; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n"
    )
    out(
        "| page | first ms | cold ms | cached ms | queries | req/s | ratio to bare view | p99 ms "
        "| unknown query: req/s, p99 ms (64 conn.) |"
    )
    out("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, (first, cold, median, queries) in times.items():
        if name in loads:
            rps, p99, bare = loads[name]
            rate = f"{rps:,.0f} | {100 * rps / bare:.0f} % (bare {bare:,.0f}) | {p99:,.0f}"
        else:
            rate = "— | — | —"
        if name in unknowns:
            rps, p99 = unknowns[name]
            rate += f" | {rps:,.0f}, {p99:,.0f}"
        else:
            rate += " | —"
        out(f"| `{name}` | {first:,.1f} | {cold:,.1f} | {median:,.1f} | {queries} | {rate} |")
    return times, loads, unknowns


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--suggestions", type=int, default=1_000_000)
    parser.add_argument("--per-session", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is")
    parser.add_argument(
        "--no-recount",
        action="store_true",
        help="with --reuse: skip rebuilding the summary rows (no code change since the last run)",
    )
    parser.add_argument("--no-wrk", action="store_true", help="server times only, no gunicorn")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seconds", type=int, default=3, help="each wrk run")
    parser.add_argument("--rounds", type=int, default=1, help="bare/page pairs per page")
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument("--only", default="", help="the pages whose name matches this regex")
    parser.add_argument(
        "--writes", type=int, default=0, help="writes a second, over the sessions, during the load"
    )
    parser.add_argument("--cold-repeat", type=int, default=5, help="cold requests per page")
    parser.add_argument(
        "--unknown",
        action="store_true",
        help="also load each page at 64 connections with a query parameter the cache ignores",
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    # The pages are timed with DEBUG off (here and under gunicorn), whose static storage reads
    # collectstatic's manifest: collected first, so a fresh clone does not fail after the build.
    call_command("collectstatic", interactive=False, verbosity=0)
    if not args.reuse:
        if Session.objects.filter(term__number__gte=BENCH_TERM).exists():
            sys.exit("This database already holds a bench build: pass --reuse, or drop it.")
        print(f"building {args.suggestions:,} suggestions…", flush=True)
        started = time.perf_counter()
        build(args.suggestions, args.per_session, progress=lambda s: print(s, flush=True))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
    elif not args.no_recount:
        rebuild_summaries()  # the code may have changed since the build
        if connection.vendor == "postgresql":
            # The rebuild rewrote every summary row: vacuumed, as autovacuum soon would, so the
            # pages are not measured over the dead rows it left (10-20 ms on staff's page).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    measure(
        args.repeat,
        not args.no_wrk,
        args.port,
        args.seconds,
        args.rounds,
        only=args.only,
        writes=args.writes,
        cold_repeat=args.cold_repeat,
        unknown=args.unknown,
    )


if __name__ == "__main__":
    main()
