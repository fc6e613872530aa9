"""The deliberate attack of issue 23, replayed where a figure says something (docs/faults.md).

On a throwaway SQLite database and queue in a temporary folder (nothing else is touched):
  - 40 wrong current passwords on the password change form: how many were answered before the
    lockout (the attack: 40 of 40);
  - 100 refused requests (403): log lines written, with the one-line filter and without it
    (the old behaviour: a traceback each);
  - a worker killed with SIGKILL while it holds a job: seconds until the job is failed (the
    old sweep: 12 hours), with the production lease unless --lease says otherwise;
  - a database outage: what a request gets, and the next one once the database is back;
  - the hostile import files (the 4 KB shared string of the attack and its variants, a zip
    bomb, a million rows, big CSVs): seconds to the refusal and peak Python memory, through
    the reader all entry points share and through `import_suggestions --dry-run`.

    .venv/bin/python bench/hostile.py [--lease 30] [--imports]
"""

import argparse
import datetime
import io
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TMP = Path(tempfile.mkdtemp(prefix="hostile-"))
os.environ |= {
    "DJANGO_SETTINGS_MODULE": "congress.settings",
    "DATABASE_URL": f"sqlite:///{TMP / 'db.sqlite3'}",
    "VAR_DIR": str(TMP),
    "MEDIA_ROOT": str(TMP / "media"),
    "REDIS_URL": "",
    "HUEY_IMMEDIATE": "0",
}
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import OperationalError, connection  # noqa: E402
from django.test import Client  # noqa: E402

from congress import jobs  # noqa: E402
from congress.logs import OneLineRefusals  # noqa: E402
from congress.models import Job  # noqa: E402

PASSWORD = "Lüliang-2026-reply"


def password_change_guesses(attempts=40):
    user = get_user_model().objects.create_user("target", "t@example.com", PASSWORD)
    client = Client()
    client.force_login(user)
    codes = []
    start = time.perf_counter()
    for n in range(attempts):
        data = {"old_password": f"guess{n}", "new_password1": "x", "new_password2": "x"}
        codes.append(client.post("/accounts/password_change/", data).status_code)
    seconds = time.perf_counter() - start
    answered = codes.index(429) if 429 in codes else len(codes)
    print(
        f"password change, {attempts} wrong guesses in {seconds:.1f} s: {answered} answered, "
        f"{codes.count(429)} refused by the lockout (before: {attempts} of {attempts} answered)"
    )


def refusal_log_lines(requests=100):
    deputy = get_user_model().objects.create_user("nosy", "n@example.com", PASSWORD)
    client = Client()
    client.force_login(deputy)
    request_logger = logging.getLogger("django.request")

    def lines(with_filter):
        saved = request_logger.filters[:]
        if not with_filter:
            request_logger.filters = [f for f in saved if not isinstance(f, OneLineRefusals)]
        buffer = io.StringIO()
        handler = logging.StreamHandler(buffer)
        logging.getLogger().addHandler(handler)
        try:
            for _ in range(requests):
                assert client.get("/reports/").status_code == 403
        finally:
            logging.getLogger().removeHandler(handler)
            request_logger.filters = saved
        return len(buffer.getvalue().splitlines())

    before, after = lines(with_filter=False), lines(with_filter=True)
    print(f"{requests} refused requests: {after} log lines (before: {before})")


HOLDER = """
import sys, time, django
django.setup()
from congress import jobs
with jobs.holding_lease(int(sys.argv[1])):
    print("working", flush=True)
    time.sleep(3600)
"""


def dead_worker(lease):
    owner = get_user_model().objects.create_user("importer", "i@example.com", PASSWORD)
    job = Job.objects.create(kind="import", owner=owner, title="10,000 rows", language="zh-hans")
    Job.objects.filter(pk=job.pk).update(state="running", total=10000)
    env = os.environ | {"JOB_LEASE_SECONDS": str(lease)}
    worker = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(job.pk)], cwd=ROOT, env=env, stdout=subprocess.PIPE
    )
    worker.stdout.readline()
    time.sleep(min(2, lease))
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    killed = time.time()
    while not jobs.fail_lapsed():  # what the job page and the worker's minutely beat call
        time.sleep(0.2)
    job.refresh_from_db()
    print(
        f"worker killed with SIGKILL, lease {lease:g} s: job failed after "
        f"{time.time() - killed:.1f} s on the next look, at most a minute more for the "
        f"worker's sweep alone (before: 12 h); its message: {job.message}"
    )


