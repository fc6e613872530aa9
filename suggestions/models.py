"""A deputy's suggestion and everything that happens to it.

Writes go through `suggestions.services`; the models here only answer questions. A few facts are
kept on the suggestion itself (due date, reply class, satisfaction, ...) so that lists and
statistics over a million rows are one indexed query instead of a join per row; the services keep
them in step with the rows they summarise.
"""

import datetime
import difflib
import functools
import operator
import re

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
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
from deputies.models import Deputy
from suggestions.attachments import EXTENSIONS as ATTACHMENT_EXTENSIONS
from suggestions.attachments import storage_name, validate_attachment


class ReplyClass(models.TextChoices):
    A = "A", _("A: solved or essentially solved")
    B = "B", _("B: being solved or planned step by step")
    C = "C", _("C: to be solved when conditions allow")
    D = "D", _("D: kept for reference, with an explanation")


# Classes whose reply promises more: a follow-up reply (跟踪办理) comes once the promise is kept.
FOLLOW_UP_CLASSES = frozenset({ReplyClass.B, ReplyClass.C})


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("basically satisfied")
    DISSATISFIED = "dissatisfied", _("dissatisfied")


def due_soon_days():
    """The "due soon" window of the rule profile; lists, badges and reminders all read it."""
    return settings.SUGGESTION_RULES["DUE_SOON_DAYS"]


def days_until(due_on, today=None):
    return (due_on - (today or timezone.localdate())).days


def _flag_rules():
    """({kind: condition} of the flags that do not depend on the day, {kind: reviewed}, the
    suggestion's open promises): the parts `with_flags` and `with_flag_columns` share."""
    current = Reply.objects.current().filter(suggestion=OuterRef("pk"))
    first = Reply.objects.filter(
        assignment=OuterRef("assignment"),
        kind=Reply.Kind.REPLY,
        round=1,
        reply_class=OuterRef("reply_class"),
        text=OuterRef("text"),
    )
    rules = {
        "a_dissatisfied": Q(reply_class=ReplyClass.A, satisfaction=Satisfaction.DISSATISFIED),
        "on_time_no_contact": Q(replied_on_time=True)
        & ~Exists(Contact.objects.filter(assignment__suggestion=OuterRef("pk"))),
        "key_class_d": Q(is_key=True, reply_class=ReplyClass.D),
        "same_rehandled": Exists(
            current.filter(round=2, kind=Reply.Kind.REPLY).filter(Exists(first))
        ),
    }
    reviewed = {
        kind: Exists(FlagReview.objects.filter(suggestion=OuterRef("pk"), kind=kind))
        for kind in FLAGS
    }
    open_promises = current.filter(promised_by__isnull=False, followed_up_on__isnull=True)
    return rules, reviewed, open_promises


def awaits_publication():
    """Closed, with a current reply not yet public: what staff still have to publish (and what
    keeps a closed suggestion out of the publication rate). The one definition."""
    unpublished = Reply.objects.current().filter(suggestion=OuterRef("pk"), is_published=False)
    return Q(status=Suggestion.Status.CLOSED) & Q(Exists(unpublished))


