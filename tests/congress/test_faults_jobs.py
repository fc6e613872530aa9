"""A job whose worker dies (kill -9 mid-import) is noticed within the lease, failed with a
reason in its starter's language, and the same upload can be confirmed again as a new job."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.storage import MemoryStorage, SqliteStorage

from congress import jobs
from congress.models import Job
from suggestions.models import Suggestion
from tests.suggestions.imports.test_import_office import (
    _upload,
    office,  # noqa: F401  (the fixture)
    office_workbook,
)

pytestmark = pytest.mark.django_db

DIED = "处理该任务的后台进程意外中止，请重新提交。"


@pytest.fixture
def queue():
    """Tasks wait in the queue until a worker takes them, as in production."""
    HUEY.immediate = False
    HUEY.storage = MemoryStorage("test-faults")
    yield HUEY
    HUEY.immediate = True


def job_of(response):
    assert response.status_code == 302, response.status_code
    return Job.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))


def a_worker_takes_it_and_is_killed(queue, job):
    """What a worker does before the work begins (take the message, claim the row, write its
    lease), and then nothing more: kill -9 leaves no chance to say goodbye."""
    assert queue.dequeue() is not None
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, started_at=timezone.now())
    jobs.renew_lease(job.pk)


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_died_fails_when_its_lease_lapses_and_can_be_confirmed_again(
    office,  # noqa: F811
    staff,
    client,
    queue,
):
    client.force_login(staff)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    token = _upload(client, office["session"], office_workbook())
    confirm = reverse("workbench:import_confirm", args=[token])
    job = job_of(client.post(confirm))
    a_worker_takes_it_and_is_killed(queue, job)
    status = reverse("jobs:status", args=[job.pk])
    lease = settings.JOB_LEASE_SECONDS

    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=lease - 1), tick=False):
        assert client.get(status).json()["state"] == "running"
        assert job_of(client.post(confirm)) == job  # a second click: still the same job
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=lease + 1), tick=False):
        figures = client.get(status).json()
    assert figures["state"] == "failed" and figures["finished"]
    assert figures["message"] == DIED
    assert not Suggestion.objects.exists()

    again = job_of(client.post(confirm))
    assert again.pk != job.pk and again.state == "queued"
    queue.execute(queue.dequeue())  # a worker (restarted) takes the new job
    again.refresh_from_db()
    assert again.state == "done" and Suggestion.objects.count() == 3


def test_the_worker_sweeps_lapsed_leases_every_minute_and_spares_live_jobs(staff):
    import datetime

    from congress import tasks as congress_tasks

    due = {t.name for t in HUEY.read_periodic(datetime.datetime(2026, 11, 26, 9, 7))}
    assert "heartbeat" in due  # the worker's minutely beat sweeps too

    dead = Job.objects.create(kind="export", owner=staff, title="x", language="zh-hans")
    alive = Job.objects.create(kind="export", owner=staff, title="y", language="en")
    for job in (dead, alive):
        Job.objects.filter(pk=job.pk).update(state="running", started_at=timezone.now())
        jobs.renew_lease(job.pk)
    later = time.time() + settings.JOB_LEASE_SECONDS + 1
    jobs.renew_lease(alive.pk, now=later - 5)  # its worker renewed; the dead one's did not
    with time_machine.travel(later, tick=False):
        assert congress_tasks.heartbeat.call_local() == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.state, dead.message) == ("failed", DIED)
    assert alive.state == "running"


def test_a_claimed_job_that_never_wrote_a_lease_is_failed_after_one_lease_period(staff):
    job = Job.objects.create(kind="export", owner=staff, title="x", language="en")
    Job.objects.filter(pk=job.pk).update(state="running", started_at=timezone.now())
    job.refresh_from_db()
    assert not jobs.lease_lapsed(job)
    assert jobs.lease_lapsed(job, now=time.time() + settings.JOB_LEASE_SECONDS + 1)
    jobs.notice_lapse(job, now=time.time() + settings.JOB_LEASE_SECONDS + 1)
    assert job.state == "failed" and "stopped unexpectedly" in job.message


def test_a_long_step_keeps_its_lease_and_the_job_finishes(staff, settings):
    settings.JOB_LEASE_SECONDS = 0.3  # renewed every 0.1 s by the job's own thread
    job = Job.objects.create(kind="export", owner=staff, title="x", language="en")
    seen = []

    def work(job, progress):
        time.sleep(1.0)  # one long transaction, no progress reported: three leases long
        seen.append(jobs.fail_lapsed())
        return jobs.Result(message="ok")

    jobs.run(job.pk, work)
    job.refresh_from_db()
    assert seen == [0] and (job.state, job.message) == ("done", "ok")
    assert HUEY.get(f"job-lease:{job.pk}", peek=True) is None  # nothing left behind


HOLDER = """
import sys, time, django
django.setup()
from congress import jobs
with jobs.holding_lease(int(sys.argv[1])):
    print("working", flush=True)
    time.sleep(60)
"""


def test_a_real_worker_process_killed_with_sigkill_mid_job_has_its_job_failed(staff, tmp_path):
    """The job is claimed here; a separate process holds its lease as the worker running it
    does, sharing the queue's storage (a SQLite file). kill -9 stops the renewals and the job
    is failed about a lease later (here one second)."""
    job = Job.objects.create(kind="export", owner=staff, title="x", language="zh-hans")
    Job.objects.filter(pk=job.pk).update(state="running", started_at=timezone.now())
    original = HUEY.storage
    HUEY.storage = SqliteStorage(name="congress", filename=str(tmp_path / "huey.sqlite3"))
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "congress.settings",
        "VAR_DIR": str(tmp_path),  # the queue file: var/huey.sqlite3 there
        "REDIS_URL": "",
        "HUEY_IMMEDIATE": "0",
        "JOB_LEASE_SECONDS": "1",
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(job.pk)],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    real = time_machine.escape_hatch.time.time  # the other process lives on the real clock
    try:
        assert worker.stdout.readline().strip() == "working"
        time.sleep(1.5)  # longer than its lease: the live worker renewed it
        job.refresh_from_db()
        assert job.state == "running" and not jobs.lease_lapsed(job, now=real())
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        killed_at = real()
        while not jobs.fail_lapsed(now=real()):
            assert real() - killed_at < 5, "the dead worker's job was not noticed"
            time.sleep(0.1)
        noticed_after = real() - killed_at
        job.refresh_from_db()
        assert (job.state, job.message) == ("failed", DIED)
        assert noticed_after <= 1.5
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        worker.stdout.close()
        HUEY.storage = original
