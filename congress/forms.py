"""Form pieces every app's forms use."""

from django import forms
from django.core.exceptions import ValidationError

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids no database column can hold before the database is asked (an id such as
    99999999999999999999 would otherwise crash the query instead of failing validation)."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not (text.isascii() and text.isdigit() and len(text) <= 18):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
