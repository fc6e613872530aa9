"""Staff's pages for reports and deputy support. Every view asks `require_staff`; the writes
are service calls whose refusals show on the form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from congress.errors import WorkflowError
from congress.viewer import PERSON_RELATIONS, require_staff
from congress.views import service_form_page
from reports import exports, services
from reports.compose import compose
from reports.documents import report_docx
from reports.figures import measure, scope_of, show_number, source_for
from reports.forms import (
    CourseForm,
    GenerateForm,
    MaterialForm,
    NarrativeForm,
    PaymentForm,
    PaymentImportForm,
    WorkItemForm,
)
from reports.imports import check_payments, read_payments
from reports.models import CommitteeWork, Report, StudyMaterial, SupportPayment, TrainingCourse
from suggestions.imports.reading import ImportFileError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def index(request):
    viewer = require_staff(request)
    form = GenerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.generate_report(
                session=form.cleaned_data["session"],
                year=form.cleaned_data["year"],
                by=request.user,
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The report is generated; edit its narrative below."))
            return redirect("reports:report", report.pk)
    # Each maker is named with their role: what person() reads, for all rows at once.
    reports = Report.objects.select_related(
        "session", "generated_by", "edited_by"
    ).prefetch_related(
        *(f"{who}__{rel}" for who in ("generated_by", "edited_by") for rel in PERSON_RELATIONS)
    )
    return render(
        request,
        "reports/index.html",
        {
            "form": form,
            "reports": reports[:100],
            "viewer": viewer,
            "year": timezone.localdate().year,
        },
    )


def _report(pk):
    return get_object_or_404(
        Report.objects.select_related("session", "generated_by", "edited_by"), pk=pk
    )


@login_required
def report(request, pk):
    viewer = require_staff(request)
    report = _report(pk)
    # The form binds its own copy, so a refused edit never shows in the report beside it.
    form = NarrativeForm(request.POST or None, instance=Report.objects.get(pk=report.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_report(
                report=report,
                by=request.user,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The narrative is saved; the figures are always computed."))
            return redirect("reports:report", report.pk)
    return render(
        request,
        "reports/report.html",
        {"report": report, "sections": compose(report), "form": form, "viewer": viewer},
    )


@login_required
@require_GET
def report_docx_download(request, pk):
    require_staff(request)
    report = _report(pk)
    response = HttpResponse(report_docx(report), content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename=report-{report.pk}.docx"
    return response


# The columns of each kind of record set: (header, cell for a row).
TABLES = {
    "suggestions": [
        (gettext_lazy("No."), lambda s: s.number),
        (gettext_lazy("Title"), lambda s: s.title),
        (gettext_lazy("Session"), lambda s: s.session.name),
        (gettext_lazy("Status"), lambda s: s.get_status_display()),
        (gettext_lazy("Class"), lambda s: s.reply_class),
        (gettext_lazy("Satisfaction"), lambda s: s.get_satisfaction_display()),
    ],
    "key": [
        (gettext_lazy("No."), lambda s: s.number),
        (gettext_lazy("Title"), lambda s: s.title),
        (gettext_lazy("Supervising leader"), lambda s: s.supervision.leader),
        (gettext_lazy("Vice mayor"), lambda s: s.supervision.vice_mayor or ""),
    ],
    "meetings": [
        (gettext_lazy("Held on"), lambda m: m.held_on),
        (gettext_lazy("Kind"), lambda m: m.get_kind_display()),
        (gettext_lazy("Title"), lambda m: m.title),
        (gettext_lazy("Leaders present"), lambda m: "、".join(map(str, m.leaders.all()))),
        (gettext_lazy("Suggestions covered"), lambda m: m.covered),
    ],
    "leaders": [
        (gettext_lazy("Name"), lambda x: x.name),
        (gettext_lazy("Title"), lambda x: x.title),
        (gettext_lazy("Kind"), lambda x: x.get_kind_display()),
    ],
    "special_reports": [
        (gettext_lazy("Heard on"), lambda r: r.heard_on),
        (gettext_lazy("Special report"), lambda r: r.title),
        (gettext_lazy("Satisfied"), lambda r: r.satisfied),
        (gettext_lazy("Basically satisfied"), lambda r: r.basically_satisfied),
        (gettext_lazy("Dissatisfied"), lambda r: r.dissatisfied),
    ],
    "work": [
        (gettext_lazy("Year"), lambda w: w.year),
        (gettext_lazy("Kind"), lambda w: w.get_kind_display()),
        (gettext_lazy("Item"), lambda w: w.title),
        (gettext_lazy("Outcome"), lambda w: w.outcome),
    ],
    "stations": [
        (gettext_lazy("Station"), lambda s: s.name),
        (gettext_lazy("County / district"), lambda s: s.division),
        (gettext_lazy("Township or street"), lambda s: s.township),
    ],
    "visits": [
        (gettext_lazy("Date"), lambda v: v.reception.held_on),
        (gettext_lazy("Station"), lambda v: v.reception.station.name),
        (gettext_lazy("Deputy"), lambda v: v.deputy.name),
    ],
    "receptions": [
        (gettext_lazy("Date"), lambda r: r.held_on),
        (gettext_lazy("Station"), lambda r: r.station.name),
        (gettext_lazy("People received"), lambda r: r.people_received),
    ],
    "problems": [
        (gettext_lazy("Closed on"), lambda p: p.closed_on),
        (gettext_lazy("Station"), lambda p: p.station.name),
        (gettext_lazy("Problem"), lambda p: p.summary),
    ],
    "activities": [
        (gettext_lazy("Date"), lambda a: a.held_on),
        (gettext_lazy("Deputy"), lambda a: a.deputy.name),
        (gettext_lazy("Title"), lambda a: a.title),
    ],
    "deputies": [
        (gettext_lazy("Deputy"), lambda d: d.name),
        (gettext_lazy("Delegation"), lambda d: d.delegation.name),
    ],
    "payments": [
        (gettext_lazy("Paid on"), lambda p: p.paid_on),
        (gettext_lazy("Deputy"), lambda p: p.deputy.name),
        (gettext_lazy("Purpose"), lambda p: p.purpose),
        (gettext_lazy("Budget line"), lambda p: p.budget_line),
        (gettext_lazy("Amount (yuan)"), lambda p: show_number(p.amount)),
    ],
    "courses": [
        (gettext_lazy("Starts on"), lambda c: c.starts_on),
        (gettext_lazy("Title"), lambda c: c.title),
        (gettext_lazy("Place"), lambda c: c.place),
    ],
    "attendances": [
        (gettext_lazy("Course"), lambda a: a.trainingcourse.title),
        (gettext_lazy("Deputy"), lambda a: a.deputy.name),
    ],
    "materials": [
        (gettext_lazy("Sent on"), lambda m: m.sent_on),
        (gettext_lazy("Title"), lambda m: m.title),
    ],
    "copies": [
        (gettext_lazy("Material"), lambda c: c.studymaterial.title),
        (gettext_lazy("Deputy"), lambda c: c.deputy.name),
    ],
    "assignments": [
        (gettext_lazy("No."), lambda a: a.suggestion.number),
        (gettext_lazy("Title"), lambda a: a.suggestion.title),
        (gettext_lazy("Handling unit"), lambda a: a.unit.name),
        (gettext_lazy("Role"), lambda a: a.get_role_display()),
        (gettext_lazy("Due on"), lambda a: a.due_on),
        (gettext_lazy("Replied on"), lambda a: a.replied_on or ""),
    ],
}
# What each kind of record set needs beside its rows, so a page is a fixed number of queries.
RELATED = {
    "suggestions": lambda qs: qs.select_related("session"),
    "key": lambda qs: qs.select_related("supervision__leader", "supervision__vice_mayor"),
    "meetings": lambda qs: qs.annotate(
        covered=Count("suggestions", distinct=True)
    ).prefetch_related("leaders"),
}
PER_PAGE = 200


@login_required
@require_GET
def figure(request, pk, key):
    """The records behind one figure of a report: its rows, and their count or sum."""
    require_staff(request)
    report = _report(pk)
    found = source_for(report, key)
    if found is None:
        raise Http404
    label, table, queryset, total = found
    queryset = RELATED.get(table, lambda qs: qs)(queryset)
    if not queryset.ordered:
        queryset = queryset.order_by("pk")
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    columns = TABLES[table]
    return render(
        request,
        "reports/figure.html",
        {
            "report": report,
            "label": label,
            "value": show_number(measure(queryset, total)),
            "summed": total,
            "page": page,
            "header": [h for h, _cell in columns],
            "rows": [[cell(row) for _h, cell in columns] for row in page.object_list],
            "scope": scope_of(report).name,
        },
    )


def _year(request):
    wanted = request.GET.get("year", "")
    this_year = timezone.localdate().year
    if wanted.isascii() and wanted.isdigit() and 1950 <= int(wanted) <= this_year:
        return int(wanted)
    return this_year


@login_required
@require_GET
def support(request):
    """The year's support for deputies: totals, payments, courses, materials, work items."""
    viewer = require_staff(request)
    year = _year(request)
    payments = (
        SupportPayment.objects.in_year(year)
        .select_related("deputy__delegation")
        .order_by("-paid_on", "pk")
    )
    page = Paginator(payments, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/support.html",
        {
            "viewer": viewer,
            "year": year,
            "years": range(timezone.localdate().year, 2015, -1),
            "totals": services.support_totals(year),
            "page": page,
            "courses": TrainingCourse.objects.filter(starts_on__year=year).annotate(
                attendance=Count("attendees")
            ),
            "materials": StudyMaterial.objects.filter(sent_on__year=year).annotate(
                copies=Count("recipients")
            ),
            "work": CommitteeWork.objects.filter(year=year).annotate(
                informed_by=Count("suggestions")
            ),
        },
    )


