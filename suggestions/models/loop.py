"""Supervision and the accountability loop: key suggestions, meetings, special reports, flag
reviews, ratings of the implementation, and links between recurring suggestions."""

from django.conf import settings
from django.db import models
from django.db.models import (
    Q,
)
from django.utils.translation import gettext_lazy as _

from congress.errors import WorkflowError  # noqa: F401  (services and views import it from here)
from congress.models import (  # noqa: F401  (Category: many modules import it from here)
    Category,
    Delegation,
    HandlingUnit,
    Leader,
    Session,
    WorkingCommittee,
)
from congress.tenancy import everywhere, scoped
from deputies.models import Deputy
from suggestions.models.handling import Reply
from suggestions.models.suggestion import Suggestion
from suggestions.rules import FLAGS, Satisfaction


class KeySupervision(models.Model):
    """A key suggestion (重点建议) and who supervises it."""

    suggestion = models.OneToOneField(
        Suggestion,
        on_delete=models.CASCADE,
        related_name="supervision",
        verbose_name=_("suggestion"),
    )
    leader = models.ForeignKey(
        Leader,
        on_delete=models.PROTECT,
        related_name="supervised",
        limit_choices_to={"kind": Leader.Kind.STANDING_COMMITTEE},
        verbose_name=_("supervising standing committee leader"),
    )
    vice_mayor = models.ForeignKey(
        Leader,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_key_suggestions",
        limit_choices_to={"kind": Leader.Kind.VICE_MAYOR},
        verbose_name=_("vice mayor in charge"),
    )
    committee = models.ForeignKey(
        WorkingCommittee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tracked",
        verbose_name=_("tracking working committee"),
    )
    chosen_on = models.DateField(_("chosen on"))

    objects = scoped(path="suggestion__session__congress")
    everywhere = everywhere()

    class Meta:
        verbose_name = _("key suggestion supervision")
        verbose_name_plural = _("key suggestion supervisions")

    def __str__(self):
        return f"{self.suggestion} · {self.leader}"


class SupervisionMeeting(models.Model):
    """An assignment, progress or supervision meeting and the suggestions it covered."""

    class Kind(models.TextChoices):
        ASSIGNMENT = "assignment", _("assignment meeting")
        PROGRESS = "progress", _("progress meeting")
        SUPERVISION = "supervision", _("supervision meeting")

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("session")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    attendees = models.TextField(_("attendees"), blank=True)
    leaders = models.ManyToManyField(
        Leader, blank=True, related_name="meetings", verbose_name=_("leaders present")
    )
    notes = models.TextField(_("notes"), blank=True)
    suggestions = models.ManyToManyField(
        Suggestion, blank=True, related_name="meetings", verbose_name=_("suggestions covered")
    )

    objects = scoped(path="session__congress")
    everywhere = everywhere()

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("supervision meeting")
        verbose_name_plural = _("supervision meetings")

    def __str__(self):
        return self.title


class SpecialReport(models.Model):
    """A special report heard by the standing committee, with its satisfaction vote (满意度测评)."""

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="special_reports", verbose_name=_("session")
    )
    unit = models.ForeignKey(
        HandlingUnit,
        on_delete=models.PROTECT,
        related_name="special_reports",
        verbose_name=_("reporting body"),
    )
    title = models.CharField(_("title"), max_length=200)
    heard_on = models.DateField(_("heard on"))
    satisfied = models.PositiveIntegerField(_("satisfied votes"), default=0)
    basically_satisfied = models.PositiveIntegerField(_("basically satisfied votes"), default=0)
    dissatisfied = models.PositiveIntegerField(_("dissatisfied votes"), default=0)

    objects = scoped(path="session__congress")
    everywhere = everywhere()

    class Meta:
        ordering = ["-heard_on"]
        verbose_name = _("special report")
        verbose_name_plural = _("special reports")

    def __str__(self):
        return self.title

    @property
    def satisfaction_rate(self):
        """(satisfied + basically satisfied) ÷ votes cast, in percent."""
        votes = self.satisfied + self.basically_satisfied + self.dissatisfied
        if not votes:
            return None
        return round(100 * (self.satisfied + self.basically_satisfied) / votes, 1)


