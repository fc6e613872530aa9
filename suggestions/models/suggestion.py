"""A deputy's suggestion, its co-signers and its link to a station's problem.

Writes go through `suggestions.services`; the models here only answer questions. A few facts are
kept on the suggestion itself (due date, reply class, satisfaction, ...) so that lists and
statistics over a million rows are one indexed query instead of a join per row; the services keep
them in step with the rows they summarise."""

import difflib
import functools
import operator

from django.apps import apps
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
from congress.tenancy import everywhere, scoped
from deputies.models import Deputy
from suggestions.rules import (
    FLAG_BIT,
    FLAGS,
    ReplyClass,
    Satisfaction,
    at_rest,
    days_until,
    due_soon_days,
    due_soon_until,
    promise_past_its_date,
    promise_tracked,
)


def _row(name):
    """A model of the rows that hang off a suggestion (assignments, replies, events …), looked
    up when a query runs: their modules name `Suggestion` in their foreign keys, so this one
    does not import them back."""
    return apps.get_model("suggestions", name)


def _flag_rules():
    """({kind: condition} of the flags that do not depend on the day, {kind: reviewed}, the
    suggestion's open promises): the parts `with_flags` and `with_flag_columns` share."""
    current = _row("Reply").objects.current().filter(suggestion=OuterRef("pk"))
    first = _row("Reply").objects.filter(
        assignment=OuterRef("assignment"),
        kind=_row("Reply").Kind.REPLY,
        round=1,
        reply_class=OuterRef("reply_class"),
        text=OuterRef("text"),
    )
    rules = {
        "a_dissatisfied": Q(reply_class=ReplyClass.A, satisfaction=Satisfaction.DISSATISFIED),
        "on_time_no_contact": Q(replied_on_time=True)
        & ~Exists(_row("Contact").objects.filter(assignment__suggestion=OuterRef("pk"))),
        "key_class_d": Q(is_key=True, reply_class=ReplyClass.D),
        "same_rehandled": Exists(
            current.filter(round=2, kind=_row("Reply").Kind.REPLY).filter(Exists(first))
        ),
    }
    reviewed = {
        kind: Exists(_row("FlagReview").objects.filter(suggestion=OuterRef("pk"), kind=kind))
        for kind in FLAGS
    }
    # A suggestion at rest (closed, its session concluded) is history: it carries no flag.
    live = ~at_rest()
    rules = {kind: live & condition for kind, condition in rules.items()}
    open_promises = current.filter(promise_tracked(), promised_by__isnull=False)
    return rules, reviewed, open_promises


def awaits_publication():
    """Closed, with a current reply not yet public: what staff still have to publish (and what
    keeps a closed suggestion out of the publication rate). The one definition."""
    unpublished = (
        _row("Reply").objects.current().filter(suggestion=OuterRef("pk"), is_published=False)
    )
    return Q(status=Suggestion.Status.CLOSED) & Q(Exists(unpublished))


