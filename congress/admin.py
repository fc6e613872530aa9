from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from congress.models import (
    Category,
    Delegation,
    Division,
    HandlingUnit,
    Leader,
    Session,
    Term,
    WorkingCommittee,
)
from congress.viewer import PERSON_RELATIONS, person


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
            .select_related("actor__deputy")
            .prefetch_related(*(f"actor__{rel}" for rel in PERSON_RELATIONS))
        )


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "number", "starts_on", "ends_on"]
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["name", "term", "number", "opens_on", "closes_on"]
    list_filter = ["term"]
    list_select_related = ["term"]


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["name", "division", "order"]
    list_select_related = ["division"]


@admin.register(HandlingUnit)
class HandlingUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "contact_person", "phone", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    filter_horizontal = ["members"]


@admin.register(Leader)
class LeaderAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "title"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(WorkingCommittee)
class WorkingCommitteeAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
