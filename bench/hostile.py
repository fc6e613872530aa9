"""The deliberate attack of issue 23, replayed where a figure says something (docs/faults.md).

On a throwaway SQLite database and queue in a temporary folder (nothing else is touched):
  - 40 wrong current passwords on the password change form: how many were answered before the
    lockout (the attack: 40 of 40);
  - 100 refused requests (403): log lines written, with the one-line filter and without it
    (the old behaviour: a traceback each);
  - a worker killed with SIGKILL while it holds a job: seconds until the job is failed (the
    old sweep: 12 hours), with the production lease unless --lease says otherwise;
  - a database outage: what a request gets, and the next one once the database is back.

    .venv/bin/python bench/hostile.py [--lease 30]
"""

import argparse
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lease", type=float, default=30, help="job lease in seconds")
    args = parser.parse_args()
    # Pages render {% static %} without a collectstatic run; the console stays for figures.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.CRITICAL)
    call_command("migrate", verbosity=0)
    password_change_guesses()
    refusal_log_lines()
    database_outage()
    dead_worker(args.lease)


if __name__ == "__main__":
    main()
