"""The congress's own structure: terms, sessions, divisions, delegations, units, leaders."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.tenancy import default_congress_id, everywhere, known_congresses, scoped


class CongressQuerySet(models.QuerySet):
    def default(self):
        """The installation's own congress (the city): the site at `/`, what rows written
        without a congress belong to. Read from a per-process copy (every request asks)."""
        return known_congresses().get(None) or self.get(is_default=True)

    def below(self, congress):
        """The congresses one level below `congress` (a city's counties)."""
        return self.filter(parent=congress).order_by("order", "pk")


class Congress(models.Model):
    """A people's congress (人民代表大会) and its standing committee: a province, a city or a
    county. Each has its own sessions, deputies, units, staff and rule profile; they form a tree.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("city")
        COUNTY = "county", _("county")

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30)
    slug = models.SlugField(
        _("site address"),
        max_length=40,
        unique=True,
        help_text=_("Its public site is at /c/<address>/ (the default congress's at /)."),
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("congress above"),
    )
    # A county's own division of the city above it: its stations are the county's too.
    division = models.ForeignKey(
        "Division",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="congresses",
        verbose_name=_("county-level division"),
    )
    is_default = models.BooleanField(_("default congress"), default=False, editable=False)
    # The rule profile: what this congress's own rules (办法) set differently from the
    # installation's (settings.SUGGESTION_RULES), e.g. {"REPLY_MONTHS": 2}.
    rules = models.JSONField(_("rule profile"), default=dict, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="staffed_congresses",
        verbose_name=_("staff (代表工委)"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CongressQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("congress")
        verbose_name_plural = _("congresses")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_congress",
            ),
        ]

    def __str__(self):
        return self.name

    def rule(self, name):
        """One value of this congress's rule profile."""
        return self.rules.get(name, settings.SUGGESTION_RULES[name])


def congress_field(related_name):
    return models.ForeignKey(
        Congress,
        on_delete=models.PROTECT,
        default=default_congress_id,
        editable=False,  # a row stays in the congress it was made in
        related_name=related_name,
        verbose_name=_("congress"),
    )


class Term(models.Model):
    """A term (届) of a people's congress, e.g. the city's 3rd."""

    congress = congress_field("terms")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    objects = scoped()
    everywhere = everywhere()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "number"], name="term_number_unique_in_congress"
            ),
        ]

    def __str__(self):
        return self.name


class SessionQuerySet(models.QuerySet):
    def current(self):
        """The session that opened most recently, by the congress's own calendar."""
        return self.filter(opens_on__lte=timezone.localdate()).order_by("-opens_on").first()

    def concluded(self):
        return self.filter(concluded_on__isnull=False)


class Session(models.Model):
    """A session (次会议) of a term; suggestions are numbered within it."""

    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("term")
    )
    # The term's congress, kept on the session too: every suggestion finds its congress
    # through its session in one join.
    congress = models.ForeignKey(
        Congress,
        on_delete=models.PROTECT,
        related_name="sessions",
        editable=False,
        verbose_name=_("congress"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    # Concluded (办结): its handling is over and it is history, not work. Its closed
    # suggestions leave every queue, reminder and flag; set only by
    # `suggestions.services.conclude_session` (or an import into a session concluded so).
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True, editable=False)

    objects = scoped(SessionQuerySet)
    everywhere = everywhere(SessionQuerySet)

    class Meta:
        ordering = ["-opens_on"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["term", "number"], name="session_number_unique_in_term"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="session_closes_after_it_opens",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.congress_id = self.term.congress_id
        super().save(*args, **kwargs)

    @property
    def is_concluded(self):
        return self.concluded_on is not None


class Division(models.Model):
    """A county-level division (区/市/县) of the city; it sends a delegation and hosts stations."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("county-level division")
        verbose_name_plural = _("county-level divisions")

    def __str__(self):
        return self.name


class Delegation(models.Model):
    """A delegation (代表团) to the congress, usually one per division."""

    congress = congress_field("delegations")
    name = models.CharField(_("name"), max_length=50)
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations",
        verbose_name=_("division"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = scoped()
    everywhere = everywhere()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "name"], name="delegation_name_unique_in_congress"
            ),
        ]

    def __str__(self):
        return self.name


class HandlingUnit(models.Model):
    """A body that handles suggestions (承办单位): a department, the court, the procuratorate."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("government department")
        COURT = "court", _("court")
        PROCURATORATE = "procuratorate", _("procuratorate")
        OTHER = "other", _("other body")

    congress = congress_field("units")
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GOVERNMENT)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("office phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="handling_units",
        verbose_name=_("user accounts"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = scoped()
    everywhere = everywhere()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "name"], name="unit_name_unique_in_congress"
            ),
        ]

    def __str__(self):
        return self.name