# What a row of a queue shows to name a suggestion: 第12号 关于…的建议, and its session.
NAMING = ("number", "title", "session__name")


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
        return self.in_handling().filter(due_on__gte=today, due_on__lte=due_soon_until(today))

    def for_unit(self, unit):
        # A unit holds at most one assignment per suggestion, so the join adds no duplicates.
        return self.filter(assignments__unit=unit)

    def key(self):
        return self.filter(is_key=True)

    def public(self):
        """What the public may see: suggestions accepted for handling (not drafts or refusals)."""
        return self.registered()

    def as_queue_rows(self, *shown):
        """Only what a queue's row shows: the suggestion's name (`NAMING`) and the columns
        `shown`. A whole row is some 30 columns, kilobytes of text among them, and an object
        for each related row read; staff's page lists 300 rows."""
        return self.select_related("session").only(*NAMING, *shown)

    def with_lead_unit(self):
        lead = _row("Assignment").objects.filter(
            suggestion=OuterRef("pk"), role=_row("Assignment").Role.LEAD
        )
        return self.annotate(lead_unit_name=Subquery(lead.values("unit__name")[:1]))

    def with_rating_state(self, deputy):
        """Annotate awaits_my_rating: this deputy may rate the current reply now. The same rule
        as `services.checks.check_evaluate`, in SQL: the lead deputy rates a replied suggestion;
        a confirmed co-signer may add a rating after the lead's too; nobody rates a round twice.
        `deputy` may be a list: one person's seats in several congresses."""
        deputies = _deputies(deputy)
        rated = _row("Evaluation").objects.filter(
            suggestion=OuterRef("pk"), deputy__in=deputies, round=OuterRef("rating_round")
        )
        confirmed = CoSigner.objects.filter(
            suggestion=OuterRef("pk"), deputy__in=deputies, confirmed_on__isnull=False
        )
        Status = Suggestion.Status
        may_rate = Q(lead_deputy__in=deputies, status=Status.REPLIED) | (
            Q(Exists(confirmed)) & Q(status__in=[Status.REPLIED, Status.EVALUATED])
        )
        return self.annotate(
            rating_round=Case(When(was_re_handled=True, then=2), default=1)
        ).annotate(
            awaits_my_rating=ExpressionWrapper(
                may_rate & ~Q(Exists(rated)), output_field=models.BooleanField()
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
                models.Prefetch("assignments", _row("Assignment").objects.select_related("unit")),
                models.Prefetch(
                    "replies",
                    _row("Reply").objects.published().select_related("assignment__unit"),
                    to_attr="published_replies",
                ),
                models.Prefetch("evaluations", _row("Evaluation").objects.select_related("deputy")),
                models.Prefetch(
                    "events", _row("Event").objects.filter(is_public=True), to_attr="timeline"
                ),
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
        rules["promise_overdue"] = Exists(open_promises.filter(promise_past_its_date(today)))
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
            # At rest, a reply never published is history too, not staff's work.
            closed_unpublished=Case(
                When(awaits_publication() & ~at_rest(), then=F("closed_on")),
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
        """Suggestions the deputy (or any of a list of seats) leads or was asked to co-sign."""
        deputies = _deputies(deputy)
        signed = CoSigner.objects.filter(deputy__in=deputies).values("suggestion")
        return self.filter(Q(lead_deputy__in=deputies) | Q(pk__in=signed))

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


def _deputies(deputy):
    """A deputy, or a person's seats, as a list of deputies."""
    return list(deputy) if isinstance(deputy, list | tuple | set) else [deputy]


def _title_core(title):
    core = title.strip().removeprefix("关于").removesuffix("的建议").removesuffix("建议")
    return core.strip()


class Suggestion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        NOT_REGISTERED = "not_registered", _("not registered")
        MERGED = "merged", _("merged into another")
        TRANSFERRED = "transferred", _("transferred to another congress")
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
    NOT_PUBLIC = [
        Status.DRAFT,
        Status.SUBMITTED,
        Status.NOT_REGISTERED,
        Status.MERGED,
        Status.TRANSFERRED,
    ]
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
    # Passed on (转交) to the congress above or below, whose government the matter belongs to:
    # the suggestion it became there, in that congress's session (a row of another congress).
    transferred_to = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transferred_from",
        verbose_name=_("transferred to"),
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
    flag_bits = models.PositiveSmallIntegerField(
        _("consistency flags"), default=0, db_default=0, editable=False
    )
    flags_reviewed = models.PositiveSmallIntegerField(
        _("consistency flags reviewed"), default=0, db_default=0, editable=False
    )
    promise_due = models.DateField(
        _("earliest open promise due"), null=True, blank=True, editable=False
    )
    # The day after which the suggestion carries a flag (any, or one nobody reviewed):
    # FLAGGED_ALWAYS for a flag that does not depend on the day, promise_due for an open
    # promise, null for none. `flagged(today)` is `… < today`; staff's queue counts them from
    # `FlagsToReview` and reads a session's in the (session, number) index of the flagged.
    flagged_after = models.DateField(_("flagged after"), null=True, blank=True, editable=False)
    to_review_after = models.DateField(
        _("flag to review after"), null=True, blank=True, editable=False
    )
    # The day it closed, while a current reply is not yet public (`awaits_publication`), else
    # null: staff's publication queue reads it, oldest first. Kept with the flag columns.
    awaits_publication_since = models.DateField(
        _("reply to publish since"), null=True, blank=True, editable=False
    )

    objects = scoped(SuggestionQuerySet, path="session__congress")
    everywhere = everywhere(SuggestionQuerySet)

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
            # A delegation's summary rows are recounted from its suggestions of the session
            # (the delegation's own index reads its 77,000 of every session at a million).
            models.Index(fields=["session", "delegation"], name="suggestion_session_delegation"),
            # The public list and API filtered over all sessions by category, then delegation
            # and status: one index range, not a bitmap AND of two 80,000-row indexes.
            models.Index(
                fields=["category", "delegation", "status"], name="suggestion_category_filters"
            ),
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
        "deputies.Problem",
        on_delete=models.CASCADE,
        related_name="suggestion_link",
        verbose_name=_("problem"),
    )
    suggestion = models.ForeignKey(
        Suggestion,
        on_delete=models.CASCADE,
        related_name="problem_links",
        verbose_name=_("suggestion"),
    )

    objects = scoped(path="suggestion__session__congress")
    everywhere = everywhere()

    class Meta:
        verbose_name = _("problem taken up")
        verbose_name_plural = _("problems taken up")

    def __str__(self):
        return f"{self.problem} → {self.suggestion}"


class CoSigner(models.Model):
    """A deputy who co-signs (附议) a suggestion; counts once confirmed."""

    suggestion = models.ForeignKey(
        Suggestion,
        on_delete=models.CASCADE,
        related_name="signatures",
        verbose_name=_("suggestion"),
    )
    deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("deputy")
    )
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)

    objects = scoped(path="suggestion__session__congress")
    everywhere = everywhere()

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
