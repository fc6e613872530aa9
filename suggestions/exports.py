"""Spreadsheets staff download: written with openpyxl in write-only mode (constant memory)."""

from io import BytesIO

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .models import Assignment, Suggestion

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(filename, title, header, rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


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


def responsibility_list(session):
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
    return xlsx_response(
        f"responsibility-{session.pk}.xlsx", session.name, header, responsibility_rows(session)
    )
