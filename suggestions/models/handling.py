"""Handling: assignments to units, contacts, co-handlers' opinions, requests to return or
extend, replies and the deputies' evaluations."""

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import (
    Exists,
    OuterRef,
    Q,
)
from django.utils import timezone
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
from suggestions.attachments import EXTENSIONS as ATTACHMENT_EXTENSIONS
from suggestions.attachments import storage_name, validate_attachment
from suggestions.models.suggestion import Suggestion
from suggestions.rules import (
    ReplyClass,
    Satisfaction,
    days_until,
    due_soon_until,
    is_promise_past_its_date,
    promise_past_its_date,
    promise_still_ahead,
    promise_tracked,
)


def copied_session(db_index=True):
    """A row's copy of its suggestion's session (assignments, replies)."""
    return models.ForeignKey(
        Session,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=db_index,
        verbose_name=_("session"),
    )


class CarriesSessionCopy:
    """A row with a `copied_session()`: filled in from its suggestion when the row is made.
    The change-set rewrites it when the suggestion moves (summaries.copy_sessions)."""

    def save(self, *args, **kwargs):
        if self.session_id is None:
            self.session_id = self.suggestion.session_id
        super().save(*args, **kwargs)


class AssignmentQuerySet(models.QuerySet):
    def replying(self):
        """The assignments that owe a reply of their own: the lead unit and split units."""
        return self.filter(role__in=Assignment.REPLYING_ROLES)

    def outstanding(self):
        return self.replying().filter(replied_on__isnull=True)

    def overdue(self, today=None):
        return self.filter(Assignment.overdue_q(today))


class Assignment(CarriesSessionCopy, models.Model):
    """A suggestion given to a handling unit (交办), as lead, co-handler or separate handler."""

    class Role(models.TextChoices):
        LEAD = "lead", _("lead unit")
        CO = "co", _("co-handling unit")
        SEPARATE = "separate", _("separate handling unit")

    # Who owes a reply of their own: the lead unit, or each unit of a split (co-handlers never).
    REPLYING_ROLES = [Role.LEAD, Role.SEPARATE]

    suggestion = models.ForeignKey(
        Suggestion,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("suggestion"),
    )
    unit = models.ForeignKey(
        HandlingUnit,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("handling unit"),
    )
    # The suggestion's session, copied (`save`; kept in step by the change-sets, checked by
    # `drift`): a unit's figures of a session are recounted from that unit's rows of it by
    # (session, unit), not by joining a million suggestions to find the session's.
    session = copied_session(db_index=False)  # (session, unit) below serves it
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    assigned_on = models.DateField(_("assigned on"))
    due_on = models.DateField(_("due on"))
    original_due_on = models.DateField(_("originally due on"))
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=30, blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)

    objects = scoped(AssignmentQuerySet, path="unit__congress")
    everywhere = everywhere(AssignmentQuerySet)

    class Meta:
        ordering = ["-role", "id"]  # separate, lead, then co-handling units
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "unit"], name="assignment_unit_once_per_suggestion"
            ),
            models.UniqueConstraint(
                fields=["suggestion"],
                condition=Q(role="lead"),  # Role.LEAD (the class body cannot name it here)
                name="assignment_one_lead_unit",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("assigned_on")),
                name="assignment_due_after_assigned",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "unit"], name="assignment_session_unit"),
            models.Index(fields=["unit", "due_on"], name="assignment_unit_due"),
            # A unit's finished work in its workbench's order, read a page at a time.
            models.Index(fields=["unit", "-due_on", "id"], name="assignment_unit_done"),
            # Overdue replies per unit, counted live as of today: the few still owed, by date.
            models.Index(
                fields=["due_on"],
                condition=Q(replied_on__isnull=True, role__in=["lead", "separate"]),
                name="assignment_owed_due",
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_role_display()}"

    @property
    def owes_reply(self):
        return self.role in self.REPLYING_ROLES

    @staticmethod
    def overdue_q(today=None):
        """A unit's reply is overdue: owed, not in, past this unit's due date, while the
        suggestion awaits replies (the suggestion's own due date is the earliest of these)."""
        return Q(
            role__in=Assignment.REPLYING_ROLES,
            replied_on__isnull=True,
            suggestion__status__in=Suggestion.AWAITING_REPLY,
            due_on__lt=today or timezone.localdate(),
        )

    def is_overdue(self, today=None):
        return (
            self.owes_reply
            and self.replied_on is None
            and self.suggestion.status in Suggestion.AWAITING_REPLY
            and days_until(self.due_on, today) < 0
        )


