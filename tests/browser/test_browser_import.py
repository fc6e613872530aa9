"""In real Chromium, staff import a messy office sheet: upload, fix a column, check, import."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from suggestions.models import Suggestion
from tests.suggestions.imports.test_import_office import (  # noqa: F401, F811
    OFFICE_HEADER,
    office,
    office_rows,
    office_workbook,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-12345!"
# Set IMPORT_SCREENSHOTS=/some/folder to keep the pages at phone and desktop widths.
SHOTS = os.environ.get("IMPORT_SCREENSHOTS")


def shoot(page, name):
    if not SHOTS:
        return
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_staff_import_a_messy_sheet_through_the_mapping_step(
    live_server,
    page,
    staff,
    office,  # noqa: F811
    tmp_path,
):
    header = [*OFFICE_HEADER[:2], "建议题目", *OFFICE_HEADER[3:]]  # 案由 under another name
    rows = office_rows()
    rows[0][1] = "１"  # a full-width digit
    rows[1][3] = "韩 雪"  # a space inside a name
    path = tmp_path / "九届一次会议建议汇总表.xlsx"
    path.write_bytes(office_workbook(rows, header=header))

    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "staff")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/workbench/")
    page.goto(live_server.url + reverse("workbench:import"))
    page.set_input_files("#id_file", str(path))
    page.locator("#import-form button[type=submit]").click()

    page.wait_for_url("**/columns/")
    assert page.get_by_role("heading", name="核对列 · 九届一次会议").is_visible()
    page.get_by_label("建议题目").select_option("title")
    shoot(page, "import-columns")
    page.get_by_role("button", name="检查每一行").click()

    page.wait_for_url("**/import/*/")
    assert page.get_by_text("合计行：合计 3件").is_visible()
    assert page.get_by_text("“韩 雪” → 韩雪").is_visible()
    shoot(page, "import-preview")
    page.get_by_role("button", name="导入：新建 3 件，更新 0 件").click()

    page.wait_for_url("**/workbench/jobs/*/")  # the import's job, run at once in the tests
    assert page.get_by_text("新建 3 件建议（其中 3 件带办理结果）").is_visible()
    assert Suggestion.objects.filter(status="closed").count() == 3
    assert Suggestion.objects.filter(number=1).exists()
