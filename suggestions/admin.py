"""The back office for congress staff. Every workflow change goes through `services`."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.admin import ShowsActorAsPerson
from congress.forms import is_id
from congress.models import HandlingUnit
from suggestions import services, session_admin  # noqa: F401  (sessions, concluded here)
from suggestions.attachments import validate_attachment
from suggestions.figures.summaries import change_set
from suggestions.forms import (
    AssignForm,
    DecisionForm,
    MarkKeyForm,
    PublishForm,
    RefuseForm,
    ServiceModelForm,
)
from suggestions.models import (
    Assignment,
    CoSigner,
    Evaluation,
    Event,
    ExtensionRequest,
    FlagReview,
    ImplementationRating,
    ImportAlias,
    ImportMapping,
    KeySupervision,
    Notification,
    Reply,
    ReturnRequest,
    SearchSynonym,
    SimilarLink,
    SpecialReport,
    Suggestion,
    SupervisionMeeting,
    WorkflowError,
)


def run_for_each(modeladmin, request, objects, call, done_message):
    """Apply one service call per object; report what worked and each refusal with its reason."""
    done = 0
    for obj in objects:
        try:
            call(obj)
            done += 1
        except WorkflowError as error:
            modeladmin.message_user(request, f"{obj}：{error}", messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, messages.SUCCESS)


def action_with_form(modeladmin, request, queryset, form_class, title, apply):
    """An admin action that first asks for its details on an intermediate page."""
    if "apply" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            apply(form.cleaned_data)
            return None
    else:
        form = form_class()
    return TemplateResponse(
        request,
        "admin/action_form.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "objects": queryset,
            "action": request.POST.get("action"),
            "opts": modeladmin.model._meta,
        },
    )


class CoSignerFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.forms:
            deputy = form.cleaned_data.get("deputy") if hasattr(form, "cleaned_data") else None
            if deputy and self.instance.lead_deputy_id:
                try:
                    services.check_co_signers(self.instance.lead_deputy, [deputy])
                except WorkflowError as error:
                    form.add_error("deputy", str(error))


class CoSignerInline(admin.TabularInline):
    model = CoSigner
    formset = CoSignerFormSet
    extra = 0
    autocomplete_fields = ["deputy"]
    readonly_fields = ["confirmed_on"]  # staff enter signatures received on paper: confirmed


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ["unit", "role", "assigned_on", "due_on", "responsible_person", "replied_on"]
    readonly_fields = fields


class ReplyInline(ReadOnlyInline):
    model = Reply
    fk_name = "suggestion"
    fields = ["assignment", "kind", "reply_class", "replied_on", "signed_by", "is_published"]
    readonly_fields = fields


class EvaluationInline(ReadOnlyInline):
    model = Evaluation
    fields = ["deputy", "round", "satisfaction", "contacted", "comment", "evaluated_on"]
    readonly_fields = fields


class EventInline(ShowsActorAsPerson, ReadOnlyInline):
    model = Event
    show_change_link = False
    fields = [
        "occurred_on",
        "action",
        "from_status",
        "to_status",
        "actor_shown",
        "note",
        "is_public",
    ]
    readonly_fields = fields
    verbose_name_plural = _("history (cannot be edited)")


class SuggestionChangeForm(forms.ModelForm):
    """The admin's edit form: the edit itself is `services.update_suggestion`, run on save."""

    change_reason = forms.CharField(
        label=_("Reason for the change"),
        help_text=_("Required to correct a closed suggestion; written in its history."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def edited(self):
        return {f: self.cleaned_data[f] for f in self.changed_data if f in services.EDITABLE_FIELDS}

    def clean(self):
        data = super().clean()
        if self.instance.pk and not self.errors:
            try:
                services.check_update_suggestion(
                    self.instance, self.edited(), data.get("change_reason", "")
                )
            except WorkflowError as error:
                raise ValidationError(str(error)) from error
        return data


class UnitFilter(admin.SimpleListFilter):
    title = _("handling unit")
    parameter_name = "unit"

    def lookups(self, request, model_admin):
        return HandlingUnit.objects.values_list("pk", "name")

    def queryset(self, request, queryset):
        if is_id(self.value()):
            return queryset.filter(assignments__unit_id=self.value())
        return queryset


class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", _("overdue")), ("due_soon", _("due soon"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() == "due_soon":
            return queryset.due_soon()
        return queryset


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "title",
        "session",
        "lead_deputy",
        "category",
        "status",
        "lead_unit",
        "due_on",
        "overdue",
        "reply_class",
        "satisfaction",
        "is_key",
    ]
    list_display_links = ["number", "title"]
    list_filter = [
        "session",
        "status",
        DeadlineFilter,
        "category",
        UnitFilter,
        "delegation",
        "is_key",
        "reply_class",
        "satisfaction",
        "period",
    ]
    list_select_related = ["session", "lead_deputy", "category"]
    search_fields = ["=number", "title", "lead_deputy__name"]
    autocomplete_fields = ["lead_deputy"]
    inlines = [
        CoSignerInline,
        AssignmentInline,
        ReplyInline,
        EvaluationInline,
        EventInline,
    ]
    actions = [
        "register_selected",
        "refuse_selected",
        "assign_selected",
        "mark_key_selected",
        "close_selected",
    ]
    list_per_page = 50
    form = SuggestionChangeForm
    editable_fields = services.EDITABLE_FIELDS
    workflow_fields = [
        "status",
        "is_key",
        "registered_on",
        "not_registered_reason",
        "handled_as_letter",
        "merged_into",
        "assigned_on",
        "due_on",
        "first_replied_on",
        "replied_on_time",
        "reply_class",
        "met_face_to_face",
        "satisfaction",
        "was_re_handled",
        "closed_on",
    ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.editable_fields
        return [*self.editable_fields, "change_reason", *self.workflow_fields]

    def get_readonly_fields(self, request, obj=None):
        # Status and its facts change only through the workflow actions.
        return self.workflow_fields if obj else []

    def get_inlines(self, request, obj):
        return self.inlines if obj else [CoSignerInline]

    def get_queryset(self, request):
        lead_unit = Assignment.objects.filter(
            suggestion=OuterRef("pk"), role=Assignment.Role.LEAD
        ).values("unit__name")[:1]
        return super().get_queryset(request).annotate(lead_unit_name=Subquery(lead_unit))

    @admin.display(description=_("lead unit"), ordering="lead_unit_name")
    def lead_unit(self, suggestion):
        return suggestion.lead_unit_name or "—"

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, suggestion):
        return suggestion.is_overdue()

    def has_delete_permission(self, request, obj=None):
        return False  # a suggestion leaves by "not registered" or "merged", on the record

    def save_model(self, request, obj, form, change):
        if not change:
            services.enter_suggestion(suggestion=obj, by=request.user)
        # An edit is saved with its co-signers in save_related, by one service call.

    def save_related(self, request, form, formsets, change):
        if not change:
            with change_set():  # the co-signers the formset saves count in the derived rows
                return super().save_related(request, form, formsets, change)
        changes = form.edited()
        for formset in formsets:
            formset.save(commit=False)  # writes nothing; lists what changed for the admin log
            if formset.model is CoSigner and formset.has_changed():
                changes["co_signers"] = [
                    f.cleaned_data["deputy"]
                    for f in formset.forms
                    if f.cleaned_data.get("deputy") and f not in formset.deleted_forms
                ]
        try:
            services.update_suggestion(
                suggestion=form.instance,
                changes=changes,
                reason=form.cleaned_data.get("change_reason", ""),
                by=request.user,
            )
        except WorkflowError as error:
            transaction.set_rollback(True)
            self.message_user(request, _("Nothing was saved: %s") % error, messages.ERROR)

    def save_formset(self, request, form, formset, change):
        if formset.model is CoSigner:
            for signature in formset.save(commit=False):
                signature.confirmed_on = signature.confirmed_on or timezone.localdate()
                signature.save()
            for removed in formset.deleted_objects:
                removed.delete()
        else:
            formset.save()

    @admin.action(description=_("Register selected suggestions"))
    def register_selected(self, request, queryset):
        run_for_each(
            self,
            request,
            queryset,
            lambda s: services.register(suggestion=s, by=request.user),
            _("%(count)s suggestion(s) registered."),
        )

    @admin.action(description=_("Do not register selected suggestions…"))
    def refuse_selected(self, request, queryset):
        def apply(data):
            run_for_each(
                self,
                request,
                queryset,
                lambda s: services.refuse_registration(
                    suggestion=s,
                    reason=data["reason"],
                    as_letter=data["as_letter"],
                    by=request.user,
                ),
                _("%(count)s suggestion(s) not registered."),
            )

        return action_with_form(
            self, request, queryset, RefuseForm, _("Do not register suggestions"), apply
        )

    @admin.action(description=_("Assign selected suggestions…"))
    def assign_selected(self, request, queryset):
        def apply(data):
            run_for_each(
                self,
                request,
                queryset,
                lambda s: services.assign(
                    suggestion=s,
                    lead_unit=data["lead_unit"],
                    co_units=data["co_units"],
                    separate_units=data["separate_units"],
                    by=request.user,
                ),
                _("%(count)s suggestion(s) assigned."),
            )

        return action_with_form(self, request, queryset, AssignForm, _("Assign suggestions"), apply)

    @admin.action(description=_("Choose as key suggestions…"))
    def mark_key_selected(self, request, queryset):
        def apply(data):
            run_for_each(
                self,
                request,
                queryset,
                lambda s: services.mark_key(
                    suggestion=s,
                    leader=data["leader"],
                    vice_mayor=data["vice_mayor"],
                    committee=data["committee"],
                    by=request.user,
                ),
                _("%(count)s key suggestion(s) chosen."),
            )

        return action_with_form(
            self, request, queryset, MarkKeyForm, _("Choose key suggestions"), apply
        )

    @admin.action(description=_("Close selected suggestions"))
    def close_selected(self, request, queryset):
        run_for_each(
            self,
            request,
            queryset,
            lambda s: services.close(suggestion=s, by=request.user),
            _("%(count)s suggestion(s) closed."),
        )


class ReplyAddForm(ServiceModelForm):
    class Meta:
        model = Reply
        fields = [
            "assignment",
            "reply_class",
            "text",
            "promise",
            "promised_by",
            "signed_by",
            "replied_on",
            "attachment",
        ]

    def clean_attachment(self):
        # The workbench's validator: size, and the whole PDF or image must open.
        upload = self.cleaned_data.get("attachment")
        return validate_attachment(upload) if upload else upload

    def run_service(self, data):
        return services.reply(
            promise=data.get("promise", ""),
            promised_by=data.get("promised_by"),
            assignment=data["assignment"],
            reply_class=data["reply_class"],
            text=data["text"],
            signed_by=data["signed_by"],
            on=data["replied_on"],
            attachment=data.get("attachment"),
            by=self.user,
        )


class ServiceAddAdmin(admin.ModelAdmin):
    """Adding goes through a service (see ServiceModelForm); existing rows are read-only."""

    add_form = None

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
            form = super().get_form(request, obj, **kwargs)
            return type(form.__name__, (form,), {"user": request.user})
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [f.name for f in [*self.model._meta.fields, *self.model._meta.many_to_many]]

    def save_model(self, request, obj, form, change):
        pass  # the service saved it while the form was validated

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reply)
class ReplyAdmin(ServiceAddAdmin):
    add_form = ReplyAddForm
    list_display = [
        "suggestion",
        "unit",
        "kind",
        "reply_class",
        "replied_on",
        "on_time",
        "is_published",
        "revised",
    ]
    list_filter = ["is_published", "reply_class", "kind", "suggestion__session"]
    list_select_related = ["suggestion", "assignment__unit", "superseded_by"]
    search_fields = ["=suggestion__number", "suggestion__title", "assignment__unit__name"]
    raw_id_fields = ["assignment"]
    actions = ["publish_selected"]

    @admin.display(description=_("unit"))
    def unit(self, reply):
        return reply.assignment.unit

    @admin.display(description=_("on time"), boolean=True)
    def on_time(self, reply):
        return reply.on_time

    @admin.display(description=_("revised"), boolean=True)
    def revised(self, reply):
        return hasattr(reply, "superseded_by")

    @admin.action(description=_("Publish selected replies…"))
    def publish_selected(self, request, queryset):
        def apply(data):
            if data["public_text"] and queryset.count() > 1:
                self.message_user(
                    request,
                    _("A redacted text is written for one reply at a time."),
                    messages.ERROR,
                )
                return
            run_for_each(
                self,
                request,
                queryset,
                lambda r: services.publish_reply(
                    reply=r, public_text=data["public_text"], by=request.user
                ),
                _("%(count)s reply(ies) published."),
            )

        return action_with_form(self, request, queryset, PublishForm, _("Publish replies"), apply)


