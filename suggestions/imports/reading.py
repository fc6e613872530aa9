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
from itertools import islice

from django.utils.translation import gettext as _
from openpyxl.cell.text import Text
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import CELL_TAG, ROW_TAG, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from congress.spreadsheets import unescape_cell
from suggestions.imports.mapping import find_header, remembered_mapping
from suggestions.imports.values import _text

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20000  # every row of every sheet counts, empty ones too
MAX_COLUMNS = 50  # a filled cell further right is refused; empty formatted ones are passed
MAX_CELL_CHARS = 20_000  # a suggestion's full text is a few thousand characters
MAX_TEXT_CHARS = 20_000_000  # all the text read, a shared string counted at each of its cells
MAX_CELLS = 1_500_000  # cells an .xlsx stores, empty formatted ones too (rows × columns is 1M)
MAX_XML_TAGS = 4 * MAX_CELLS  # "<" in a sheet's XML: a cell is four (<c><v></v></c>) or six
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


class _LongText:
    """A shared string over the cell limit, kept as its length: refused at the first cell that
    uses it, where the message can say which cell."""

    def __init__(self, length):
        self.length = length

    def __len__(self):
        return self.length


class Limits:
    """What has been read so far against the file's limits, checked cell by cell as the cells
    are read: before a row check or a pattern sees any text."""

    def __init__(self):
        self.rows = self.cells = self.chars = self.stored = 0

    def add_rows(self, count=1):
        self.rows += count
        if self.rows > MAX_ROWS:
            raise _too_many_rows()

    def add_stored_cell(self):
        """A cell the raw count missed (an odd spelling of the tag) is still counted."""
        self.cells += 1
        if self.cells > MAX_CELLS:
            raise _too_many_cells()

    def cell(self, value, sheet, row, column):
        """Whether the cell (1-based row and column) is kept; refused when over a limit."""
        if column > MAX_COLUMNS:
            if _filled(value):
                raise ImportFileError(
                    _(
                        "Sheet %(sheet)s, row %(row)s: cell %(cell)s has a value, but at most "
                        "%(max)s columns are read (up to column %(last)s); delete the columns "
                        "after it or move the value."
                    )
                    % {
                        "sheet": sheet,
                        "row": row,
                        "cell": f"{_letter(column)}{row}",
                        "max": MAX_COLUMNS,
                        "last": get_column_letter(MAX_COLUMNS),
                    }
                )
            return False
        if isinstance(value, str | _LongText):
            self.add_text(len(value), sheet, row, column)
        return True

    def add_text(self, length, sheet, row, column):
        if length > MAX_CELL_CHARS:
            raise ImportFileError(
                _(
                    "Sheet %(sheet)s, row %(row)s, column %(column)s: the cell holds %(count)s "
                    "characters; a cell may hold at most %(max)s."
                )
                % {
                    "sheet": sheet,
                    "row": row,
                    "column": _letter(column),
                    "count": length,
                    "max": MAX_CELL_CHARS,
                }
            )
        self.chars += length
        if self.chars > MAX_TEXT_CHARS:
            raise _too_much_text()


def _too_many_cells():
    return ImportFileError(
        _(
            "The file stores more than %(max)s cells (empty formatted ones count too); "
            "delete the empty rows and columns after the table or split the file."
        )
        % {"max": MAX_CELLS}
    )


def _too_much_text():
    return ImportFileError(
        _(
            "The file holds more than %(max)s characters of text in all (a text repeated in "
            "many cells counts at each); split it."
        )
        % {"max": MAX_TEXT_CHARS}
    )


def _letter(column):
    return get_column_letter(column) if column <= 18278 else str(column)  # XFD is 16384


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


STRING_TAG = f"{{{SHEET_MAIN_NS}}}si"


class _BoundedExcelReader(ExcelReader):
    """openpyxl's reader, but the shared strings are counted as they are read: the whole
    table is read when the workbook opens, before any sheet."""

    def read_strings(self):
        manifest = self.package.find(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
        )
        if manifest is not None:
            with self.archive.open(manifest.PartName[1:]) as source:
                self.shared_strings = _shared_strings(source)


def _shared_strings(source):
    strings, total = [], 0
    for _event, node in iterparse(source):
        if node.tag == STRING_TAG:
            text = Text.from_tree(node).content.replace("x005F_", "")
            node.clear()
            total += len(text)
            if total > MAX_TEXT_CHARS:
                raise _too_much_text()
            strings.append(text if len(text) <= MAX_CELL_CHARS else _LongText(len(text)))
    return strings


def _xlsx_sheets(data):
    archive = _check_zip(data)
    try:
        reader = _BoundedExcelReader(io.BytesIO(data), read_only=True, data_only=True)
        reader.read()
        workbook = reader.wb
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(_("The Excel file cannot be read; is it damaged?")) from error
    sheets, limits = [], Limits()
    try:
        for worksheet in workbook.worksheets[:MAX_SHEETS]:
            path = getattr(worksheet, "_worksheet_path", None)
            if path:
                _count_tags(archive, path, worksheet.title, limits)
            rows = _xlsx_rows(workbook, worksheet, limits)
            if path:
                _fill_merged(rows, _merged_ranges(archive, path), limits)
            sheets.append(Sheet(name=worksheet.title, rows=rows))
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(_("The Excel file cannot be read; is it damaged?")) from error
    finally:
        workbook.close()
    return sheets


CELL_OPENINGS = (b"<c ", b"<c>", b"<c/", b":c ", b":c>", b":c/")


