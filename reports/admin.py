from django.contrib import admin

from congress.admin import TracedAdmin
from reports.models import CommitteeWork, Report, StudyMaterial, SupportPayment, TrainingCourse


@admin.register(SupportPayment)
class SupportPaymentAdmin(TracedAdmin):
    list_display = ["paid_on", "deputy", "kind", "amount", "purpose", "budget_line"]
    list_filter = ["kind", "paid_on"]
    list_select_related = ["deputy"]
    search_fields = ["deputy__name", "purpose", "budget_line"]
    raw_id_fields = ["deputy"]
    date_hierarchy = "paid_on"
    readonly_fields = ["recorded_by", "recorded_at"]


@admin.register(TrainingCourse)
class TrainingCourseAdmin(TracedAdmin):
    list_display = ["title", "starts_on", "ends_on", "place"]
    raw_id_fields = ["attendees"]


@admin.register(StudyMaterial)
class StudyMaterialAdmin(TracedAdmin):
    list_display = ["title", "sent_on"]
    raw_id_fields = ["recipients"]


@admin.register(CommitteeWork)
class CommitteeWorkAdmin(TracedAdmin):
    list_display = ["title", "kind", "year"]
    list_filter = ["kind", "year"]
    raw_id_fields = ["suggestions"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Kept reports; they are generated and edited at /reports/, where the figures are computed."""

    list_display = ["title", "session", "year", "generated_at", "generated_by"]
    list_select_related = ["session", "generated_by"]
    readonly_fields = ["session", "year", "generated_at", "generated_by", "edited_at", "edited_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the narrative is edited on the report's page, which records who edited
