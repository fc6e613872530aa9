from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from congress.admin import ShowsActorAsPerson, TracedAdmin
from deputies import services
from deputies.models import Deputy, DutyActivity, LiaisonStation, Problem, ProblemEvent, Reception


@admin.register(Deputy)
class DeputyAdmin(TracedAdmin):
    list_display = ["name", "level", "delegation", "gender", "party", "occupation", "phone"]
    list_filter = ["level", "delegation", "gender", "is_active"]
    list_select_related = ["delegation"]
    search_fields = ["name", "occupation"]
    raw_id_fields = ["user"]


@admin.register(LiaisonStation)
class LiaisonStationAdmin(TracedAdmin):
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
class ReceptionAdmin(TracedAdmin):
    list_display = ["station", "held_on", "people_received"]
    list_filter = ["station__division"]
    list_select_related = ["station"]
    date_hierarchy = "held_on"
    raw_id_fields = ["station", "deputies"]

    def get_deleted_objects(self, objs, request):
        """A reception whose problems are on record is not deleted: its problems are listed as
        protected, so the delete page (one or many) refuses and says why."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for problem in Problem.objects.filter(reception__in=list(objs)).select_related("station"):
            protected.append(
                _("%(problem)s (a problem raised at this reception, with its own history)")
                % {"problem": problem}
            )
        return deleted, counts, perms_needed, protected


class ProblemEventInline(ShowsActorAsPerson, admin.TabularInline):
    model = ProblemEvent
    extra = 0
    can_delete = False
    fields = ["occurred_on", "action", "from_status", "to_status", "actor_shown", "note"]
    readonly_fields = fields
    verbose_name_plural = _("history (cannot be edited)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    """For correcting details; the workflow (pass, answer, close) is in the workbench. Every
    edit goes through `services.update_problem`, which writes the problem's history."""

    list_display = ["summary", "station", "raised_on", "status", "handling", "solved", "unit"]
    list_filter = ["status", "handling", "solved", "station__division"]
    list_select_related = ["station", "unit"]
    search_fields = ["summary"]
    date_hierarchy = "raised_on"
    inlines = [ProblemEventInline]
    fields = [
        *services.PROBLEM_EDITABLE,
        "reception",
        "station",
        "status",
        "handling",
        "unit",
        "passed_on",
        "unit_answer",
        "answered_on",
        "taken_up_in",
        "outcome",
        "solved",
        "person_told",
        "closed_on",
    ]

    def get_readonly_fields(self, request, obj=None):
        return [f for f in self.fields if f not in services.PROBLEM_EDITABLE]

    @admin.display(description=_("suggestion"))
    def taken_up_in(self, problem):
        # A property read as a field would show "None" for a problem no suggestion took up.
        return problem.suggestion or self.get_empty_value_display()

    def has_add_permission(self, request):
        return False  # problems are raised at receptions

    def has_delete_permission(self, request, obj=None):
        return False  # the station figures count them

    def save_model(self, request, obj, form, change):
        changes = {f: form.cleaned_data[f] for f in form.changed_data}
        services.update_problem(problem=obj, changes=changes, by=request.user)


@admin.register(DutyActivity)
class DutyActivityAdmin(TracedAdmin):
    """Duty activities are counted in the station figures and the yearly report, so none is
    deleted here (a record entered by mistake is corrected in place)."""

    list_display = ["deputy", "kind", "held_on", "title"]
    list_filter = ["kind"]
    list_select_related = ["deputy"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["deputy"]

    def has_delete_permission(self, request, obj=None):
        return False
