"""Support payments as a spreadsheet, in the import's columns (an export can be imported back).

Text that a spreadsheet program would run as a formula (a purpose typed as "=HYPERLINK(...)") is
neutralised by the shared helper alone (congress/spreadsheets.py): a text cell in an .xlsx, one
leading apostrophe in a CSV. Escaping here as well wrote it twice ("''=HYPERLINK…").
"""

from django.utils.translation import gettext as _

from congress.spreadsheets import spreadsheet_response
from reports.imports import PAYMENT_COLUMNS


def payment_rows(payments):
    for p in payments.select_related("deputy__delegation").iterator(chunk_size=2000):
        yield [
            p.deputy.name,
            p.deputy.delegation.name,
            str(p.get_kind_display()),
            p.purpose,
            p.amount,
            p.paid_on,
            p.budget_line,
        ]


def payments(fmt, queryset, year):
    header = [label for _key, label in PAYMENT_COLUMNS]
    return spreadsheet_response(
        fmt, f"support-payments-{year}.xlsx", _("Support payments"), header, payment_rows(queryset)
    )


def template(fmt):
    header = [label for _key, label in PAYMENT_COLUMNS]
    example = [
        [
            "张三",
            "离石区代表团",
            _("communication and transport subsidy"),
            _("2020 subsidy"),
            "1200.00",
            "2020-12-20",
            "2020年人大代表履职经费",
        ]
    ]
    return spreadsheet_response(
        fmt, "support-payments-template.xlsx", _("Support payments"), header, example
    )
