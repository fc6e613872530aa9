"""Form pieces every app's forms use."""

import functools
import html

from django import forms
from django.core.exceptions import ValidationError
from django.utils.safestring import SafeData, mark_safe

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def is_id(text):
    """Is this text a row id any database column can hold? ("²" and "１" pass str.isdigit()
    but not int() or the database; 20 digits overflow it.)"""
    return isinstance(text, str) and text.isascii() and text.isdigit() and 0 < len(text) <= 18


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids no database column can hold before the database is asked (an id such as
    99999999999999999999 would otherwise crash the query instead of failing validation)."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not is_id(text):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


@functools.lru_cache(maxsize=4096)
def pinyin_keys(text):
    """(initials, full pinyin) of a name, so 李四 is found by typing "ls" or "lisi"."""
    # Imported here: its dictionaries take some 55 MB, which only a page with a picker needs
    # (not the worker, the import or the command line).
    import pypinyin  # noqa: PLC0415

    initials = "".join(pypinyin.lazy_pinyin(text, style=pypinyin.Style.FIRST_LETTER))
    full = "".join(pypinyin.lazy_pinyin(text))
    return initials.lower(), full.lower()


class PickerMixin:
    """A select the browser turns into a searchable picker (static/js/pickers.js, tom-select):
    type a name, its pinyin or its pinyin initials. Without JavaScript it stays a plain select.
    `first` (a set of ids) with `first_label`/`rest_label` groups the options, first ones on top."""

    def __init__(self, attrs=None, **kwargs):
        super().__init__({"data-picker": "", **(attrs or {})}, **kwargs)
        self.first, self.first_label, self.rest_label = set(), "", ""
        # Other names an option is known by ({name: [alias, …]}, e.g. 市住建局 from the import's
        # unit aliases): searched like the name, so "住建" finds 吕梁市住房和城乡建设局.
        self.aliases = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value not in ("", None):
            initials, full = pinyin_keys(str(label))
            option["attrs"]["data-initials"] = initials
            option["attrs"]["data-pinyin"] = full
            instance = getattr(value, "instance", None)
            other = [getattr(instance, "short_name", ""), *self.aliases.get(str(label), ())]
            if any(other):
                option["attrs"]["data-aliases"] = " ".join(o for o in other if o)
            # Deputies who share a name are told apart by their delegation: 李四（离石区代表团）.
            delegation = getattr(getattr(value, "instance", None), "delegation", None)
            if delegation is not None:
                option["label"] = f"{label}（{delegation}）"
        return option

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        if not self.first:
            return groups
        top, rest = [], []
        for _group, options, _index in groups:
            for option in options:
                key = getattr(option["value"], "value", option["value"])
                (top if key in self.first else rest).append(option)
        return [(self.first_label, top, 0), (self.rest_label, rest, 1)]

    def render(self, name, value, attrs=None, renderer=None):
        """The select written out here, the same HTML as Django's templates give it: those
        render each option through two templates, and a picker holds every unit or deputy
        (a staff page with three pickers of 60 units spent 22 ms on them, 3 ms now)."""
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{_escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'<optgroup label="{_escape(group_name)}">')
            parts.extend(
                f'<option value="{_escape(option["value"])}"{_attributes(option["attrs"])}>'
                f"{_escape(option['label'])}</option>"
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308  (every value in it is escaped)


def _escape(value):
    """Django's conditional_escape (the same five characters), without the lazy-string checks
    that cost more than the escaping over hundreds of options."""
    return value if isinstance(value, SafeData) else html.escape(str(value))


def _attributes(attrs):
    """An element's attributes as Django's attrs.html writes them (None left out)."""
    return "".join(
        f" {name}" if value is True else f' {name}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


class PickerSelect(PickerMixin, forms.Select):
    pass


class PickerSelectMultiple(PickerMixin, forms.SelectMultiple):
    pass
