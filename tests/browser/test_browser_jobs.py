"""In real Chromium, a job's page follows the job by itself under the CSP: it shows the
progress while the worker runs and the download link once the job is done."""

import pytest
from django.urls import reverse
from huey.contrib.djhuey import HUEY
from huey.storage import MemoryStorage
from playwright.sync_api import expect

from congress import jobs
from congress.models import Job

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-12345!"


@pytest.fixture
def queued_for_a_worker():
    HUEY.immediate = False
    HUEY.storage = MemoryStorage("test-browser-jobs")
    yield HUEY
    HUEY.immediate = True


def test_the_job_page_polls_and_offers_the_file_when_the_job_is_done(
    live_server, page, staff, build, unit_x, settings, queued_for_a_worker
):
    settings.EXPORT_INLINE_ROWS = 1
    for _ in range(3):
        build("assigned", lead_unit=unit_x)
    blocked = []
    page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "staff")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/workbench/")

    page.goto(live_server.url + reverse("suggestions:export", args=["xlsx"]))
    page.wait_for_url("**/workbench/jobs/*/")
    job = Job.objects.get()
    assert page.locator("#job-state").inner_text() == "排队等待"

    # The worker takes the job and reports progress; the open page shows it without a reload.
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)
    HUEY.put(f"job-progress:{job.pk}", (1, 4))
    expect(page.locator("#job-count")).to_have_text("1 / 4")
    expect(page.locator("#job-progress")).to_have_attribute("value", "25")
    expect(page.locator("#job-state")).to_have_text("进行中")

    # The worker runs it to the end: the page reloads itself with the download link.
    Job.objects.filter(pk=job.pk).update(state=Job.State.QUEUED)
    task = HUEY.dequeue()
    HUEY.execute(task)
    link = page.get_by_role("link", name="下载 suggestions-")
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert not blocked
    assert jobs.progress_of(Job.objects.get(pk=job.pk)) == (3, 3)
