"""Reading a session's suggestions from a spreadsheet (.xlsx) or CSV file, and checking every row.

The columns are those of the export (`exports.SUGGESTION_COLUMNS`), so what is exported can be
imported back. Nothing is written here: `plan_import` says, row by row, what would be saved
and what is wrong; `services.import_suggestions` writes a clean plan all at once.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from deputies.models import Deputy

from .exports import SUGGESTION_COLUMNS
from .models import Category, Suggestion

MAX_ROWS = 20000
REQUIRED = ["number", "title", "content", "category", "lead_deputy"]
SEPARATORS = re.compile(r"[、,，;；\n]+")
NAME_WITH_DELEGATION = re.compile(
    r"^\s*(?P<name>[^（(]+?)\s*(?:[（(](?P<delegation>[^）)]*)[）)])?\s*$"
)


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass
class RowPlan:
    row: int  # the row number as the spreadsheet program shows it
    values: dict
    problems: list = field(default_factory=list)
    action: str = "create"  # "create", "unchanged" or "refused"
    lead: Deputy | None = None
    co_signers: list = field(default_factory=list)
    category: Category | None = None


def header_names():
    """Every header text a column is known by, in each language."""
    names = {}
    for code in ("zh-hans", "en"):
        with translation.override(code):
            for key, label in SUGGESTION_COLUMNS:
                names[str(label).strip().lower()] = key
    for key, _label in SUGGESTION_COLUMNS:
        names[key] = key
    return names


def read_rows(data, filename=""):
    """(row number, {column key: value}) for each non-empty row of an .xlsx or CSV file."""
    if not data:
        raise ImportFileError(_("The file is empty."))
    if data[:4] == b"PK\x03\x04":
        table = _xlsx_rows(data)
    elif filename.lower().endswith((".xlsx", ".xls")):
        raise ImportFileError(_("This is not an Excel .xlsx file; save it as .xlsx or CSV."))
    else:
        table = _csv_rows(data)
    header = next(table, None)
    if not header or not any(header):
        raise ImportFileError(_("The file has no header row."))
    known = header_names()
    keys = [known.get(str(cell or "").strip().lower()) for cell in header]
    missing = [label for key, label in SUGGESTION_COLUMNS if key in REQUIRED and key not in keys]
    if missing:
        raise ImportFileError(
            _("Columns missing: %(columns)s. Download the template to see the expected columns.")
            % {"columns": "、".join(map(str, missing))}
        )
    rows = []
    for number, cells in enumerate(table, start=2):
        values = {key: cells[i] if i < len(cells) else None for i, key in enumerate(keys) if key}
        if all(v in (None, "") for v in values.values()):
            continue
        rows.append((number, values))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS}
            )
    if not rows:
        raise ImportFileError(_("The file has a header but no rows."))
    return rows


def _xlsx_rows(data):
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        return (list(row) for row in sheet.iter_rows(values_only=True))
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(_("The Excel file cannot be read; is it damaged?")) from error


def _csv_rows(data):
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
    try:
        return iter(list(csv.reader(io.StringIO(text))))
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from error


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(value):
    text = _text(value).removeprefix("第").removesuffix("号")
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) < 10 else None


def _date(value, default):
    if value in (None, ""):
        return default
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = re.sub(r"[年月/.]", "-", _text(value)).removesuffix("日")
    try:
        return datetime.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
    except ValueError:
        return None


def _period(value):
    text = _text(value).lower()
    if text in ("", "during", "大会期间", str(Suggestion.Period.DURING_SESSION.label)):
        return Suggestion.Period.DURING_SESSION
    if text in ("between", "闭会期间", str(Suggestion.Period.BETWEEN_SESSIONS.label)):
        return Suggestion.Period.BETWEEN_SESSIONS
    return None


def _delegation_key(text):
    return text.strip().removesuffix("代表团")


class DeputyIndex:
    """Deputies by name, loaded once for the whole file."""

    def __init__(self, names):
        self.by_name = {}
        for deputy in Deputy.objects.filter(name__in=names).select_related("delegation"):
            self.by_name.setdefault(deputy.name, []).append(deputy)

    def find(self, name, delegation=""):
        """(deputy, problem): exactly one match, or a reason."""
        found = self.by_name.get(name, [])
        if delegation:
            found = [
                d
                for d in found
                if _delegation_key(d.delegation.name) == _delegation_key(delegation)
            ]
        if not found:
            where = f"（{delegation}）" if delegation else ""
            return None, _("unknown deputy %(name)s%(where)s") % {"name": name, "where": where}
        if len(found) > 1:
            return None, _(
                "several deputies are named %(name)s; add the delegation, "
                "e.g. %(name)s（离石区代表团）"
            ) % {"name": name}
        return found[0], None


def plan_import(session, rows):
    """Check every row against the session and the database. Queries do not grow with rows."""
    names, numbers = set(), set()
    for _row, values in rows:
        names.add(_text(values.get("lead_deputy")))
        for item in SEPARATORS.split(_text(values.get("co_signers"))):
            match = NAME_WITH_DELEGATION.match(item)
            if item.strip() and match:
                names.add(match["name"])
        if (n := _number(values.get("number"))) is not None:
            numbers.add(n)
    deputies = DeputyIndex(names)
    categories = {c.name: c for c in Category.objects.all()}
    existing = dict(
        Suggestion.objects.filter(session=session, number__in=numbers).values_list(
            "number", "title"
        )
    )
    seen = {}
    plans = []
    for row, values in rows:
        plan = RowPlan(row=row, values=values)
        problems = plan.problems
        number = _number(values.get("number"))
        title, content = _text(values.get("title")), _text(values.get("content"))
        if number is None:
            problems.append(_("the number must be a whole number such as 12"))
        elif number in seen:
            problems.append(
                _("number %(number)s is also on row %(row)s")
                % {"number": number, "row": seen[number]}
            )
        else:
            seen[number] = row
        if not title:
            problems.append(_("the title is missing"))
        elif len(title) > 200:
            problems.append(_("the title is longer than 200 characters"))
        if not content:
            problems.append(_("the content is missing"))
        plan.category = categories.get(_text(values.get("category")))
        if plan.category is None:
            problems.append(
                _("unknown category %(category)s")
                % {"category": _text(values.get("category")) or "—"}
            )
        lead_name = _text(values.get("lead_deputy"))
        if not lead_name:
            problems.append(_("the lead deputy is missing"))
        else:
            plan.lead, problem = deputies.find(lead_name, _text(values.get("delegation")))
            if problem:
                problems.append(problem)
        for item in SEPARATORS.split(_text(values.get("co_signers"))):
            match = NAME_WITH_DELEGATION.match(item)
            if not item.strip() or not match:
                continue
            deputy, problem = deputies.find(match["name"], match["delegation"] or "")
            if problem:
                problems.append(_("co-signer: %(problem)s") % {"problem": problem})
            elif plan.lead and deputy.pk == plan.lead.pk:
                problems.append(
                    _("the lead deputy %(name)s is also listed as a co-signer")
                    % {"name": deputy.name}
                )
            elif deputy not in plan.co_signers:
                plan.co_signers.append(deputy)
        values["submitted_on"] = _date(values.get("submitted_on"), session.opens_on)
        if values["submitted_on"] is None:
            problems.append(_("the date is not a date such as 2020-01-08"))
        values["period"] = _period(values.get("period"))
        if values["period"] is None:
            problems.append(_("submitted must be 大会期间 or 闭会期间"))
        values.update(number=number, title=title, content=content)
        if number in existing:
            if existing[number] == title and not problems:
                plan.action = "unchanged"
            else:
                problems.append(
                    _("number %(number)s is already used in this session by another suggestion")
                    % {"number": number}
                )
        if problems:
            plan.action = "refused"
        plans.append(plan)
    return plans
