from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from congress.models import HandlingUnit, Leader, WorkingCommittee

from .models import WorkflowError


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for not registering"), widget=forms.Textarea)
    as_letter = forms.BooleanField(label=_("Handle it as a letter instead"), required=False)


class AssignForm(forms.Form):
    lead_unit = forms.ModelChoiceField(
        label=_("Lead unit"), queryset=HandlingUnit.objects.filter(is_active=True), required=False
    )
    co_units = forms.ModelMultipleChoiceField(
        label=_("Co-handling units"),
        queryset=HandlingUnit.objects.filter(is_active=True),
        required=False,
    )
    separate_units = forms.ModelMultipleChoiceField(
        label=_("Or split between units that each reply"),
        queryset=HandlingUnit.objects.filter(is_active=True),
        required=False,
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
