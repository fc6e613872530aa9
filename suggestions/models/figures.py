"""Summary rows the services keep in step, so figures over a million suggestions read a few
hundred rows; and the search's synonyms."""

import re

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


class Tally(models.Model):
    """Summary row: the counts behind the public statistics for one session and one group.

    One row per session in total, per session × category, × delegation and × handling unit,
    rewritten by the services in the same transaction as the change (`figures.summaries`),
    so the all-time figures are a sum of a few hundred rows. "Overdue now" depends on today and
    is counted live (an indexed query over the suggestions still awaiting a reply).
    """

    class Group(models.TextChoices):
        TOTAL = "total", _("session total")
        CATEGORY = "category", _("category")
        DELEGATION = "delegation", _("delegation")
        UNIT = "unit", _("handling unit")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="+", verbose_name=_("session")
    )
    group = models.CharField(_("grouped by"), max_length=10, choices=Group.choices)
    # The category, delegation or unit id; 0 in total.
    key = models.BigIntegerField(_("record in its group"), default=0)
    # Suggestions (total, category, delegation): the figures of suggestions.figures.stats.
    suggestions = models.PositiveIntegerField(_("suggestions"), default=0)
    received = models.PositiveIntegerField(_("received"), default=0)
    registered = models.PositiveIntegerField(_("registered"), default=0)
    assigned = models.PositiveIntegerField(_("assigned"), default=0)
    replied = models.PositiveIntegerField(_("replied"), default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0)
    on_time = models.PositiveIntegerField(_("on time"), default=0)
    face_to_face = models.PositiveIntegerField(_("face to face"), default=0)
    re_handled = models.PositiveIntegerField(_("re-handled"), default=0)
    class_A = models.PositiveIntegerField(_("class A"), default=0)  # noqa: N815  (named as the figure)
    class_B = models.PositiveIntegerField(_("class B"), default=0)  # noqa: N815
    class_C = models.PositiveIntegerField(_("class C"), default=0)  # noqa: N815
    class_D = models.PositiveIntegerField(_("class D"), default=0)  # noqa: N815
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    basically_satisfied = models.PositiveIntegerField(_("basically satisfied"), default=0)
    dissatisfied = models.PositiveIntegerField(_("dissatisfied"), default=0)
    # Handling units: their assignments by role (replied, on_time and satisfaction above count
    # the assignments that owe a reply).
    lead = models.PositiveIntegerField(_("lead unit"), default=0)
    co = models.PositiveIntegerField(_("co-handling unit"), default=0)
    separate = models.PositiveIntegerField(_("separate handling unit"), default=0)
    # The accountability loop (categories, whose sum is a session's, and handling units; 0 in
    # the other groups): B/C promises, kept by their date or late (open ones, which depend on
    # today, are `OpenPromise` rows), and the lead deputies' implementation ratings (a unit's:
    # of its own replies).
    promises = models.PositiveIntegerField(_("promises"), default=0)
    promises_kept = models.PositiveIntegerField(_("promises kept"), default=0)
    promises_late = models.PositiveIntegerField(_("promises kept late"), default=0)
    impl_satisfied = models.PositiveIntegerField(_("implementation: satisfied"), default=0)
    impl_basically_satisfied = models.PositiveIntegerField(
        _("implementation: basically satisfied"), default=0
    )
    impl_dissatisfied = models.PositiveIntegerField(_("implementation: dissatisfied"), default=0)
    # Categories only: every deputy's ratings, and closed suggestions all of whose current
    # replies are public.
    impl_all_satisfied = models.PositiveIntegerField(
        _("implementation, every deputy: satisfied"), default=0
    )
    impl_all_basically_satisfied = models.PositiveIntegerField(
        _("implementation, every deputy: basically satisfied"), default=0
    )
    impl_all_dissatisfied = models.PositiveIntegerField(
        _("implementation, every deputy: dissatisfied"), default=0
    )
    all_satisfied = models.PositiveIntegerField(_("every deputy: satisfied"), default=0)
    all_basically_satisfied = models.PositiveIntegerField(
        _("every deputy: basically satisfied"), default=0
    )
    all_dissatisfied = models.PositiveIntegerField(_("every deputy: dissatisfied"), default=0)
    closed_published = models.PositiveIntegerField(_("closed, every reply public"), default=0)

    class Meta:
        verbose_name = _("summary row")
        verbose_name_plural = _("summary rows")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "group", "key"], name="tally_once_per_session_group"
            ),
        ]
        # All-time figures sum a group over every session.
        indexes = [models.Index(fields=["group", "key"], name="tally_group_key")]

    def __str__(self):
        return f"{self.session_id} {self.group} {self.key}"