def _count_tags(archive, path, sheet, limits):
    """Count a sheet's cells and tags in its raw XML before parsing it: counting bytes takes
    milliseconds, reading a cell some microseconds (a million empty cells: 8 s)."""
    cells = tags = 0
    tail = b""
    with archive.open(path.lstrip("/")) as stream:
        while chunk := stream.read(1 << 20):
            text = tail + chunk  # an opening cut between two chunks is counted once
            cells += sum(text.count(opening) for opening in CELL_OPENINGS)
            tags += chunk.count(b"<")
            tail = text[-2:]
    if tags > MAX_XML_TAGS:
        raise ImportFileError(
            _(
                "Sheet %(sheet)s holds far more than a list of suggestions (more than "
                "%(max)s XML tags); it was not read."
            )
            % {"sheet": sheet, "max": MAX_XML_TAGS}
        )
    limits.stored += cells
    if limits.stored > MAX_CELLS:
        raise _too_many_cells()


def _xlsx_rows(workbook, worksheet, limits):
    """A sheet's rows, read cell by cell: each cell is checked and dropped from the XML tree as
    soon as it is read, so no row, however wide, is held whole. Rows missing from the file
    (never typed in) read as empty rows and count toward the limit."""
    parser = WorkSheetParser(
        None,
        worksheet._shared_strings,
        data_only=True,
        epoch=workbook.epoch,
        date_formats=workbook._date_formats,
        timedelta_formats=workbook._timedelta_formats,
    )
    rows, cells, open_elements, in_cell = [], [], [], 0
    with worksheet._get_source() as source:
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                open_elements.append(element)
                if element.tag == CELL_TAG:
                    in_cell += 1
                elif element.tag == ROW_TAG:
                    limits.add_rows()  # every row element, a repeated one too
                    number = element.get("r")
                    parser.row_counter = int(number) if number else parser.row_counter + 1
                    parser.col_counter = 0
                    cells = []
                continue
            open_elements.pop()
            if element.tag == CELL_TAG:
                in_cell -= 1
                limits.add_stored_cell()
                cell = parser.parse_cell(element)
                value = cell["value"]
                if value is not None and limits.cell(
                    value, worksheet.title, parser.row_counter, cell["column"]
                ):
                    if len(cells) < cell["column"]:
                        cells.extend([None] * (cell["column"] - len(cells)))
                    cells[cell["column"] - 1] = value
            elif element.tag == ROW_TAG and parser.row_counter > len(rows):
                # Rows the file leaves out (never typed in) read as empty; a repeated or
                # out-of-order row was counted but is not read.
                limits.add_rows(parser.row_counter - len(rows) - 1)
                rows.extend([] for _ in range(parser.row_counter - len(rows) - 1))
                rows.append(_trim(cells))
            # Read, so dropped from the tree: memory stays that of one cell, whatever the
            # file holds. A cell's own parts stay until the cell is read.
            if open_elements and not in_cell:
                open_elements[-1].remove(element)
    return rows


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


def _fill_merged(rows, ranges, limits):
    """A merged cell reads as its value in every cell it covers (1-based, inclusive ranges);
    its text counts at each of them, as the row checks will read it there."""
    filled = 0
    for r1, c1, r2, c2 in ranges:
        if r1 > len(rows) or c1 > MAX_COLUMNS:
            continue
        r2, c2 = min(r2, len(rows)), min(c2, MAX_COLUMNS)
        top = rows[r1 - 1]
        value = top[c1 - 1] if c1 - 1 < len(top) else None
        if not _filled(value):
            continue
        covered = (r2 - r1 + 1) * (c2 - c1 + 1)
        filled += covered
        if filled > MAX_MERGED_CELLS:
            raise ImportFileError(_("The file has too many merged cells; unmerge them."))
        if isinstance(value, str):
            limits.chars += len(value) * (covered - 1)  # the cell itself was counted
            if limits.chars > MAX_TEXT_CHARS:
                raise _too_much_text()
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
    sheets, limits = [], Limits()
    try:
        for index in range(min(book.nsheets, MAX_SHEETS)):
            worksheet = book.sheet_by_index(index)
            limits.add_rows(worksheet.nrows)
            rows = []
            for r in range(worksheet.nrows):
                cells = []
                for c, cell in enumerate(worksheet.row(r), start=1):
                    value = cell.value
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        value = xlrd.xldate_as_datetime(value, book.datemode)
                    elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        value = None
                    if limits.cell(value, worksheet.name, r + 1, c):
                        cells.append(value)
                rows.append(_trim(cells))
            merged = [(r1 + 1, c1 + 1, r2, c2) for r1, r2, c1, c2 in worksheet.merged_cells]
            _fill_merged(rows, merged, limits)
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
    rows, limits, name = [], Limits(), filename.rsplit("/", 1)[-1] or "CSV"
    try:
        for cells in csv.reader(io.StringIO(text)):
            limits.add_rows()
            row = len(rows) + 1
            # A cell our own CSV export neutralised ('=…) reads back as it was typed.
            if any(islice(cells, MAX_COLUMNS, None)):  # a million empty cells pass in C
                for c, value in enumerate(cells[MAX_COLUMNS:], start=MAX_COLUMNS + 1):
                    limits.cell(value, name, row, c)
            rows.append(
                _trim(
                    [
                        unescape_cell(value)
                        for c, value in enumerate(cells[:MAX_COLUMNS], start=1)
                        if limits.cell(value, name, row, c)
                    ]
                )
            )
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            # The csv module's own limit (131,072 characters, process-wide, so left as it is)
            # stops a field before ours can say which column.
            raise ImportFileError(
                _("Sheet %(sheet)s, row %(row)s: a cell holds more than %(max)s characters.")
                % {"sheet": name, "row": len(rows) + 1, "max": MAX_CELL_CHARS}
            ) from error
        raise ImportFileError(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from error
    return Sheet(name=name, rows=rows)
