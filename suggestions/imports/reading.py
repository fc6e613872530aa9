"""Reading a session's suggestions from the office's own spreadsheets, and checking every row.

`read_file` reads every worksheet of an .xlsx, .xls or CSV file as it is (title rows, merged
cells, 合计 rows and all), streaming and within hard limits, so that a hostile file is refused in
seconds. `plan_import` maps the columns, normalises each value and says, row by row, what would
be created, updated or refused and what it changed on the way. Nothing is written here:
`writing.import_suggestions` applies a clean plan all at once.
"""

import csv
import datetime
import difflib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from congress.models import HandlingUnit
from congress.spreadsheets import unescape_cell
from deputies.models import Deputy
from suggestions.imports.mapping import FIELD_LABELS, find_header, remembered_mapping
from suggestions.models import (
    Assignment,
    Category,
    CoSigner,
    ImportAlias,
    ReplyClass,
    Satisfaction,
    Suggestion,
)

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20000  # every row of every sheet counts, empty ones too
MAX_COLUMNS = 50
MAX_SHEETS = 50
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # an .xlsx is a zip: what its parts inflate to
MAX_MERGED_CELLS = 1_000_000
MISSING_CONTENT = "原文待补充"
TOTAL_ROW = re.compile(r"^\s*(合\s*计|小\s*计|总\s*计)")
SEPARATORS = re.compile(r"[、,，;；\n/]+")
NAME_WITH_DELEGATION = re.compile(
    r"^\s*(?P<name>[^（(]+?)\s*(?:[（(](?P<delegation>[^）)]*)[）)])?\s*$"
)
QUOTES = re.compile(r"[「」『』《》【】\[\]“”\"'‘’\s]")
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


# --- normalising one value -------------------------------------------------------------------


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return str(value).strip()


def _half(value):
    """Full-width digits, letters, spaces and brackets as their ordinary forms."""
    return unicodedata.normalize("NFKC", _text(value)).strip()


def _number(value):
    text = _half(value)
    bare = re.sub(r"\s+", "", text).removeprefix("第").removesuffix("号")
    if bare.isascii() and bare.isdigit() and 0 < len(bare) < 10 and int(bare) > 0:
        return int(bare), (None if bare == _text(value) else (_text(value), bare))
    return None, None


EXCEL_EPOCH = datetime.date(1899, 12, 30)
DATE_TEXT = re.compile(r"^(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?$")


def _date(value):
    """(date or None, note or None). Excel serials and Chinese date forms are read."""
    if isinstance(value, datetime.datetime):
        return value.date(), None
    if isinstance(value, datetime.date):
        return value, None
    text = _half(value)
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        serial = int(float(text))
        if 20000 < serial < 80000:
            day = EXCEL_EPOCH + datetime.timedelta(days=serial)
            return day, (text, day.isoformat())
    if match := DATE_TEXT.match(text):
        try:
            day = datetime.date(*map(int, match.groups()))
        except ValueError:
            return None, None
        return day, (None if day.isoformat() == text else (text, day.isoformat()))
    return None, None


def _period(value):
    text = _half(value).lower()
    if text in ("during", "大会期间", "会议期间", str(Suggestion.Period.DURING_SESSION.label)):
        return Suggestion.Period.DURING_SESSION
    if text in ("between", "闭会期间", str(Suggestion.Period.BETWEEN_SESSIONS.label)):
        return Suggestion.Period.BETWEEN_SESSIONS
    return None


REPLY_WORDS = [
    ("留作参考", ReplyClass.D),
    ("列入计划", ReplyClass.C),
    ("条件限制", ReplyClass.C),
    ("以后解决", ReplyClass.C),
    ("正在解决", ReplyClass.B),
    ("解决", ReplyClass.A),
]


def _reply_class(value):
    text = _half(value).upper().replace("类", "").strip()
    if text[:1] in ReplyClass.values and (len(text) == 1 or not text[1:2].isalpha()):
        return text[:1]
    for word, reply_class in REPLY_WORDS:
        if word in text:
            return reply_class
    return None


