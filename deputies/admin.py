from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Deputy, LiaisonStation


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

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(deputy_count=Count("deputies"))

    @admin.display(description=_("deputies"), ordering="deputy_count")
    def deputy_count(self, station):
        return station.deputy_count
