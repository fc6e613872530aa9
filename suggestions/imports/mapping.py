"""Which column of an office spreadsheet fills which field: synonyms, header detection, memory.

Offices name their columns in many ways (案由, 标题, 建议标题 …). Known synonyms map by
themselves; staff correct the rest on the mapping page, and the choice is remembered for the
next file whose header reads the same.
"""

import hashlib
import re
import unicodedata

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from suggestions.exports import SUGGESTION_COLUMNS

# (key, label, synonyms). Synonyms are compared after `header_text` (no spaces, half-width).
FIELDS = [
    ("number", _("Number"), ["编号", "建议编号", "案号", "建议号", "编码", "no", "no."]),
    ("title", _("Title"), ["案由", "标题", "建议标题", "案由/建议标题", "建议名称", "题目"]),
    ("content", _("Content"), ["建议内容", "内容", "正文", "主要内容"]),
    ("category", _("Category"), ["类别", "分类", "建议类别", "所属类别"]),
    (
        "lead_deputy",
        _("Lead deputy"),
        ["领衔代表", "领衔人", "提出人", "领衔代表姓名", "代表姓名", "提出代表"],
    ),
    ("delegation", _("Delegation"), ["代表团", "所在代表团", "所属代表团"]),
    ("co_signers", _("Co-signing deputies"), ["附议代表", "联名代表", "附议人", "附议"]),
    ("submitted_on", _("Submitted on"), ["提出日期", "提交日期", "提出时间"]),
    ("period", _("Submitted"), ["提出", "提出时段", "提出阶段"]),
    ("lead_unit", _("Lead unit"), ["主办单位", "承办单位", "主办", "主办部门"]),
    ("co_units", _("Co-handling units"), ["协办单位", "会办单位", "协办"]),
    (
        "reply_class",
        _("Reply class"),
        ["办理结果", "答复类别", "办理类别", "答复类型", "办理情况", "答复结果"],
    ),
    ("satisfaction", _("Satisfaction"), ["满意度", "代表意见", "测评意见", "代表满意度", "测评"]),
    ("responsible_person", _("Responsible person"), ["责任人", "承办人"]),
    ("assigned_on", _("Assigned on"), ["交办日期", "交办时间"]),
    ("replied_on", _("Replied on"), ["答复日期", "答复时间", "办复日期"]),
]
FIELD_LABELS = {key: label for key, label, _synonyms in FIELDS}
# Used only when no column of the sheet maps to the field by a primary name.
FALLBACKS = {"序号": "number"}
HEADER_ROWS = 10  # the header is looked for in the first rows, under titles and subtitles
# A bracket holds no other opening bracket: each one is scanned to the next bracket at most, not
# to the end of the cell (a header of 20,000 "(" took 4.5 s).
BRACKETS = re.compile(r"[（(][^（(）)]*[）)]")
# A header with a remark in brackets may be long; a cell longer than this is a paragraph of
# text, not a header, and is compared with no synonym (the longest is under 20 characters).
MAX_HEADER_CHARS = 200


def header_text(value):
    """A header cell compared loosely: half-width, no spaces or line breaks, lower case, no *."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"[\s*:：]+", "", text).lower()


def _synonyms():
    names = {}
    for key, label, synonyms in FIELDS:
        for name in synonyms:
            names[header_text(name)] = key
        for code in ("zh-hans", "en"):
            with translation.override(code):
                names.setdefault(header_text(label), key)
        names.setdefault(key, key)
    for code in ("zh-hans", "en"):  # the export's own headers always read back
        with translation.override(code):
            for key, label in SUGGESTION_COLUMNS:
                names[header_text(label)] = key
    return names


def field_for(cell, names=None):
    names = names if names is not None else _synonyms()
    text = header_text(cell)
    if not text or len(text) > MAX_HEADER_CHARS:
        return ""
    return names.get(text) or names.get(BRACKETS.sub("", text), "")


def auto_mapping(header):
    """One field key (or "") per header cell; a field is filled by its first column only."""
    names = _synonyms()
    keys, used = [], set()
    for cell in header:
        key = field_for(cell, names)
        keys.append("" if key in used else key)
        used.add(key)
    for i, cell in enumerate(header):
        fallback = FALLBACKS.get(header_text(cell))
        if fallback and fallback not in used and not keys[i]:
            keys[i] = fallback
            used.add(fallback)
    return keys


def find_header(rows):
    """(index, header) of the row among the first ones that names the most known columns."""
    names = _synonyms()
    best, best_score = None, 1
    for index, cells in enumerate(rows[:HEADER_ROWS]):
        found = {field_for(c, names) for c in cells} - {""}
        if len(found) > best_score and found & {"number", "title"}:
            best, best_score = index, len(found)
    return best


def headers_key(header):
    text = "\x1f".join(header_text(c) for c in header).rstrip("\x1f")
    return hashlib.sha256(text.encode()).hexdigest()


def remembered_mapping(header):
    """The mapping staff chose last time for this exact header, or the automatic one."""
    from suggestions.models import ImportMapping

    saved = ImportMapping.objects.filter(headers_key=headers_key(header)).first()
    if saved and len(saved.mapping) == len(header):
        return list(saved.mapping), True
    return auto_mapping(header), False


def remember_mapping(header, mapping):
    from suggestions.models import ImportMapping

    ImportMapping.objects.update_or_create(
        headers_key=headers_key(header),
        defaults={"headers": [str(c or "") for c in header], "mapping": list(mapping)},
    )