def _satisfaction(value):
    text = _half(value).lower()
    for choice in Satisfaction:
        if text in (choice.value, str(choice.label).lower()):
            return choice.value
    if "不满意" in text:
        return Satisfaction.DISSATISFIED
    if "基本满意" in text:
        return Satisfaction.BASICALLY_SATISFIED
    if "满意" in text:
        return Satisfaction.SATISFIED
    return None


def _name(text):
    """A person's name: half-width, inner spaces removed (卢 志强 → 卢志强)."""
    return re.sub(r"\s+", "", _half(text))


def _delegation_key(text):
    return _name(text).removesuffix("代表团")


def _closest(word, choices):
    return difflib.get_close_matches(word, choices, n=3, cutoff=0.4)


def _did_you_mean(matches):
    if not matches:
        return ""
    return _("; did you mean %(names)s?") % {"names": "、".join(matches)}


class DeputyIndex:
    """Every deputy by name (or only those `names` name), loaded once for the whole file."""

    def __init__(self, names=None):
        self.by_name, self.by_pk, self.found = {}, {}, {}
        deputies = Deputy.objects.select_related("delegation")
        if names is not None:
            deputies = deputies.filter(name__in=names)
        for deputy in deputies:
            self.by_name.setdefault(deputy.name, []).append(deputy)
            self.by_pk[deputy.pk] = deputy

    def knows(self, text):
        match = NAME_WITH_DELEGATION.match(text)
        return bool(match) and _name(match["name"]) in self.by_name

    def find(self, name, delegation=""):
        """(deputy, problem): exactly one match, or a reason quoting the value.

        Answered once per name: a file that misspells a deputy on 5,000 rows would otherwise
        compare the name with every deputy's 5,000 times (`_closest`)."""
        key = (name, delegation)
        if key not in self.found:
            self.found[key] = self._find(name, delegation)
        return self.found[key]

    def _find(self, name, delegation):
        found = self.by_name.get(name, [])
        if delegation:
            found = [
                d
                for d in found
                if _delegation_key(d.delegation.name) == _delegation_key(delegation)
            ]
        if not found:
            if name in self.by_name:  # the name exists, in other delegations
                return None, _(
                    "no deputy “%(name)s” in %(delegation)s; there are %(candidates)s"
                ) % {
                    "name": name,
                    "delegation": delegation,
                    "candidates": self._listed(self.by_name[name]),
                }
            where = f"（{delegation}）" if delegation else ""
            return None, _("unknown deputy “%(name)s”") % {"name": name + where} + _did_you_mean(
                [self._listed(self.by_name[n]) for n in _closest(name, list(self.by_name))]
            )
        if len(found) > 1:
            return None, _(
                "several deputies are named “%(name)s”: %(candidates)s; write the delegation "
                "after the name, e.g. %(example)s"
            ) % {
                "name": name,
                "candidates": self._listed(found),
                "example": f"{name}（{found[0].delegation.name}）",
            }
        return found[0], None

    @staticmethod
    def _listed(deputies):
        return "、".join(f"{d.name}（{d.delegation.name}）" for d in deputies)


