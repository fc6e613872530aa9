"""Spreadsheets: suggestion lists, the responsibility list, unit statistics, station figures.

Each export can be had as .xlsx (openpyxl, write-only: constant memory) or CSV (UTF-8 with a
byte-order mark, so spreadsheet programs read the Chinese right). A suggestion list uses the
import's columns first, so what is exported can be imported back.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.spreadsheets import (  # noqa: F401
    XLSX,
    spreadsheet_response,
    streaming_csv_response,
    xlsx_response,
)
from suggestions.filters import SuggestionFilter
from suggestions.models import Assignment, CoSigner, Suggestion

SUGGESTION_COLUMNS = [
    ("number", gettext_lazy("Number")),
    ("title", gettext_lazy("Title")),
    ("content", gettext_lazy("Content")),
    ("category", gettext_lazy("Category")),
    ("lead_deputy", gettext_lazy("Lead deputy")),
    ("delegation", gettext_lazy("Delegation")),
    ("co_signers", gettext_lazy("Co-signing deputies")),
    ("submitted_on", gettext_lazy("Submitted on")),
    ("period", gettext_lazy("Submitted")),
]
# Read-only columns after the importable ones: the import ignores them.
SUGGESTION_EXTRA_COLUMNS = [
    gettext_lazy("Status"),
    gettext_lazy("Lead unit"),
    gettext_lazy("Co-handling units"),
    gettext_lazy("Reply class"),
    gettext_lazy("Satisfaction"),
    gettext_lazy("Session"),
]


def _co_signer_cell(suggestion):
    return "、".join(
        f"{sig.deputy.name}（{sig.deputy.delegation.name}）" for sig in suggestion.signatures.all()
    )


def suggestion_rows(queryset):
    """Rows in the import's columns, then the read-only facts. Queries do not grow with rows."""
    queryset = queryset.select_related(
        "category", "lead_deputy", "delegation", "session"
    ).prefetch_related(
        Prefetch(
            "signatures",
            CoSigner.objects.filter(confirmed_on__isnull=False).select_related(
                "deputy__delegation"
            ),
        ),
        Prefetch("assignments", Assignment.objects.select_related("unit")),
    )
    for s in queryset.iterator(chunk_size=2000):
        units = list(s.assignments.all())
        yield [
            s.number,
            s.title,
            s.content,
            s.category.name,
            s.lead_deputy.name,
            s.delegation.name,
            _co_signer_cell(s),
            s.submitted_on,
            s.get_period_display(),
            s.get_status_display(),
            "、".join(a.unit.name for a in units if a.role != Assignment.Role.CO),
            "、".join(a.unit.name for a in units if a.role == Assignment.Role.CO),
            s.reply_class,
            s.get_satisfaction_display(),
            s.session.name,
        ]


def public_filter(data):
    """The public list filtered by `data` (a query string's QueryDict), in the list's order."""
    queryset = Suggestion.objects.public().order_by("-session__opens_on", "number")
    return SuggestionFilter(data, queryset=queryset)


def suggestion_header():
    return [label for _key, label in SUGGESTION_COLUMNS] + SUGGESTION_EXTRA_COLUMNS


def suggestion_list(fmt, queryset, filename="suggestions.xlsx"):
    """A download answered at once: a streamed CSV (constant memory however many rows), or an
    .xlsx built in memory (so the views send larger selections to a background job)."""
    header = suggestion_header()
    if fmt == "csv":  # may be every suggestion there is: streamed
        return streaming_csv_response(filename, header, suggestion_rows(queryset))
    return spreadsheet_response(fmt, filename, _("Suggestions"), header, suggestion_rows(queryset))


def import_template(fmt):
    """The import's columns with one example row."""
    header = [label for _key, label in SUGGESTION_COLUMNS]
    example = [
        1,
        "关于加快老旧小区改造的建议",
        "（建议内容）",
        "城乡建设",
        "张三",
        "离石区代表团",
        "李四（离石区代表团）、王五（孝义市代表团）",
        "2021-01-08",
        "大会期间",
    ]
    return spreadsheet_response(
        fmt, "suggestions-template.xlsx", _("Suggestions"), header, [example]
    )


def responsibility_rows(session):
    """The responsibility list (清单): one row per suggestion, its units, person and due date."""
    suggestions = (
        Suggestion.objects.public()
        .filter(session=session)
        .select_related("lead_deputy")
        .prefetch_related(Prefetch("assignments", Assignment.objects.select_related("unit")))
        .order_by("number")
    )
    for s in suggestions.iterator(chunk_size=2000):
        assignments = list(s.assignments.all())
        leads = [a for a in assignments if a.role != Assignment.Role.CO]
        co = [a for a in assignments if a.role == Assignment.Role.CO]
        yield [
            s.number,
            s.title,
            s.lead_deputy.name,
            "、".join(a.unit.name for a in leads),
            "、".join(a.unit.name for a in co),
            "、".join(a.responsible_person for a in leads if a.responsible_person),
            s.due_on,
            s.get_status_display(),
            s.reply_class,
        ]


def responsibility_list(session, fmt="xlsx"):
    header = [
        _("Number"),
        _("Title"),
        _("Lead deputy"),
        _("Lead unit"),
        _("Co-handling units"),
        _("Responsible person"),
        _("Due on"),
        _("Status"),
        _("Reply class"),
    ]
    return spreadsheet_response(
        fmt, f"responsibility-{session.pk}.xlsx", session.name, header, responsibility_rows(session)
    )


def unit_statistics(rows, fmt, name):
    header = [
        _("Unit"),
        _("As lead"),
        _("As co-handler"),
        _("Replied"),
        _("Median days to reply"),
        _("Average days to reply"),
        _("On time"),
        _("Overdue now"),
        _("Satisfied"),
        _("Basically satisfied"),
        _("Dissatisfied"),
        _("Satisfaction rate"),
        _("Promises kept"),
    ]
    return spreadsheet_response(
        fmt,
        "units.xlsx",
        name,
        header,
        (
            [
                r["unit__name"],
                r["lead"] + r["separate"],
                r["co"],
                r["replied"],
                r.get("median_days"),
                r.get("average_days"),
                r["on_time_rate"],
                r["overdue"],
                r["satisfied"],
                r["basically_satisfied"],
                r["dissatisfied"],
                r["satisfaction_rate"],
                r.get("promise_kept_rate"),
            ]
            for r in rows
        ),
    )
