import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, When
from django.utils.translation import gettext_lazy as _

from congress.forms import (  # noqa: F401
    DATE_INPUT,
    BoundedModelMultipleChoiceField,
    PickerSelect,
    PickerSelectMultiple,
)
from congress.models import Congress, HandlingUnit, Leader, WorkingCommittee
from congress.tenancy import congress_of_work
from suggestions.attachments import MAX_BYTES, validate_attachment
from suggestions.models import (
    Contact,
    ImportAlias,
    ReplyClass,
    Satisfaction,
    Suggestion,
    SupervisionMeeting,
    WorkflowError,
)
from suggestions.services.checks import transfer_targets

NUMBER_SEPARATORS = re.compile(r"[\s,，、;；]+")


class MergeForm(forms.Form):
    into = forms.IntegerField(
        label=_("Number of the suggestion to merge into (same session)"),
        min_value=1,
        max_value=10**9,
        # The page lists the session's suggestions it may join (a datalist of that id).
        widget=forms.NumberInput(attrs={"list": "merge-candidates"}),
    )


class TransferForm(forms.Form):
    """Where to pass a suggestion on (转交): the congress above or one below the congress being
    worked for (the suggestion's own: staff see only their congress's suggestions)."""

    to_congress = forms.ModelChoiceField(label=_("Transfer to"), queryset=None, empty_label=None)
    reason = forms.CharField(
        label=_("Why it belongs to that congress"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        targets = [c.pk for c in transfer_targets(congress_of_work())]
        # The congress above first, then those below in their order (as transfer_targets).
        order = Case(*(When(pk=pk, then=i) for i, pk in enumerate(targets)), default=len(targets))
        self.fields["to_congress"].queryset = Congress.objects.filter(pk__in=targets).order_by(
            order
        )


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for not registering"), widget=forms.Textarea)
    as_letter = forms.BooleanField(label=_("Handle it as a letter instead"), required=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why reopen it? (its session is concluded; the reason goes into its history)"),
        widget=forms.Textarea,
    )


class AssignForm(forms.Form):
    lead_unit = forms.ModelChoiceField(
        label=_("Lead unit"),
        queryset=HandlingUnit.objects.filter(is_active=True),
        required=False,
        empty_label=_("None"),
        widget=PickerSelect,
    )
    co_units = BoundedModelMultipleChoiceField(
        label=_("Co-handling units"),
        queryset=HandlingUnit.objects.filter(is_active=True),
        required=False,
        widget=PickerSelectMultiple,
    )
    separate_units = BoundedModelMultipleChoiceField(
        label=_("Or split between units that each reply"),
        queryset=HandlingUnit.objects.filter(is_active=True),
        required=False,
        widget=PickerSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        with_unit_aliases(self, "lead_unit", "co_units", "separate_units")
        if not self.is_bound:  # shown: the three pickers list the same units, read once
            units = list(iter(self.fields["co_units"].choices))  # iter: no COUNT first
            self.fields["co_units"].choices = self.fields["separate_units"].choices = units
            self.fields["lead_unit"].choices = [("", self.fields["lead_unit"].empty_label), *units]


def with_unit_aliases(form, *fields):
    """Unit pickers also find a unit by the other names offices write (the import's unit
    aliases, 市住建局 for 吕梁市住房和城乡建设局), as every unit picker should."""
    aliases = {}
    rows = ImportAlias.objects.filter(kind=ImportAlias.Kind.UNIT).values_list("alias", "name")
    for alias, name in rows:
        aliases.setdefault(name, []).append(alias)
    for name in fields:
        form.fields[name].widget.aliases = aliases
    return form


class MarkKeyForm(forms.Form):
    leader = forms.ModelChoiceField(
        label=_("Supervising standing committee leader"),
        queryset=Leader.objects.filter(kind=Leader.Kind.STANDING_COMMITTEE),
        empty_label=_("Choose…"),
    )
    vice_mayor = forms.ModelChoiceField(
        label=_("Vice mayor in charge"),
        queryset=Leader.objects.filter(kind=Leader.Kind.VICE_MAYOR),
        required=False,
        empty_label=_("None"),
    )
    committee = forms.ModelChoiceField(
        label=_("Tracking working committee"),
        queryset=WorkingCommittee.objects.all(),
        required=False,
        empty_label=_("None"),
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
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, empty_label=_("Choose…"))
    co_signers = BoundedModelMultipleChoiceField(
        label=_("Co-signing deputies"),
        queryset=None,
        required=False,
        help_text=_("Each co-signer is asked to confirm; only confirmed signatures count."),
        widget=PickerSelectMultiple,
    )

    def __init__(self, *args, lead_deputy, **kwargs):
        from deputies.models import Deputy
        from suggestions.models import Category

        super().__init__(*args, **kwargs)
        self.lead_deputy = lead_deputy
        self.fields["category"].queryset = Category.objects.all()
        self.fields["co_signers"].queryset = Deputy.objects.filter(is_active=True).select_related(
            "delegation"
        )

    def clean_co_signers(self):
        from suggestions import services

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


# No class is chosen for the unit: a preselected A would be one careless click from the record.
CLASS_CHOICES = [("", _("Choose…")), *ReplyClass.choices]


class PromiseFields(forms.Form):
    """What a B or C reply promises and by when; the services check the rule."""

    promise = forms.CharField(
        label=_("Promise (B or C): what will be done"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    promised_by = forms.DateField(label=_("Promised by (date)"), widget=DATE_INPUT, required=False)
    promise_year = forms.IntegerField(
        label=_("Or within the year (列入计划)"), min_value=2000, max_value=2100, required=False
    )


class ReplyForm(PromiseFields):
    reply_class = forms.ChoiceField(label=_("Class"), choices=CLASS_CHOICES)
    text = forms.CharField(label=_("Reply text"), widget=forms.Textarea(attrs={"rows": 8}))
    signed_by = forms.CharField(label=_("Signed by (the unit's head)"), max_length=50)
    replied_on = forms.DateField(label=_("Replied on"), widget=DATE_INPUT)
    attachment = forms.FileField(
        label=_("Signed reply (PDF or image, at most 10 MB)"),
        required=False,
        validators=[validate_attachment],
    )
    field_order = ["reply_class", "text", "promise", "promised_by", "promise_year"]


class FollowUpForm(PromiseFields):
    reply_class = forms.ChoiceField(label=_("Class now"), choices=CLASS_CHOICES)
    text = forms.CharField(label=_("Follow-up reply"), widget=forms.Textarea(attrs={"rows": 5}))
    signed_by = forms.CharField(label=_("Signed by"), max_length=50)
    field_order = ["reply_class", "text", "signed_by"]


class ImplementationForm(forms.Form):
    """Shown beside the reply's rating form on the same page: its own element ids."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_impl_%s")
        super().__init__(*args, **kwargs)

    satisfaction = forms.ChoiceField(
        label=_("How satisfied are you with what was done?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    comment_is_public = forms.BooleanField(label=_("The comment may be published"), required=False)


class FlagReviewForm(forms.Form):
    kind = forms.ChoiceField(label=_("Flag"), choices=(), widget=forms.HiddenInput)
    note = forms.CharField(label=_("What you found"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        from suggestions.models import FLAGS

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(FLAGS.items())


class LinkDecisionForm(forms.Form):
    link = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    confirm = forms.TypedChoiceField(
        label=_("Same problem?"),
        choices=[("yes", _("confirm")), ("no", _("dismiss"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )


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


class SubmitForm(forms.Form):
    # Set once the deputy has seen the session's suggestions with a similar title.
    submit_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)


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
    session = forms.ModelChoiceField(label=_("Session"), queryset=None, empty_label=None)
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
        from suggestions.models import Suggestion

        data = super().clean()
        # Chinese writes lists with 、 as often as with ，: "57、18" is two numbers.
        numbers = [n for n in NUMBER_SEPARATORS.split(data.get("numbers", "")) if n]
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
    session = forms.ModelChoiceField(label=_("Session"), queryset=None, empty_label=None)
    unit = forms.ModelChoiceField(
        label=_("Reporting body"), queryset=None, widget=PickerSelect, empty_label=_("Choose…")
    )
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
    session = forms.ModelChoiceField(label=_("Session"), queryset=None, empty_label=None)
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


class PaperSuggestionForm(forms.Form):
    """A suggestion received on paper, entered by staff: the back office's checks, in the
    workbench (the number is given or the next one; co-signatures count as confirmed)."""

    session = forms.ModelChoiceField(label=_("Session"), queryset=None, empty_label=None)
    number = forms.IntegerField(
        label=_("Number"),
        min_value=1,
        max_value=10**6,
        required=False,
        help_text=_("Leave it empty for the next free number."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 8}))
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, empty_label=_("Choose…"))
    period = forms.ChoiceField(label=_("Submitted"), choices=Suggestion.Period.choices)
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DATE_INPUT)
    lead_deputy = forms.ModelChoiceField(
        label=_("Lead deputy"), queryset=None, widget=PickerSelect, empty_label=_("Choose…")
    )
    co_signers = BoundedModelMultipleChoiceField(
        label=_("Co-signing deputies"), queryset=None, required=False, widget=PickerSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        from congress.models import Session
        from deputies.models import Deputy
        from suggestions.models import Category

        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = Session.objects.order_by("-opens_on")
        self.fields["category"].queryset = Category.objects.all()
        deputies = Deputy.objects.select_related("delegation")
        self.fields["lead_deputy"].queryset = deputies
        self.fields["co_signers"].queryset = deputies

    def suggestion(self):
        """The unsaved suggestion, for services.enter_suggestion."""
        data = self.cleaned_data
        return Suggestion(
            session=data["session"],
            number=data["number"],
            title=data["title"],
            content=data["content"],
            category=data["category"],
            period=data["period"],
            submitted_on=data["submitted_on"],
            lead_deputy=data["lead_deputy"],
            delegation=data["lead_deputy"].delegation,
        )
