"""Spreadsheet downloads for every app: .xlsx (openpyxl, write-only: constant memory) or CSV
(UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese right).

Formula injection: text a user typed (a deputy's title, a suggestion's title) must never become
a live formula in the spreadsheet program of whoever downloads it. In an .xlsx such text is
written as a string cell (shown exactly as typed, never evaluated); in a CSV a cell starting
with = + - @ tab or carriage return gets a leading apostrophe, the convention spreadsheet
programs show as text. `unescape_cell` undoes it for an import of an exported CSV.
"""

import csv
import io
import re

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# An apostrophe already in front of a trigger is escaped too, so unescape_cell is exact.
_ESCAPED = re.compile(r"'*[=+\-@\t\r]")


def needs_escape(value):
    return isinstance(value, str) and _ESCAPED.match(value) is not None


def escape_cell(value):
    """A CSV cell a spreadsheet program shows as text: "'" before a leading = + - @ tab CR."""
    return "'" + value if needs_escape(value) else value


def unescape_cell(value):
    """The inverse of escape_cell, for importing what was exported."""
    if isinstance(value, str) and value.startswith("'") and needs_escape(value[1:]):
        return value[1:]
    return value


def _xlsx_cell(sheet, value):
    if not needs_escape(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would store "=…" as a formula
    return cell


def spreadsheet_response(fmt, filename, title, header, rows):
    """An .xlsx or a CSV download of `rows` under `header`."""
    header = [str(h) for h in header]
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow([escape_cell(h) for h in header])
        writer.writerows(["" if v is None else escape_cell(v) for v in row] for row in rows)
        response = HttpResponse(
            buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
        filename = filename.removesuffix(".xlsx") + ".csv"
    else:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=title[:31] or "sheet")
        sheet.append([_xlsx_cell(sheet, h) for h in header])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def xlsx_response(filename, title, header, rows):
    return spreadsheet_response("xlsx", filename, title, header, rows)


class _Line:
    """A file-like object csv.writer writes one line to, handed straight back."""

    def write(self, value):
        return value


def streaming_csv_response(filename, header, rows):
    """A CSV download written row by row as it is sent: constant memory for a million rows."""
    writer = csv.writer(_Line())

    def lines():
        yield ("\ufeff" + writer.writerow([escape_cell(str(h)) for h in header])).encode("utf-8")
        for row in rows:  # escaped as spreadsheet_response escapes them (formula injection)
            yield writer.writerow(["" if v is None else escape_cell(v) for v in row]).encode(
                "utf-8"
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = filename.removesuffix(".xlsx") + ".csv"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def write_spreadsheet(fmt, path, title, header, rows):
    """Write `rows` under `header` to a file at `path`, row by row: constant memory however
    many rows (a CSV line at a time; openpyxl's write-only workbook for .xlsx). Cells are
    neutralised as the downloads neutralise them."""
    header = [str(h) for h in header]
    if fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write("\ufeff")
            writer = csv.writer(handle)
            writer.writerow([escape_cell(h) for h in header])
            for row in rows:
                writer.writerow(["" if v is None else escape_cell(v) for v in row])
        return
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "sheet")
    sheet.append([_xlsx_cell(sheet, h) for h in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    workbook.save(path)
