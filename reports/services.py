"""Every write of the reports app: support records, links to the committee's work, reports.

Each checks its input and raises `SupportError` with a readable message before saving anything.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.errors import WorkflowError
from congress.history import changes_of, log_action, snapshot
from congress.models import HistoryEntry, Session
from congress.tenancy import congress_of_work
from reports.models import CommitteeWork, Report, StudyMaterial, SupportPayment, TrainingCourse

MAX_AMOUNT = Decimal("10000000")  # ten million yuan: no single payment to a deputy comes near


SupportError = WorkflowError  # the floor's error, so every form page shows it the same way
Entry = HistoryEntry.Action


def created(record):
    """A new record's values, as its first history line keeps them (nothing before)."""
    return {name: [None, value] for name, value in snapshot(record).items()}


def check_payment(*, kind, amount, paid_on, purpose, budget_line):
    """The problems of one payment, as messages (empty when it is fine)."""
    problems = []
    if kind not in SupportPayment.Kind.values:
        problems.append(_("Unknown kind of payment."))
    if not isinstance(amount, Decimal) or not amount.is_finite():
        problems.append(_("The amount must be a number of yuan."))
    elif amount <= 0 or amount >= MAX_AMOUNT:
        problems.append(_("The amount must be more than 0 and less than 10,000,000 yuan."))
    elif amount != amount.quantize(Decimal("0.01")):
        problems.append(_("The amount has more than two decimals (fen)."))
    if not isinstance(paid_on, datetime.date):
        problems.append(_("The date is missing or not a date."))
    elif paid_on > timezone.localdate():
        problems.append(_("The payment date is in the future."))
    if not (purpose or "").strip():
        problems.append(_("Say what the payment is for."))
    if not (budget_line or "").strip():
        problems.append(_("Name the budget line."))
    return problems


@transaction.atomic
def record_payment(*, deputy, kind, amount, paid_on, purpose, budget_line, by):
    problems = check_payment(
        kind=kind, amount=amount, paid_on=paid_on, purpose=purpose, budget_line=budget_line
    )
    if problems:
        raise SupportError(" ".join(problems))
    payment = SupportPayment.objects.create(
        deputy=deputy,
        kind=kind,
        amount=amount,
        paid_on=paid_on,
        purpose=purpose.strip(),
        budget_line=budget_line.strip(),
        recorded_by=by,
    )
    log_action(payment, Entry.CREATED, by=by, changes=created(payment))
    return payment


@transaction.atomic
def import_payments(*, rows, by):
    """Save a checked sheet all at once: every row or none. `rows` are imports.PaymentRow."""
    refused = [r for r in rows if r.problems]
    if refused:
        raise SupportError(
            _("%(count)s row(s) have problems; nothing was imported.") % {"count": len(refused)}
        )
    if not rows:
        raise SupportError(_("The file has a header but no rows."))
    payments = SupportPayment.objects.bulk_create(
        [SupportPayment(**r.values, deputy=r.deputy, recorded_by=by) for r in rows]
    )
    for payment in payments:  # bulk_create gives primary keys on PostgreSQL and SQLite
        log_action(payment, Entry.CREATED, by=by, changes=created(payment), note=_("imported"))
    return payments


@transaction.atomic
def record_course(*, title, starts_on, ends_on, place="", attendees=()):
    if not title.strip():
        raise SupportError(_("Give the course a title."))
    if ends_on < starts_on:
        raise SupportError(_("The course cannot end before it starts."))
    course = TrainingCourse.objects.create(
        title=title.strip(), starts_on=starts_on, ends_on=ends_on, place=place
    )
    course.attendees.set(attendees)
    log_action(course, Entry.CREATED, changes=created(course))
    return course


@transaction.atomic
def send_material(*, title, sent_on, recipients):
    recipients = list(recipients)
    if not title.strip():
        raise SupportError(_("Give the material a title."))
    if not recipients:
        raise SupportError(_("Choose the deputies it was sent to."))
    material = StudyMaterial.objects.create(title=title.strip(), sent_on=sent_on)
    material.recipients.set(recipients)
    log_action(material, Entry.CREATED, changes=created(material))
    return material