class Leader(models.Model):
    """Who leads supervision: a standing committee leader, or a vice mayor in charge."""

    class Kind(models.TextChoices):
        STANDING_COMMITTEE = "standing_committee", _("standing committee leader")
        VICE_MAYOR = "vice_mayor", _("vice mayor")

    congress = congress_field("leaders")
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=100, blank=True)

    objects = scoped()
    everywhere = everywhere()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("leader")
        verbose_name_plural = _("leaders")

    def __str__(self):
        return f"{self.name}（{self.title}）" if self.title else self.name


class WorkingCommittee(models.Model):
    """A working committee (工委) of the standing committee that tracks key suggestions."""

    congress = congress_field("committees")
    name = models.CharField(_("name"), max_length=100)

    objects = scoped()
    everywhere = everywhere()

    class Meta:
        ordering = ["name"]
        verbose_name = _("working committee")
        verbose_name_plural = _("working committees")
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "name"], name="committee_name_unique_in_congress"
            ),
        ]

    def __str__(self):
        return self.name


class Category(models.Model):
    """A subject area (城乡建设, 教育...) that suggestions and problems raised by the public share.

    It lives on the congress floor so that neither app depends on the other for it; the table
    keeps its first name (it began in `suggestions`).
    """

    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        db_table = "suggestions_category"
        ordering = ["order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name


class Job(models.Model):
    """Work done in the background for someone: an import, a large export.

    The worker (Huey) runs it; the owner follows it on its page. While it runs its progress
    lives in the queue's storage (`congress.jobs.progress_of`), since an import writes every
    row in one transaction that other connections cannot see into; the row gets the final
    figures. A result file is served only through the job's own download view."""

    class Kind(models.TextChoices):
        IMPORT = "import", _("import of suggestions")
        EXPORT = "export", _("export of suggestions")

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    FINISHED = (State.DONE, State.FAILED)

    # The congress it works for: the worker makes it active, as the request that queued it had.
    congress = congress_field("jobs")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jobs",
        verbose_name=_("started by"),
    )
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default="queued")
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    # On failure the reason, in the owner's language; when done, what the job did.
    message = models.TextField(_("message"), blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    result = models.FileField(_("result"), upload_to="jobs/%Y/%m/", blank=True, max_length=200)
    result_name = models.CharField(_("result file name"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = scoped()
    everywhere = everywhere()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_recent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["queued", "running", "done", "failed"]),
                name="job_state_valid",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_finished(self):
        return self.state in self.FINISHED

    def may_be_seen_by(self, user):
        """The owner and its congress's staff; nobody else learns the job exists."""
        from congress.roles import is_congress_staff

        return user.is_authenticated and (
            user.pk == self.owner_id or is_congress_staff(user, self.congress)
        )


class HistoryEntry(models.Model):
    """One line of a record's history: who, when, what, and each field's value before → after.

    Written only by `congress.history.log_action`, the one writer of every history. Records with
    a timeline of their own (a suggestion's events, a problem's) are written there by the same
    function; every other record a staff member can change — support payments, courses, study
    materials, committee work items, reports, reference data — keeps its history here, and so
    does every deleted record: its last values stay after it is gone.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")
        DELETED = "deleted", _("deleted")
        LINKED = "linked", _("linked")

    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("type of record"),
    )
    object_id = models.CharField(_("record"), max_length=64)
    object_repr = models.CharField(_("record as it was named"), max_length=200)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    changes = models.JSONField(_("before → after"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    # The congress whose staff see the line (none: written outside any congress's work).
    congress = models.ForeignKey(
        Congress,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("congress"),
    )

    objects = scoped()
    everywhere = everywhere()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history of records")
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="history_of_record"),
        ]

    def __str__(self):
        return f"{self.object_repr} · {self.get_action_display()}"