class EvaluationAddForm(ServiceModelForm):
    class Meta:
        model = Evaluation
        fields = [
            "suggestion",
            "deputy",
            "satisfaction",
            "contacted",
            "comment",
            "comment_is_public",
            "evaluated_on",
        ]

    def run_service(self, data):
        return services.evaluate(
            suggestion=data["suggestion"],
            deputy=data["deputy"],
            satisfaction=data["satisfaction"],
            contacted=data["contacted"],
            comment=data["comment"],
            comment_is_public=data["comment_is_public"],
            on=data["evaluated_on"],
            by=self.user,
        )


@admin.register(Evaluation)
class EvaluationAdmin(ServiceAddAdmin):
    add_form = EvaluationAddForm
    list_display = ["suggestion", "deputy", "round", "satisfaction", "contacted", "evaluated_on"]
    list_filter = ["satisfaction", "contacted", "suggestion__session"]
    list_select_related = ["suggestion", "deputy"]
    raw_id_fields = ["suggestion"]
    autocomplete_fields = ["deputy"]


class RequestAdmin(admin.ModelAdmin):
    """Return and extension requests: staff decide them with the two actions."""

    list_filter = ["decision"]
    actions = ["approve_selected", "refuse_selected"]
    decide = None  # the service function

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, approve, title):
        def apply(data):
            run_for_each(
                self,
                request,
                queryset,
                lambda r: type(self).decide(
                    request=r, approve=approve, note=data["note"], by=request.user
                ),
                _("%(count)s request(s) decided."),
            )

        return action_with_form(self, request, queryset, DecisionForm, title, apply)

    @admin.action(description=_("Approve selected requests…"))
    def approve_selected(self, request, queryset):
        return self._decide(request, queryset, True, _("Approve requests"))

    @admin.action(description=_("Refuse selected requests…"))
    def refuse_selected(self, request, queryset):
        return self._decide(request, queryset, False, _("Refuse requests"))