class FlagReview(models.Model):
    """Staff looked at a consistency flag and wrote what they found."""

    suggestion = models.ForeignKey(
        Suggestion,
        on_delete=models.CASCADE,
        related_name="flag_reviews",
        verbose_name=_("suggestion"),
    )
    kind = models.CharField(_("flag"), max_length=30, choices=list(FLAGS.items()))
    note = models.TextField(_("note"))
    reviewed_on = models.DateField(_("reviewed on"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    objects = scoped(path="suggestion__session__congress")
    everywhere = everywhere()

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        verbose_name = _("flag review")
        verbose_name_plural = _("flag reviews")
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "kind"], name="flag_reviewed_once"),
        ]

    def __str__(self):
        return f"{self.suggestion} · {self.get_kind_display()}"


class ImplementationRating(models.Model):
    """A deputy's rating of what was done on a promise (落实满意度), apart from the reply's."""

    suggestion = models.ForeignKey(
        Suggestion,
        on_delete=models.CASCADE,
        related_name="implementation_ratings",
        verbose_name=_("suggestion"),
    )
    promise = models.ForeignKey(
        Reply,
        on_delete=models.PROTECT,
        related_name="implementation_ratings",
        verbose_name=_("promise"),
    )
    deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="+", verbose_name=_("deputy")
    )
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)
    comment_is_public = models.BooleanField(_("comment may be published"), default=False)
    rated_on = models.DateField(_("rated on"))

    objects = scoped(path="suggestion__session__congress")
    everywhere = everywhere()

    class Meta:
        ordering = ["rated_on", "id"]
        verbose_name = _("implementation rating")
        verbose_name_plural = _("implementation ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["promise", "deputy"], name="implementation_rated_once_per_promise"
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__in=["satisfied", "basically_satisfied", "dissatisfied"]),
                name="implementation_satisfaction_valid",
            ),
        ]

    def __str__(self):
        return f"{self.deputy}：{self.get_satisfaction_display()}"


class TextBand(models.Model):
    """One locality-sensitive hash band of a suggestion's title and content (see similarity.py).

    Two suggestions sharing a band are candidates for "the same problem raised again"; the
    index on key makes finding them a few index probes, not a scan of every suggestion.
    """

    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="bands", verbose_name=_("suggestion")
    )
    key = models.BigIntegerField(_("fingerprint"))

    objects = scoped(path="suggestion__session__congress")
    everywhere = everywhere()

    class Meta:
        verbose_name = _("text fingerprint band")
        verbose_name_plural = _("text fingerprint bands")
        indexes = [models.Index(fields=["key"], name="textband_key")]

    def __str__(self):
        return f"{self.suggestion_id}:{self.key}"


class SimilarLink(models.Model):
    """A suggestion that looks like one from an earlier session; staff confirm or dismiss it."""

    class State(models.TextChoices):
        FOUND = "found", _("found by text similarity")
        CONFIRMED = "confirmed", _("confirmed by staff")
        DISMISSED = "dismissed", _("dismissed by staff")

    suggestion = models.ForeignKey(
        Suggestion,
        on_delete=models.CASCADE,
        related_name="similar_links",
        verbose_name=_("suggestion"),
    )
    earlier = models.ForeignKey(
        Suggestion,
        on_delete=models.CASCADE,
        related_name="later_links",
        verbose_name=_("earlier suggestion"),
    )
    score = models.FloatField(_("similarity"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="found")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    objects = scoped(path="suggestion__session__congress")
    everywhere = everywhere()

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("recurring link")
        verbose_name_plural = _("recurring links")
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "earlier"], name="similar_link_once"),
        ]

    def __str__(self):
        return f"{self.suggestion} ~ {self.earlier}"