class SuggestionQuerySet(models.QuerySet):
    def for_session(self, session):
        return self.filter(session=session) if session else self

    def registered(self):
        """Everything that was accepted for handling (the denominator of the completion rate)."""
        return self.filter(status__in=Suggestion.PUBLIC_STATUSES)

    def replied(self):
        return self.filter(status__in=Suggestion.REPLIED_STATUSES)

    def in_handling(self):
        return self.filter(status__in=Suggestion.AWAITING_REPLY)

    def overdue(self, today=None):
        return self.filter(Suggestion.overdue_q(today))

    def due_soon(self, today=None):
        today = today or timezone.localdate()
        return self.in_handling().filter(
            due_on__gte=today, due_on__lte=today + datetime.timedelta(days=due_soon_days())
        )

    def for_unit(self, unit):
        # A unit holds at most one assignment per suggestion, so the join adds no duplicates.
        return self.filter(assignments__unit=unit)

    def key(self):
        return self.filter(is_key=True)

    def public(self):
        """What the public may see: suggestions accepted for handling (not drafts or refusals)."""
        return self.registered()

    def with_lead_unit(self):
        lead = Assignment.objects.filter(suggestion=OuterRef("pk"), role=Assignment.Role.LEAD)
        return self.annotate(lead_unit_name=Subquery(lead.values("unit__name")[:1]))

    def with_rating_state(self, deputy):
        """Annotate awaits_my_rating: replied, and this deputy has not rated this round yet."""
        rated = Evaluation.objects.filter(
            suggestion=OuterRef("pk"), deputy=deputy, round=OuterRef("rating_round")
        )
        return self.annotate(
            rating_round=Case(When(was_re_handled=True, then=2), default=1)
        ).annotate(
            awaits_my_rating=ExpressionWrapper(
                Q(status=Suggestion.Status.REPLIED) & ~Exists(rated),
                output_field=models.BooleanField(),
            )
        )

    def public_detail(self):
        """Public suggestions with everything their public page shows, in a fixed number of
        queries: confirmed co-signers, units, published replies, ratings, public history."""
        from deputies.models import Problem

        return (
            self.public()
            .with_lead_unit()
            .select_related(
                "session",
                "category",
                "lead_deputy",
                "delegation",
                "supervision__leader",
                "supervision__vice_mayor",
                "supervision__committee",
            )
            .prefetch_related(
                models.Prefetch(
                    "signatures",
                    CoSigner.objects.filter(confirmed_on__isnull=False).select_related("deputy"),
                ),
                models.Prefetch("assignments", Assignment.objects.select_related("unit")),
                models.Prefetch(
                    "replies",
                    Reply.objects.published().select_related("assignment__unit"),
                    to_attr="published_replies",
                ),
                models.Prefetch("evaluations", Evaluation.objects.select_related("deputy")),
                models.Prefetch("events", Event.objects.filter(is_public=True), to_attr="timeline"),
                "meetings__leaders",
                models.Prefetch("source_problems", Problem.objects.select_related("station")),
            )
        )

    def with_flags(self, today=None):
        """Annotate flag_<kind> for each consistency flag (FLAGS) and flag_<kind>_reviewed.

        The flags' one definition: each is one expression over the row or a correlated EXISTS.
        Pages do not read it (over a million suggestions it is a query per row): they read the
        columns `summaries.refresh_flags` writes from it (`flagged`, `stored_flags`).
        """
        today = today or timezone.localdate()
        rules, reviewed, open_promises = _flag_rules()
        rules["promise_overdue"] = Exists(open_promises.filter(promised_by__lt=today))
        annotations = {}
        for kind in FLAGS:
            annotations[f"flag_{kind}"] = ExpressionWrapper(
                rules[kind], output_field=models.BooleanField()
            )
            annotations[f"flag_{kind}_reviewed"] = reviewed[kind]
        return self.annotate(**annotations)

    def with_flag_columns(self):
        """Annotate what the stored flag columns hold, from the definition (`with_flags`):
        flag_bits (the flags that do not depend on the day), flags_reviewed, and promise_due
        (the earliest date due of an open promise: promise_overdue holds once it is past); and
        closed_unpublished, what `awaits_publication_since` holds (`awaits_publication`)."""
        rules, reviewed, open_promises = _flag_rules()

        def bits(conditions):
            return functools.reduce(
                operator.add,
                [
                    Case(When(conditions[kind], then=Value(FLAG_BIT[kind])), default=Value(0))
                    for kind in FLAGS
                    if kind in conditions
                ],
            )

        return self.annotate(
            fixed_flags=bits(rules),
            reviewed_flags=bits(reviewed),
            open_promise_due=Subquery(
                open_promises.order_by("promised_by").values("promised_by")[:1]
            ),
            closed_unpublished=Case(
                When(awaits_publication(), then=F("closed_on")),
                default=None,
                output_field=models.DateField(),
            ),
        )

    def flagged_live(self, today=None, *, reviewed=False):
        """`flagged` computed from the definition itself (slow: what the columns must equal)."""
        condition = Q()
        for kind in FLAGS:
            term = Q(**{f"flag_{kind}": True})
            if not reviewed:
                term &= Q(**{f"flag_{kind}_reviewed": False})
            condition |= term
        return self.with_flags(today).filter(condition)

    def flagged(self, today=None, *, reviewed=False):
        """Suggestions with at least one flag still to review (or, reviewed=True, any flag),
        read from the stored columns: one indexed date compared with today."""
        today = today or timezone.localdate()
        column = "flagged_after" if reviewed else "to_review_after"
        return self.filter(**{f"{column}__lt": today})

    def involving_deputy(self, deputy):
        """Suggestions the deputy leads or was asked to co-sign."""
        signed = CoSigner.objects.filter(deputy=deputy).values("suggestion")
        return self.filter(Q(lead_deputy=deputy) | Q(pk__in=signed))

    def like_title(self, title, *, cutoff=0.75, limit=5):
        """Suggestions (drafts aside) whose title reads like `title`, most alike first: one
        query for the titles, compared without the customary 关于…的建议 around them."""
        wanted = _title_core(title)
        if not wanted:
            return []
        found = []
        for pk, number, other in self.exclude(status=Suggestion.Status.DRAFT).values_list(
            "pk", "number", "title"
        ):
            matcher = difflib.SequenceMatcher(None, wanted, _title_core(other))
            if matcher.quick_ratio() >= cutoff and matcher.ratio() >= cutoff:
                found.append((matcher.ratio(), pk, number, other))
        found.sort(reverse=True)
        return [{"pk": pk, "number": number, "title": t} for _r, pk, number, t in found[:limit]]


