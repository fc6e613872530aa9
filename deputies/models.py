"""People and places: deputies and the liaison stations where they meet the public."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congress.models import Delegation, Division
from congress.tenancy import everywhere, scoped


class Deputy(models.Model):
    """A deputy (人大代表). Contact details and ID data are private: never on a public page."""

    class Level(models.TextChoices):
        COUNTY = "county", _("county deputy")
        MUNICIPAL = "municipal", _("municipal deputy")
        PROVINCIAL = "provincial", _("provincial deputy")
        NATIONAL = "national", _("national deputy")

    class Gender(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    name = models.CharField(_("name"), max_length=50, db_index=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.PROTECT,
        related_name="deputies",
        verbose_name=_("delegation"),
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    party = models.CharField(_("party affiliation"), max_length=50, blank=True)
    occupation = models.CharField(_("occupation"), max_length=200, blank=True)
    # Private: shown to staff and the deputy only.
    phone = models.CharField(_("mobile phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    id_number = models.CharField(_("ID card number"), max_length=18, blank=True)
    # One person may sit in two congresses (a city's and a county's): one login, a seat in each.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputy_seats",
        verbose_name=_("user account"),
    )
    is_active = models.BooleanField(_("serving"), default=True)

    objects = scoped(path="delegation__congress")
    everywhere = everywhere()

    class Meta:
        ordering = ["delegation__order", "name"]
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        constraints = [
            # Import matches deputies by name and delegation; two alike would be a guess.
            models.UniqueConstraint(
                fields=["name", "delegation"], name="deputy_name_unique_in_delegation"
            ),
        ]

    def __str__(self):
        return self.name


class LiaisonStation(models.Model):
    """A deputies' liaison station (代表联络站) in a township or street."""

    name = models.CharField(_("name"), max_length=100)
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="stations",
        verbose_name=_("county-level division"),
    )
    township = models.CharField(_("township or street"), max_length=50, db_index=True)
    address = models.CharField(_("address"), max_length=200)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("station phone"), max_length=30, blank=True)
    reception_days = models.CharField(_("reception days"), max_length=100, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    deputies = models.ManyToManyField(
        Deputy, blank=True, related_name="stations", verbose_name=_("deputies")
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    keepers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="kept_stations",
        verbose_name=_("station keepers"),
        help_text=_("Users who record this station's receptions."),
    )

    class Meta:
        ordering = ["division__order", "township", "name"]
        verbose_name = _("liaison station")
        verbose_name_plural = _("liaison stations")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "name"], name="station_name_unique_in_division"
            ),
        ]

    def __str__(self):
        return self.name


class Reception(models.Model):
    """A reception (接待活动) at a station: deputies attend, members of the public come."""

    station = models.ForeignKey(
        LiaisonStation,
        on_delete=models.PROTECT,
        related_name="receptions",
        verbose_name=_("liaison station"),
    )
    held_on = models.DateField(_("held on"))
    deputies = models.ManyToManyField(
        Deputy, related_name="station_visits", verbose_name=_("deputies who came")
    )
    people_received = models.PositiveIntegerField(_("people received"), default=0)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("reception")
        verbose_name_plural = _("receptions")
        indexes = [
            models.Index(fields=["station", "held_on"], name="reception_station_date"),
            models.Index(fields=["held_on"], name="reception_date"),
        ]

    def __str__(self):
        return f"{self.station} {self.held_on}"


class ProblemQuerySet(models.QuerySet):
    def solved(self):
        return self.filter(status=Problem.Status.CLOSED, solved=True)


