"""Every import is bounded in work, not only in bytes (issue 23): the checks of a row cost time in
proportion to its text, and a file over a limit of cells, rows or text is refused as it is read,
saying which limit and where, by every entry point alike."""

import io
import re
import time
import zipfile

import pytest
import xlwt
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from congress.models import Job
from reports.imports import read_payments
from suggestions.imports import reading
from suggestions.imports.mapping import field_for
from suggestions.imports.plan import plan_import
from suggestions.imports.reading import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    ImportFileError,
    Sheet,
    read_file,
)
from suggestions.imports.uploads import Upload
from suggestions.imports.values import NAME_WITH_DELEGATION, DeputyIndex
from suggestions.tasks import start_import

pytestmark = pytest.mark.django_db

# Texts that made a backtracking pattern try every way of splitting a run of spaces or brackets.
HOSTILE_TEXTS = [
    "a" + " " * (MAX_CELL_CHARS - 2) + "x",
    "a" + " " * (MAX_CELL_CHARS - 3) + "x(",
    "a " * (MAX_CELL_CHARS // 2 - 1) + "(",
    "(" * MAX_CELL_CHARS,
    "（" * (MAX_CELL_CHARS // 2) + "a" * (MAX_CELL_CHARS // 2),
    "a" + "\n " * (MAX_CELL_CHARS // 2 - 10) + "(b)x",
]


def _seconds(function, *args):
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


@pytest.mark.parametrize("text", HOSTILE_TEXTS, ids=range(len(HOSTILE_TEXTS)))
def test_a_name_with_its_delegation_is_read_in_linear_time(text):
    assert _seconds(NAME_WITH_DELEGATION.match, text) < 0.1


@pytest.mark.parametrize("text", HOSTILE_TEXTS, ids=range(len(HOSTILE_TEXTS)))
def test_a_header_cell_is_compared_in_linear_time(text):
    assert _seconds(field_for, text) < 0.1


@pytest.mark.parametrize(
    ("text", "name", "delegation"),
    [
        ("卢志强", "卢志强", None),
        ("  卢 志强 ", "卢 志强", None),
        ("卢志强（孝义市代表团）", "卢志强", "孝义市代表团"),
        ("卢志强 (孝义市代表团)  ", "卢志强", "孝义市代表团"),
        ("卢志强（）", "卢志强", ""),
    ],
)
def test_names_read_as_before(text, name, delegation):
    match = NAME_WITH_DELEGATION.match(text)
    assert (match["name"], match["delegation"]) == (name, delegation)


@pytest.mark.parametrize("text", ["", "   ", "（孝义市代表团）", "卢志强（孝义", "卢志强(a)b"])
def test_what_is_not_a_name_is_not_read_as_one(text):
    assert NAME_WITH_DELEGATION.match(text) is None


def test_rows_of_cells_at_the_limit_are_checked_in_well_under_a_second(session, category):
    hostile = HOSTILE_TEXTS[0]
    header = ["编号", "案由", "建议内容", "类别", "领衔代表", "附议代表", "提出日期", "主办单位"]
    rows = [[n, hostile[:200], *[hostile] * 6] for n in range(1, 21)]
    sheet = Sheet(name="s", rows=[header, *rows])
    sheet.set_header(0)
    start = time.perf_counter()
    plan = plan_import(session, [sheet])
    assert time.perf_counter() - start < 2
    assert len(plan.refused) == 20
    # A message quotes the start of a long value, not all of it.
    assert all(len(problem) < 500 for row in plan for problem in map(str, row.problems))


def test_an_unknown_deputy_of_a_paragraph_is_quoted_by_its_start(deputy_a):
    _deputy, problem = DeputyIndex().find("长" * MAX_CELL_CHARS)
    assert "长" * 50 + "…" in problem and len(problem) < 200


# --- the reader: limits checked as the cells are read --------------------------------------

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def handmade_xlsx(rows_xml, strings=()):
    """The smallest .xlsx Excel opens, written by hand as an attacker would: one sheet whose
    `<sheetData>` is `rows_xml`, and a shared strings table."""
    table = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in strings)
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{NS}" xmlns:r="{REL}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PKG}">'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/sharedStrings.xml": f'<sst xmlns="{NS}">{table}</sst>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{NS}"><sheetData>{rows_xml}</sheetData>'
        "</worksheet>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, xml in parts.items():
            archive.writestr(name, xml)
    return out.getvalue()


def inline_row(*texts):
    return "<row>" + "".join(f'<c t="inlineStr"><is><t>{t}</t></is></c>' for t in texts) + "</row>"


def shared_string_bomb():
    """The attack of issue 23: one 300,000-character shared string in two columns of 2,000
    rows under a header that maps them (案由, 领衔代表): 4 KB that unpack to about 300 KB,
    and 1.2 billion characters once every cell is read."""
    return handmade_xlsx(
        inline_row("案由", "领衔代表")
        + '<row><c t="s"><v>0</v></c><c t="s"><v>0</v></c></row>' * 2000,
        strings=["a" + " " * 299_998 + "x"],
    )


def test_the_4_kb_shared_string_file_is_refused_at_its_first_cell_within_a_second(monkeypatch):
    data = shared_string_bomb()
    assert len(data) < 4096

    def never(rows):
        raise AssertionError("no row was to be looked at")

    monkeypatch.setattr(reading, "find_header", never)  # refused before any pattern runs
    start = time.perf_counter()
    with pytest.raises(ImportFileError) as refused:
        read_file(data, "bomb.xlsx")
    assert time.perf_counter() - start < 1
    assert str(refused.value) == (
        "Sheet Sheet1, row 2, column A: the cell holds 300000 characters; a cell may hold at "
        "most 20000."
    )


def test_the_4_kb_file_is_refused_in_chinese_by_the_staff_upload(client, staff, session):
    client.force_login(staff)
    file = io.BytesIO(shared_string_bomb())
    file.name = "bomb.xlsx"
    with translation.override("zh-hans"):
        response = client.post(
            reverse("workbench:import"),
            {"session": session.pk, "file": file},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert response.status_code == 400
    assert "工作表 Sheet1 第 2 行 A 列" in response.content.decode()


def test_a_kept_upload_over_the_limits_is_refused_by_the_preview_and_the_job(
    client, staff, session
):
    # A file kept before the limits existed: the preview and the confirmed job read it again.
    saved = Upload.create(session, "bomb.xlsx", shared_string_bomb())
    client.force_login(staff)
    response = client.get(reverse("workbench:import_preview", args=[saved.token]))
    assert response.status_code == 302
    assert "300000" in str(list(get_messages(response.wsgi_request))[0])
    saved = Upload.create(session, "bomb.xlsx", shared_string_bomb())
    job = start_import(saved, staff)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "300000" in job.message


def test_the_command_refuses_the_4_kb_file_on_a_dry_run(session, tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(shared_string_bomb())
    with pytest.raises(CommandError, match="row 2, column A: the cell holds 300000"):
        call_command("import_suggestions", str(path), session=str(session.pk), dry_run=True)


def test_the_payments_import_reads_through_the_same_limits():
    with pytest.raises(ImportFileError, match="row 2, column A: the cell holds 300000"):
        read_payments(shared_string_bomb(), "payments.xlsx")


def _xls(rows):
    book = xlwt.Workbook()
    sheet = book.add_sheet("S")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv(rows):
    return "\n".join(",".join(row) for row in rows).encode()


FORMATS = {
    "xlsx": lambda rows: handmade_xlsx("".join(inline_row(*row) for row in rows)),
    "xls": _xls,
    "csv": _csv,
}


@pytest.fixture
def small_limits(monkeypatch):
    """Limits a test can reach with a small file; the code paths are those of the real ones."""
    for name, value in {"MAX_CELL_CHARS": 100, "MAX_TEXT_CHARS": 1000, "MAX_ROWS": 50}.items():
        monkeypatch.setattr(reading, name, value)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_long_cell_is_refused_naming_its_sheet_row_and_column(small_limits, fmt):
    data = FORMATS[fmt]([["编号", "案由"], ["1", "标题"], ["2", "长" * 101]])
    with pytest.raises(ImportFileError, match="row 3, column B: the cell holds 101 characters"):
        read_file(data, f"s.{fmt}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_cell_at_the_limit_is_read(small_limits, fmt):
    data = FORMATS[fmt]([["编号", "案由"], ["1", "长" * 100]])
    assert read_file(data, f"s.{fmt}")[0].rows[1][1] == "长" * 100


@pytest.mark.parametrize("fmt", FORMATS)
def test_more_text_than_the_budget_is_refused(small_limits, fmt):
    data = FORMATS[fmt]([["编号", "案由"], *[[str(n), "长" * 90] for n in range(1, 13)]])
    with pytest.raises(ImportFileError, match="more than 1000 characters of text in all"):
        read_file(data, f"s.{fmt}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_value_beyond_the_last_column_read_is_refused_naming_its_cell(fmt):
    wide = ["x"] * (MAX_COLUMNS + 1)
    with pytest.raises(ImportFileError, match=r"row 2: cell AY2 has a value.*up to column AX"):
        read_file(FORMATS[fmt]([["编号", "案由"], wide]), f"s.{fmt}")


def test_a_shared_string_counts_at_each_cell_that_uses_it(small_limits):
    rows = inline_row("编号", "案由") + '<row><c t="s"><v>0</v></c></row>' * 12
    with pytest.raises(ImportFileError, match="more than 1000 characters of text in all"):
        read_file(handmade_xlsx(rows, strings=["长" * 90]), "s.xlsx")


def test_a_shared_strings_table_over_the_budget_is_refused_before_any_sheet(small_limits):
    data = handmade_xlsx(inline_row("编号"), strings=["长" * 90] * 12)
    with pytest.raises(ImportFileError, match="more than 1000 characters of text in all"):
        read_file(data, "s.xlsx")


def test_a_merged_cell_counts_its_text_at_every_cell_it_covers(small_limits):
    book = xlwt.Workbook()
    sheet = book.add_sheet("S")
    sheet.write(0, 0, "编号")
    sheet.write(0, 1, "案由")
    sheet.write_merge(1, 19, 1, 1, "长" * 90)
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportFileError, match="more than 1000 characters of text in all"):
        read_file(buffer.getvalue(), "s.xls")


def test_a_row_element_repeated_a_million_times_counts_as_a_million_rows(small_limits):
    with pytest.raises(ImportFileError, match="more than 50 rows"):
        read_file(handmade_xlsx('<row r="1"/>' * 1000), "s.xlsx")


def test_a_row_of_a_million_empty_formatted_cells_is_refused_within_a_second():
    data = handmade_xlsx("<row>" + '<c s="1"/>' * (MAX_CELLS + 1) + "</row>")
    start = time.perf_counter()
    with pytest.raises(ImportFileError, match=f"stores more than {MAX_CELLS} cells"):
        read_file(data, "s.xlsx")
    assert time.perf_counter() - start < 1  # counted in the raw XML; parsed, it took 17 s


def test_cells_the_raw_count_misses_are_counted_as_they_are_read(monkeypatch):
    monkeypatch.setattr(reading, "MAX_CELLS", 1000)
    monkeypatch.setattr(reading, "CELL_OPENINGS", ())
    data = handmade_xlsx("<row>" + '<c\ts="1"/>' * 1001 + "</row>")
    with pytest.raises(ImportFileError, match="stores more than 1000 cells"):
        read_file(data, "s.xlsx")


def test_empty_formatted_cells_beyond_the_last_column_are_passed_over():
    row = inline_row("编号", "案由")[:-6] + '<c r="ZZ1" s="1"/></row>'
    assert read_file(handmade_xlsx(row), "s.xlsx")[0].rows == [["编号", "案由"]]


def test_a_sheet_of_junk_elements_is_refused_by_their_count(monkeypatch):
    monkeypatch.setattr(reading, "MAX_XML_TAGS", 1000)
    with pytest.raises(ImportFileError, match="more than 1000 XML tags"):
        read_file(handmade_xlsx(inline_row("编号") + "<junk/>" * 1001), "s.xlsx")


def test_a_csv_of_ten_million_empty_cells_under_the_size_limit_is_read_in_linear_time():
    data = "编号,案由\n1,标题".encode() + b"," * (MAX_FILE_BYTES - 100)
    start = time.perf_counter()
    assert read_file(data, "s.csv")[0].rows[1] == ["1", "标题"]
    assert time.perf_counter() - start < 2  # about 0.7 s, nearly all of it the csv module's


def test_a_csv_field_longer_than_the_csv_modules_own_limit_is_refused_with_its_row():
    data = b'\xe7\xbc\x96\xe5\x8f\xb7\n"' + b"x" * 200_000 + b'"\n'
    with pytest.raises(ImportFileError, match="row 2: a cell holds more than 20000 characters"):
        read_file(data, "s.csv")


@pytest.mark.parametrize(
    ("limits", "data", "name"),
    [
        ({"MAX_CELL_CHARS": 3}, _csv([["编号"], ["长长长长"]]), "s.csv"),
        ({"MAX_TEXT_CHARS": 3}, _csv([["编号"], ["长长"]]), "s.csv"),
        ({}, _csv([["编号"], ["x"] * (MAX_COLUMNS + 1)]), "s.csv"),
        ({}, b'"' + b"x" * 200_000 + b'"', "s.csv"),
        ({"MAX_CELLS": 1}, handmade_xlsx(inline_row("a", "b")), "s.xlsx"),
        ({"MAX_XML_TAGS": 1}, handmade_xlsx(inline_row("a")), "s.xlsx"),
    ],
    ids=["cell", "text", "columns", "csv-field", "cells", "elements"],
)
def test_each_limit_is_named_in_chinese(monkeypatch, limits, data, name):
    for limit, value in limits.items():
        monkeypatch.setattr(reading, limit, value)
    with translation.override("zh-hans"), pytest.raises(ImportFileError) as refused:
        read_file(data, name)
    message = str(refused.value)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)
    assert not re.search(r"[a-z]{3,} [a-z]{3,}", message), message  # no English sentence
