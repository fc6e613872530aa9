"""Background jobs someone waits for: start one, run it in the worker, report its progress.

An app writes the work as a function `work(job, progress)` and a Huey task that calls
`run(job_id, work)`; a view calls `start(task, ...)` and sends the user to the job's page. The
work calls `progress(done, total)` as it goes, raises `JobError` with a message the user can
read when it cannot be done, and returns a `Result`: what it did, and perhaps a file to offer.

The worker is Huey's (`manage.py run_huey`): Redis-backed when REDIS_URL is set, so workers on
any number of machines take jobs from one queue; an embedded SQLite queue otherwise. With
immediate mode (DEBUG, tests) a job runs inside the request that starts it.

Progress while a job runs is kept in the queue's own key-value storage (Redis, or the queue's
SQLite file), not in the job's row: an import writes every row in one transaction, and its
progress written to the database inside it would only appear when it is over.

A running job holds a lease there too: its worker renews it every few seconds from a thread of
its own, however long a step of the work takes. A worker that dies (kill -9, the machine gone)
stops renewing; once the lease has lapsed the job is failed with a reason in its starter's
language, by the worker's minutely sweep and by whoever reads the job first, so the same upload
can be confirmed again as a new job.
"""

import contextlib
import logging
import os
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import HUEY

from congress.health import record_heartbeat
from congress.models import Job
from congress.tenancy import activate

logger = logging.getLogger(__name__)


class JobError(Exception):
    """The job cannot be done; the message says why, in the owner's language."""


@dataclass
class Result:
    message: str = ""
    path: str | os.PathLike | None = None  # a file the work wrote; it is moved into storage
    name: str = ""  # the file's name for the download


def _progress_key(job_id):
    return f"job-progress:{job_id}"


def _lease_key(job_id):
    return f"job-lease:{job_id}"


def renew_lease(job_id, now=None):
    """The job's worker is alive: its lease runs JOB_LEASE_SECONDS from now."""
    HUEY.put(_lease_key(job_id), (time.time() if now is None else now) + settings.JOB_LEASE_SECONDS)


@contextlib.contextmanager
def holding_lease(job_id):
    """Hold the job's lease while the block runs: renewed a few times per lease period by a
    thread, so a long step of the work (one big transaction) does not let it lapse."""
    stop = threading.Event()

    def keep_renewing():
        # Short sleeps rather than `stop.wait(timeout)`: a timed wait on a condition does not
        # wake under libfaketime (CI runs the suite with the clock a year ahead), and the lease
        # would lapse under a live worker.
        interval = settings.JOB_LEASE_SECONDS / 3
        due = time.monotonic() + interval
        while not stop.is_set():
            time.sleep(min(0.05, interval))
            if stop.is_set() or time.monotonic() < due:
                continue
            due = time.monotonic() + interval
            try:
                renew_lease(job_id)
                record_heartbeat()  # the worker is alive even when every thread is busy
            except Exception:  # the queue's storage unreachable: try again at the next beat
                logger.warning("job %s: lease not renewed", job_id, exc_info=True)

    renew_lease(job_id)
    renewer = threading.Thread(target=keep_renewing, name=f"job-{job_id}-lease", daemon=True)
    renewer.start()
    try:
        yield
    finally:  # the lease itself stays until _finish has written the outcome
        stop.set()
        renewer.join()


def lease_lapsed(job, now=None):
    """True when the job runs but nobody renews its lease: its worker died."""
    if job.state != Job.State.RUNNING:
        return False
    now = time.time() if now is None else now
    try:
        until = HUEY.get(_lease_key(job.pk), peek=True)
    except Exception:  # cannot tell; a live job is never failed on a guess
        return False
    if until is None:  # claimed, and no lease ever written (or a job from before leases)
        started = job.started_at.timestamp() if job.started_at else now
        return started + settings.JOB_LEASE_SECONDS < now
    return until < now


def _fail_lapsed(job):
    done, total = progress_of(job)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        reason = _(
            "The background process handling this job stopped unexpectedly; submit it again."
        )
    # Only a job still running: a worker that was merely slow and finished meanwhile wins.
    failed = Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(
        state=Job.State.FAILED, finished_at=timezone.now(), message=reason, done=done, total=total
    )
    if failed:
        logger.warning("job %s failed: its worker stopped renewing its lease", job.pk)
        with contextlib.suppress(Exception):
            HUEY.get(_progress_key(job.pk))
    return failed


def notice_lapse(job, now=None):
    """The job as it stands, failed first if its worker died; for every page that shows it."""
    if lease_lapsed(job, now) and _fail_lapsed(job):
        job.refresh_from_db()
    return job


