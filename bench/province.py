"""Benchmark of a province-shaped installation: 1 province, 11 cities, 117 counties, one database.

Builds the database named by DATABASE_URL (a throwaway PostgreSQL database) with the congress
tree — the installation's default congress (the city) becomes one of the province's 11 cities
— each congress with its own term, two sessions (one opened in 2025, the current one in
2026), units, a delegation and deputies, and --suggestions suggestions in all spread over them
(a county holds one share, a city three, the province two), with their assignments, replies
and evaluations written with COPY (`bench/scale.py`'s `Table`; no history events: no page timed
here reads them). The summary rows are then rebuilt by the project's own recount
(`recount_summaries`). Then it times, through Django's test client, the public home page (with
its roll-up) of the province, of one city and of one county, a county's list and units pages,
and the staff roll-up of the province: the first request, then the medians of --repeat cold
requests (every page stale, as after a write) and warm ones (the page cache's copy), the cold
request's queries, and `rollup()` itself.

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE province_bench"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/province_bench \\
        .venv/bin/python bench/province.py --suggestions 1000000   # builds, then measures
    ... bench/province.py --reuse                                    # measures what is there
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.scale import (  # noqa: E402  (the builder's pieces; scale.py stays as it is)
    CURRENT,
    OLD,
    PLACES,
    REACHED,
    QueryCounter,
    Table,
    bump,
    pick,
)
from congress.models import (  # noqa: E402
    Congress,
    Delegation,
    Division,
    HandlingUnit,
    Session,
    Term,
)
from congress.tenancy import activate  # noqa: E402
from deputies.models import Deputy  # noqa: E402
from suggestions.figures import rollup  # noqa: E402
from suggestions.models import Assignment, Category, Evaluation, Reply, Suggestion  # noqa: E402

D = datetime.date
DAY = datetime.timedelta(days=1)
CITIES = 11
COUNTIES = 117
WEIGHT = {"province": 2, "city": 3, "county": 1}  # shares of the suggestions
UNITS, DEPUTIES = 6, 20
SESSION_OPENS = [D(2025, 1, 8), D(2026, 1, 10)]  # the second is every congress's current one


def tree():
    """The province, its 11 cities (the default congress one of them), their 117 counties."""
    province = Congress.objects.create(
        name="基准省人民代表大会", short_name="基准省", slug="p-bench", level="province"
    )
    default = Congress.objects.default()
    default.parent = province
    default.save()
    cities = [default] + [
        Congress.objects.create(
            name=f"基准市{i}人民代表大会",
            short_name=f"基准市{i}",
            slug=f"c-bench-{i}",
            level="city",
            parent=province,
            order=i,
        )
        for i in range(1, CITIES)
    ]
    counties = [
        Congress.objects.create(
            name=f"基准县{i}人民代表大会",
            short_name=f"基准县{i}",
            slug=f"x-bench-{i}",
            level="county",
            parent=cities[i % CITIES],
            order=i,
        )
        for i in range(COUNTIES)
    ]
    return [province, *cities, *counties]


def structure(congress, index):
    """A congress's term, two sessions, units, a delegation and deputies (it is active)."""
    term = Term.objects.create(
        number=90, name=f"{congress.short_name}第九十届", starts_on=D(2024, 1, 1)
    )
    sessions = [
        Session.objects.create(
            term=term,
            number=k + 1,
            name=f"{congress.short_name}九十届{k + 1}次会议",
            opens_on=opens,
            closes_on=opens + 3 * DAY,
        )
        for k, opens in enumerate(SESSION_OPENS)
    ]
    division, _ = Division.objects.get_or_create(name=f"基准区划{index}", defaults={"order": index})
    delegation = Delegation.objects.create(name=f"{congress.short_name}代表团", division=division)
    units = [
        HandlingUnit.objects.create(name=f"{congress.short_name}单位{i}") for i in range(UNITS)
    ]
    deputies = Deputy.objects.bulk_create(
        Deputy(
            name=f"{congress.short_name}代表{i}",
            level="municipal",
            delegation=delegation,
            phone=f"1{index:04d}{i:06d}",
        )
        for i in range(DEPUTIES)
    )
    return sessions, units, deputies