class Contact(models.Model):
    """The unit's contact with the deputy while handling (联系沟通)."""

    class Way(models.TextChoices):
        FACE_TO_FACE = "face", _("face to face")
        PHONE = "phone", _("phone")
        OTHER = "other", _("other")

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("assignment")
    )
    contacted_on = models.DateField(_("contacted on"))
    way = models.CharField(_("way"), max_length=10, choices=Way.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = scoped(path="assignment__unit__congress")
    everywhere = everywhere()

    class Meta:
        ordering = ["contacted_on", "id"]
        verbose_name = _("contact with the deputy")
        verbose_name_plural = _("contacts with the deputy")

    def __str__(self):
        return f"{self.contacted_on} {self.get_way_display()}"


class CoHandlerOpinion(models.Model):
    """A co-handling unit's views, sent to the lead unit before it replies."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="opinions", verbose_name=_("assignment")
    )
    text = models.TextField(_("opinion"))
    sent_on = models.DateField(_("sent on"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sent by"),
    )

    objects = scoped(path="assignment__unit__congress")
    everywhere = everywhere()

    class Meta:
        ordering = ["sent_on", "id"]
        verbose_name = _("co-handler's opinion")
        verbose_name_plural = _("co-handlers' opinions")

    def __str__(self):
        return f"{self.assignment.unit} {self.sent_on}"


class Decision(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class UnitRequest(models.Model):
    """What a unit asks staff to decide: shared shape of return and extension requests."""

    reason = models.TextField(_("reason"))
    requested_on = models.DateField(_("requested on"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-requested_on", "-id"]

    def __str__(self):
        return f"{self.requested_on} {self.get_decision_display()}"


class ReturnRequest(UnitRequest):
    """A unit that is not responsible asks to return the assignment (退回/申请调整).

    An approved return removes the assignment; the request stays on record with its unit.
    """

    suggestion = models.ForeignKey(
        Suggestion,
        on_delete=models.CASCADE,
        related_name="return_requests",
        verbose_name=_("suggestion"),
    )
    unit = models.ForeignKey(
        HandlingUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("handling unit")
    )
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="return_requests",
        verbose_name=_("assignment"),
    )

    objects = scoped(path="suggestion__session__congress")
    everywhere = everywhere()

    class Meta(UnitRequest.Meta):
        verbose_name = _("return request")
        verbose_name_plural = _("return requests")
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "unit"],
                condition=Q(decision="pending"),
                name="return_request_one_pending",
            ),
        ]


class ExtensionRequest(UnitRequest):
    """A hard case asks for more time; staff approve up to the maximum."""

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="extension_requests",
        verbose_name=_("assignment"),
    )
    requested_due_on = models.DateField(_("requested due date"))
    approved_due_on = models.DateField(_("approved due date"), null=True, blank=True)

    objects = scoped(path="assignment__unit__congress")
    everywhere = everywhere()

    class Meta(UnitRequest.Meta):
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(decision="pending"),
                name="extension_request_one_pending",
            ),
        ]


def attachment_path(instance, filename):
    # Kept for the migrations that name it; new files get random names (attachments.py).
    return storage_name(instance, filename)


class ReplyQuerySet(models.QuerySet):
    def as_queue_rows(self):
        """A reply as a queue's row shows it, and nothing more: its suggestion's number and
        title, the names of its session and unit, its class, date and promise. Whole rows of
        the four tables were 95 columns and five objects a row, most of a staff page's time."""
        return self.select_related("suggestion", "session", "assignment__unit").only(
            "reply_class",
            "replied_on",
            "promised_by",
            "promise_year_only",
            "suggestion__number",
            "suggestion__title",
            "session__name",
            "assignment__unit__name",
        )

    def published(self):
        return self.filter(is_published=True, superseded_by__isnull=True)

    def current(self, *, walked=False):
        """Replies that have not been revised; a revised reply keeps the original on record.

        `walked`: written NOT EXISTS, for a list PostgreSQL should read in an index's order
        and stop (a unit's promises over all sessions, by date: 0.5 s → 10 ms at a million).
        Django's LEFT JOIN … IS NULL makes it guess that one row survives, which suits a few
        rows it then sorts (one session's) and misleads it over many."""
        if walked:
            return self.filter(~Exists(Reply.objects.filter(supersedes=OuterRef("pk"))))
        return self.filter(superseded_by__isnull=True)

    def promises(self, *, walked=False):
        """Current B/C replies with a promised date (承诺)."""
        return self.current(walked=walked).filter(promised_by__isnull=False)

    def promises_open(self):
        """Promises still followed that await their follow-up (untracked ones are not)."""
        return self.promises().filter(promise_tracked())

    def promises_untracked(self):
        return self.promises().filter(promise_untracked=True)

    def promises_overdue(self, today=None):
        return self.promises().filter(promise_past_its_date(today))

    def promises_due_soon(self, today=None):
        return self.promises().filter(
            promise_still_ahead(today), promised_by__lte=due_soon_until(today)
        )


class Reply(CarriesSessionCopy, models.Model):
    """A unit's written reply (答复), or the follow-up reply a B/C class promised."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("reply")
        FOLLOW_UP = "follow_up", _("follow-up reply")

    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="replies", verbose_name=_("suggestion")
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="replies", verbose_name=_("assignment")
    )
    session = copied_session()  # as an assignment's: found and counted without the suggestion
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REPLY)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    reply_class = models.CharField(_("class"), max_length=1, choices=ReplyClass.choices)
    text = models.TextField(_("text"))
    signed_by = models.CharField(_("signed by"), max_length=50)
    replied_on = models.DateField(_("replied on"))
    due_on = models.DateField(_("due on at the time"), null=True, blank=True)
    attachment = models.FileField(
        _("attachment"),
        upload_to=storage_name,
        blank=True,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS), validate_attachment],
    )
    attachment_name = models.CharField(
        _("attachment's original name"), max_length=255, blank=True, editable=False
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("revises"),
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    public_text = models.TextField(
        _("public text"),
        blank=True,
        help_text=_("A redacted text to publish instead of the reply."),
    )
    removed_passages = models.TextField(
        _("removed passages"),
        blank=True,
        help_text=_("What the redaction left out of the public text, one passage a line."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # A B or C reply promises what will be done and by when (承诺); the follow-up is due then.
    promise = models.TextField(_("what will be done"), blank=True)
    promised_by = models.DateField(_("promised by"), null=True, blank=True)
    promise_year_only = models.BooleanField(
        _("promised within a year"),
        default=False,
        help_text=_("列入计划: the promise names a year; it falls due at the year's end."),
    )
    followed_up_on = models.DateField(_("follow-up sent on"), null=True, blank=True)
    # Its session was concluded with no follow-up in the records (未跟踪): not kept, not late,
    # not open. Set by `conclude_session`; reopening the suggestion tracks it again.
    promise_untracked = models.BooleanField(
        _("promise not tracked"), default=False, db_default=False, editable=False
    )

    objects = scoped(ReplyQuerySet, path="session__congress")
    everywhere = everywhere(ReplyQuerySet)

    class Meta:
        ordering = ["replied_on", "id"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        constraints = [
            models.CheckConstraint(
                condition=Q(reply_class__in=["A", "B", "C", "D"]), name="reply_class_a_to_d"
            ),
            models.CheckConstraint(
                condition=Q(promised_by__isnull=True) | Q(reply_class__in=["B", "C"]),
                name="reply_promise_only_b_or_c",
            ),
        ]
        indexes = [
            # The promise queues scan open promises by date.
            models.Index(fields=["promised_by", "followed_up_on"], name="reply_promise_due"),
            # Staff's queue of replies to publish, oldest first.
            models.Index(
                fields=["replied_on"], condition=Q(is_published=False), name="reply_to_publish"
            ),
            # ... and how many there are in a congress's sessions, counted index-only.
            models.Index(
                fields=["session"], condition=Q(is_published=False), name="reply_unpublished"
            ),
            # A unit's open promises, soonest first (its workbench): walked in order among the
            # few still open, not sorted out of every reply the unit ever sent.
            models.Index(
                fields=["promised_by", "id"],
                condition=Q(
                    promised_by__isnull=False,
                    followed_up_on__isnull=True,
                    promise_untracked=False,
                ),
                name="reply_promise_open",
            ),
        ]

    def __str__(self):
        return f"{self.suggestion.number_label} · {self.get_kind_display()} {self.reply_class}"

    @property
    def shown_text(self):
        """What the public reads: the redacted text when staff wrote one."""
        return self.public_text or self.text

    @property
    def on_time(self):
        return self.due_on is None or self.replied_on <= self.due_on

    def promise_state(self, today=None):
        """kept (follow-up by the date), late (follow-up after it), untracked (its session
        concluded without one), due (date ahead), overdue (date passed, no follow-up); None
        when the reply promised nothing."""
        if self.promised_by is None:
            return None
        if self.followed_up_on:
            return "kept" if self.followed_up_on <= self.promised_by else "late"
        if self.promise_untracked:
            return "untracked"
        return "due" if self.promised_by >= (today or timezone.localdate()) else "overdue"

    @property
    def promise_label(self):
        if self.promised_by is None:
            return ""
        return str(self.promised_by.year) if self.promise_year_only else str(self.promised_by)

    @property
    def may_rate_implementation(self):
        """落实满意度 can be rated once the follow-up arrived or the promised date passed."""
        return self.promised_by is not None and (
            self.followed_up_on is not None or is_promise_past_its_date(self)
        )


class Evaluation(models.Model):
    """A deputy's rating of the reply (测评)."""

    suggestion = models.ForeignKey(
        Suggestion,
        on_delete=models.CASCADE,
        related_name="evaluations",
        verbose_name=_("suggestion"),
    )
    deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("deputy")
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices)
    contacted = models.BooleanField(_("the unit contacted me"))
    comment = models.TextField(_("comment"), blank=True)
    comment_is_public = models.BooleanField(_("comment may be published"), default=False)
    evaluated_on = models.DateField(_("evaluated on"))

    objects = scoped(path="suggestion__session__congress")
    everywhere = everywhere()

    class Meta:
        ordering = ["round", "evaluated_on", "id"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "deputy", "round"], name="evaluation_once_per_round"
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__in=["satisfied", "basically_satisfied", "dissatisfied"]),
                name="evaluation_satisfaction_valid",
            ),
        ]

    def __str__(self):
        return f"{self.deputy}：{self.get_satisfaction_display()}"
