"""In real Chromium, as staff would: open /reports/, generate the session's report, edit the
"next steps", follow a figure to its records, download the .docx and print the page."""

import pytest
from django.urls import reverse
from docx import Document
from playwright.sync_api import expect

from reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_generate_edit_download_and_print_a_report(
    live_server, page, staff, session, build, unit_x
):
    build("closed", lead_unit=unit_x)
    base = live_server.url
    page.goto(base + reverse("login"))
    page.fill("#id_username", "staff")
    page.fill("#id_password", "pw-12345!")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/workbench/")
    page.get_by_role("link", name="报告", exact=True).click()
    page.get_by_label("会议").select_option(str(session.pk))
    page.get_by_role("button", name="生成").click()
    # Each click posts and is redirected: wait for the new page (is_visible() does not wait).
    expect(page.get_by_role("heading", name="一、总体情况")).to_be_visible()

    page.get_by_role("textbox", name="下一步工作").fill("明年听取更多专项报告。")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("p.narrative", has_text="明年听取更多专项报告。")).to_be_visible()
    assert Report.objects.get().next_steps == "明年听取更多专项报告。"

    with page.expect_download() as download:
        page.get_by_role("link", name="下载Word文档（.docx）").click()
    document = Document(str(download.value.path()))
    assert "明年听取更多专项报告。" in [p.text for p in document.paragraphs]

    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    assert not page.locator("#edit").is_visible()
    assert page.locator("article.report-doc h1").is_visible()
    page.emulate_media(media="screen")

    page.locator("a.fig").first.click()
    assert page.locator("tr.record").count() == 1