@transaction.atomic
def record_work_item(*, title, kind, year, outcome="", suggestions=()):
    """A legislation, supervision or inspection item and the suggestions that informed it."""
    suggestions = list(suggestions)
    if kind not in CommitteeWork.Kind.values:
        raise SupportError(_("Choose legislation, supervision or inspection."))
    if any(not s.is_public for s in suggestions):
        raise SupportError(_("Only registered suggestions can be linked."))
    sessions = {s.session_id for s in suggestions}
    own = Session.everywhere.filter(pk__in=sessions, congress=congress_of_work())
    if sessions - set(own.values_list("pk", flat=True)):  # one query, however many are linked
        raise SupportError(_("Only this congress's suggestions can be linked."))
    work = CommitteeWork.objects.create(title=title.strip(), kind=kind, year=year, outcome=outcome)
    work.suggestions.set(suggestions)
    log_action(work, Entry.CREATED, changes=created(work))
    return work


@transaction.atomic
def link_suggestion(*, work, suggestion):
    if not suggestion.is_public:
        raise SupportError(_("Only registered suggestions can be linked."))
    work.suggestions.add(suggestion)
    log_action(work, Entry.LINKED, note=str(suggestion))


def default_title(*, session=None, year=None):
    if session:
        return _("Report on the handling of deputies' suggestions of %(session)s") % {
            "session": session.name
        }
    return _("Report on deputies' suggestions and the support for deputies, %(year)s") % {
        "year": year
    }


@transaction.atomic
def generate_report(*, session=None, year=None, by):
    """Keep a new report for a session or a year, with who made it and when."""
    if (session is None) == (year is None):
        raise SupportError(_("Choose a session or a year."))
    if year is not None and not 1949 < year <= timezone.localdate().year:
        raise SupportError(_("Choose a year up to this one."))
    report = Report.objects.create(
        session=session,
        year=year,
        title=default_title(session=session, year=year),
        problems=_(
            "Some replies still promise more than they deliver; a few units contact deputies "
            "only by phone."
        ),
        next_steps=_(
            "Follow up the B and C class replies until their promises are kept; publish every "
            "reply; hear more special reports."
        ),
        generated_by=by,
    )
    log_action(report, Entry.CREATED, by=by)
    return report


EDITABLE = ["title", "foreword", "handling_note", "problems", "next_steps"]


@transaction.atomic
def edit_report(*, report, by, **narrative):
    """Staff's narrative only: the figures are always computed from the records."""
    unknown = set(narrative) - set(EDITABLE)
    if unknown:
        raise SupportError(_("Only the narrative of a report can be edited."))
    if "title" in narrative and not narrative["title"].strip():
        raise SupportError(_("A report needs a title."))
    report = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
    narrative = {name: value.strip() for name, value in narrative.items()}
    changes = changes_of(report, narrative)
    for name, value in narrative.items():
        setattr(report, name, value.strip())
    report.edited_by = by
    report.edited_at = timezone.now()
    report.save(update_fields=[*narrative, "edited_by", "edited_at"])
    if changes:
        log_action(report, Entry.CHANGED, by=by, changes=changes)
    return report


def support_totals(year):
    """The year's support for deputies, in three queries."""
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    paid = dict(
        SupportPayment.objects.filter(paid_on__gte=start, paid_on__lt=end)
        .values_list("kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    courses = TrainingCourse.objects.filter(starts_on__gte=start, starts_on__lt=end).aggregate(
        courses=Count("pk", distinct=True), attendances=Count("attendees")
    )
    materials = StudyMaterial.objects.filter(sent_on__gte=start, sent_on__lt=end).aggregate(
        materials=Count("pk", distinct=True), copies=Count("recipients")
    )
    return {
        "year": year,
        "activity_funds": paid.get(SupportPayment.Kind.ACTIVITY_FUND, Decimal(0)),
        "subsidies": paid.get(SupportPayment.Kind.SUBSIDY, Decimal(0)),
        "lost_work": paid.get(SupportPayment.Kind.LOST_WORK, Decimal(0)),
        **courses,
        **materials,
    }


def deputy_support(deputy):
    """A deputy's payments, courses and materials, newest first (three queries)."""
    return {
        "payments": list(SupportPayment.objects.filter(deputy=deputy).order_by("-paid_on")),
        "courses": list(deputy.training_courses.order_by("-starts_on")),
        "materials": list(deputy.study_materials.order_by("-sent_on")),
    }
