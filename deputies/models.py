"""People and places: deputies and the liaison stations where they meet the public."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congress.models import Delegation, Division


class Deputy(models.Model):
    """A deputy (人大代表). Contact details and ID data are private: never on a public page."""

    class Level(models.TextChoices):
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
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputy",
        verbose_name=_("user account"),
    )
    is_active = models.BooleanField(_("serving"), default=True)

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
