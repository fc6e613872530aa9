"""Periodic jobs of the suggestions app, run by the Huey worker (`manage.py run_huey`)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, periodic_task

from .cleanup import remove_stale_previews
from .notifications import send_due_reminders


@db_periodic_task(crontab(hour="7", minute="0"))
def send_reminders():
    """Daily at 07:00 local time; safe to run twice (each reminder has a key)."""
    return send_due_reminders(timezone.localdate())


@periodic_task(crontab(minute="17"))
def clean_previews():
    """Hourly: import previews nobody confirmed within a day."""
    return remove_stale_previews()
