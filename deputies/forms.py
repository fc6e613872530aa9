from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.forms import (
    DATE_INPUT,
    BoundedModelMultipleChoiceField,
    PickerSelect,
    PickerSelectMultiple,
)
from congress.models import Delegation, HandlingUnit
from deputies.models import Deputy, DutyActivity


def deputies_of_every_level(station):
    """Who may be recorded at a reception of `station`: deputies of every level come to a
    station (五级代表进站), so this reads across congresses (`Deputy.everywhere`), kept simple:
    the deputies attached to the station, whatever their congress; and the serving deputies of
    the station's county-level division, of any congress: those of a delegation from that
    division (the city's 离石区代表团) and those of the congress that is the division's own
    (离石区人民代表大会, whatever its delegations are called)."""
    division = station.division_id
    return (
        Deputy.everywhere.filter(
            Q(stations=station)
            | Q(is_active=True)
            & (Q(delegation__division=division) | Q(delegation__congress__division=division))
        )
        .distinct()
        .select_related("delegation__congress")
        .order_by("delegation__congress__level", "delegation__order", "name", "pk")
    )


class DeputyOfALevelField(BoundedModelMultipleChoiceField):
    """A deputy named with their congress beside the name: 丁代表 · 孝义市（城区代表团）."""

    def label_from_instance(self, deputy):
        return f"{deputy.name} · {deputy.delegation.congress.short_name}"


class ReceptionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    deputies = DeputyOfALevelField(
        label=_("Deputies who came"),
        queryset=Deputy.objects.none(),
        widget=PickerSelectMultiple,
    )
    people_received = forms.IntegerField(label=_("People received"), min_value=0, max_value=10000)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        # The station's own deputies first; any serving deputy of its county, of any level, may
        # come.
        self.fields["deputies"].queryset = deputies_of_every_level(station)
        picker = self.fields["deputies"].widget
        picker.first = set(Deputy.everywhere.filter(stations=station).values_list("pk", flat=True))
        picker.first_label = _("This station's deputies")
        picker.rest_label = _("Other deputies of the county, of every level")

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise ValidationError(_("A reception cannot be dated in the future."))
        return held_on


class ProblemForm(forms.Form):
    summary = forms.CharField(
        label=_("Problem raised"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=None, required=False, empty_label=_("Not given")
    )
    person_name = forms.CharField(label=_("Name (private)"), max_length=50, required=False)
    person_phone = forms.CharField(label=_("Phone (private)"), max_length=30, required=False)

    def __init__(self, *args, **kwargs):
        from congress.models import Category

        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.all()


ProblemFormSet = forms.formset_factory(ProblemForm, extra=3, max_num=50)


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("How it was answered or solved"), widget=forms.Textarea(attrs={"rows": 3})
    )
    person_told = forms.BooleanField(
        label=_("The person was told the outcome"), required=False, initial=True
    )


class CloseProblemForm(OutcomeForm):
    solved = forms.BooleanField(label=_("Solved"), required=False, initial=True)


class PassForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Handling unit"),
        queryset=HandlingUnit.objects.filter(is_active=True),
        widget=PickerSelect,
        empty_label=_("Choose…"),
    )


class UnitAnswerForm(forms.Form):
    answer = forms.CharField(label=_("The unit's answer"), widget=forms.Textarea(attrs={"rows": 3}))


class TakeUpForm(forms.Form):
    title = forms.CharField(label=_("Title of the suggestion"), max_length=200)
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, empty_label=_("Choose…"))

    def __init__(self, *args, **kwargs):
        from congress.models import Category

        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.all()


class ActivityForm(forms.Form):
    deputy = forms.ModelChoiceField(
        label=_("Deputy"),
        queryset=Deputy.objects.select_related("delegation"),
        widget=PickerSelect,
        empty_label=_("Choose…"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=DutyActivity.Kind.choices)
    held_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    title = forms.CharField(label=_("Title"), max_length=200)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class DelegationExportForm(forms.Form):
    delegation = forms.ModelChoiceField(
        label=_("Delegation"), queryset=Delegation.objects.all(), empty_label=_("Choose…")
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