def _title_core(title):
    core = title.strip().removeprefix("关于").removesuffix("的建议").removesuffix("建议")
    return core.strip()


class Suggestion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        NOT_REGISTERED = "not_registered", _("not registered")
        MERGED = "merged", _("merged into another")
        REGISTERED = "registered", _("registered")
        ASSIGNED = "assigned", _("assigned")
        REPLIED = "replied", _("replied")
        RE_HANDLING = "re_handling", _("re-handling")
        EVALUATED = "evaluated", _("evaluated")
        CLOSED = "closed", _("closed")

    class Period(models.TextChoices):
        DURING_SESSION = "during", _("during the session")
        BETWEEN_SESSIONS = "between", _("between sessions")

    # The one list of each status set; querysets, stats, filters, the API and pages read these.
    AWAITING_REPLY = [Status.ASSIGNED, Status.RE_HANDLING]
    NOT_PUBLIC = [Status.DRAFT, Status.SUBMITTED, Status.NOT_REGISTERED, Status.MERGED]
    # Registered for handling: everything but NOT_PUBLIC (a test checks the two cover Status).
    PUBLIC_STATUSES = [
        Status.REGISTERED,
        Status.ASSIGNED,
        Status.REPLIED,
        Status.RE_HANDLING,
        Status.EVALUATED,
        Status.CLOSED,
    ]
    # Every unit that owes a reply has replied (split: each unit; lead and co-handlers: the
    # lead). Re-handling counts: it follows a complete reply and a dissatisfied rating.
    REPLIED_STATUSES = [Status.REPLIED, Status.RE_HANDLING, Status.EVALUATED, Status.CLOSED]

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("session")
    )
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("category")
    )
    lead_deputy = models.ForeignKey(
        Deputy,
        on_delete=models.PROTECT,
        related_name="led_suggestions",
        verbose_name=_("lead deputy"),
    )
    co_signers = models.ManyToManyField(
        Deputy,
        through="CoSigner",
        related_name="co_signed_suggestions",
        blank=True,
        verbose_name=_("co-signing deputies"),
    )
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.PROTECT,
        related_name="suggestions",
        verbose_name=_("delegation"),
    )
    period = models.CharField(
        _("submitted"), max_length=10, choices=Period.choices, default=Period.DURING_SESSION
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    is_key = models.BooleanField(_("key suggestion"), default=False)
    staff_note = models.TextField(_("internal note"), blank=True)
    # Problems raised at liaison stations that this suggestion takes up; the link is held here,
    # so that the stations' app never depends on suggestions.
    source_problems = models.ManyToManyField(
        "deputies.Problem",
        through="ProblemLink",
        related_name="suggestions",
        blank=True,
        verbose_name=_("taken up from problems"),
    )

    # Set by the services as the suggestion moves on.
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    not_registered_reason = models.TextField(_("reason for not registering"), blank=True)
    handled_as_letter = models.BooleanField(_("handled as a letter"), default=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_suggestions",
        verbose_name=_("merged into"),
    )
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    due_on = models.DateField(_("reply due on"), null=True, blank=True)
    first_replied_on = models.DateField(_("first replied on"), null=True, blank=True)
    replied_on_time = models.BooleanField(_("replied on time"), null=True, blank=True)
    reply_class = models.CharField(
        _("reply class"), max_length=1, choices=ReplyClass.choices, blank=True
    )
    met_face_to_face = models.BooleanField(_("met the deputy face to face"), default=False)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    was_re_handled = models.BooleanField(_("re-handled"), default=False)
    # The lead deputy's rating of what was done on a promise (落实满意度), apart from the reply's.
    implementation_satisfaction = models.CharField(
        _("implementation satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    # The consistency flags, kept on the row for the flag lists (`SuggestionQuerySet.flagged`):
    # `summaries.refresh_flags` rewrites them from `with_flags` for every suggestion a service
    # touched. One bit per kind of FLAG_BIT; promise_overdue depends on the day, so the row
    # keeps the date it holds after (promise_due), and a flag past its date needs no write.
    flag_bits = models.PositiveSmallIntegerField(default=0, db_default=0, editable=False)
    flags_reviewed = models.PositiveSmallIntegerField(default=0, db_default=0, editable=False)
    promise_due = models.DateField(null=True, blank=True, editable=False)
    # The day after which the suggestion carries a flag (any, or one nobody reviewed):
    # FLAGGED_ALWAYS for a flag that does not depend on the day, promise_due for an open
    # promise, null for none. `flagged(today)` is `… < today`; staff's queue counts them from
    # `FlagsToReview` and reads a session's in the (session, number) index of the flagged.
    flagged_after = models.DateField(null=True, blank=True, editable=False)
    to_review_after = models.DateField(null=True, blank=True, editable=False)
    # The day it closed, while a current reply is not yet public (`awaits_publication`), else
    # null: staff's publication queue reads it, oldest first. Kept with the flag columns.
    awaits_publication_since = models.DateField(null=True, blank=True, editable=False)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-session__opens_on", "number"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"], name="suggestion_number_unique_in_session"
            ),
            models.CheckConstraint(
                condition=Q(reply_class__in=["", "A", "B", "C", "D"]),
                name="suggestion_reply_class_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft"]) | Q(number__isnull=False),
                name="suggestion_numbered_unless_draft",
            ),
        ]
        indexes = [
            # The public and staff lists filter a session by status; overdue scans by due date.
            models.Index(fields=["session", "status"], name="suggestion_session_status"),
            models.Index(fields=["status", "due_on"], name="suggestion_status_due"),
            models.Index(fields=["session", "category"], name="suggestion_session_category"),
            # Staff queues: a status's oldest first, among a million rows.
            models.Index(fields=["status", "id"], name="suggestion_status_pk"),
            models.Index(fields=["status", "first_replied_on"], name="suggestion_status_replied"),
            # A session's overdue suggestions (its statistics count them live, as of today).
            models.Index(
                fields=["session", "due_on"],
                condition=Q(status__in=["assigned", "re_handling"]),  # AWAITING_REPLY
                name="suggestion_awaiting_due",
            ),
            # A keyword that is a number (12, 第12号) finds that number in every session.
            models.Index(fields=["number"], name="suggestion_number"),
            # The public list's deep pages skip a session's rows by number in this index alone.
            models.Index(
                fields=["session", "number", "id"],
                condition=Q(
                    status__in=[
                        "registered",
                        "assigned",
                        "replied",
                        "re_handling",
                        "evaluated",
                        "closed",
                    ]
                ),  # PUBLIC_STATUSES (the class body cannot name it here)
                name="suggestion_public_order",
            ),
            # Staff's queue of closed suggestions whose reply is to publish, oldest first.
            models.Index(
                fields=["awaits_publication_since", "id"],
                condition=Q(awaits_publication_since__isnull=False),
                name="suggestion_to_publish",
            ),
            # The flag lists: only suggestions that carry a flag (or will, an open promise).
            models.Index(
                fields=["session", "flagged_after"],
                condition=Q(flagged_after__isnull=False),
                name="suggestion_flagged",
            ),
            # Staff's queue of flags to review: a session's, by number (and their recount).
            models.Index(
                fields=["session", "number", "to_review_after"],
                condition=Q(to_review_after__isnull=False),
                name="suggestion_flags_by_session",
            ),
        ]

    def __str__(self):
        return f"{self.number_label} {self.title}"

    @property
    def number_label(self):
        return _("No. %(number)s") % {"number": self.number} if self.number else _("(draft)")

    def stored_flags(self, today=None):
        """[(kind, reviewed)] of the flags this suggestion carries, in FLAGS order, read from
        its stored columns (what `with_flags` says, kept by `summaries.refresh_flags`)."""
        today = today or timezone.localdate()
        carried = self.flag_bits
        if self.promise_due and self.promise_due < today:
            carried |= FLAG_BIT["promise_overdue"]
        return [
            (kind, bool(self.flags_reviewed & bit))
            for kind, bit in FLAG_BIT.items()
            if carried & bit
        ]

    @staticmethod
    def overdue_q(today=None, prefix=""):
        """Overdue: still waiting for a reply whose due date has passed. `prefix` reaches the
        suggestion from another model (`suggestion__`)."""
        today = today or timezone.localdate()
        return Q(**{f"{prefix}status__in": Suggestion.AWAITING_REPLY, f"{prefix}due_on__lt": today})

    def days_left(self, today=None):
        """Days until the reply is due; None when no reply is awaited."""
        if self.status not in self.AWAITING_REPLY or self.due_on is None:
            return None
        return days_until(self.due_on, today)

    def is_overdue(self, today=None):
        left = self.days_left(today)
        return left is not None and left < 0

    def is_due_soon(self, today=None):
        left = self.days_left(today)
        return left is not None and 0 <= left <= due_soon_days()

    def days_overdue(self, today=None):
        left = self.days_left(today)
        return -left if left is not None and left < 0 else 0

    @property
    def current_round(self):
        return 2 if self.was_re_handled else 1

    @property
    def is_public(self):
        return self.status in self.PUBLIC_STATUSES


