"""Safe exports: text a user typed never becomes a live formula in a downloaded spreadsheet.

In an .xlsx it is a string cell, shown exactly as typed; in a CSV a cell starting with
= + - @ tab or carriage return gets a leading apostrophe. `unescape_cell` undoes it on import.
"""

import csv
import io

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from congress.models import HandlingUnit
from congress.spreadsheets import escape_cell, unescape_cell
from tests.suggestions.imports.test_data_in_out import import_file

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://x","c")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_each_leading_character_is_escaped_with_an_apostrophe(text):
    assert escape_cell(text) == "'" + text
    assert unescape_cell(escape_cell(text)) == text


@pytest.mark.parametrize("value", ["关于供热的建议", "a=b", "", 12, -5, 3.5, None, "'quoted"])
def test_ordinary_values_and_numbers_are_left_alone(value):
    assert escape_cell(value) == value
    assert unescape_cell(value) == value


@given(st.text())
def test_unescape_undoes_escape_for_any_text(text):
    assert unescape_cell(escape_cell(text)) == text


def xlsx_rows(response):
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows())


def csv_rows(response):
    # The public list's CSV is streamed (it may hold every suggestion); others are not.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("title", HOSTILE)
def test_public_xlsx_export_writes_a_hostile_title_as_a_text_cell(client, build, unit_x, title):
    build("assigned", lead_unit=unit_x, title=title)
    cell = xlsx_rows(client.get(reverse("suggestions:export", args=["xlsx"])))[1][1]
    assert cell.data_type == "s" and cell.value == title


@pytest.mark.parametrize("title", HOSTILE)
def test_public_csv_export_prefixes_a_hostile_title_with_an_apostrophe(
    client, build, unit_x, title
):
    build("assigned", lead_unit=unit_x, title=title)
    rows = csv_rows(client.get(reverse("suggestions:export", args=["csv"])))
    assert rows[1][1] == "'" + title


def test_staff_responsibility_list_writes_formulas_as_text(client, build, unit_x, staff):
    build("assigned", lead_unit=unit_x, title=HOSTILE[0])
    client.force_login(staff)
    rows = xlsx_rows(client.get(reverse("workbench:export_responsibility")))
    cells = [c for row in rows for c in row if c.value == HOSTILE[0]]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for row in rows for c in row)


def test_unit_statistics_exports_escape_a_hostile_unit_name(client, build):
    unit = HandlingUnit.objects.create(name="=1+1单位", kind=HandlingUnit.Kind.GOVERNMENT)
    build("assigned", lead_unit=unit)
    xlsx = xlsx_rows(client.get(reverse("suggestions:units_export", args=["xlsx"])))
    assert xlsx[1][0].value == "=1+1单位" and xlsx[1][0].data_type == "s"
    rows = csv_rows(client.get(reverse("suggestions:units_export", args=["csv"])))
    assert rows[1][0] == "'=1+1单位"


def test_station_figures_csv_escapes_a_hostile_county_name(client, reception):
    division = reception.station.division
    division.name = "@离石区"
    division.save()
    response = client.get(reverse("deputies:figures_export", args=["csv"]), {"year": 2026})
    assert csv_rows(response)[1][0] == "'@离石区"


def test_duty_records_export_writes_a_hostile_occupation_as_text(client, staff, deputy_a):
    deputy_a.occupation = "=cmd|' /C calc'!A0"
    deputy_a.save()
    client.force_login(staff)
    response = client.get(
        reverse("stations_work:records_export"),
        {"delegation": deputy_a.delegation_id, "year": 2026},
    )
    cells = [c for row in xlsx_rows(response) for c in row if c.value == deputy_a.occupation]
    assert cells and cells[0].data_type == "s"


def test_xlsx_export_with_a_hostile_title_imports_back_unchanged(
    client, build, unit_x, session, staff
):
    from congress.models import Session
    from suggestions.models import Suggestion

    build("assigned", lead_unit=unit_x, title=HOSTILE[0])
    response = client.get(reverse("suggestions:export", args=["xlsx"]))
    other = Session.objects.create(
        term=session.term,
        number=2,
        name="九届二次会议",
        opens_on=session.opens_on,
        closes_on=session.closes_on,
    )
    _plans, created = import_file(other, response.content, by=staff)
    assert created == 1
    assert Suggestion.objects.get(session=other).title == HOSTILE[0]


def test_a_neutralised_csv_cell_reads_back_as_it_was_typed():
    from suggestions.imports.reading import read_file

    data = "编号,案由\n1,'=HYPERLINK(\"http://x\")\n2,'不是公式\n".encode("utf-8-sig")
    (sheet,) = read_file(data, "export.csv")
    assert sheet.rows[1][1] == '=HYPERLINK("http://x")'
    assert sheet.rows[2][1] == "'不是公式"  # an apostrophe of the user's own stays