class Problem(models.Model):
    """A problem raised by a member of the public (群众反映问题), followed until it is closed.

    The person's name and phone are private: staff, the station's keepers and the unit it was
    passed to see them; no public page or public export does.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        PASSED = "passed", _("passed to a handling unit")
        ANSWERED = "answered", _("answered by the unit")
        IN_SUGGESTION = "in_suggestion", _("taken up in a suggestion")
        CLOSED = "closed", _("closed")

    class Handling(models.TextChoices):
        ON_THE_SPOT = "on_the_spot", _("answered on the spot")
        UNIT = "unit", _("passed to a handling unit")
        SUGGESTION = "suggestion", _("turned into a suggestion")

    reception = models.ForeignKey(
        Reception, on_delete=models.CASCADE, related_name="problems", verbose_name=_("reception")
    )
    station = models.ForeignKey(
        LiaisonStation,
        on_delete=models.PROTECT,
        related_name="problems",
        verbose_name=_("liaison station"),
    )
    raised_on = models.DateField(_("raised on"))
    summary = models.TextField(_("problem"))
    category = models.ForeignKey(
        "congress.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("category"),
    )
    person_name = models.CharField(_("raised by (private)"), max_length=50, blank=True)
    person_phone = models.CharField(_("their phone (private)"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    handling = models.CharField(
        _("handled by"), max_length=20, choices=Handling.choices, blank=True
    )
    unit = models.ForeignKey(
        "congress.HandlingUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("handling unit"),
    )
    passed_on = models.DateField(_("passed on"), null=True, blank=True)
    unit_answer = models.TextField(_("the unit's answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    outcome = models.TextField(_("how it was solved"), blank=True)
    solved = models.BooleanField(_("solved"), default=False)
    person_told = models.BooleanField(_("the person was told the outcome"), default=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = _("problem raised by the public")
        verbose_name_plural = _("problems raised by the public")
        indexes = [
            models.Index(fields=["station", "status"], name="problem_station_status"),
            models.Index(fields=["unit", "status"], name="problem_unit_status"),
            models.Index(fields=["closed_on"], name="problem_closed_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_on__isnull=False),
                name="problem_closed_has_a_date",
            ),
        ]

    def __str__(self):
        return self.summary[:40]

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED

    @property
    def suggestion(self):
        """The suggestion that took the problem up, if any (the link is held by suggestions;
        select_related("suggestion_link__suggestion") reads it in the same query)."""
        link = getattr(self, "suggestion_link", None)  # None: no link (reverse one-to-one)
        return link.suggestion if link else None


class ProblemEvent(models.Model):
    """One line of a problem's history, written by `deputies.services`. Append-only."""

    class Action(models.TextChoices):
        RAISED = "raised", _("raised at a reception")
        ANSWERED_ON_THE_SPOT = "on_the_spot", _("answered on the spot")
        PASSED = "passed", _("passed to a handling unit")
        UNIT_ANSWERED = "unit_answered", _("answered by the unit")
        TAKEN_UP = "taken_up", _("taken up in a suggestion")
        CLOSED = "closed", _("closed")
        EDITED = "edited", _("details edited")

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="events", verbose_name=_("problem")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(
        _("from"), max_length=20, choices=Problem.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Problem.Status.choices, blank=True)
    occurred_on = models.DateField(_("date"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["occurred_on", "id"]
        verbose_name = _("problem history event")
        verbose_name_plural = _("problem history")

    def __str__(self):
        return f"{self.occurred_on} {self.get_action_display()}"


class DutyActivity(models.Model):
    """A deputy's duty outside the system (列席, 调研视察, 培训...), recorded by staff."""

    class Kind(models.TextChoices):
        SIT_IN = "sit_in", _("sat in on a standing committee meeting")
        RESEARCH = "research", _("research or inspection")
        TRAINING = "training", _("training")
        OTHER = "other", _("other duty")

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="activities", verbose_name=_("deputy")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("note"), blank=True)

    objects = scoped(path="deputy__delegation__congress")
    everywhere = everywhere()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("duty activity")
        verbose_name_plural = _("duty activities")
        indexes = [models.Index(fields=["kind", "held_on"], name="activity_kind_date")]

    def __str__(self):
        return f"{self.deputy} {self.title}"