class NameIndex:
    """Categories or units by name, short name and staff's aliases, with closest matches."""

    def __init__(self, kind):
        self.kind = kind
        self.by_name, self.by_pk, self.found = {}, {}, {}
        if kind == ImportAlias.Kind.CATEGORY:
            for category in Category.objects.all():
                self.by_name[category.name] = category
                self.by_pk[category.pk] = category
        else:
            for unit in HandlingUnit.objects.all():
                self.by_pk[unit.pk] = unit
                if not unit.is_active:
                    continue
                self.by_name[unit.name] = unit
                if unit.short_name:
                    self.by_name.setdefault(unit.short_name, unit)
        self.aliases = dict(ImportAlias.objects.filter(kind=kind).values_list("alias", "name"))

    def find(self, value):
        """(object, note, problem); answered once per value (see `DeputyIndex.find`)."""
        if value not in self.found:
            self.found[value] = self._find(value)
        return self.found[value]

    def _find(self, value):
        text = QUOTES.sub("", _half(value))
        candidates = [text]
        if self.kind == ImportAlias.Kind.CATEGORY and text.endswith("类"):
            candidates.append(text.removesuffix("类"))
        for candidate in candidates:
            found = self.by_name.get(candidate)
            if found is None and candidate in self.aliases:
                found = self.by_name.get(self.aliases[candidate])
            if found is not None:
                shown = _text(value)
                return found, (None if str(found) == shown else (shown, str(found))), None
        names = sorted({str(o) for o in self.by_name.values()})
        close = _closest(text, list(self.by_name) + list(self.aliases))
        close = list(
            dict.fromkeys(
                str(self.by_name.get(c) or self.by_name.get(self.aliases.get(c, ""), c))
                for c in close
            )
        )
        if self.kind == ImportAlias.Kind.CATEGORY:
            message = _("unknown category “%(value)s”") % {"value": _text(value)}
            if not close:
                message += _("; the categories are %(names)s") % {"names": "、".join(names)}
        else:
            message = _("unknown unit “%(value)s”") % {"value": _text(value)}
        return None, None, message + _did_you_mean(close)


# --- the plan --------------------------------------------------------------------------------


@dataclass
class RowPlan:
    sheet: str
    row: int  # the row number as the spreadsheet program shows it
    values: dict
    where: str = ""
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # what normalising changed: (before, after)
    warnings: list = field(default_factory=list)
    action: str = "create"  # "create", "update", "unchanged" or "refused"
    lead: Deputy | None = None
    co_signers: list = field(default_factory=list)
    category: Category | None = None
    lead_unit: HandlingUnit | None = None
    co_units: list = field(default_factory=list)
    reply_class: str = ""
    satisfaction: str = ""
    existing: Suggestion | None = None
    changes: dict = field(default_factory=dict)
    diffs: list = field(default_factory=list)  # (label, old, new)
    conclude: bool = False  # bring to its final state with the handling columns
    responsible_person: str = ""
    responsible_lead: Assignment | None = None
    responsible_change: bool = False
    given: set = field(default_factory=set)  # the fields the file fills for this row

    @property
    def outcome(self):
        """The state the handling columns bring the suggestion to, in words."""
        if not self.conclude:
            return ""
        if not self.reply_class:
            return _("assigned")
        if self.satisfaction == Satisfaction.DISSATISFIED:
            return _("replied %(cls)s, dissatisfied: left in re-handling") % {
                "cls": self.reply_class
            }
        label = Satisfaction(self.satisfaction).label if self.satisfaction else _("not rated")
        return _("closed: %(cls)s, %(satisfaction)s") % {
            "cls": self.reply_class,
            "satisfaction": label,
        }


@dataclass
class ImportPlan:
    rows: list
    sheets: list  # (name, header row, suggestion rows read, used)
    skipped: list  # (where, text): 合计 rows, repeated headers, notes under the table
    ignored: list  # (sheet, column header) not imported
    missing: list  # numbers of the session's suggestions that are not in the file
    unused_sheets: list  # (name, reason)

    def count(self, action):
        return sum(p.action == action for p in self.rows)

    @property
    def refused(self):
        return [p for p in self.rows if p.action == "refused"]

    @property
    def concluded(self):
        return sum(p.conclude for p in self.rows if p.action != "refused")

    @property
    def concluded_one_by_one(self):
        """Rows brought to their final state through the services one at a time (seconds per
        hundred): suggestions already in the session. New rows are replayed in bulk."""
        return sum(p.conclude for p in self.rows if p.action == "update")

    @property
    def without_content(self):
        """New rows the file gives no content for; they are marked 原文待补充."""
        return sum(p.action == "create" and p.values["content"] == MISSING_CONTENT for p in self)

    @property
    def normalised(self):
        return sum(len(p.notes) for p in self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, index):
        return self.rows[index]

    def __len__(self):
        return len(self.rows)


