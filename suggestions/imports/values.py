"""One cell's value made comparable: text, numbers, dates, reply classes, satisfaction, and the
indexes that find a deputy, a unit or a category by the name an office wrote."""

import datetime
import difflib
import re
import unicodedata

from django.utils.translation import gettext as _

from congress.models import HandlingUnit
from deputies.models import Deputy
from suggestions.models import (
    Category,
    ImportAlias,
    ReplyClass,
    Satisfaction,
    Suggestion,
)

# --- normalising one value -------------------------------------------------------------------

# 张三 or 张三（离石区代表团）. Linear in the text: the name starts and ends with a character that
# is not a space, and the spaces before the bracket belong to the bracket's group alone. (The
# first form, `[^（(]+?\s*(…)?\s*$`, could split a run of spaces three ways: a lead deputy of
# "a", 2,000 spaces and "x" took 22 s, of 300,000 spaces for ever.)
NAME_WITH_DELEGATION = re.compile(
    r"^\s*(?P<name>[^（(\s](?:[^（(]*[^（(\s])?)"
    r"(?:\s*[（(](?P<delegation>[^）)]*)[）)])?\s*$"
)
QUOTES = re.compile(r"[「」『』《》【】\[\]“”\"'‘’\s]")


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return str(value).strip()


def _quoted(value, limit=50):
    """A cell's value as a message quotes it: its start, when it is long."""
    text = _text(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _half(value):
    """Full-width digits, letters, spaces and brackets as their ordinary forms."""
    return unicodedata.normalize("NFKC", _text(value)).strip()


def _number(value):
    text = _half(value)
    bare = re.sub(r"\s+", "", text).removeprefix("第").removesuffix("号")
    if bare.isascii() and bare.isdigit() and 0 < len(bare) < 10 and int(bare) > 0:
        return int(bare), (None if bare == _text(value) else (_text(value), bare))
    return None, None


EXCEL_EPOCH = datetime.date(1899, 12, 30)
DATE_TEXT = re.compile(r"^(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?$")


def _date(value):
    """(date or None, note or None). Excel serials and Chinese date forms are read."""
    if isinstance(value, datetime.datetime):
        return value.date(), None
    if isinstance(value, datetime.date):
        return value, None
    text = _half(value)
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        serial = int(float(text))
        if 20000 < serial < 80000:
            day = EXCEL_EPOCH + datetime.timedelta(days=serial)
            return day, (text, day.isoformat())
    if match := DATE_TEXT.match(text):
        try:
            day = datetime.date(*map(int, match.groups()))
        except ValueError:
            return None, None
        return day, (None if day.isoformat() == text else (text, day.isoformat()))
    return None, None


def _period(value):
    text = _half(value).lower()
    if text in ("during", "大会期间", "会议期间", str(Suggestion.Period.DURING_SESSION.label)):
        return Suggestion.Period.DURING_SESSION
    if text in ("between", "闭会期间", str(Suggestion.Period.BETWEEN_SESSIONS.label)):
        return Suggestion.Period.BETWEEN_SESSIONS
    return None


REPLY_WORDS = [
    ("留作参考", ReplyClass.D),
    ("列入计划", ReplyClass.C),
    ("条件限制", ReplyClass.C),
    ("以后解决", ReplyClass.C),
    ("正在解决", ReplyClass.B),
    ("解决", ReplyClass.A),
]


def _reply_class(value):
    text = _half(value).upper().replace("类", "").strip()
    if text[:1] in ReplyClass.values and (len(text) == 1 or not text[1:2].isalpha()):
        return text[:1]
    for word, reply_class in REPLY_WORDS:
        if word in text:
            return reply_class
    return None


def _satisfaction(value):
    text = _half(value).lower()
    for choice in Satisfaction:
        if text in (choice.value, str(choice.label).lower()):
            return choice.value
    if "不满意" in text:
        return Satisfaction.DISSATISFIED
    if "基本满意" in text:
        return Satisfaction.BASICALLY_SATISFIED
    if "满意" in text:
        return Satisfaction.SATISFIED
    return None


def _name(text):
    """A person's name: half-width, inner spaces removed (卢 志强 → 卢志强)."""
    return re.sub(r"\s+", "", _half(text))


def _delegation_key(text):
    return _name(text).removesuffix("代表团")


def _closest(word, choices):
    return difflib.get_close_matches(word, choices, n=3, cutoff=0.4)


def _did_you_mean(matches):
    if not matches:
        return ""
    return _("; did you mean %(names)s?") % {"names": "、".join(matches)}


class DeputyIndex:
    """Every deputy by name (or only those `names` name), loaded once for the whole file."""

    def __init__(self, names=None):
        self.by_name, self.by_pk, self.found = {}, {}, {}
        deputies = Deputy.objects.select_related("delegation")
        if names is not None:
            deputies = deputies.filter(name__in=names)
        for deputy in deputies:
            self.by_name.setdefault(deputy.name, []).append(deputy)
            self.by_pk[deputy.pk] = deputy

    def knows(self, text):
        match = NAME_WITH_DELEGATION.match(text)
        return bool(match) and _name(match["name"]) in self.by_name

    def find(self, name, delegation=""):
        """(deputy, problem): exactly one match, or a reason quoting the value.

        Answered once per name: a file that misspells a deputy on 5,000 rows would otherwise
        compare the name with every deputy's 5,000 times (`_closest`)."""
        key = (name, delegation)
        if key not in self.found:
            self.found[key] = self._find(name, delegation)
        return self.found[key]

    def _find(self, name, delegation):
        found = self.by_name.get(name, [])
        if delegation:
            found = [
                d
                for d in found
                if _delegation_key(d.delegation.name) == _delegation_key(delegation)
            ]
        if not found:
            if name in self.by_name:  # the name exists, in other delegations
                return None, _(
                    "no deputy “%(name)s” in %(delegation)s; there are %(candidates)s"
                ) % {
                    "name": name,
                    "delegation": _quoted(delegation),
                    "candidates": self._listed(self.by_name[name]),
                }
            where = f"（{_quoted(delegation)}）" if delegation else ""
            return None, _("unknown deputy “%(name)s”") % {
                "name": _quoted(name) + where
            } + _did_you_mean(
                [self._listed(self.by_name[n]) for n in _closest(name, list(self.by_name))]
            )
        if len(found) > 1:
            return None, _(
                "several deputies are named “%(name)s”: %(candidates)s; write the delegation "
                "after the name, e.g. %(example)s"
            ) % {
                "name": name,
                "candidates": self._listed(found),
                "example": f"{name}（{found[0].delegation.name}）",
            }
        return found[0], None

    @staticmethod
    def _listed(deputies):
        return "、".join(f"{d.name}（{d.delegation.name}）" for d in deputies)


class NameIndex:
    """Categories or units by name, short name and staff's aliases, with closest matches."""

    def __init__(self, kind):
        self.kind = kind
        self.by_name, self.by_pk, self.found = {}, {}, {}
        if kind == ImportAlias.Kind.CATEGORY:
            for category in Category.objects.all():
                self.by_name[category.name] = category
                self.by_pk[category.pk] = category
        else:
            for unit in HandlingUnit.objects.all():
                self.by_pk[unit.pk] = unit
                if not unit.is_active:
                    continue
                self.by_name[unit.name] = unit
                if unit.short_name:
                    self.by_name.setdefault(unit.short_name, unit)
        self.aliases = dict(ImportAlias.objects.filter(kind=kind).values_list("alias", "name"))

    def find(self, value):
        """(object, note, problem); answered once per value (see `DeputyIndex.find`)."""
        if value not in self.found:
            self.found[value] = self._find(value)
        return self.found[value]

    def _find(self, value):
        text = QUOTES.sub("", _half(value))
        candidates = [text]
        if self.kind == ImportAlias.Kind.CATEGORY and text.endswith("类"):
            candidates.append(text.removesuffix("类"))
        for candidate in candidates:
            found = self.by_name.get(candidate)
            if found is None and candidate in self.aliases:
                found = self.by_name.get(self.aliases[candidate])
            if found is not None:
                shown = _text(value)
                return found, (None if str(found) == shown else (shown, str(found))), None
        names = sorted({str(o) for o in self.by_name.values()})
        close = _closest(text, list(self.by_name) + list(self.aliases))
        close = list(
            dict.fromkeys(
                str(self.by_name.get(c) or self.by_name.get(self.aliases.get(c, ""), c))
                for c in close
            )
        )
        if self.kind == ImportAlias.Kind.CATEGORY:
            message = _("unknown category “%(value)s”") % {"value": _quoted(value)}
            if not close:
                message += _("; the categories are %(names)s") % {"names": "、".join(names)}
        else:
            message = _("unknown unit “%(value)s”") % {"value": _quoted(value)}
        return None, None, message + _did_you_mean(close)
