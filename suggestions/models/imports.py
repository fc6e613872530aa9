"""What the import remembers: aliases of names and each sheet's column mapping."""

from django.db import models
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

    headers_key = models.CharField(_("column headers key"), max_length=64, unique=True)
    headers = models.JSONField(_("headers"))
    mapping = models.JSONField(_("columns"))  # one field key (or "") per header cell
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("remembered column mapping")
        verbose_name_plural = _("remembered column mappings")

    def __str__(self):
        return " | ".join(h for h in self.headers if h)[:100]
