"""Jobs of the suggestions app, run by the Huey worker (`manage.py run_huey`): the periodic
ones, and the imports and exports people start and follow on their job page (`jobs.py`)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, periodic_task

from congress import jobs as job_runner
from suggestions.imports import jobs
from suggestions.imports.cleanup import remove_stale_previews
from suggestions.notifications import send_due_reminders


@db_periodic_task(crontab(hour="7", minute="0"))
def send_reminders():
    """Daily at 07:00 local time; safe to run twice (each reminder has a key)."""
    return send_due_reminders(timezone.localdate())


@periodic_task(crontab(minute="17"))
def clean_previews():
    """Hourly: import previews nobody confirmed within a day."""
    return remove_stale_previews()


@db_task()
def import_job(job_id):
    job_runner.run(job_id, jobs.run_import)


@db_task()
def export_job(job_id):
    job_runner.run(job_id, jobs.run_export)