class SearchSynonym(models.Model):
    """Words the public search treats as one (供暖 finds 供热), edited by staff in the admin."""

    words = models.CharField(
        _("words"),
        max_length=200,
        unique=True,
        help_text=_("Words that mean the same here, separated by spaces, e.g. 供暖 供热 暖气."),
    )

    class Meta:
        ordering = ["words"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self):
        return self.words

    @property
    def word_list(self):
        return [w for w in re.split(r"[\s,，、;；]+", self.words) if w]


# -- summary rows of the figures that are a spread, not a count (figures.summaries) -----------


class ReplyDays(models.Model):
    """Summary row: how many of a unit's first replies came `days` after the assignment.

    One row per session × handling unit × number of days, and the same per unit for all
    sessions together (session empty), so a median and an average are exact from a few hundred
    rows. Rewritten in step with the replies like `Tally` (`suggestions.figures.summaries`).
    """

    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("session"),
    )
    unit = models.BigIntegerField(_("handling unit"))  # the handling unit's id, as Tally's key
    days = models.IntegerField(_("days"))
    replies = models.PositiveIntegerField(_("replies"), default=0)

    class Meta:
        verbose_name = _("summary row of days to reply")
        verbose_name_plural = _("summary rows of days to reply")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "unit", "days"], name="reply_days_once_per_session"
            ),
            models.UniqueConstraint(
                fields=["unit", "days"],
                condition=Q(session__isnull=True),
                name="reply_days_once_all_sessions",
            ),
        ]
        indexes = [models.Index(fields=["unit", "days"], name="reply_days_unit")]

    def __str__(self):
        return f"{self.session_id} {self.unit} {self.days}: {self.replies}"


class OpenPromise(models.Model):
    """Summary row: a unit's B/C promises of a session still without a follow-up, per date due.

    "Past their date today" is then a sum over the rows due before today, however the clock
    moves, without reading the replies. Rewritten in step like `Tally`."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="+", verbose_name=_("session")
    )
    unit = models.BigIntegerField(_("handling unit"))
    due = models.DateField(_("due"))
    promises = models.PositiveIntegerField(_("promises"), default=0)

    class Meta:
        verbose_name = _("summary row of open promises")
        verbose_name_plural = _("summary rows of open promises")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "unit", "due"], name="open_promise_once_per_date"
            ),
        ]
        indexes = [models.Index(fields=["due", "unit"], name="open_promise_due")]

    def __str__(self):
        return f"{self.session_id} {self.unit} {self.due}: {self.promises}"


class FlagsToReview(models.Model):
    """Summary row: how many of a session's suggestions carry a flag nobody has reviewed, per
    day after which they carry it (`Suggestion.to_review_after`: FLAGGED_ALWAYS, or an open
    promise's date due). Staff's queue of flags counts the rows before today and finds the
    sessions that hold its first page without reading the suggestions. Rewritten in step with
    the flag columns."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="+", verbose_name=_("session")
    )
    after = models.DateField(_("flagged after"))
    suggestions = models.PositiveIntegerField(_("suggestions"), default=0)

    class Meta:
        verbose_name = _("summary row of flags to review")
        verbose_name_plural = _("summary rows of flags to review")
        constraints = [
            models.UniqueConstraint(fields=["session", "after"], name="flags_to_review_once"),
        ]

    def __str__(self):
        return f"{self.session_id} {self.after}: {self.suggestions}"