def build(total, seed=1, progress=print):
    rng = random.Random(seed)
    topics = json.loads((ROOT / "fixtures/demo/topics.json").read_text())
    started = time.perf_counter()
    congresses = tree()
    categories = [Category.objects.get_or_create(name=f"基准类别{i}")[0] for i in range(12)]
    weights = [WEIGHT[c.level] for c in congresses]
    shares = [total * w // sum(weights) for w in weights]
    shares[-1] += total - sum(shares)
    tables = {m: Table(m) for m in (Suggestion, Assignment, Reply, Evaluation)}
    ts, ta, tr, te = tables.values()
    made = 0
    for index, (congress, share) in enumerate(zip(congresses, shares, strict=True)):
        with activate(congress):
            sessions, units, deputies = structure(congress, index)
        for k, session in enumerate(sessions):
            current = k == len(sessions) - 1
            count = share // 2 if not current else share - share // 2
            for number in range(1, count + 1):
                suggestion_rows(
                    tables, rng, topics, categories, session, number, current, units, deputies
                )
            made += count
        if len(ts.rows) > 50_000 or index == len(congresses) - 1:
            with transaction.atomic():
                for table in tables.values():
                    table.flush()
            progress(
                f"  congress {index + 1}/{len(congresses)}: {made} suggestions, "
                f"{time.perf_counter() - started:.0f} s"
            )
    for table in tables.values():
        table.reset_sequence()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    progress(f"  rows written in {time.perf_counter() - started:.0f} s; recounting summaries")
    recount = time.perf_counter()
    call_command("recount_summaries", verbosity=0)
    progress(f"  summaries rebuilt in {time.perf_counter() - recount:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return congresses


def suggestion_rows(tables, rng, topics, categories, session, number, current, units, deputies):
    """One suggestion and its assignment, reply and rating, as bench/scale.py proportions them."""
    ts, ta, tr, te = tables.values()
    topic = rng.choice(topics)
    place = rng.choice(PLACES)
    state = pick(rng, CURRENT if current else OLD)
    re_handled = state in ("closed_re", "re_handling")
    status = "closed" if state == "closed_re" else state
    reached = REACHED.index(status) if status in REACHED else -1
    if status == "re_handling":
        reached = REACHED.index("assigned")
    opens = session.opens_on
    assigned = reached >= 1
    replied = reached >= 2 or re_handled
    assigned_on = opens + rng.randint(5, 40) * DAY if assigned else None
    due_on = assigned_on + 91 * DAY if assigned else None
    replied_on = assigned_on + rng.randint(20, 100) * DAY if replied else None
    if replied_on and replied_on > D(2026, 11, 25):
        replied_on = D(2026, 11, 25)
    reply_class = rng.choice("AAABBCD") if replied else ""
    evaluated = reached >= 3
    satisfaction = (
        rng.choice(["satisfied"] * 6 + ["basically_satisfied"] * 3 + ["dissatisfied"])
        if evaluated
        else ""
    )
    lead = rng.choice(deputies)
    sid = ts.add(
        session_id=session.pk,
        number=number,
        title=topic["title"].format(place=place),
        content=topic["problem"].format(place=place),
        category_id=rng.choice(categories).pk,
        lead_deputy_id=lead.pk,
        delegation_id=lead.delegation_id,
        submitted_on=opens,
        status=status,
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
    if not assigned:
        return
    aid = ta.add(
        suggestion_id=sid,
        session_id=session.pk,
        unit_id=rng.choice(units).pk,
        role="lead",
        assigned_on=assigned_on,
        due_on=due_on,
        original_due_on=due_on,
        responsible_person="负责人",
        replied_on=replied_on,
    )
    if replied:
        promise = {}
        if reply_class in "BC":
            promised_by = replied_on + rng.randint(60, 365) * DAY
            followed = promised_by + rng.randint(-40, 20) * DAY
            promise = {
                "promise": "分批实施改造",
                "promised_by": promised_by,
                "followed_up_on": followed if followed <= D(2026, 11, 25) else None,
            }
        tr.add(
            suggestion_id=sid,
            session_id=session.pk,
            assignment_id=aid,
            reply_class=reply_class,
            text="经研究，答复如下。",
            signed_by="局长",
            replied_on=replied_on,
            due_on=due_on,
            is_published=True,
            published_on=replied_on + 3 * DAY,
            recorded_at=timezone.now(),
            **promise,
        )
    if evaluated:
        te.add(
            suggestion_id=sid,
            deputy_id=lead.pk,
            satisfaction=satisfaction,
            contacted=True,
            evaluated_on=replied_on + 10 * DAY,
        )


def timed(request):
    """(ms, queries) of one call."""
    counted = QueryCounter()
    with connection.execute_wrapper(counted):
        start = time.perf_counter()
        result = request()
        ms = (time.perf_counter() - start) * 1000
    return ms, counted.queries, result


def page_times(urls, repeat, user=None):
    """{name: (first ms, cold ms, warm ms, cold queries)}: the first request in this process,
    then `repeat` times a cold one (every page stale, as after a write: rendered) followed by a
    warm one (the page cache's copy); cold and warm are medians."""
    client = Client()
    if user:
        client.force_login(user)
    result = {}
    for name, url in urls.items():
        first, _q, response = timed(lambda url=url: client.get(url))
        assert response.status_code == 200, (url, response.status_code)
        cold, warm, queries = [], [], 0
        for _ in range(repeat):
            bump()
            ms, queries, response = timed(lambda url=url: client.get(url))
            assert response.status_code == 200, (url, response.status_code)
            cold.append(ms)
            warm.append(timed(lambda url=url: client.get(url))[0])
        result[name] = (first, statistics.median(cold), statistics.median(warm), queries)
    return result


def measure(repeat, out=print):
    province = Congress.objects.get(slug="p-bench")
    city = Congress.objects.default()
    county = Congress.objects.filter(parent=city).order_by("order", "pk").first()
    urls = {
        f"province home ({province.children.count()} cities)": f"/c/{province.slug}/",
        f"city home ({city.children.count()} counties)": "/",
        "city home, all sessions": "/?session=all",
        "county home (nothing below)": f"/c/{county.slug}/",
        "county list": f"/c/{county.slug}/suggestions/",
        "county units": f"/c/{county.slug}/units/",
    }
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench-admin", "bench@example.com", "bench-12345!"
    )
    staff = {"province staff roll-up (no page cache)": f"/c/{province.slug}/workbench/below/"}
    out(
        f"{Suggestion.everywhere.count()} suggestions, {Congress.objects.count()} congresses, "
        f"{Session.everywhere.count()} sessions; load average before "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    out(f"{'page':42} {'first ms':>9} {'cold ms':>8} {'warm ms':>8} {'queries':>8}")
    for rows in (page_times(urls, repeat), page_times(staff, repeat, user=admin)):
        for name, (first, cold, warm, queries) in rows.items():
            out(f"{name:42} {first:9.1f} {cold:8.1f} {warm:8.1f} {queries:8}")
    for label, congress, options in [
        ("rollup(province), current sessions", province, {}),
        ("rollup(province), all time", province, {"all_time": True}),
        ("rollup(city), current sessions", city, {}),
        ("rollup(city, staff=True), year 2025", city, {"year": 2025, "staff": True}),
    ]:
        runs = [timed(lambda c=congress, o=options: rollup.rollup(c, **o)) for _ in range(repeat)]
        out(
            f"{label:42} {'':9} {statistics.median(r[0] for r in runs):8.1f} {'':8} {runs[-1][1]:8}"
        )
    out(f"load average after {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suggestions", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--reuse", action="store_true", help="measure what is already built")
    options = parser.parse_args()
    if not options.reuse:
        if connection.vendor != "postgresql":
            sys.exit("Set DATABASE_URL to a throwaway PostgreSQL database.")
        call_command("migrate", verbosity=0)
        if Congress.objects.filter(slug="p-bench").exists():
            sys.exit("Already built: use --reuse, or drop and create the database again.")
        started = time.perf_counter()
        build(options.suggestions)
        print(f"built in {time.perf_counter() - started:.0f} s")
    # Timed with DEBUG off, whose static storage reads collectstatic's manifest (as scale.py).
    call_command("collectstatic", interactive=False, verbosity=0)
    measure(options.repeat)


if __name__ == "__main__":
    main()