def _row_values(sheet):
    """(row number, {field: raw value}) for each row under the header; skipped rows apart."""
    keys = sheet.mapping
    header = [_text(c) for c in sheet.header]
    for index in range(sheet.header_index + 1, len(sheet.rows)):
        cells = sheet.rows[index]
        if not any(_filled(c) for c in cells):
            continue
        yield (
            index + 1,
            cells,
            {key: cells[i] if i < len(cells) else None for i, key in enumerate(keys) if key},
            [_text(c) for c in cells] == header,
        )


def plan_import(session, sheets):
    """Check every row of the chosen sheets against the session. Queries do not grow with rows."""
    used = [s for s in sheets if s.use and s.header_index is not None]
    multi = len(used) > 1
    deputies = DeputyIndex()
    categories = NameIndex(ImportAlias.Kind.CATEGORY)
    units = NameIndex(ImportAlias.Kind.UNIT)
    raw, skipped, ignored, summary = [], [], [], []
    for sheet in used:
        for i, cell in enumerate(sheet.header):
            if _filled(cell) and not (i < len(sheet.mapping) and sheet.mapping[i]):
                ignored.append((sheet.name, _text(cell)))
        count = 0
        for row, cells, values, repeated in _row_values(sheet):
            where = (
                _("sheet %(sheet)s, row %(row)s") % {"sheet": sheet.name, "row": row}
                if multi
                else _("row %(row)s") % {"row": row}
            )
            text = " ".join(_text(c) for c in cells if _filled(c))
            if repeated:
                skipped.append((where, _("the header again: %(text)s") % {"text": text[:80]}))
            elif any(TOTAL_ROW.match(_text(c)) for c in cells):
                skipped.append((where, _("a total row: %(text)s") % {"text": text[:80]}))
            elif not any(_filled(values.get(k)) for k in ("number", "title", "lead_deputy")):
                skipped.append(
                    (where, _("no number, title or deputy: %(text)s") % {"text": text[:80]})
                )
            else:
                raw.append(RowPlan(sheet=sheet.name, row=row, values=values, where=where))
                count += 1
        summary.append((sheet.name, sheet.header_row, count, True))
    unused = [
        (
            s.name,
            _("no header row found in the first 10 rows")
            if s.header_index is None
            else _("not chosen"),
        )
        for s in sheets
        if s not in used and any(any(_filled(c) for c in r) for r in s.rows)
    ]
    mapped = {key for s in used for key in s.mapping if key}
    numbers = {n for p in raw if (n := _number(p.values.get("number"))[0]) is not None}
    # Plain values, not model graphs: a re-imported session of 10,000 stays small in memory.
    existing = {
        s.number: s
        for s in Suggestion.objects.filter(session=session, number__in=numbers).only(*COMPARED)
    }
    ids = {s.pk for s in existing.values()}
    signers, assigned = {}, {}
    for suggestion_id, deputy_id in CoSigner.objects.filter(
        suggestion__session=session, confirmed_on__isnull=False
    ).values_list("suggestion_id", "deputy_id"):
        if suggestion_id in ids:
            signers.setdefault(suggestion_id, []).append(deputies.by_pk.get(deputy_id))
    for row in Assignment.objects.filter(suggestion__session=session).values_list(
        "suggestion_id", "pk", "unit_id", "role", "responsible_person"
    ):
        if row[0] in ids:
            assigned.setdefault(row[0], []).append(row[1:])
    for suggestion in existing.values():
        suggestion.known_signers = [d for d in signers.get(suggestion.pk, []) if d]
        suggestion.known_assignments = assigned.get(suggestion.pk, [])
    missing = sorted(
        set(
            Suggestion.objects.filter(session=session, number__isnull=False).values_list(
                "number", flat=True
            )
        )
        - numbers
    )
    seen = {}
    for plan in raw:
        _check_row(plan, session, mapped, deputies, categories, units, seen, existing)
        if plan.existing is not None:
            _compare(plan, mapped, deputies, categories, units)
    return ImportPlan(
        rows=raw,
        sheets=summary,
        skipped=skipped,
        ignored=ignored,
        missing=missing,
        unused_sheets=unused,
    )


