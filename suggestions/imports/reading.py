"""Reading a session's suggestions from the office's own spreadsheets.

`read_file` reads every worksheet of an .xlsx, .xls or CSV file as it is (title rows, merged
cells, 合计 rows and all), streaming and within hard limits, so that a hostile file is refused in
seconds. `plan.plan_import` maps the columns, normalises each value (`values`) and says, row by
row, what would be created, updated or refused. Nothing is written here:
`writing.import_suggestions` applies a clean plan all at once."""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from congress.spreadsheets import unescape_cell
from suggestions.imports.mapping import find_header, remembered_mapping
from suggestions.imports.values import _text

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20000  # every row of every sheet counts, empty ones too
MAX_COLUMNS = 50
MAX_SHEETS = 50
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # an .xlsx is a zip: what its parts inflate to
MAX_MERGED_CELLS = 1_000_000
MISSING_CONTENT = "原文待补充"
TOTAL_ROW = re.compile(r"^\s*(合\s*计|小\s*计|总\s*计)")
SEPARATORS = re.compile(r"[、,，;；\n/]+")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass
class Sheet:
    name: str
    rows: list  # every row read, trailing empty cells trimmed; rows[0] is row 1
    header_index: int | None = None
    mapping: list = field(default_factory=list)
    remembered: bool = False
    use: bool = True

    @property
    def header(self):
        return self.rows[self.header_index] if self.header_index is not None else []

    @property
    def header_row(self):
        return None if self.header_index is None else self.header_index + 1

    def set_header(self, index):
        self.header_index = index
        if index is None:
            self.mapping, self.use = [], False
        else:
            self.mapping, self.remembered = remembered_mapping(self.header)

    def columns(self):
        """(index, header text, field key, up to three sample values) per column."""
        data = [r for r in self.rows[self.header_index + 1 :] if any(_filled(c) for c in r)][:3]
        return [
            (
                i,
                _text(cell),
                self.mapping[i] if i < len(self.mapping) else "",
                [_text(r[i]) for r in data if i < len(r) and _filled(r[i])],
            )
            for i, cell in enumerate(self.header)
        ]


def _filled(value):
    return value is not None and str(value).strip() != ""


def _trim(cells):
    if cells.count(None) == len(cells):  # the common empty row, answered in C
        return []
    cells = list(cells)
    while cells and not _filled(cells[-1]):
        cells.pop()
    return cells


def _too_many_rows():
    return ImportFileError(
        _(
            "The file has more than %(max)s rows (empty rows count too); delete the empty "
            "rows at the end or split the file."
        )
        % {"max": MAX_ROWS}
    )


# --- reading ---------------------------------------------------------------------------------


