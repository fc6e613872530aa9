from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.forms import DATE_INPUT, PickerSelect
from congress.models import Session
from deputies.models import Deputy
from reports.models import CommitteeWork, Report, SupportPayment
from suggestions.imports.reading import SEPARATORS
from suggestions.imports.values import NAME_WITH_DELEGATION, DeputyIndex
from suggestions.models import Suggestion

IMPORT_MAX_BYTES = 10 * 1024 * 1024
NAMES_HELP = _(
    "Names separated by 、 or commas; add the delegation where a name is shared: "
    "张三（离石区代表团）"
)


def _deputies_from_names(raw):
    """The deputies a text of names means, or a ValidationError naming what is unclear."""
    items = [i.strip() for i in SEPARATORS.split(raw or "") if i.strip()]
    parsed = [NAME_WITH_DELEGATION.match(i) for i in items]
    if any(m is None for m in parsed):
        raise ValidationError(_("Write names such as 张三、李四（离石区代表团）."))
    index = DeputyIndex({m["name"] for m in parsed})
    found, problems = [], []
    for m in parsed:
        deputy, problem = index.find(m["name"], m["delegation"] or "")
        if problem:
            problems.append(str(problem))
        else:
            found.append(deputy)
    if problems:
        raise ValidationError("; ".join(problems))
    return list(dict.fromkeys(found))


class PaymentForm(forms.Form):
    # A picker, not free text: one deputy, found by name, pinyin or initials, namesakes told
    # apart by their delegation.
    deputy = forms.ModelChoiceField(
        label=_("Deputy"),
        queryset=Deputy.objects.select_related("delegation"),
        widget=PickerSelect,
        empty_label=_("Choose…"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=SupportPayment.Kind.choices)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE_INPUT)
    budget_line = forms.CharField(label=_("Budget line"), max_length=100)


class PaymentImportForm(forms.Form):
    file = forms.FileField(label=_("Excel (.xlsx) or CSV file, at most 10 MB"))
    check_only = forms.BooleanField(label=_("Only check the file"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(_("The file is larger than 10 MB; split it."))
        return upload


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE_INPUT)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    attendees = forms.CharField(
        label=_("Attendees"), widget=forms.Textarea(attrs={"rows": 3}), help_text=NAMES_HELP
    )

    def clean_attendees(self):
        return _deputies_from_names(self.cleaned_data["attendees"])


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    sent_on = forms.DateField(label=_("Sent on"), widget=DATE_INPUT)
    to_all = forms.BooleanField(label=_("Sent to every serving deputy"), required=False)
    recipients = forms.CharField(
        label=_("Or sent to"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NAMES_HELP,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("to_all"):
            data["recipients"] = Deputy.objects.filter(is_active=True)
        elif "recipients" in data:
            try:
                data["recipients"] = _deputies_from_names(data["recipients"])
            except ValidationError as error:
                self.add_error("recipients", error)
        data.pop("to_all", None)
        return data


class WorkItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=CommitteeWork.Kind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=1950, max_value=2100)
    outcome = forms.CharField(
        label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    session = forms.ModelChoiceField(label=_("Session of the suggestions"), queryset=None)
    numbers = forms.CharField(
        label=_("Suggestions that informed it (numbers, separated by commas)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = Session.objects.all()

    def clean(self):
        data = super().clean()
        raw = data.get("numbers", "").replace("，", ",").replace("、", ",")
        numbers = [n.strip() for n in raw.split(",") if n.strip()]
        if any(not (n.isascii() and n.isdigit() and len(n) < 10) for n in numbers):
            self.add_error("numbers", _("Write suggestion numbers such as 3, 15, 42."))
            return data
        if data.get("session"):
            wanted = {int(n) for n in numbers}
            found = list(
                Suggestion.objects.public().filter(session=data["session"], number__in=wanted)
            )
            missing = wanted - {s.number for s in found}
            if missing:
                self.add_error(
                    "numbers",
                    _("No such registered suggestion in this session: %(numbers)s")
                    % {"numbers": ", ".join(map(str, sorted(missing)))},
                )
            data["suggestions"] = found
        data.pop("session", None)
        data.pop("numbers", None)
        return data


class GenerateForm(forms.Form):
    session = forms.ModelChoiceField(label=_("Session"), queryset=None, required=False)
    year = forms.IntegerField(label=_("Or a year"), min_value=1950, max_value=2100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = Session.objects.all()

    def clean(self):
        data = super().clean()
        if (data.get("session") is None) == (data.get("year") is None):
            raise ValidationError(_("Choose a session or a year, not both."))
        if data.get("year") and data["year"] > timezone.localdate().year:
            self.add_error("year", _("Choose a year up to this one."))
        return data


class NarrativeForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["title", "foreword", "handling_note", "problems", "next_steps"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ["foreword", "handling_note", "problems", "next_steps"]
        }
        help_texts = {
            "problems": _("One paragraph per line."),
            "next_steps": _("One paragraph per line."),
        }