class ProblemLink(models.Model):
    """A problem raised by the public, taken up in a suggestion (one suggestion per problem)."""

    problem = models.OneToOneField(
        "deputies.Problem", on_delete=models.CASCADE, related_name="suggestion_link"
    )
    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="problem_links"
    )

    class Meta:
        verbose_name = _("problem taken up")
        verbose_name_plural = _("problems taken up")

    def __str__(self):
        return f"{self.problem} → {self.suggestion}"


class CoSigner(models.Model):
    """A deputy who co-signs (附议) a suggestion; counts once confirmed."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="signatures")
    deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("deputy")
    )
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("co-signer")
        verbose_name_plural = _("co-signers")
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "deputy"], name="cosigner_once_per_suggestion"
            ),
        ]

    def __str__(self):
        return str(self.deputy)


class AssignmentQuerySet(models.QuerySet):
    def replying(self):
        """The assignments that owe a reply of their own: the lead unit and split units."""
        return self.filter(role__in=Assignment.REPLYING_ROLES)

    def outstanding(self):
        return self.replying().filter(replied_on__isnull=True)

    def overdue(self, today=None):
        return self.filter(Assignment.overdue_q(today))


class Assignment(models.Model):
    """A suggestion given to a handling unit (交办), as lead, co-handler or separate handler."""

    class Role(models.TextChoices):
        LEAD = "lead", _("lead unit")
        CO = "co", _("co-handling unit")
        SEPARATE = "separate", _("separate handling unit")

    # Who owes a reply of their own: the lead unit, or each unit of a split (co-handlers never).
    REPLYING_ROLES = [Role.LEAD, Role.SEPARATE]

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        HandlingUnit,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("handling unit"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    assigned_on = models.DateField(_("assigned on"))
    due_on = models.DateField(_("due on"))
    original_due_on = models.DateField(_("originally due on"))
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=30, blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

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

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="contacts")
    contacted_on = models.DateField(_("contacted on"))
    way = models.CharField(_("way"), max_length=10, choices=Way.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["contacted_on", "id"]
        verbose_name = _("contact with the deputy")
        verbose_name_plural = _("contacts with the deputy")

    def __str__(self):
        return f"{self.contacted_on} {self.get_way_display()}"


class CoHandlerOpinion(models.Model):
    """A co-handling unit's views, sent to the lead unit before it replies."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="opinions")
    text = models.TextField(_("opinion"))
    sent_on = models.DateField(_("sent on"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

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
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
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
        Suggestion, on_delete=models.CASCADE, related_name="return_requests"
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
    )

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
        Assignment, on_delete=models.CASCADE, related_name="extension_requests"
    )
    requested_due_on = models.DateField(_("requested due date"))
    approved_due_on = models.DateField(_("approved due date"), null=True, blank=True)

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
        return self.promises().filter(followed_up_on__isnull=True)

    def promises_overdue(self, today=None):
        return self.promises_open().filter(promised_by__lt=today or timezone.localdate())

    def promises_due_soon(self, today=None):
        today = today or timezone.localdate()
        days = settings.SUGGESTION_RULES["DUE_SOON_DAYS"]
        return self.promises_open().filter(
            promised_by__gte=today, promised_by__lte=today + datetime.timedelta(days=days)
        )