def read_file(data, filename=""):
    """Every worksheet of the file, its header found and its columns mapped."""
    if not data:
        raise ImportFileError(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is larger than %(mb)s MB; split it.")
            % {"mb": MAX_FILE_BYTES // 1024 // 1024}
        )
    if data[:4] == b"PK\x03\x04":
        sheets = _xlsx_sheets(data)
    elif data[:8] == OLE:
        sheets = _xls_sheets(data)
    elif filename.lower().endswith((".xlsx", ".xls", ".xlsm", ".et", ".ods")):
        raise ImportFileError(
            _(
                "This is not a readable Excel file (.xlsx or .xls); open it in your spreadsheet "
                "program and save it as .xlsx or CSV."
            )
        )
    else:
        sheets = [_csv_sheet(data, filename)]
    for sheet in sheets:
        sheet.set_header(find_header(sheet.rows))
    if not any(s.rows for s in sheets):
        raise ImportFileError(_("The file has no rows."))
    return sheets


def _check_zip(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ImportFileError(_("The Excel file cannot be read; is it damaged?")) from error
    # The sizes in the zip's directory are what the parts inflate to (zipfile reads no more):
    # refusing here costs nothing, parsing a bomb costs minutes and gigabytes.
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _(
                "The Excel file unpacks to more than %(mb)s MB, far more than a list of "
                "suggestions needs; it was not read."
            )
            % {"mb": MAX_UNPACKED_BYTES // 1024 // 1024}
        )
    return archive


def _sheet_size_from_its_head(worksheet):
    """openpyxl 3.1 looks for a sheet's <dimension> until the *end* of its rows: a sheet saved
    without one (a million empty rows) is parsed whole before the first row is read. The
    dimension, when there is one, comes before the rows; stop looking where they start."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
    from openpyxl.worksheet.dimensions import SheetDimension

    with worksheet._get_source() as source:
        for _event, element in iterparse(source, events=("start",)):
            if element.tag == DATA_TAG:
                return
            if element.tag == DIMENSION_TAG:
                (
                    worksheet._min_column,
                    worksheet._min_row,
                    worksheet._max_column,
                    worksheet._max_row,
                ) = SheetDimension.from_tree(element).boundaries
                return


ReadOnlyWorksheet._get_size = _sheet_size_from_its_head


def _xlsx_sheets(data):

    archive = _check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(_("The Excel file cannot be read; is it damaged?")) from error
    sheets, counted = [], 0
    try:
        for worksheet in workbook.worksheets[:MAX_SHEETS]:
            rows = []
            for cells in worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                counted += 1
                if counted > MAX_ROWS:
                    raise _too_many_rows()
                rows.append(_trim(cells))
            path = getattr(worksheet, "_worksheet_path", None)
            if path:
                _fill_merged(rows, _merged_ranges(archive, path))
            sheets.append(Sheet(name=worksheet.title, rows=rows))
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(_("The Excel file cannot be read; is it damaged?")) from error
    finally:
        workbook.close()
    return sheets


MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _merged_ranges(archive, path):
    """Merged ranges of a sheet, found by scanning its XML in chunks (they follow the rows)."""
    ranges, tail = [], b""
    with archive.open(path.lstrip("/")) as stream:
        while chunk := stream.read(1 << 20):
            text = tail + chunk
            last = 0
            for match in MERGE_REF.finditer(text):
                ranges.append(match.groups())
                last = match.end()
            tail = text[max(last, len(text) - 200) :]
    return [(int(r1), _column(c1), int(r2), _column(c2)) for c1, r1, c2, r2 in map(_decode, ranges)]


def _decode(groups):
    return [g.decode() for g in groups]


def _column(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _fill_merged(rows, ranges):
    """A merged cell reads as its value in every cell it covers (1-based, inclusive ranges)."""
    filled = 0
    for r1, c1, r2, c2 in ranges:
        if r1 > len(rows) or c1 > MAX_COLUMNS:
            continue
        r2, c2 = min(r2, len(rows)), min(c2, MAX_COLUMNS)
        top = rows[r1 - 1]
        value = top[c1 - 1] if c1 - 1 < len(top) else None
        if not _filled(value):
            continue
        filled += (r2 - r1 + 1) * (c2 - c1 + 1)
        if filled > MAX_MERGED_CELLS:
            raise ImportFileError(_("The file has too many merged cells; unmerge them."))
        for r in range(r1 - 1, r2):
            row = rows[r]
            if len(row) < c2:
                row.extend([None] * (c2 - len(row)))
            for c in range(c1 - 1, c2):
                row[c] = value


def _xls_sheets(data):
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as error:
        raise ImportFileError(
            _("The old Excel (.xls) file cannot be read; save it as .xlsx and upload that.")
        ) from error
    sheets, counted = [], 0
    try:
        for index in range(min(book.nsheets, MAX_SHEETS)):
            worksheet = book.sheet_by_index(index)
            counted += worksheet.nrows
            if counted > MAX_ROWS:
                raise _too_many_rows()
            rows = []
            for r in range(worksheet.nrows):
                cells = []
                for cell in worksheet.row(r)[:MAX_COLUMNS]:
                    value = cell.value
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        value = xlrd.xldate_as_datetime(value, book.datemode)
                    elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        value = None
                    cells.append(value)
                rows.append(_trim(cells))
            merged = [(r1 + 1, c1 + 1, r2, c2) for r1, r2, c1, c2 in worksheet.merged_cells]
            _fill_merged(rows, merged)
            sheets.append(Sheet(name=worksheet.name, rows=rows))
            book.unload_sheet(index)
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(
            _("The old Excel (.xls) file cannot be read; save it as .xlsx and upload that.")
        ) from error
    return sheets


def _csv_sheet(data, filename):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("This is not a spreadsheet or a CSV file."))
    if "\x00" in text:
        raise ImportFileError(_("This is not a spreadsheet or a CSV file."))
    rows = []
    try:
        for cells in csv.reader(io.StringIO(text)):
            if len(rows) >= MAX_ROWS:
                raise _too_many_rows()
            # A cell our own CSV export neutralised ('=…) reads back as it was typed.
            rows.append(_trim([unescape_cell(c) for c in cells[:MAX_COLUMNS]]))
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from error
    return Sheet(name=filename.rsplit("/", 1)[-1] or "CSV", rows=rows)
