from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Deputy, DutyActivity, LiaisonStation, Problem, Reception


@admin.register(Deputy)
class DeputyAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "delegation", "gender", "party", "occupation", "phone"]
    list_filter = ["level", "delegation", "gender", "is_active"]
    list_select_related = ["delegation"]
    search_fields = ["name", "occupation"]
    raw_id_fields = ["user"]


@admin.register(LiaisonStation)
class LiaisonStationAdmin(admin.ModelAdmin):
    list_display = ["name", "division", "township", "contact_person", "deputy_count"]
    list_filter = ["division"]
    list_select_related = ["division"]
    search_fields = ["name", "township", "address"]
    autocomplete_fields = ["deputies"]
    filter_horizontal = ["keepers"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(deputy_count=Count("deputies"))

    @admin.display(description=_("deputies"), ordering="deputy_count")
    def deputy_count(self, station):
        return station.deputy_count


@admin.register(Reception)
class ReceptionAdmin(admin.ModelAdmin):
    list_display = ["station", "held_on", "people_received"]
    list_filter = ["station__division"]
    list_select_related = ["station"]
    date_hierarchy = "held_on"
    raw_id_fields = ["station", "deputies"]


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    """For data maintenance; the workflow (pass, answer, close) is in the workbench."""

    list_display = ["summary", "station", "raised_on", "status", "handling", "solved", "unit"]
    list_filter = ["status", "handling", "solved", "station__division"]
    list_select_related = ["station", "unit"]
    search_fields = ["summary"]
    date_hierarchy = "raised_on"
    raw_id_fields = ["reception", "station", "suggestion"]
    readonly_fields = ["status", "handling", "solved", "closed_on"]


@admin.register(DutyActivity)
class DutyActivityAdmin(admin.ModelAdmin):
    list_display = ["deputy", "kind", "held_on", "title"]
    list_filter = ["kind"]
    list_select_related = ["deputy"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["deputy"]
