"""Reading support payments from a sheet (.xlsx or CSV) and checking every row; nothing is
written here (`services.import_payments` saves a clean sheet all at once). The file reading and
deputy matching are the suggestion import's, so both imports accept the same files."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.models import SupportPayment
from reports.services import check_payment
from suggestions.imports.reading import ImportFileError, read_file
from suggestions.imports.values import DeputyIndex
from suggestions.imports.values import _date as parse_date
from suggestions.imports.values import _text as text

MAX_ROWS = 20000
PAYMENT_COLUMNS = [
    ("deputy", gettext_lazy("Deputy")),
    ("delegation", gettext_lazy("Delegation")),
    ("kind", gettext_lazy("Kind")),
    ("purpose", gettext_lazy("Purpose")),
    ("amount", gettext_lazy("Amount (yuan)")),
    ("paid_on", gettext_lazy("Paid on")),
    ("budget_line", gettext_lazy("Budget line")),
]
REQUIRED = ["deputy", "kind", "amount", "paid_on", "purpose", "budget_line"]
# Headers that staff's own sheets use for the same columns.
ALIASES = {
    "姓名": "deputy",
    "代表姓名": "deputy",
    "类别": "kind",
    "金额": "amount",
    "金额(元)": "amount",
    "支付日期": "paid_on",
    "发放日期": "paid_on",
}


@dataclass
class PaymentRow:
    row: int
    values: dict
    shown: dict
    deputy: object = None
    problems: list = field(default_factory=list)


def _names(columns):
    names = {}
    for code in ("zh-hans", "en"):
        with translation.override(code):
            for key, label in columns:
                names[str(label).strip().lower()] = key
    for key, _label in columns:
        names[key] = key
    return {**ALIASES, **names}


KIND_ALIASES = {
    "专项活动经费": "activity_fund",
    "活动经费": "activity_fund",
    "通讯补贴": "subsidy",
    "交通补贴": "subsidy",
    "通讯交通补贴": "subsidy",
    "误工补贴": "lost_work",
    "误工补助": "lost_work",
}


def _kinds():
    kinds = dict(KIND_ALIASES)
    for code in ("zh-hans", "en"):
        with translation.override(code):
            for value, label in SupportPayment.Kind.choices:
                kinds[str(label).strip().lower()] = value
    for value in SupportPayment.Kind.values:
        kinds[value] = value
    return kinds


def read_payments(data, filename=""):
    """[(row number, {column: value})] of an .xlsx or CSV file; ImportFileError when the file
    as a whole cannot be read."""
    known = _names(PAYMENT_COLUMNS)
    # The suggestion import's reader: the same file kinds and limits, merged cells filled.
    for sheet in read_file(data, filename):
        for index, header in enumerate(sheet.rows[:10]):
            keys = [known.get(str(cell or "").strip().lower()) for cell in header]
            if "deputy" in keys and "amount" in keys:
                table = iter(sheet.rows[index + 1 :])
                first_row = index + 2
                break
        else:
            continue
        break
    else:
        raise ImportFileError(_("The file has no header row."))
    missing = [str(label) for key, label in PAYMENT_COLUMNS if key in REQUIRED and key not in keys]
    if missing:
        raise ImportFileError(
            _("Columns missing: %(columns)s. Download the template to see the expected columns.")
            % {"columns": "、".join(missing)}
        )
    rows = []
    for number, cells in enumerate(table, start=first_row):
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


def _amount(value):
    if isinstance(value, bool):
        return None
    raw = text(value).replace(",", "").replace("，", "").removesuffix("元").strip()
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def check_payments(rows):
    """One PaymentRow per row with its problems; queries do not grow with rows."""
    deputies = DeputyIndex({text(v.get("deputy")) for _n, v in rows})
    kinds = _kinds()
    plans = []
    for number, raw in rows:
        shown = {k: text(v) for k, v in raw.items()}
        kind = kinds.get(text(raw.get("kind")).lower(), "")
        amount = _amount(raw.get("amount"))
        paid_on, _note = parse_date(raw.get("paid_on"))
        values = {
            "kind": kind,
            "amount": amount,
            "paid_on": paid_on,
            "purpose": text(raw.get("purpose"))[:200],
            "budget_line": text(raw.get("budget_line"))[:100],
        }
        plan = PaymentRow(number, values, shown)
        name = text(raw.get("deputy"))
        if not name:
            plan.problems.append(_("the deputy is missing"))
        else:
            plan.deputy, problem = deputies.find(name, text(raw.get("delegation")))
            if problem:
                plan.problems.append(problem)
        if not kind:
            plan.problems.append(
                _("unknown kind; write one of: %(kinds)s")
                % {"kinds": "、".join(str(label) for label in SupportPayment.Kind.labels)}
            )
        if amount is None:
            plan.problems.append(_("the amount is not a number of yuan such as 1200.50"))
        plan.problems += check_payment(
            kind=kind or SupportPayment.Kind.SUBSIDY,
            amount=amount if amount is not None else Decimal(1),
            paid_on=paid_on,
            purpose=values["purpose"],
            budget_line=values["budget_line"],
        )
        plans.append(plan)
    return plans
