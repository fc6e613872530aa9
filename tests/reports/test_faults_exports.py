"""Exports escape a formula once and read back exactly as typed.

The one convention (congress/spreadsheets.py): in an .xlsx the text is a string cell equal to
what was typed; in a CSV it gets one leading apostrophe, which our imports remove. The payments
export used to escape on its own first, so its cells read back as "'=HYPERLINK(…)" (.xlsx) and
"''=HYPERLINK(…)" (CSV).
"""

import csv
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from congress.spreadsheets import (
    spreadsheet_response,
    streaming_csv_response,
    unescape_cell,
    write_spreadsheet,
)
from reports import services as report_services
from reports.imports import read_payments
from tests.suggestions.imports.test_safe_exports import HOSTILE

ROOT = Path(__file__).resolve().parents[2]


def xlsx_rows(data):
    sheet = load_workbook(io.BytesIO(data)).active
    return [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]


def csv_rows(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("text", HOSTILE)
def test_every_writer_of_the_helper_escapes_once_and_reads_back_as_typed(text, tmp_path):
    header, rows = ["title"], [[text]]
    response = spreadsheet_response("xlsx", "x.xlsx", "t", header, rows)
    assert xlsx_rows(response.content)[1] == [(text, "s")]  # a string, not a formula
    path = tmp_path / "x.xlsx"
    write_spreadsheet("xlsx", path, "t", header, rows)
    assert xlsx_rows(path.read_bytes())[1] == [(text, "s")]

    csv_cells = [
        csv_rows(spreadsheet_response("csv", "x.csv", "t", header, rows).content)[1][0],
        csv_rows(b"".join(streaming_csv_response("x.csv", header, rows).streaming_content))[1][0],
    ]
    write_spreadsheet("csv", tmp_path / "x.csv", "t", header, rows)
    csv_cells.append(csv_rows((tmp_path / "x.csv").read_bytes())[1][0])
    for cell in csv_cells:
        assert cell == "'" + text and unescape_cell(cell) == text


@pytest.fixture
def hostile_payment(db, staff, deputy_a):
    return report_services.record_payment(
        deputy=deputy_a,
        kind="subsidy",
        amount=Decimal("2400"),
        paid_on=datetime.date(2026, 6, 30),
        purpose='=HYPERLINK("http://x","点我")',
        budget_line="@SUM(A1)",
        by=staff,
    )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_payments_export_writes_a_formula_once_and_imports_back_as_typed(
    client, staff, hostile_payment, fmt
):
    client.force_login(staff)
    response = client.get(reverse("reports:payments_export", args=[fmt]) + "?year=2026")
    assert response.status_code == 200
    if fmt == "xlsx":
        row = xlsx_rows(response.content)[1]
        assert row[3] == ('=HYPERLINK("http://x","点我")', "s")
        assert row[6] == ("@SUM(A1)", "s")
    else:
        row = csv_rows(response.content)[1]
        assert row[3] == '\'=HYPERLINK("http://x","点我")' and row[6] == "'@SUM(A1)"
    [(_number, values)] = read_payments(response.content, f"payments.{fmt}")
    assert values["purpose"] == '=HYPERLINK("http://x","点我")'
    assert values["budget_line"] == "@SUM(A1)"


def test_every_export_in_the_project_goes_through_the_one_helper():
    """No module but the helper builds a workbook or a CSV writer, or escapes on its own."""
    own = re.compile(r"Workbook\(|csv\.writer\(|DictWriter\(|startswith\(FORMULA|\"'\" \+")
    offenders = []
    for app in ("congress", "deputies", "suggestions", "reports"):
        for path in (ROOT / app).rglob("*.py"):
            if path.name == "spreadsheets.py" or "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if own.search(text) and path.name != "keywords.py":  # SQL quoting, not cells
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