def _check_row(plan, session, mapped, deputies, categories, units, seen, existing):
    values, problems, notes = plan.values, plan.problems, plan.notes
    plan.given = {key for key, value in values.items() if _filled(value)}
    number, note = _number(values.get("number"))
    if note:
        notes.append(note)
    if number is None:
        problems.append(
            _("the number “%(value)s” is not a whole number such as 12")
            % {"value": _text(values.get("number"))}
            if _filled(values.get("number"))
            else _("the number is missing")
        )
    elif number in seen:
        problems.append(
            _("number %(number)s is also on %(where)s") % {"number": number, "where": seen[number]}
        )
    else:
        seen[number] = plan.where
    plan.existing = existing.get(number)
    title = _text(values.get("title"))
    content = _text(values.get("content"))
    if len(title) > 200:
        problems.append(
            _("the title is longer than 200 characters: “%(value)s…”") % {"value": title[:30]}
        )

    category_text = _text(values.get("category"))
    if category_text:
        plan.category, note, problem = categories.find(category_text)
        if note:
            notes.append(note)
        if problem:
            problems.append(problem)

    lead_text = _text(values.get("lead_deputy"))
    delegation = _text(values.get("delegation"))
    if lead_text:
        match = NAME_WITH_DELEGATION.match(_half(lead_text))
        name = _name(match["name"]) if match else _name(lead_text)
        delegation = delegation or (match["delegation"] if match else "") or ""
        if re.search(r"\s", lead_text.strip()):
            notes.append((lead_text, name))
        plan.lead, problem = deputies.find(name, delegation)
        if problem:
            problems.append(problem)

    if "co_signers" in values:
        for item in _co_signer_items(values.get("co_signers"), deputies, notes):
            match = NAME_WITH_DELEGATION.match(item)
            if not match:
                problems.append(_("co-signer: unreadable “%(value)s”") % {"value": item})
                continue
            deputy, problem = deputies.find(_name(match["name"]), match["delegation"] or "")
            if problem:
                problems.append(_("co-signer: %(problem)s") % {"problem": problem})
            elif plan.lead and deputy.pk == plan.lead.pk:
                problems.append(
                    _("the lead deputy %(name)s is also listed as a co-signer")
                    % {"name": deputy.name}
                )
            elif deputy not in plan.co_signers:
                plan.co_signers.append(deputy)

    submitted_on = session.opens_on
    if _filled(values.get("submitted_on")):
        submitted_on, note = _date(values.get("submitted_on"))
        if note:
            notes.append(note)
        if submitted_on is None:
            problems.append(
                _("the date “%(value)s” is not a date such as 2021-01-08")
                % {"value": _text(values.get("submitted_on"))}
            )
    period = Suggestion.Period.DURING_SESSION
    if _filled(values.get("period")):
        period = _period(values.get("period"))
        if period is None:
            problems.append(
                _("“%(value)s”: submitted must be 大会期间 or 闭会期间")
                % {"value": _text(values.get("period"))}
            )
    _check_handling(plan, units, notes, problems)
    plan.responsible_person = _name(values.get("responsible_person"))

    if plan.existing is None:
        if not title:
            problems.append(_("the title is missing"))
        if not category_text:
            problems.append(_("the category is missing"))
        if not lead_text:
            problems.append(_("the lead deputy is missing"))
        if not content:
            content = MISSING_CONTENT
        plan.conclude = plan.lead_unit is not None
    values.update(
        number=number,
        title=title,
        content=content,
        submitted_on=submitted_on,
        period=period,
    )
    replied_on = values.get("replied_on")
    if plan.lead_unit and replied_on:
        assigned_on = values.get("assigned_on") or max(
            submitted_on or session.opens_on, session.closes_on or session.opens_on
        )
        if replied_on < assigned_on:
            problems.append(
                _("the reply date %(replied)s is before the assignment on %(assigned)s")
                % {"replied": replied_on, "assigned": assigned_on}
            )
    if problems:
        plan.action = "refused"


