from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from congress.forms import DATE_INPUT, BoundedModelMultipleChoiceField  # noqa: F401
from congress.models import HandlingUnit, Leader, WorkingCommittee

from .attachments import MAX_BYTES, validate_attachment
from .models import Contact, ReplyClass, Satisfaction, SupervisionMeeting, WorkflowError


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for not registering"), widget=forms.Textarea)
    as_letter = forms.BooleanField(label=_("Handle it as a letter instead"), required=False)


class AssignForm(forms.Form):
    lead_unit = forms.ModelChoiceField(
        label=_("Lead unit"), queryset=HandlingUnit.objects.filter(is_active=True), required=False
    )
    co_units = BoundedModelMultipleChoiceField(
        label=_("Co-handling units"),
        queryset=HandlingUnit.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "pick-list"}),
    )
    separate_units = BoundedModelMultipleChoiceField(
        label=_("Or split between units that each reply"),
        queryset=HandlingUnit.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "pick-list"}),
    )


class MarkKeyForm(forms.Form):
    leader = forms.ModelChoiceField(
        label=_("Supervising standing committee leader"),
        queryset=Leader.objects.filter(kind=Leader.Kind.STANDING_COMMITTEE),
    )
    vice_mayor = forms.ModelChoiceField(
        label=_("Vice mayor in charge"),
        queryset=Leader.objects.filter(kind=Leader.Kind.VICE_MAYOR),
        required=False,
    )
    committee = forms.ModelChoiceField(
        label=_("Tracking working committee"),
        queryset=WorkingCommittee.objects.all(),
        required=False,
    )


class PublishForm(forms.Form):
    public_text = forms.CharField(
        label=_("Redacted text to publish (leave empty to publish the reply as written)"),
        widget=forms.Textarea,
        required=False,
    )


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)


class ServiceModelForm(forms.ModelForm):
    """A model form whose save is a service call.

    The call is made in clean(), so a WorkflowError lands on the form as an error and the page
    shows it instead of a 500; `user` is set by the view or admin that builds the form.
    """

    user = None

    def run_service(self, data):
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                self.instance = self.run_service(data)
            except WorkflowError as error:
                raise ValidationError(str(error)) from error
        return data

    def _post_clean(self):
        # The service saved and validated the instance; do not rebuild it from the form.
        if self.instance.pk is None:
            super()._post_clean()

    def save(self, commit=True):
        self.save_m2m = lambda: None
        return self.instance


# --- workbench forms ---------------------------------------------------------------------

ATTACHMENT_MAX_BYTES = MAX_BYTES  # one validator for the workbench and the admin


class DraftForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 8}))
    category = forms.ModelChoiceField(label=_("Category"), queryset=None)
    co_signers = BoundedModelMultipleChoiceField(
        label=_("Co-signing deputies"),
        queryset=None,
        required=False,
        help_text=_("Each co-signer is asked to confirm; only confirmed signatures count."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, lead_deputy, **kwargs):
        from deputies.models import Deputy

        from .models import Category

        super().__init__(*args, **kwargs)
        self.lead_deputy = lead_deputy
        self.fields["category"].queryset = Category.objects.all()
        self.fields["co_signers"].queryset = Deputy.objects.filter(is_active=True).select_related(
            "delegation"
        )

    def clean_co_signers(self):
        from . import services

        co_signers = self.cleaned_data["co_signers"]
        try:
            services.check_co_signers(self.lead_deputy, co_signers)
        except WorkflowError as error:
            raise ValidationError(str(error)) from error
        return co_signers


class EvaluateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("Your rating"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    contacted = forms.TypedChoiceField(
        label=_("Did the unit contact you?"),
        choices=[("yes", _("yes")), ("no", _("no"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    comment_is_public = forms.BooleanField(label=_("The comment may be published"), required=False)


class ResponsibleForm(forms.Form):
    person = forms.CharField(label=_("Responsible person"), max_length=50)
    phone = forms.CharField(label=_("Phone (not public)"), max_length=30, required=False)


class ContactForm(forms.Form):
    contacted_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    way = forms.ChoiceField(label=_("Way"), choices=Contact.Way.choices)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class OpinionForm(forms.Form):
    text = forms.CharField(
        label=_("Views for the lead unit"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ReplyForm(forms.Form):
    reply_class = forms.ChoiceField(label=_("Class"), choices=ReplyClass.choices)
    text = forms.CharField(label=_("Reply text"), widget=forms.Textarea(attrs={"rows": 8}))
    signed_by = forms.CharField(label=_("Signed by (the unit's head)"), max_length=50)
    replied_on = forms.DateField(label=_("Replied on"), widget=DATE_INPUT)
    attachment = forms.FileField(
        label=_("Signed reply (PDF or image, at most 10 MB)"),
        required=False,
        validators=[validate_attachment],
    )


class FollowUpForm(forms.Form):
    reply_class = forms.ChoiceField(label=_("Class now"), choices=ReplyClass.choices)
    text = forms.CharField(label=_("Follow-up reply"), widget=forms.Textarea(attrs={"rows": 5}))
    signed_by = forms.CharField(label=_("Signed by"), max_length=50)


class ExtensionForm(forms.Form):
    due_on = forms.DateField(label=_("New due date"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why this is not your unit's responsibility"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EmptyForm(forms.Form):
    pass


class StaffDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("approve")), ("no", _("refuse"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class MeetingForm(forms.Form):
    session = forms.ModelChoiceField(label=_("Session"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=SupervisionMeeting.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Held on"), widget=DATE_INPUT)
    leaders = BoundedModelMultipleChoiceField(
        label=_("Leaders present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attendees = forms.CharField(
        label=_("Attendees"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    numbers = forms.CharField(
        label=_("Suggestions covered (numbers, separated by commas)"), required=False
    )

    def __init__(self, *args, **kwargs):
        from congress.models import Session

        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = Session.objects.all()
        self.fields["leaders"].queryset = Leader.objects.all()

    def clean(self):
        from .models import Suggestion

        data = super().clean()
        raw = data.get("numbers", "").replace("，", ",")
        numbers = [n.strip() for n in raw.split(",") if n.strip()]
        if any(not (n.isascii() and n.isdigit() and len(n) < 10) for n in numbers):
            self.add_error("numbers", _("Write suggestion numbers such as 3, 15, 42."))
            return data
        if data.get("session"):
            found = list(
                Suggestion.objects.filter(
                    session=data["session"], number__in=[int(n) for n in numbers]
                )
            )
            missing = set(map(int, numbers)) - {s.number for s in found}
            if missing:
                self.add_error(
                    "numbers",
                    _("No such suggestion in this session: %(numbers)s")
                    % {"numbers": ", ".join(map(str, sorted(missing)))},
                )
            data["suggestions"] = found
        return data


class SpecialReportForm(forms.Form):
    session = forms.ModelChoiceField(label=_("Session"), queryset=None)
    unit = forms.ModelChoiceField(label=_("Reporting body"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    heard_on = forms.DateField(label=_("Heard on"), widget=DATE_INPUT)
    satisfied = forms.IntegerField(label=_("Satisfied votes"), min_value=0, max_value=10000)
    basically_satisfied = forms.IntegerField(
        label=_("Basically satisfied votes"), min_value=0, max_value=10000
    )
    dissatisfied = forms.IntegerField(label=_("Dissatisfied votes"), min_value=0, max_value=10000)

    def __init__(self, *args, **kwargs):
        from congress.models import Session

        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = Session.objects.all()
        self.fields["unit"].queryset = HandlingUnit.objects.all()


IMPORT_MAX_BYTES = 10 * 1024 * 1024


class ImportForm(forms.Form):
    session = forms.ModelChoiceField(label=_("Session"), queryset=None)
    file = forms.FileField(label=_("Excel (.xlsx, .xls) or CSV file, at most 10 MB"))

    def __init__(self, *args, **kwargs):
        from congress.models import Session

        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = Session.objects.all()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(_("The file is larger than 10 MB; split it."))
        return upload
