"""The derived rows check themselves: drift planted by raw UPDATEs (what no change-set sees) is
reported by `check_derived` (which rows, how many), left alone with --dry-run, repaired
otherwise, and the nightly job's last result is on /healthz."""

import datetime

import pytest
from django.core.management import call_command
from huey.contrib.djhuey import HUEY

from suggestions import tasks
from suggestions.figures import drift
from suggestions.models import OpenPromise, ReplyDays, Suggestion, Tally
from tests.suggestions.figures.test_flags_stored import assert_flags_in_step, kinds
from tests.suggestions.figures.test_summaries import assert_in_step, stored_summaries

Status = Suggestion.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def drifted(build, unit_x, unit_y, session):
    """Three suggestions kept in step by the services, then drift written behind their back."""
    build(Status.CLOSED, lead_unit=unit_x)
    replied = build(Status.REPLIED, lead_unit=unit_y)
    build(Status.REPLIED, lead_unit=unit_x, reply_class="B")
    assert_in_step(session, "built")
    Tally.objects.filter(session=session, group="total").update(closed=7, replied=0)
    ReplyDays.objects.filter(session=None).update(replies=40)
    Suggestion.objects.filter(pk=replied.pk).update(flag_bits=0, flagged_after=None)
    OpenPromise.objects.update(due=datetime.date(2030, 1, 1))
    return replied


def test_check_reports_the_drifted_rows_and_repairs_them(drifted, session, capsys):
    call_command("check_derived")
    out = capsys.readouterr().out
    assert "Drift found and repaired" in out
    assert f"tally session {session.pk} ('total', 0): stored" in out
    assert "'closed': 7" in out
    assert f"suggestion_flags suggestion {drifted.pk}" in out
    assert "reply_days all sessions" in out
    assert "open_promises" in out
    assert kinds(drifted) == {"on_time_no_contact"}
    assert_in_step(session, "repaired")
    assert_flags_in_step("repaired")
    call_command("check_derived")
    assert "No drift" in capsys.readouterr().out


def test_a_dry_run_reports_the_drift_and_changes_nothing(drifted, session):
    planted = stored_summaries()
    report = drift.check(repair=False)
    assert report.drifted["tally"] == 1
    assert report.drifted["suggestion_flags"] == 1
    assert report.drifted["reply_days"] >= 1
    assert report.drifted["open_promises"] == 2  # the planted date gone, the real one back
    assert stored_summaries() == planted
    assert kinds(drifted) == set()


def test_rows_of_a_session_without_suggestions_are_drift(build, unit_x, session):
    build(Status.CLOSED, lead_unit=unit_x)
    Tally.objects.create(session=session, group="category", key=999_999, suggestions=3)
    assert drift.check().drifted["tally"] == 1
    assert not Tally.objects.filter(key=999_999).exists()


def test_a_handling_row_with_another_session_than_its_suggestions_is_drift(
    build, unit_x, session, next_session
):
    from suggestions.models import Assignment

    build(Status.CLOSED, lead_unit=unit_x)
    Assignment.objects.update(session=next_session)  # a raw UPDATE: no change-set sees it
    report = drift.check()
    assert report.drifted["copied_sessions"] == 1
    assert set(Assignment.objects.values_list("session", flat=True)) == {session.pk}
    assert_in_step(session, "repaired")
    assert drift.check().total == 0


def test_the_nightly_job_checks_and_healthz_shows_its_last_result(drifted, client):
    HUEY.get("self-check:derived_rows")  # no result left over from another test
    assert client.get("/healthz").json()["checks"]["derived_rows"] == {"checked_at": None}
    assert tasks.check_derived_rows.call_local()["tally"] == 1
    shown = client.get("/healthz").json()
    assert shown["status"] == "ok"
    assert shown["checks"]["derived_rows"]["drifted"] > 0
    assert shown["checks"]["derived_rows"]["checked_at"].startswith("2026-11-26")
    tasks.check_derived_rows.call_local()
    assert client.get("/healthz").json()["checks"]["derived_rows"]["drifted"] == 0