def _co_signer_items(value, deputies, notes):
    """Co-signers split on 、，,；; and line breaks; on spaces only when each piece is a deputy."""
    text = _half(value)
    items = []
    for piece in SEPARATORS.split(text):
        piece = piece.strip()
        if not piece:
            continue
        if re.search(r"\s", piece):
            joined = re.sub(r"\s+", "", piece)
            parts = piece.split()
            if deputies.knows(joined):
                notes.append((piece, joined))
                items.append(joined)
            elif all(deputies.knows(p) for p in parts):
                notes.append((piece, "、".join(parts)))
                items.extend(parts)
            else:
                items.append(joined)
        else:
            items.append(piece)
    return items


def _check_handling(plan, units, notes, problems):
    values = plan.values
    for text in SEPARATORS.split(_text(values.get("lead_unit"))):
        if not text.strip():
            continue
        unit, note, problem = units.find(text)
        if problem:
            problems.append(problem)
        elif plan.lead_unit is None:
            plan.lead_unit = unit
            if note:
                notes.append(note)
        else:
            problems.append(
                _("one lead unit per suggestion: “%(value)s”; put the others under co-handling")
                % {"value": _text(values.get("lead_unit"))}
            )
            break
    for text in SEPARATORS.split(_text(values.get("co_units"))):
        if not text.strip():
            continue
        unit, note, problem = units.find(text)
        if problem:
            problems.append(_("co-handling: %(problem)s") % {"problem": problem})
        elif unit == plan.lead_unit or unit in plan.co_units:
            problems.append(_("the unit %(unit)s is listed twice") % {"unit": unit})
        else:
            plan.co_units.append(unit)
            if note:
                notes.append(note)
    if _filled(values.get("reply_class")):
        plan.reply_class = _reply_class(values.get("reply_class")) or ""
        shown = _text(values.get("reply_class"))
        if not plan.reply_class:
            problems.append(
                _(
                    "the handling result “%(value)s” is not A–D, 已解决, 正在解决, 列入计划 "
                    "or 留作参考"
                )
                % {"value": shown}
            )
        elif shown != plan.reply_class:
            notes.append((shown, plan.reply_class))
    if _filled(values.get("satisfaction")):
        plan.satisfaction = _satisfaction(values.get("satisfaction")) or ""
        if not plan.satisfaction:
            problems.append(
                _("the satisfaction “%(value)s” is not 满意, 基本满意 or 不满意")
                % {"value": _text(values.get("satisfaction"))}
            )
    for key in ("assigned_on", "replied_on"):
        if _filled(values.get(key)):
            day, note = _date(values.get(key))
            if day is None:
                problems.append(
                    _("the date “%(value)s” is not a date such as 2021-01-08")
                    % {"value": _text(values.get(key))}
                )
            values[key] = day
            if note:
                notes.append(note)
        else:
            values[key] = None
    if plan.lead_unit is None and (plan.co_units or plan.reply_class or plan.satisfaction):
        problems.append(_("a handling result needs the lead unit (主办单位)"))
    if plan.satisfaction and not plan.reply_class:
        problems.append(_("a satisfaction needs the handling result (办理结果) it rates"))


