"""The import's plan: each row checked against the session and the reference data, with what
it would create, change or refuse, before anything is saved."""

import datetime
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from congress.models import HandlingUnit, Session
from deputies.models import Deputy
from suggestions.imports.mapping import FIELD_LABELS
from suggestions.imports.reading import MISSING_CONTENT, SEPARATORS, TOTAL_ROW, _filled
from suggestions.imports.values import (
    NAME_WITH_DELEGATION,
    DeputyIndex,
    NameIndex,
    _date,
    _half,
    _name,
    _number,
    _period,
    _quoted,
    _reply_class,
    _satisfaction,
    _text,
)
from suggestions.models import (
    Assignment,
    Category,
    CoSigner,
    ImportAlias,
    Satisfaction,
    Suggestion,
)

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
    last_word: bool = False  # the session is concluded: a rating is final, never re-handling
    outside_session: str = ""  # how its dates do not fit the chosen session (a warning)

    @property
    def outcome(self):
        """The state the handling columns bring the suggestion to, in words."""
        if not self.conclude:
            return ""
        if not self.reply_class:
            return _("assigned")
        if self.satisfaction == Satisfaction.DISSATISFIED and not self.last_word:
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
    def outside_session(self):
        """Rows dated outside the chosen session (a warning: the session may be the wrong one)."""
        return [p for p in self.rows if p.outside_session]

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
    window = session_window(session)
    for plan in raw:
        plan.last_word = session.is_concluded
        _check_row(plan, session, mapped, deputies, categories, units, seen, existing)
        _check_dates(plan, window)
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


PREPARED_AHEAD_DAYS = 31


def session_window(session):
    """(first, last) day a suggestion of the session may be dated: from a month before the
    session opens (suggestions are prepared ahead) until the next session opens (a year after
    it, when none has yet)."""
    following = (
        Session.objects.filter(opens_on__gt=session.opens_on)
        .order_by("opens_on")
        .values_list("opens_on", flat=True)
        .first()
    )
    if following:
        last = following - datetime.timedelta(days=1)
    else:
        last = max(session.closes_on, session.opens_on + datetime.timedelta(days=366))
    return session.opens_on - datetime.timedelta(days=PREPARED_AHEAD_DAYS), last


def _check_dates(plan, window):
    """Warn of a row whose dates fall outside the session: a sheet of 2020 chosen for the 2018
    session imports without complaint otherwise."""
    first, last = window
    off = []
    for key in ("submitted_on", "assigned_on", "replied_on"):
        day = plan.values.get(key) if key in plan.given else None
        if not isinstance(day, datetime.date):
            continue
        # Handling may run past the next session; a suggestion is submitted before it opens.
        if day < first or (key == "submitted_on" and day > last):
            off.append((FIELD_LABELS[key], day))
    if off:
        plan.outside_session = _("%(dates)s: outside the session (%(first)s to %(last)s)") % {
            "dates": "、".join(f"{label} {day}" for label, day in off),
            "first": first,
            "last": last,
        }
        plan.warnings.append(plan.outside_session)


def _check_row(plan, session, mapped, deputies, categories, units, seen, existing):
    values, problems, notes = plan.values, plan.problems, plan.notes
    plan.given = {key for key, value in values.items() if _filled(value)}
    number, note = _number(values.get("number"))
    if note:
        notes.append(note)
    if number is None:
        problems.append(
            _("the number “%(value)s” is not a whole number such as 12")
            % {"value": _quoted(values.get("number"))}
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
                problems.append(_("co-signer: unreadable “%(value)s”") % {"value": _quoted(item)})
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
                % {"value": _quoted(values.get("submitted_on"))}
            )
    period = Suggestion.Period.DURING_SESSION
    if _filled(values.get("period")):
        period = _period(values.get("period"))
        if period is None:
            problems.append(
                _("“%(value)s”: submitted must be 大会期间 or 闭会期间")
                % {"value": _quoted(values.get("period"))}
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
    if plan.last_word and plan.existing is None and not (plan.lead_unit and plan.reply_class):
        problems.append(
            _("the session is concluded: a new row needs its lead unit and reply class")
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
                % {"value": _quoted(values.get("lead_unit"))}
            )
            break
    for text in SEPARATORS.split(_text(values.get("co_units"))):
        if not text.strip():
            continue
        unit, note, problem = units.find(text)
        if problem:
            problems.append(_("co-handling: %(problem)s") % {"problem": problem})
        elif unit == plan.lead_unit:
            # Say which columns hold it, so the fix is found in the sheet at once.
            problems.append(
                _("the unit %(unit)s is both in column %(lead)s and in column %(co)s")
                % {"unit": unit, "lead": FIELD_LABELS["lead_unit"], "co": FIELD_LABELS["co_units"]}
            )
        elif unit in plan.co_units:
            problems.append(
                _("the unit %(unit)s is written twice in column %(co)s")
                % {"unit": unit, "co": FIELD_LABELS["co_units"]}
            )
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
                % {"value": _quoted(shown)}
            )
        elif shown != plan.reply_class:
            notes.append((shown, plan.reply_class))
    if _filled(values.get("satisfaction")):
        plan.satisfaction = _satisfaction(values.get("satisfaction")) or ""
        if not plan.satisfaction:
            problems.append(
                _("the satisfaction “%(value)s” is not 满意, 基本满意 or 不满意")
                % {"value": _quoted(values.get("satisfaction"))}
            )
    for key in ("assigned_on", "replied_on"):
        if _filled(values.get(key)):
            day, note = _date(values.get(key))
            if day is None:
                problems.append(
                    _("the date “%(value)s” is not a date such as 2021-01-08")
                    % {"value": _quoted(values.get(key))}
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