@admin.register(ReturnRequest)
class ReturnRequestAdmin(RequestAdmin):
    decide = staticmethod(services.decide_return)
    list_display = ["suggestion", "unit", "reason", "requested_on", "decision", "decided_on"]
    list_select_related = ["suggestion", "unit"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(RequestAdmin):
    decide = staticmethod(services.decide_extension)
    list_display = [
        "assignment",
        "reason",
        "requested_due_on",
        "requested_on",
        "decision",
        "approved_due_on",
    ]
    list_select_related = ["assignment__unit"]


@admin.register(KeySupervision)
class KeySupervisionAdmin(admin.ModelAdmin):
    """Read-only: chosen with the "key suggestion" action, which writes the history; a key
    suggestion always keeps its supervisor (the figures and the public page show it)."""

    list_display = ["suggestion", "leader", "vice_mayor", "committee", "chosen_on"]
    list_select_related = ["suggestion", "leader", "vice_mayor", "committee"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MeetingAddForm(ServiceModelForm):
    class Meta:
        model = SupervisionMeeting
        fields = ["session", "kind", "title", "held_on", "attendees", "notes", "suggestions"]

    def run_service(self, data):
        return services.record_meeting(
            session=data["session"],
            kind=data["kind"],
            title=data["title"],
            held_on=data["held_on"],
            attendees=data["attendees"],
            notes=data["notes"],
            suggestions=data["suggestions"],
        )


@admin.register(SupervisionMeeting)
class SupervisionMeetingAdmin(ServiceAddAdmin):
    add_form = MeetingAddForm
    list_display = ["title", "kind", "session", "held_on"]
    list_select_related = ["session"]
    list_filter = ["kind", "session"]
    raw_id_fields = ["suggestions"]
    filter_horizontal = ["leaders"]


class SpecialReportAddForm(ServiceModelForm):
    class Meta:
        model = SpecialReport
        fields = [
            "session",
            "unit",
            "title",
            "heard_on",
            "satisfied",
            "basically_satisfied",
            "dissatisfied",
        ]

    def run_service(self, data):
        return services.record_special_report(**{f: data[f] for f in self.Meta.fields})


@admin.register(SpecialReport)
class SpecialReportAdmin(ServiceAddAdmin):
    add_form = SpecialReportAddForm
    list_display = [
        "title",
        "unit",
        "session",
        "heard_on",
        "satisfied",
        "basically_satisfied",
        "dissatisfied",
    ]
    list_select_related = ["unit", "session"]


@admin.register(Event)
class EventAdmin(ShowsActorAsPerson, admin.ModelAdmin):
    """The history, readable and filterable, never editable."""

    list_display = [
        "suggestion",
        "occurred_on",
        "action",
        "from_status",
        "to_status",
        "actor_shown",
        "is_public",
    ]
    list_filter = ["action", "is_public"]
    list_select_related = ["suggestion", "actor"]
    date_hierarchy = "occurred_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "text", "created_at", "read_at"]
    list_select_related = ["user"]
    search_fields = ["text", "user__username"]

    def has_add_permission(self, request):
        return False


@admin.register(ImportAlias)
class ImportAliasAdmin(admin.ModelAdmin):
    """Other names the office's spreadsheets use; the import reads them as the full name."""

    list_display = ["alias", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["alias", "name"]


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    """Column choices remembered by the import; delete one to map that header afresh."""

    list_display = ["__str__", "updated_at"]
    readonly_fields = ["headers", "mapping", "updated_at"]
    exclude = ["headers_key"]

    def has_add_permission(self, request):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the loop's services: the back office reads them, the workbench acts."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImplementationRating)
class ImplementationRatingAdmin(ReadOnlyAdmin):
    list_display = ["suggestion", "deputy", "satisfaction", "rated_on"]
    list_filter = ["satisfaction"]
    list_select_related = ["suggestion", "deputy"]


@admin.register(FlagReview)
class FlagReviewAdmin(ReadOnlyAdmin):
    list_display = ["suggestion", "kind", "reviewed_on", "note"]
    list_filter = ["kind"]
    list_select_related = ["suggestion"]


@admin.register(SimilarLink)
class SimilarLinkAdmin(ReadOnlyAdmin):
    list_display = ["suggestion", "earlier", "score", "state", "decided_on"]
    list_filter = ["state"]
    list_select_related = ["suggestion", "earlier"]


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    list_display = ["words"]
    search_fields = ["words"]
