"""What happened to a suggestion (its events) and what needs a user's attention."""

from django.conf import settings
from django.db import models
from django.db.models import (
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
from suggestions.models.suggestion import Suggestion


class Event(models.Model):
    """One line of a suggestion's history. Append-only: nothing updates or deletes it."""

    class Action(models.TextChoices):
        ENTERED = "entered", _("entered")
        SUBMITTED = "submitted", _("submitted")
        REGISTERED = "registered", _("registered")
        NOT_REGISTERED = "not_registered", _("not registered")
        MERGED = "merged", _("merged")
        TRANSFERRED = "transferred", _("transferred to another congress")
        RECEIVED = "received", _("received by transfer from another congress")
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
        SESSION_CONCLUDED = "session_concluded", _("closed with its concluded session")
        REOPENED = "reopened", _("reopened after its session was concluded")

    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="events", verbose_name=_("suggestion")
    )
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

    objects = scoped(path="suggestion__session__congress")
    everywhere = everywhere()

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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    suggestion = models.ForeignKey(
        Suggestion,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suggestion"),
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