class Reply(models.Model):
    """A unit's written reply (答复), or the follow-up reply a B/C class promised."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("reply")
        FOLLOW_UP = "follow_up", _("follow-up reply")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="replies")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="replies")
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
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
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

    objects = ReplyQuerySet.as_manager()

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
            # A unit's open promises, soonest first (its workbench): walked in order among the
            # few still open, not sorted out of every reply the unit ever sent.
            models.Index(
                fields=["promised_by", "id"],
                condition=Q(promised_by__isnull=False, followed_up_on__isnull=True),
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
        """kept (follow-up by the date), late (follow-up after it), due (date ahead),
        overdue (date passed, no follow-up); None when the reply promised nothing."""
        if self.promised_by is None:
            return None
        if self.followed_up_on:
            return "kept" if self.followed_up_on <= self.promised_by else "late"
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
            self.followed_up_on is not None or self.promised_by < timezone.localdate()
        )


class Evaluation(models.Model):
    """A deputy's rating of the reply (测评)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="evaluations")
    deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("deputy")
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices)
    contacted = models.BooleanField(_("the unit contacted me"))
    comment = models.TextField(_("comment"), blank=True)
    comment_is_public = models.BooleanField(_("comment may be published"), default=False)
    evaluated_on = models.DateField(_("evaluated on"))

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


