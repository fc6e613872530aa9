import django_filters
from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from congress.models import Delegation, HandlingUnit, Session
from suggestions.models import Category, ReplyClass, Satisfaction, Suggestion
from suggestions.search import keywords as search

PUBLIC_STATUSES = [(status.value, status.label) for status in Suggestion.PUBLIC_STATUSES]


ALL = _("All")  # what an empty filter option reads, instead of "---------"


class QuickSelect(forms.Select):
    """A select written out in Python. The list's filters hold a few hundred options (every
    session, unit, delegation); Django renders each option through a template, which cost
    the list page more than its queries."""

    def options(self):
        choices = self.choices
        if isinstance(choices, ModelChoiceIterator):
            # One plain fetch: the iterator reads through a server-side cursor on PostgreSQL.
            field = choices.field
            empty = [] if field.empty_label is None else [("", field.empty_label)]
            return empty + [
                (field.prepare_value(o), field.label_from_instance(o)) for o in choices.queryset
            ]
        return choices

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(v), " selected" if str(v) in chosen else "", label)
                for v, label in self.options()
            ),
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)


class SuggestionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Keyword"), method="search")
    session = django_filters.ModelChoiceFilter(
        widget=QuickSelect, label=_("Session"), queryset=Session.objects.all(), empty_label=ALL
    )
    category = django_filters.ModelChoiceFilter(
        widget=QuickSelect, label=_("Category"), queryset=Category.objects.all(), empty_label=ALL
    )
    status = django_filters.ChoiceFilter(
        widget=QuickSelect, label=_("Status"), choices=PUBLIC_STATUSES, empty_label=ALL
    )
    unit = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        label=_("Handling unit"),
        queryset=HandlingUnit.objects.all(),
        method="for_unit",
        empty_label=ALL,
    )
    delegation = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        label=_("Delegation"),
        queryset=Delegation.objects.all(),
        empty_label=ALL,
    )
    is_key = django_filters.BooleanFilter(
        label=_("Key suggestions only"),
        widget=forms.CheckboxInput,
        method="key_only",
    )
    reply_class = django_filters.ChoiceFilter(
        widget=QuickSelect, label=_("Reply class"), choices=ReplyClass.choices, empty_label=ALL
    )
    satisfaction = django_filters.ChoiceFilter(
        widget=QuickSelect, label=_("Satisfaction"), choices=Satisfaction.choices, empty_label=ALL
    )

    class Meta:
        model = Suggestion
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        match, words = search.match(value)
        number = value.removeprefix("第").removesuffix("号")
        if number.isascii() and number.isdigit() and len(number) < 10:
            match |= Q(number=int(number))
        ordering = ["-title_hit", *(queryset.query.order_by or Suggestion._meta.ordering)]
        return (
            queryset.filter(match).annotate(title_hit=search.title_rank(words)).order_by(*ordering)
        )

    def for_unit(self, queryset, name, unit):
        return queryset.for_unit(unit) if unit else queryset

    def key_only(self, queryset, name, value):
        return queryset.key() if value else queryset
