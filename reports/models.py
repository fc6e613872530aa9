"""What the year's report is made of beyond the suggestions: the support given to deputies
(履职保障), the standing committee's work that suggestions informed, and the reports themselves.

Writes go through `reports.services`; the models only answer questions.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congress.models import Session, congress_field
from congress.tenancy import everywhere, scoped
from deputies.models import Deputy
from suggestions.models import Suggestion


class SupportPaymentQuerySet(models.QuerySet):
    def in_year(self, year):
        return self.filter(paid_on__year=year)

    def of_kind(self, kind):
        return self.filter(kind=kind)


class SupportPayment(models.Model):
    """Money paid for a deputy's duties: activity funds, subsidies, lost-work compensation."""

    class Kind(models.TextChoices):
        ACTIVITY_FUND = "activity_fund", _("special activity funds")
        SUBSIDY = "subsidy", _("communication and transport subsidy")
        LOST_WORK = "lost_work", _("lost-work compensation")

    deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="support_payments", verbose_name=_("deputy")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    purpose = models.CharField(_("purpose"), max_length=200)
    # Yuan, to the fen: money is never a float.
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    budget_line = models.CharField(_("budget line"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = scoped(SupportPaymentQuerySet, path="deputy__delegation__congress")
    everywhere = everywhere(SupportPaymentQuerySet)

    class Meta:
        ordering = ["-paid_on", "id"]
        verbose_name = _("support payment")
        verbose_name_plural = _("support payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="support_payment_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=["activity_fund", "subsidy", "lost_work"]),
                name="support_payment_kind_valid",
            ),
        ]
        # The year's totals by kind (report, station figures page) scan by date and kind.
        indexes = [models.Index(fields=["paid_on", "kind"], name="support_payment_year_kind")]

    def __str__(self):
        return f"{self.deputy} · {self.get_kind_display()} {self.amount}"


class TrainingCourse(models.Model):
    """A training course (履职培训) for deputies, and who attended."""

    congress = congress_field("training_courses")
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    attendees = models.ManyToManyField(
        Deputy, blank=True, related_name="training_courses", verbose_name=_("attendees")
    )

    objects = scoped()
    everywhere = everywhere()

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="training_course_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return self.title


class StudyMaterial(models.Model):
    """Study material sent to deputies (学习资料), and to whom."""

    congress = congress_field("study_materials")
    title = models.CharField(_("title"), max_length=200)
    sent_on = models.DateField(_("sent on"))
    recipients = models.ManyToManyField(
        Deputy, blank=True, related_name="study_materials", verbose_name=_("sent to")
    )

    objects = scoped()
    everywhere = everywhere()

    class Meta:
        ordering = ["-sent_on", "id"]
        verbose_name = _("study material")
        verbose_name_plural = _("study materials")

    def __str__(self):
        return self.title


class CommitteeWork(models.Model):
    """A legislation, supervision or inspection item of the standing committee, and the
    suggestions that were the basis for choosing it (作为确定立法监督项目的重要依据)."""

    class Kind(models.TextChoices):
        LEGISLATION = "legislation", _("legislation")
        SUPERVISION = "supervision", _("supervision")
        INSPECTION = "inspection", _("inspection")

    congress = congress_field("committee_work")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    outcome = models.TextField(_("outcome"), blank=True)
    suggestions = models.ManyToManyField(
        Suggestion, blank=True, related_name="committee_work", verbose_name=_("suggestions")
    )

    objects = scoped()
    everywhere = everywhere()

    class Meta:
        ordering = ["-year", "kind", "title"]
        verbose_name = _("standing committee work item")
        verbose_name_plural = _("standing committee work items")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["legislation", "supervision", "inspection"]),
                name="committee_work_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.year} · {self.get_kind_display()} · {self.title}"


class Report(models.Model):
    """A generated report on a session or a year. The figures are always computed from the
    records; only the narrative is written by staff."""

    session = models.ForeignKey(
        Session,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("session"),
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    foreword = models.TextField(_("foreword"), blank=True)
    handling_note = models.TextField(_("how they were handled (narrative)"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    generated_at = models.DateTimeField(_("generated at"), auto_now_add=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("generated by"),
    )
    edited_at = models.DateTimeField(_("last edited at"), null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last edited by"),
    )

    # A year's report has no session: it is the default congress's (see tenancy.scoped).
    objects = scoped(path="session__congress", unset="session")
    everywhere = everywhere()

    class Meta:
        ordering = ["-generated_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(session__isnull=False, year__isnull=True)
                | Q(session__isnull=True, year__isnull=False),
                name="report_for_a_session_or_a_year",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def support_year(self):
        """The year whose stations and support the report counts."""
        return self.session.opens_on.year if self.session_id else self.year