def _display(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    return str(value)


COMPARED = [
    "id",
    "number",
    "title",
    "content",
    "category_id",
    "lead_deputy_id",
    "submitted_on",
    "period",
    "status",
    "reply_class",
    "satisfaction",
]


def _compare(plan, mapped, deputies, categories, units):
    """What the file changes in a suggestion already in the session, field by field."""
    if plan.problems:
        return
    s, values = plan.existing, plan.values
    wanted = {}
    if values["title"]:
        wanted["title"] = (values["title"], s.title)
    if values["content"]:
        wanted["content"] = (values["content"], s.content)
    if plan.category:
        wanted["category"] = (plan.category, categories.by_pk.get(s.category_id))
    if plan.lead:
        wanted["lead_deputy"] = (plan.lead, deputies.by_pk.get(s.lead_deputy_id))
    if "submitted_on" in plan.given:
        wanted["submitted_on"] = (values["submitted_on"], s.submitted_on)
    if "period" in plan.given:
        wanted["period"] = (values["period"], s.period)
    for key, (new, old) in wanted.items():
        if old != new:
            plan.changes[key] = new
            if key == "period":
                old, new = Suggestion.Period(old).label, Suggestion.Period(new).label
            plan.diffs.append((FIELD_LABELS[key], _display(old), _display(new)))
    if "co_signers" in mapped:
        old = s.known_signers
        if {d.pk for d in old} != {d.pk for d in plan.co_signers}:
            plan.changes["co_signers"] = plan.co_signers
            plan.diffs.append(
                (
                    FIELD_LABELS["co_signers"],
                    _display([d.name for d in old]),
                    _display([d.name for d in plan.co_signers]),
                )
            )
    assignments = [
        Assignment(
            pk=pk,
            suggestion_id=s.pk,
            unit=units.by_pk.get(unit_id) or HandlingUnit(pk=unit_id, name="?"),
            role=role,
            responsible_person=person,
        )
        for pk, unit_id, role, person in s.known_assignments
    ]
    if plan.lead_unit and s.status == Suggestion.Status.SUBMITTED and not assignments:
        plan.conclude = True
    elif plan.lead_unit:
        in_app = (
            sorted(a.unit.name for a in assignments if a.role != Assignment.Role.CO),
            sorted(a.unit.name for a in assignments if a.role == Assignment.Role.CO),
            s.reply_class if plan.reply_class else "",
            s.satisfaction if plan.satisfaction else "",
        )
        in_file = (
            [plan.lead_unit.name],
            sorted(u.name for u in plan.co_units) if "co_units" in mapped else in_app[1],
            plan.reply_class,
            plan.satisfaction,
        )
        if in_app != in_file:
            plan.warnings.append(
                _(
                    "the handling in the file differs from the app's (%(app)s); the import does "
                    "not change handling already recorded: use the workbench"
                )
                % {"app": f"{s.get_status_display()} {'、'.join(in_app[0])} {s.reply_class}"}
            )
    lead = next((a for a in assignments if a.role == Assignment.Role.LEAD), None)
    plan.responsible_lead = lead
    plan.responsible_change = bool(
        plan.responsible_person
        and lead
        and lead.responsible_person != plan.responsible_person
        and s.status in Suggestion.AWAITING_REPLY
    )
    if (
        plan.responsible_person
        and lead
        and not plan.responsible_change
        and lead.responsible_person != plan.responsible_person
    ):
        plan.warnings.append(
            _("the responsible person “%(name)s” is not recorded: the suggestion is %(status)s")
            % {"name": plan.responsible_person, "status": s.get_status_display()}
        )
    if plan.responsible_change:
        plan.diffs.append(
            (
                FIELD_LABELS["responsible_person"],
                _display(lead.responsible_person),
                plan.responsible_person,
            )
        )
    if plan.lead and "lead_deputy" in plan.changes:
        plan.changes["delegation"] = plan.lead.delegation
    plan.action = (
        "update" if plan.changes or plan.conclude or plan.responsible_change else ("unchanged")
    )
