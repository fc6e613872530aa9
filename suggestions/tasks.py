"""Jobs of the suggestions app, run by the Huey worker (`manage.py run_huey`): the periodic
ones, and the imports and exports people start and follow on their job page (`jobs.py`)."""

import logging

from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, periodic_task

from congress import jobs as job_runner
from congress.models import Job
from congress.tenancy import each_congress
from suggestions.figures.drift import check_and_record
from suggestions.imports import jobs
from suggestions.imports.cleanup import remove_stale_previews
from suggestions.notifications import send_due_reminders, send_promise_reminders

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="7", minute="0"))
def send_reminders():
    """Daily at 07:00 local time, each congress under its own rule profile: replies and
    promised follow-ups due within the window, and overdue ones. Safe to run twice (each
    reminder has a key)."""
    today = timezone.localdate()
    return sum(
        send_due_reminders(today) + send_promise_reminders(today) for _congress in each_congress()
    )


@periodic_task(crontab(minute="17"))
def clean_previews():
    """Hourly: import previews nobody confirmed within a day."""
    return remove_stale_previews()


@db_periodic_task(crontab(hour="2", minute="23"))
def check_derived_rows():
    """Nightly: every summary row, stored flag and queue column recounted and compared; the
    drift is logged, repaired, and shown by /healthz."""
    report = check_and_record()
    if report.total:
        logger.warning("derived rows drifted: %s; %s", report.drifted, "; ".join(report.examples))
    return report.drifted


@db_task()
def import_job(job_id):
    job_runner.run(job_id, jobs.run_import)


@db_task()
def export_job(job_id):
    job_runner.run(job_id, jobs.run_export)


def start_import(saved, by):
    """Queue the import of a checked upload; the upload stays until the import succeeds."""
    waiting = Job.objects.filter(
        kind=Job.Kind.IMPORT,
        params__token=saved.token,
        state__in=[Job.State.QUEUED, Job.State.RUNNING],
    ).first()
    if waiting:
        waiting = job_runner.notice_lapse(waiting)  # its worker may have died: failed first
    if waiting and waiting.state in (Job.State.QUEUED, Job.State.RUNNING):
        return waiting  # a second click on the button: the same job
    return job_runner.start(
        import_job,
        kind=Job.Kind.IMPORT,
        owner=by,
        title=_("Import of %(file)s into %(session)s")
        % {"file": saved.state.get("name", ""), "session": saved.session},
        params={"token": saved.token, "session": saved.session.pk},
    )


def start_export(fmt, query, by):
    """Queue the public list, filtered by `query` (a QueryDict), as a file for `by`; the same
    export asked again while it waits or runs is the same job."""
    query = query.urlencode()
    waiting = Job.objects.filter(
        kind=Job.Kind.EXPORT,
        owner=by,
        params__fmt=fmt,
        params__query=query,
        state__in=[Job.State.QUEUED, Job.State.RUNNING],
    ).first()
    if waiting:
        return waiting
    return job_runner.start(
        export_job,
        kind=Job.Kind.EXPORT,
        owner=by,
        title=_("Suggestion list as %(format)s") % {"format": "Excel" if fmt == "xlsx" else "CSV"},
        params={"fmt": fmt, "query": query},
    )