class KeySupervision(models.Model):
    """A key suggestion (重点建议) and who supervises it."""

    suggestion = models.OneToOneField(
        Suggestion, on_delete=models.CASCADE, related_name="supervision"
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

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("supervision meeting")
        verbose_name_plural = _("supervision meetings")

    def __str__(self):
        return self.title


class SpecialReport(models.Model):
    """A special report heard by the standing committee, with its satisfaction vote (满意度测评)."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="special_reports")
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


class Event(models.Model):
    """One line of a suggestion's history. Append-only: nothing updates or deletes it."""

    class Action(models.TextChoices):
        ENTERED = "entered", _("entered")
        SUBMITTED = "submitted", _("submitted")
        REGISTERED = "registered", _("registered")
        NOT_REGISTERED = "not_registered", _("not registered")
        MERGED = "merged", _("merged")
        ASSIGNED = "assigned", _("assigned")
        RESPONSIBLE_NAMED = "responsible_named", _("responsible person named")
        CONTACTED = "contacted", _("deputy contacted")
        CO_OPINION_SENT = "co_opinion", _("co-handler's opinion sent")
        CO_SIGNED = "co_signed", _("co-signature confirmed")
        CO_SIGN_DECLINED = "co_sign_declined", _("co-signature declined")
        RETURN_REQUESTED = "return_requested", _("return requested")
        RETURN_APPROVED = "return_approved", _("return approved")
        RETURN_REFUSED = "return_refused", _("return refused")
        EXTENSION_REQUESTED = "extension_requested", _("extension requested")
        EXTENSION_APPROVED = "extension_approved", _("extension approved")
        EXTENSION_REFUSED = "extension_refused", _("extension refused")
        REPLIED = "replied", _("replied")
        REPLY_REVISED = "reply_revised", _("reply revised")
        FOLLOWED_UP = "followed_up", _("follow-up reply")
        PUBLISHED = "published", _("reply published")
        EVALUATED = "evaluated", _("evaluated")
        RE_HANDLING = "re_handling", _("sent back for re-handling")
        CLOSED = "closed", _("closed")
        MARKED_KEY = "marked_key", _("chosen as a key suggestion")
        EDITED = "edited", _("details edited")
        CORRECTED = "corrected", _("corrected after closing")
        IMPLEMENTATION_RATED = "implementation_rated", _("implementation rated")
        FLAG_REVIEWED = "flag_reviewed", _("consistency flag reviewed")
        LINK_CONFIRMED = "link_confirmed", _("recurring link confirmed")
        LINK_DISMISSED = "link_dismissed", _("recurring link dismissed")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    from_status = models.CharField(
        _("from"), max_length=20, choices=Suggestion.Status.choices, blank=True
    )
    to_status = models.CharField(
        _("to"), max_length=20, choices=Suggestion.Status.choices, blank=True
    )
    occurred_on = models.DateField(_("date"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    is_public = models.BooleanField(_("shown to the public"), default=True)
    # Steps replayed from a spreadsheet of work done outside the app (a concluded session).
    imported = models.BooleanField(_("imported from a file"), default=False)

    class Meta:
        ordering = ["occurred_on", "id"]
        verbose_name = _("history event")
        verbose_name_plural = _("history")
        indexes = [models.Index(fields=["suggestion", "occurred_on"], name="event_timeline")]

    def __str__(self):
        return f"{self.occurred_on} {self.get_action_display()}"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """What needs a user's attention, shown in the workbench and sent by e-mail.

    `key` makes reminders idempotent: the same key is never sent twice to the same user.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text = models.CharField(_("text"), max_length=300)
    key = models.CharField(_("key"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notification_key_once"
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.text


class ImportAlias(models.Model):
    """Another name the office's spreadsheets use for a category or a unit (市住建局)."""

    class Kind(models.TextChoices):
        CATEGORY = "category", _("category")
        UNIT = "unit", _("handling unit")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    alias = models.CharField(_("name in spreadsheets"), max_length=100)
    name = models.CharField(
        _("name in the app"),
        max_length=100,
        help_text=_("The category's or the unit's full name exactly as the app shows it."),
    )

    class Meta:
        ordering = ["kind", "alias"]
        verbose_name = _("import alias")
        verbose_name_plural = _("import aliases")
        constraints = [
            models.UniqueConstraint(fields=["kind", "alias"], name="import_alias_once_per_kind")
        ]

    def __str__(self):
        return f"{self.alias} → {self.name}"

    def clean(self):
        from django.core.exceptions import ValidationError

        targets = Category.objects if self.kind == self.Kind.CATEGORY else HandlingUnit.objects
        if self.kind and not targets.filter(name=self.name).exists():
            raise ValidationError(
                {
                    "name": _("Nothing of this kind is named “%(name)s” in the app.")
                    % {"name": self.name}
                }
            )


class ImportMapping(models.Model):
    """The columns staff chose for a file whose header reads exactly so; offered next time."""

    headers_key = models.CharField(max_length=64, unique=True)
    headers = models.JSONField(_("headers"))
    mapping = models.JSONField(_("columns"))  # one field key (or "") per header cell
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("remembered column mapping")
        verbose_name_plural = _("remembered column mappings")

    def __str__(self):
        return " | ".join(h for h in self.headers if h)[:100]


# The consistency flags: replies whose record does not add up. Each rule is written out for users.
FLAGS = {
    "a_dissatisfied": _("Class A but dissatisfied: the reply says solved, the deputy disagrees."),
    "promise_overdue": _(
        "Promise past its date: a B or C reply promised a date that has passed with no follow-up."
    ),
    "on_time_no_contact": _(
        "Replied on time but no contact recorded: no contact with the deputy was ever recorded."
    ),
    "key_class_d": _("Class D for a key suggestion: a key suggestion only kept for reference."),
    "same_rehandled": _(
        "Re-handled with the same answer: the new reply has the class and text of the first."
    ),
}


FLAG_BIT = {kind: 1 << i for i, kind in enumerate(FLAGS)}  # Suggestion.flag_bits, flags_reviewed
FLAGGED_ALWAYS = datetime.date.min  # flagged_after of a flag that does not depend on the day


class FlagReview(models.Model):
    """Staff looked at a consistency flag and wrote what they found."""

    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="flag_reviews"
    )
    kind = models.CharField(_("flag"), max_length=30, choices=list(FLAGS.items()))
    note = models.TextField(_("note"))
    reviewed_on = models.DateField(_("reviewed on"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

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
        Suggestion, on_delete=models.CASCADE, related_name="implementation_ratings"
    )
    promise = models.ForeignKey(
        Reply, on_delete=models.PROTECT, related_name="implementation_ratings"
    )
    deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="+", verbose_name=_("deputy")
    )
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)
    comment_is_public = models.BooleanField(_("comment may be published"), default=False)
    rated_on = models.DateField(_("rated on"))

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

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="bands")
    key = models.BigIntegerField()

    class Meta:
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
        Suggestion, on_delete=models.CASCADE, related_name="similar_links"
    )
    earlier = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="later_links")
    score = models.FloatField(_("similarity"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="found")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("recurring link")
        verbose_name_plural = _("recurring links")
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "earlier"], name="similar_link_once"),
        ]

    def __str__(self):
        return f"{self.suggestion} ~ {self.earlier}"


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

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    group = models.CharField(max_length=10, choices=Group.choices)
    key = models.BigIntegerField(default=0)  # the category, delegation or unit id; 0 in total
    # Suggestions (total, category, delegation): the figures of suggestions.figures.stats.
    suggestions = models.PositiveIntegerField(default=0)
    received = models.PositiveIntegerField(default=0)
    registered = models.PositiveIntegerField(default=0)
    assigned = models.PositiveIntegerField(default=0)
    replied = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    face_to_face = models.PositiveIntegerField(default=0)
    re_handled = models.PositiveIntegerField(default=0)
    class_A = models.PositiveIntegerField(default=0)  # noqa: N815  (named as the figure)
    class_B = models.PositiveIntegerField(default=0)  # noqa: N815
    class_C = models.PositiveIntegerField(default=0)  # noqa: N815
    class_D = models.PositiveIntegerField(default=0)  # noqa: N815
    satisfied = models.PositiveIntegerField(default=0)
    basically_satisfied = models.PositiveIntegerField(default=0)
    dissatisfied = models.PositiveIntegerField(default=0)
    # Handling units: their assignments by role (replied, on_time and satisfaction above count
    # the assignments that owe a reply).
    lead = models.PositiveIntegerField(default=0)
    co = models.PositiveIntegerField(default=0)
    separate = models.PositiveIntegerField(default=0)
    # The accountability loop (categories, whose sum is a session's, and handling units; 0 in
    # the other groups): B/C promises, kept by their date or late (open ones, which depend on
    # today, are `OpenPromise` rows), and the lead deputies' implementation ratings (a unit's:
    # of its own replies).
    promises = models.PositiveIntegerField(default=0)
    promises_kept = models.PositiveIntegerField(default=0)
    promises_late = models.PositiveIntegerField(default=0)
    impl_satisfied = models.PositiveIntegerField(default=0)
    impl_basically_satisfied = models.PositiveIntegerField(default=0)
    impl_dissatisfied = models.PositiveIntegerField(default=0)
    # Categories only: every deputy's ratings, and closed suggestions all of whose current
    # replies are public.
    impl_all_satisfied = models.PositiveIntegerField(default=0)
    impl_all_basically_satisfied = models.PositiveIntegerField(default=0)
    impl_all_dissatisfied = models.PositiveIntegerField(default=0)
    all_satisfied = models.PositiveIntegerField(default=0)
    all_basically_satisfied = models.PositiveIntegerField(default=0)
    all_dissatisfied = models.PositiveIntegerField(default=0)
    closed_published = models.PositiveIntegerField(default=0)

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
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    unit = models.BigIntegerField()  # the handling unit's id, as Tally's key
    days = models.IntegerField()
    replies = models.PositiveIntegerField(default=0)

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

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    unit = models.BigIntegerField()
    due = models.DateField()
    promises = models.PositiveIntegerField(default=0)

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

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    after = models.DateField()
    suggestions = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("summary row of flags to review")
        verbose_name_plural = _("summary rows of flags to review")
        constraints = [
            models.UniqueConstraint(fields=["session", "after"], name="flags_to_review_once"),
        ]

    def __str__(self):
        return f"{self.session_id} {self.after}: {self.suggestions}"
