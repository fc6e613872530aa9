from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.db import models
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from congress.history import PRIVATE, _plain, log_action
from congress.models import (
    Category,
    Congress,
    Delegation,
    Division,
    HandlingUnit,
    HistoryEntry,
    Leader,
    Session,
    Term,
    WorkingCommittee,
)
from congress.roles import is_congress_staff
from congress.tenancy import keep_to_congress
from congress.viewer import PERSON_RELATIONS, person

admin.site.site_header = _("Deputies' Suggestions — back office")
admin.site.site_title = _("Deputies' Suggestions — back office")
admin.site.index_title = _("Back office")

YES_NO_UNKNOWN = {True: ("yes", _("Yes")), False: ("no", _("No")), None: ("unknown", _("Unknown"))}


def _boolean_icon(value):
    """Django's yes / no / unknown icon, with its alt text translated: Django writes "True",
    "False" or "None" there, what a screen reader reads out on every Chinese list. The admin's
    lists and read-only fields import the function at each call, so this one serves them all."""
    icon, alt = YES_NO_UNKNOWN[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), alt)


admin_list._boolean_icon = _boolean_icon


class ShowsActorAsPerson:
    """History rows name who acted by name and role, never by login name (admin lists and
    inlines): `actor_shown` in place of `actor`, with what person() reads fetched at once."""

    @admin.display(description=_("by"))
    def actor_shown(self, event):
        return person(event.actor)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("actor")
            .prefetch_related(*(f"actor__{rel}" for rel in PERSON_RELATIONS))
        )


class TracedAdmin(admin.ModelAdmin):
    """A record edited in the back office keeps who changed which field, from what to what.

    Deletions leave their trace from any entry point (`congress.history.trace_deletion`)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        fields = [f for f in form.changed_data if f in form.cleaned_data]
        changes = {
            f: [_plain(form.initial.get(f)) if change else None, _plain(form.cleaned_data[f])]
            for f in fields
        }
        for f in PRIVATE & set(changes):
            changes[f] = ["—", "—"]  # named as changed, its values not kept
        if changes or not change:
            action = HistoryEntry.Action.CHANGED if change else HistoryEntry.Action.CREATED
            log_action(obj, action, by=request.user, changes=changes)


@admin.register(Congress)
class CongressAdmin(TracedAdmin):
    """The congresses of the installation. Operators (superusers) add and change them (or with
    `manage.py add_congress`); a congress's staff see their own and those below it."""

    list_display = ["name", "short_name", "level", "parent", "slug"]
    list_filter = ["level"]
    search_fields = ["name", "short_name", "slug"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["staff"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        here = request.congress
        return queryset.filter(models.Q(pk=here.pk) | models.Q(parent=here.pk))

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(HistoryEntry)
class HistoryEntryAdmin(admin.ModelAdmin):
    """Every record's history, read-only: nobody edits or deletes a history line."""

    list_display = ["at", "content_type", "object_repr", "action", "actor"]
    list_filter = ["action", "content_type"]
    list_select_related = ["content_type", "actor"]
    search_fields = ["object_repr", "note"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Term)
class TermAdmin(TracedAdmin):
    list_display = ["name", "number", "starts_on", "ends_on"]
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(TracedAdmin):
    list_display = ["name", "term", "number", "opens_on", "closes_on"]
    list_filter = ["term"]
    list_select_related = ["term"]


@admin.register(Division)
class DivisionAdmin(TracedAdmin):
    list_display = ["name", "order"]


@admin.register(Delegation)
class DelegationAdmin(TracedAdmin):
    list_display = ["name", "division", "order"]
    list_select_related = ["division"]


@admin.register(HandlingUnit)
class HandlingUnitAdmin(TracedAdmin):
    list_display = ["name", "kind", "contact_person", "phone", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    filter_horizontal = ["members"]


@admin.register(Leader)
class LeaderAdmin(TracedAdmin):
    list_display = ["name", "kind", "title"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(WorkingCommittee)
class WorkingCommitteeAdmin(TracedAdmin):
    search_fields = ["name"]


@admin.register(Category)
class CategoryAdmin(TracedAdmin):
    list_display = ["name", "order"]


def keep_to_congress_admin(site):
    """The back office is a congress's own: at /c/<slug>/admin/ its staff (and superusers) see
    its rows only; every registered list keeps to the congress (`tenancy.keep_to_congress`),
    scoped managers or not. Called once every app has registered its admin."""
    for model_admin in site._registry.values():
        own = type(model_admin).get_queryset
        model_admin.get_queryset = _kept(own, model_admin)
    site.has_permission = _staff_of_this_congress


def _kept(own, model_admin):
    def get_queryset(request):
        return keep_to_congress(own(model_admin, request))

    return get_queryset


def _staff_of_this_congress(request):
    user = request.user
    return user.is_active and user.is_staff and is_congress_staff(user)
