"""Background jobs: the periodic tasks the worker runs, and the preview clean-up."""

import datetime
import os
import time

import pytest
from django.core.management import call_command
from huey.contrib.djhuey import HUEY

from congress import tasks as congress_tasks
from congress.health import heartbeat_age, record_heartbeat
from suggestions import tasks
from suggestions.imports.cleanup import remove_stale_previews


def _file(path, age_hours):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"preview")
    stamp = time.time() - age_hours * 3600
    os.utime(path, (stamp, stamp))
    return path


def test_previews_older_than_a_day_are_removed_and_fresh_ones_kept(settings):
    folder = settings.MEDIA_ROOT / "imports"
    old = _file(folder / "old.xlsx", age_hours=25)
    old_nested = _file(folder / "abc" / "old.csv", age_hours=48)
    fresh = _file(folder / "fresh.xlsx", age_hours=2)
    reply = _file(settings.MEDIA_ROOT / "replies" / "letter.pdf", age_hours=100)

    assert remove_stale_previews() == 2

    assert not old.exists() and not old_nested.exists() and not old_nested.parent.exists()
    assert fresh.exists()
    assert reply.exists()  # only previews are housekeeping's business


def test_clean_previews_command_reports_what_it_removed(settings, capsys):
    _file(settings.MEDIA_ROOT / "imports" / "old.xlsx", age_hours=30)
    call_command("clean_previews")
    assert "1 stale preview(s) removed." in capsys.readouterr().out


def test_clean_previews_without_a_previews_folder_removes_nothing(settings):
    assert remove_stale_previews() == 0


def _due_at(hour, minute):
    return {task.name for task in HUEY.read_periodic(datetime.datetime(2026, 11, 26, hour, minute))}


def test_worker_runs_reminders_daily_previews_hourly_and_a_heartbeat_each_minute():
    assert _due_at(7, 0) == {"send_reminders", "heartbeat"}
    assert _due_at(9, 17) == {"clean_previews", "heartbeat"}
    assert _due_at(9, 18) == {"heartbeat"}


def test_worker_checks_the_derived_rows_each_night():
    assert _due_at(2, 23) == {"check_derived_rows", "heartbeat"}
    every_minute = [_due_at(hour, minute) for hour in range(24) for minute in range(60)]
    assert sum("check_derived_rows" in due for due in every_minute) == 1


@pytest.mark.django_db
def test_reminder_task_sends_the_daily_reminders(deputy_a):
    assert tasks.send_reminders.call_local() == 0  # nothing due: the task ran and said so


def test_heartbeat_task_records_when_the_worker_last_ran():
    congress_tasks.heartbeat.call_local()
    assert heartbeat_age() < 5
    record_heartbeat(now=time.time() - 600)
    assert heartbeat_age() >= 600