def fail_lapsed(now=None):
    """Fail every running job whose lease lapsed (the worker's minutely sweep); how many."""
    return sum(
        _fail_lapsed(job)
        for job in Job.objects.filter(state=Job.State.RUNNING)
        if lease_lapsed(job, now)
    )


def progress_of(job):
    """(done, total) of the job: live while it runs, from its row otherwise."""
    if job.state == Job.State.RUNNING:
        try:
            live = HUEY.get(_progress_key(job.pk), peek=True)
        except Exception:  # the queue's storage unreachable: the row's figures will do
            live = None
        if live:
            return live
    return job.done, job.total


def start(task, *, kind, owner, title, params=None, total=0):
    """A new job for `owner`, queued for the worker (run at once in immediate mode)."""
    job = Job.objects.create(
        kind=kind,
        owner=owner,
        title=title[:200],
        params=params or {},
        total=total,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    try:
        task(job.pk)
    except Exception:
        logger.exception("job %s could not be queued", job.pk)
        reason = _("The job queue could not be reached; try again later.")
        _finish(job.pk, Job.State.FAILED, message=reason)
    job.refresh_from_db()
    return job


def run(job_id, work):
    """Run `work(job, progress)` for a queued job: running, then done or failed with why."""
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:  # gone, or already taken by another worker
        return
    job = Job.everywhere.select_related("owner", "congress").get(pk=job_id)
    figures = {"done": 0, "total": job.total}

    def progress(done, total=None):
        figures["done"] = done
        if total is not None:
            figures["total"] = total
        try:
            HUEY.put(_progress_key(job_id), (figures["done"], figures["total"]))
        except Exception:  # progress is a courtesy; the job goes on without it
            logger.warning("job %s: progress not recorded", job_id, exc_info=True)

    with translation.override(job.language or settings.LANGUAGE_CODE), activate(job.congress):
        try:
            with holding_lease(job_id):
                result = work(job, progress) or Result()
                # A full disk or a storage error fails the job instead of leaving it running.
                stored = _store(result.path, result.name) if result.path else ""
        except JobError as error:
            _finish(job_id, Job.State.FAILED, message=str(error), **figures)
            return
        except Exception:
            logger.exception("job %s failed", job_id)
            _finish(
                job_id,
                Job.State.FAILED,
                message=_("The job stopped on an unexpected error; tell the system's keeper."),
                **figures,
            )
            return
        _finish(
            job_id,
            Job.State.DONE,
            message=result.message,
            result=stored,
            result_name=result.name,
            **figures,
        )


def _store(path, name):
    """Move the work's file into the default storage under a name nobody can guess."""
    extension = Path(name).suffix.lower()
    stored_as = f"jobs/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{extension}"
    try:
        with open(path, "rb") as handle:  # copied in chunks: constant memory
            return Job._meta.get_field("result").storage.save(stored_as, File(handle))
    finally:
        Path(path).unlink(missing_ok=True)


def _finish(job_id, state, *, done=None, total=None, **fields):
    figures = {}
    if total is not None:
        figures["total"] = total
        figures["done"] = total if state == Job.State.DONE and total else (done or 0)
    Job.objects.filter(pk=job_id).update(
        state=state, finished_at=timezone.now(), **figures, **fields
    )
    for key in (_progress_key(job_id), _lease_key(job_id)):
        with contextlib.suppress(Exception):
            HUEY.get(key)  # read once: removed


def remove_old_results(days=None):
    """Delete result files of jobs finished more than JOB_RESULT_DAYS ago; the rows stay."""
    days = settings.JOB_RESULT_DAYS if days is None else days
    old = Job.objects.exclude(result="").filter(
        finished_at__lt=timezone.now() - timezone.timedelta(days=days)
    )
    removed = 0
    for job in old.iterator():
        job.result.delete(save=False)
        Job.objects.filter(pk=job.pk).update(result="")
        removed += 1
    return removed


def fail_abandoned(hours=None):
    """Mark failed the jobs still running long after any job should have finished: their
    worker stopped (a restart, a machine gone) and nobody else will finish them. A job still
    queued that long lost its message (a queue emptied by a restart): failing it lets the same
    import or export be asked for again instead of reopening a job nobody will run."""
    hours = settings.JOB_MAX_HOURS if hours is None else hours
    long_ago = timezone.now() - timezone.timedelta(hours=hours)
    return Job.objects.filter(
        Q(state=Job.State.RUNNING, started_at__lt=long_ago)
        | Q(state=Job.State.QUEUED, created_at__lt=long_ago)
    ).update(
        state=Job.State.FAILED,
        finished_at=timezone.now(),
        message=_("The worker stopped before the job finished; start it again."),
    )