@login_required
def payment_new(request):
    require_staff(request)
    return service_form_page(
        request,
        PaymentForm(request.POST or None),
        lambda data: services.record_payment(**data, by=request.user),
        title=_("Record a payment to a deputy"),
        done=_("The payment is recorded."),
        next_url="reports:support",
    )


@login_required
def course_new(request):
    require_staff(request)
    return service_form_page(
        request,
        CourseForm(request.POST or None),
        lambda data: services.record_course(**data),
        title=_("Record a training course"),
        done=_("The training course is recorded."),
        next_url="reports:support",
    )


@login_required
def material_new(request):
    require_staff(request)
    return service_form_page(
        request,
        MaterialForm(request.POST or None),
        lambda data: services.send_material(**data),
        title=_("Record study material sent"),
        done=_("The study material is recorded."),
        next_url="reports:support",
    )


@login_required
def work_new(request):
    require_staff(request)
    return service_form_page(
        request,
        WorkItemForm(request.POST or None),
        lambda data: services.record_work_item(**data),
        title=_("Link suggestions to the standing committee's work"),
        done=_("The work item and its suggestions are recorded."),
        next_url="reports:support",
    )


@login_required
def payments_import(request):
    """All or nothing: a file with any row problem shows every problem and saves nothing."""
    viewer = require_staff(request)
    form = PaymentImportForm(request.POST or None, request.FILES or None)
    rows, status = None, 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = check_payments(read_payments(upload.read(), upload.name))
            if not form.cleaned_data["check_only"]:
                created = services.import_payments(rows=rows, by=request.user)
        except (ImportFileError, WorkflowError) as error:
            form.add_error(None, str(error))
            status = 400 if rows is None else 200
        else:
            if not form.cleaned_data["check_only"]:
                messages.success(
                    request,
                    _("%(count)s payments imported.") % {"count": len(created)},
                )
                return redirect("reports:support")
            messages.info(request, _("The file is clean; untick “Only check” to import it."))
    return render(
        request,
        "reports/import.html",
        {"form": form, "rows": rows, "viewer": viewer},
        status=status,
    )


@login_required
@require_GET
def payments_export(request, fmt):
    require_staff(request)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    year = _year(request)
    return exports.payments(
        fmt, SupportPayment.objects.in_year(year).order_by("paid_on", "pk"), year
    )


@login_required
@require_GET
def payments_template(request, fmt):
    require_staff(request)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return exports.template(fmt)
