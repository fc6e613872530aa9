"""Imports and large exports run as background jobs: a page that follows each, the file to
download when it is done, the reason when it failed; only its owner and staff see it."""

import csv
import io
import tracemalloc

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from huey.contrib.djhuey import HUEY
from huey.storage import MemoryStorage
from openpyxl import load_workbook

from congress import jobs
from congress.models import Job
from congress.roles import staff_group
from congress.spreadsheets import streaming_csv_response, write_spreadsheet
from suggestions import tasks
from suggestions.models import Suggestion
from tests.conftest import make_user
from tests.suggestions.imports.test_import_office import (
    _upload,
    office,  # noqa: F401  (the fixture)
    office_rows,
    office_workbook,
)
from tests.suggestions.imports.test_safe_exports import HOSTILE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(client):
    """Pages and the jobs they start in English, as the rule tests read their messages."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def job_of(response):
    assert response.status_code == 302, response.status_code
    assert "/workbench/jobs/" in response.url, response.url
    return Job.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))


# --- the import ------------------------------------------------------------------------------


def test_confirming_an_import_runs_it_as_a_job_and_shows_what_it_did(
    office,  # noqa: F811
    staff,
    client,
):
    client.force_login(staff)
    token = _upload(client, office["session"], office_workbook())
    job = job_of(client.post(reverse("workbench:import_confirm", args=[token])))
    assert job.kind == "import" and job.owner == staff and job.state == "done"
    assert Suggestion.objects.filter(status="closed").count() == 3
    assert job.done == job.total == 3  # every replayed row counted
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "3 suggestion(s) created (3 with their handling results)" in page
    assert "job-progress.js" not in page  # over: nothing left to follow
    # The kept file is gone once the import succeeded.
    assert client.get(reverse("workbench:import_preview", args=[token])).status_code == 404


def test_a_refused_import_fails_with_the_reason_saves_nothing_and_keeps_the_file(
    office,  # noqa: F811
    staff,
    client,
):
    rows = office_rows()
    rows[0][3] = "无名氏"  # no such deputy: a row problem
    client.force_login(staff)
    token = _upload(client, office["session"], office_workbook(rows))
    job = job_of(client.post(reverse("workbench:import_confirm", args=[token])))
    assert job.state == "failed" and "1 row(s) have problems; nothing was imported." in job.message
    assert not Suggestion.objects.exists()
    page = client.get(reverse("jobs:detail", args=[job.pk]))
    assert job.message in page.content.decode()
    preview = reverse("workbench:import_preview", args=[token])
    assert preview in page.content.decode()
    assert client.get(preview).status_code == 200  # the file is kept: back to the check


def test_the_reason_of_a_failure_is_in_the_language_of_whoever_started_it(
    office,  # noqa: F811
    staff,
    client,
):
    client.force_login(staff)
    token = _upload(client, office["session"], office_workbook())
    from suggestions.imports.uploads import Upload

    Upload(token).delete()  # gone before the worker took the job
    with translation.override("zh-hans"):
        job = jobs.start(
            tasks.import_job, kind="import", owner=staff, title="导入", params={"token": token}
        )
    assert job.state == "failed" and job.message == "上传的文件已失效，请重新上传。"


def test_a_job_that_crashes_fails_with_a_message_not_a_500(staff, client):
    def broken(job, progress):
        raise RuntimeError("a bug")

    job = Job.objects.create(kind="export", owner=staff, title="x", language="en")
    jobs.run(job.pk, broken)
    job.refresh_from_db()
    assert job.state == "failed" and "unexpected error" in job.message
    client.force_login(staff)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 200


def test_a_queue_that_cannot_be_reached_fails_the_job_at_once(staff):
    def unreachable(job_id):
        raise ConnectionError("redis down")

    job = jobs.start(unreachable, kind="export", owner=staff, title="x")
    assert job.state == "failed" and "could not be reached" in job.message


def test_progress_is_seen_while_the_job_runs(staff, client):
    client.force_login(staff)
    seen = {}

    def work(job, progress):
        progress(5, 20)
        seen["row"] = Job.objects.get(pk=job.pk).state
        seen["json"] = client.get(reverse("jobs:status", args=[job.pk])).json()
        return jobs.Result(message="ok")

    job = Job.objects.create(kind="export", owner=staff, title="x", language="en")
    jobs.run(job.pk, work)
    assert seen["row"] == "running"
    assert seen["json"] | {"state_label": ""} == {
        "state": "running",
        "state_label": "",
        "done": 5,
        "total": 20,
        "percent": 25,
        "finished": False,
        "message": "",
        "download": None,
    }
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.message) == ("done", 20, 20, "ok")
    assert jobs.progress_of(job) == (20, 20)


def test_a_job_whose_worker_stopped_is_failed_after_some_hours(staff):
    started = timezone.now() - timezone.timedelta(hours=13)
    lost = Job.objects.create(kind="export", owner=staff, title="x", state="running")
    Job.objects.filter(pk=lost.pk).update(started_at=started)
    busy = Job.objects.create(kind="export", owner=staff, title="y", state="running")
    Job.objects.filter(pk=busy.pk).update(started_at=timezone.now())
    assert jobs.fail_abandoned() == 1
    lost.refresh_from_db()
    busy.refresh_from_db()
    assert lost.state == "failed" and "worker stopped" in lost.message and busy.state == "running"


def test_a_job_whose_queue_message_was_lost_is_failed_and_can_be_asked_for_again(staff):
    lost = Job.objects.create(kind="export", owner=staff, title="x")  # queued, never started
    Job.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timezone.timedelta(hours=13))
    waiting = Job.objects.create(kind="export", owner=staff, title="y")
    assert jobs.fail_abandoned() == 1
    lost.refresh_from_db()
    waiting.refresh_from_db()
    assert lost.state == "failed" and waiting.state == "queued"


def test_a_result_that_cannot_be_stored_fails_the_job_instead_of_leaving_it_running(
    staff, tmp_path, monkeypatch
):
    def full_disk(path, name):
        raise OSError("No space left on device")

    def work(job, progress):
        path = tmp_path / "out.csv"
        path.write_text("a,b\n")
        return jobs.Result(path=str(path), name="out.csv")

    monkeypatch.setattr(jobs, "_store", full_disk)
    job = Job.objects.create(kind="export", owner=staff, title="x", language="en")
    jobs.run(job.pk, work)
    job.refresh_from_db()
    assert job.state == "failed" and "unexpected error" in job.message and not job.result


def test_the_worker_fails_lost_jobs_hourly_and_removes_old_files_nightly():
    import datetime

    from congress import tasks as congress_tasks  # registers the worker's periodic jobs

    assert congress_tasks.fail_abandoned_jobs and congress_tasks.remove_old_job_results

    due = {t.name for t in HUEY.read_periodic(datetime.datetime(2026, 11, 26, 3, 31))}
    assert "remove_old_job_results" in due
    due = {t.name for t in HUEY.read_periodic(datetime.datetime(2026, 11, 26, 9, 41))}
    assert "fail_abandoned_jobs" in due


def test_a_job_runs_once_even_if_the_queue_hands_it_out_twice(staff):
    runs = []
    job = Job.objects.create(kind="export", owner=staff, title="x", language="en")
    jobs.run(job.pk, lambda job, progress: runs.append(job.pk))
    jobs.run(job.pk, lambda job, progress: runs.append(job.pk))
    assert runs == [job.pk]


@pytest.fixture
def queued_for_a_worker():
    """The queue as production has it: tasks wait in storage until a worker takes them."""
    HUEY.immediate = False
    HUEY.storage = MemoryStorage("test-jobs")
    yield HUEY
    HUEY.immediate = True  # back to a fresh in-memory queue that runs tasks at once


def work_the_queue(huey):
    done = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        done += 1
    return done


@pytest.mark.django_db(transaction=True)
def test_through_a_real_queue_the_import_waits_then_a_worker_runs_it(
    office,  # noqa: F811
    staff,
    client,
    queued_for_a_worker,
    settings,
):
    settings.EXPORT_INLINE_ROWS = -1  # any export is a job, even of no rows
    client.force_login(staff)
    token = _upload(client, office["session"], office_workbook())
    job = job_of(client.post(reverse("workbench:import_confirm", args=[token])))
    assert job.state == "queued" and not Suggestion.objects.exists()
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "job-progress.js" in page and reverse("jobs:status", args=[job.pk]) in page
    # A second click on the button while it waits: the same job, not a second import.
    assert job_of(client.post(reverse("workbench:import_confirm", args=[token]))) == job
    export = job_of(client.get(reverse("suggestions:export", args=["csv"]), {"q": "x"}))
    assert job_of(client.get(reverse("suggestions:export", args=["csv"]), {"q": "x"})) == export
    assert export.state == "queued"
    assert work_the_queue(queued_for_a_worker) == 2
    job.refresh_from_db()
    assert job.state == "done" and Suggestion.objects.filter(status="closed").count() == 3
    status = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert status["finished"] and status["state"] == "done" and "created" in status["message"]


# --- the export ------------------------------------------------------------------------------


@pytest.fixture
def six_public(build, unit_x, settings):
    settings.EXPORT_INLINE_ROWS = 5
    for title in ["关于供暖的建议", *HOSTILE[:4], "关于道路的建议"]:
        build("assigned", lead_unit=unit_x, title=title)


def csv_of(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def download(client, job):
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    return b"".join(response.streaming_content)


def test_a_large_csv_export_for_a_logged_in_user_is_a_job_with_a_download(
    six_public, client, deputy_b
):
    client.force_login(deputy_b.user)
    job = job_of(client.get(reverse("suggestions:export", args=["csv"])))
    assert job.kind == "export" and job.owner == deputy_b.user and job.state == "done"
    assert (job.done, job.total) == (6, 6) and job.result_name.endswith(".csv")
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert reverse("jobs:download", args=[job.pk]) in page and "6 suggestions written." in page
    rows = csv_of(download(client, job))
    assert len(rows) == 7 and rows[0][0] == "Number"
    titles = {row[1] for row in rows[1:]}
    assert {"'" + title for title in HOSTILE[:4]} <= titles  # neutralised, as inline exports are


def test_a_large_xlsx_export_writes_hostile_titles_as_text(six_public, client, staff):
    client.force_login(staff)
    job = job_of(client.get(reverse("suggestions:export", args=["xlsx"])))
    sheet = load_workbook(io.BytesIO(download(client, job))).active
    cells = {row[1].value: row[1].data_type for row in sheet.iter_rows(min_row=2)}
    assert len(cells) == 6 and all(cells[title] == "s" for title in HOSTILE[:4])


def test_the_export_job_follows_the_lists_filters(six_public, client, staff, settings):
    settings.EXPORT_INLINE_ROWS = 1
    client.force_login(staff)
    job = job_of(client.get(reverse("suggestions:export", args=["csv"]), {"q": "关于"}))
    rows = csv_of(download(client, job))
    assert sorted(row[1] for row in rows[1:]) == ["关于供暖的建议", "关于道路的建议"]


def test_a_small_export_is_answered_at_once(build, unit_x, client, staff, settings):
    settings.EXPORT_INLINE_ROWS = 5
    build("assigned", lead_unit=unit_x)
    client.force_login(staff)
    for fmt in ("csv", "xlsx"):
        assert client.get(reverse("suggestions:export", args=[fmt])).status_code == 200
    assert not Job.objects.exists()


def test_anonymous_visitors_get_the_large_csv_streamed_and_no_job(six_public, client):
    response = client.get(reverse("suggestions:export", args=["csv"]))
    assert response.status_code == 200 and response.streaming
    assert len(csv_of(b"".join(response.streaming_content))) == 7
    page = client.get(reverse("suggestions:export", args=["xlsx"]))
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert reverse("suggestions:export", args=["csv"]) in page.content.decode()
    assert not Job.objects.exists()


def _rows(n):
    for i in range(n):
        yield [i, f"关于第{i}件民生事项的建议" * 3, "=1+1", "离石区代表团", None, "2026-01-11"]


def test_the_streamed_csv_and_the_jobs_file_are_written_in_constant_memory(tmp_path):
    header = ["a", "b", "c", "d", "e", "f"]
    tracemalloc.start()
    try:
        written = 0
        for chunk in streaming_csv_response("x.csv", header, _rows(100_000)).streaming_content:
            written += len(chunk)
        _size, streamed_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        write_spreadsheet("csv", tmp_path / "x.csv", "x", header, _rows(100_000))
        _size, file_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        write_spreadsheet("xlsx", tmp_path / "x.xlsx", "x", header, _rows(20_000))
        _size, xlsx_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written > 10_000_000  # ten megabytes sent...
    assert streamed_peak < 1_000_000 and file_peak < 1_000_000  # ...under one held at a time
    assert xlsx_peak < 5_000_000
    assert (tmp_path / "x.csv").stat().st_size > 10_000_000


def test_old_job_files_are_removed_and_their_page_says_so(six_public, client, staff):
    client.force_login(staff)
    job = job_of(client.get(reverse("suggestions:export", args=["csv"])))
    path = job.result.path
    assert jobs.remove_old_results() == 0
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timezone.timedelta(days=8))
    assert jobs.remove_old_results() == 1
    import os

    assert not os.path.exists(path)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    assert "removed" in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()


# --- who sees a job --------------------------------------------------------------------------

ROLES = ["anonymous", "deputy_b", "unit_x", "other_staff", "owner", "superuser"]
SEES = {"anonymous": "login", "deputy_b": 404, "unit_x": 404}
SEES |= {"other_staff": 200, "owner": 200, "superuser": 200}


@pytest.fixture(params=["deputy_a", "staff"])
def finished_export(request, six_public, client, deputy_a, staff):
    """A finished export with its file, started by a deputy or by a member of staff."""
    owner = deputy_a.user if request.param == "deputy_a" else staff
    client.force_login(owner)
    job = job_of(client.get(reverse("suggestions:export", args=["csv"])))
    client.logout()
    return job


@pytest.fixture
def client_as(client, finished_export, deputy_b, unit_x):
    other = make_user("other_staff")
    other.groups.add(staff_group())
    make_user("root", is_superuser=True, is_staff=True)

    def _as(role):
        names = {"owner": finished_export.owner.username, "superuser": "root"}
        if role != "anonymous":
            client.force_login(get_user_model().objects.get(username=names.get(role, role)))
        return client

    return _as


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", ["detail", "status", "download"])
def test_only_the_owner_and_staff_see_a_job_and_its_file(client_as, finished_export, role, view):
    response = client_as(role).get(reverse(f"jobs:{view}", args=[finished_export.pk]))
    if SEES[role] == "login":
        assert response.status_code == 302 and "/accounts/login/" in response.url
    else:
        assert response.status_code == SEES[role]
    if SEES[role] == 200 and view == "download":
        assert b"".join(response.streaming_content).startswith("\ufeff".encode())


def test_nobody_learns_a_missing_job_exists(client, staff):
    client.force_login(staff)
    for view in ("detail", "status", "download"):
        assert client.get(reverse(f"jobs:{view}", args=[999999])).status_code == 404


def test_a_job_not_done_offers_no_download(staff, client):
    job = Job.objects.create(kind="export", owner=staff, title="x", language="en")
    client.force_login(staff)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_behind_nginx_the_file_is_sent_by_nginx(six_public, client, staff, settings):
    client.force_login(staff)
    job = job_of(client.get(reverse("suggestions:export", args=["csv"])))
    settings.SENDFILE_X_ACCEL = True
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response["X-Accel-Redirect"] == "/protected-media/" + job.result.name
    assert not response.content


def test_my_jobs_lists_mine_only(six_public, client, staff, deputy_a):
    client.force_login(deputy_a.user)
    mine = job_of(client.get(reverse("suggestions:export", args=["csv"])))
    client.force_login(staff)
    theirs = job_of(client.get(reverse("suggestions:export", args=["xlsx"])))
    page = client.get(reverse("jobs:list")).content.decode()
    assert reverse("jobs:detail", args=[theirs.pk]) in page
    assert reverse("jobs:detail", args=[mine.pk]) not in page
    assert reverse("jobs:list") in client.get(reverse("workbench:dashboard")).content.decode()