def database_outage():
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")

    def refuse(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        during = client.get("/suggestions/")
    after = client.get("/suggestions/")
    print(
        f"database outage: {during.status_code} with Retry-After {during.get('Retry-After')} "
        f"({len(during.content)} bytes; before: a generic 500), then {after.status_code} once "
        f"it is back"
    )


# What the attack measured on production before the reader's limits (issue 23).
IMPORT_BEFORE = {
    "a row of 1,500,001 empty formatted cells": "17 s to parse them (this branch, before the "
    "raw count)",
    "shared string 300,000 chars × 2 columns × 2,000 rows": "preview 500 after 30.7 s (worker "
    "timeout), the job 117 → 1,249 MB, --dry-run still running after 25 s",
    "shared string 2,000,000 chars × 2 columns × 20,000 rows": "over 300 s of CPU, unfinished",
}


def _measured(function):
    """(seconds, peak MB of Python memory, outcome) of one read."""
    import tracemalloc

    tracemalloc.start()
    start = time.perf_counter()
    try:
        function()
        outcome = "read"
    except Exception as error:  # the refusal is the figure
        outcome = str(error)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    return seconds, peak, outcome


def hostile_imports():
    from congress.models import Session, Term
    from suggestions.imports.reading import MAX_FILE_BYTES, read_file
    from tests.suggestions.imports.test_bounded_imports import (
        handmade_xlsx,
        inline_row,
        shared_string_bomb,
    )
    from tests.suggestions.imports.test_import_office import _xlsx_with_sheet

    variant = handmade_xlsx(
        inline_row("案由", "领衔代表")
        + '<row><c t="s"><v>0</v></c><c t="s"><v>0</v></c></row>' * 20_000,
        strings=["a" + " " * 1_999_998 + "x"],
    )
    million = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"/><row r="1000000"><c r="A1000000" t="inlineStr"><is><t>x</t>'
        b"</is></c></row></sheetData></worksheet>"
    )
    cases = {
        "shared string 300,000 chars × 2 columns × 2,000 rows": (shared_string_bomb(), "a.xlsx"),
        "shared string 2,000,000 chars × 2 columns × 20,000 rows": (variant, "b.xlsx"),
        "zip bomb, 120 MB of spaces": (
            _xlsx_with_sheet(b"<x>" + b" " * (120 * 1024 * 1024) + b"</x>"),
            "bomb.xlsx",
        ),
        "a million rows (row 1,000,000 filled)": (_xlsx_with_sheet(million), "rows.xlsx"),
        "a row of 1,500,001 empty formatted cells": (
            handmade_xlsx("<row>" + '<c s="1"/>' * 1_500_001 + "</row>"),
            "wide.xlsx",
        ),
        "CSV of 50 MB": (b"\n" * (50 * 1024 * 1024), "big.csv"),
        "CSV just under 10 MB: one 10,000,000-character cell": (
            b'"' + b"x" * (MAX_FILE_BYTES - 10) + b'"',
            "cell.csv",
        ),
        "CSV just under 10 MB: 10,000,000 empty cells in a row": (
            "编号,案由\n1,标题".encode() + b"," * (MAX_FILE_BYTES - 100),
            "commas.csv",
        ),
    }
    for name, (data, filename) in cases.items():
        seconds, peak, outcome = _measured(lambda d=data, f=filename: read_file(d, f))
        before = IMPORT_BEFORE.get(name, "")
        print(
            f"import, {name} ({len(data) / 1024:,.0f} KB): {outcome[:110]} after {seconds:.2f} s, "
            f"peak {peak:.0f} MB" + (f" (before: {before})" if before else "")
        )
    term = Term.objects.create(number=9, name="第九届", starts_on=datetime.date(2024, 1, 1))
    session = Session.objects.create(
        term=term,
        number=1,
        name="九届一次会议",
        opens_on=datetime.date(2026, 1, 10),
        closes_on=datetime.date(2026, 1, 13),
    )
    path = TMP / "bomb.xlsx"
    path.write_bytes(shared_string_bomb())

    def dry_run():
        call_command("import_suggestions", str(path), session=str(session.pk), dry_run=True)

    seconds, peak, outcome = _measured(dry_run)
    print(
        f"import_suggestions bomb.xlsx --dry-run: {outcome[:110]} after {seconds:.2f} s, "
        f"peak {peak:.0f} MB (before: still running after 25 s)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lease", type=float, default=30, help="job lease in seconds")
    parser.add_argument("--imports", action="store_true", help="only the hostile import files")
    args = parser.parse_args()
    # Pages render {% static %} without a collectstatic run; the console stays for figures.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.CRITICAL)
    call_command("migrate", verbosity=0)
    if not args.imports:
        password_change_guesses()
        refusal_log_lines()
        database_outage()
        dead_worker(args.lease)
    hostile_imports()


if __name__ == "__main__":
    main()
