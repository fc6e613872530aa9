"""No English on a Chinese page, no Chinese in the English source: the catalogue covers every
string the code uses, none fuzzy, none empty.

makemessages runs against a throwaway copy of the catalogue (the real one is never rewritten),
so the test sees exactly the strings the code and templates use today."""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(settings.BASE_DIR)
# Every folder with code or templates of the project's own (each app, the project package).
SOURCES = sorted(
    d.name
    for d in ROOT.iterdir()
    if (d / "apps.py").exists()
    or (d / "management").exists()
    or (d / "settings.py").exists()
    or d.name == "templates"
)
LATIN = re.compile(r"[A-Za-z]")
HAN = re.compile(r"[\u4e00-\u9fff]")


def parse_po(text):
    """Entries of a .po file as dicts: msgid, msgstr (plural forms joined), flags."""
    entries = []
    for block in text.split("\n\n"):
        entry = {"flags": set(), "msgid": "", "msgstr": [], "obsolete": False}
        field = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#,"):
                entry["flags"].update(f.strip() for f in line[2:].split(","))
            elif line.startswith("msgid "):
                field, entry["msgid"] = "msgid", _unquote(line[6:])
            elif line.startswith("msgid_plural "):
                field = "msgid_plural"
            elif line.startswith("msgstr"):
                field = "msgstr"
                entry["msgstr"].append(_unquote(line.split(" ", 1)[1]))
            elif line.startswith('"') and field == "msgid":
                entry["msgid"] += _unquote(line)
            elif line.startswith('"') and field == "msgstr":
                entry["msgstr"][-1] += _unquote(line)
        if entry["msgid"] and not entry["obsolete"]:
            entries.append(entry)
    return entries


def _unquote(s):
    return s.strip()[1:-1]


@pytest.fixture(scope="module")
def catalogue_as_the_code_needs_it(tmp_path_factory):
    """The zh_Hans catalogue merged with the strings the code uses today, in a temporary copy."""
    work = tmp_path_factory.mktemp("messages")
    shutil.copytree(ROOT / "locale", work / "locale")
    for name in SOURCES:
        (work / name).symlink_to(ROOT / name)
    cwd = Path.cwd()
    original = settings.LOCALE_PATHS
    settings.LOCALE_PATHS = [work / "locale"]
    try:
        os.chdir(work)
        call_command(
            "makemessages",
            locale=["zh_Hans"],
            symlinks=True,
            no_location=True,
            no_obsolete=True,
            verbosity=0,
        )
    finally:
        os.chdir(cwd)
        settings.LOCALE_PATHS = original
    return parse_po((work / "locale/zh_Hans/LC_MESSAGES/django.po").read_text("utf-8"))


def test_the_chinese_catalogue_translates_every_string_the_code_uses(
    catalogue_as_the_code_needs_it,
):
    missing = [
        e["msgid"]
        for e in catalogue_as_the_code_needs_it
        if "fuzzy" in e["flags"] or not all(e["msgstr"])
    ]
    assert missing == [], f"fuzzy or untranslated in zh_Hans: {missing}"


def test_the_source_strings_are_english_so_the_english_pages_have_no_chinese(
    catalogue_as_the_code_needs_it,
):
    # An English sentence may quote the Chinese term it explains (办结率 = closed ÷ registered,
    # the import's column 案由); a string mostly in Chinese would show as such on English pages.
    chinese = [
        e["msgid"]
        for e in catalogue_as_the_code_needs_it
        if len(HAN.findall(e["msgid"])) > len(LATIN.findall(e["msgid"]))
    ]
    assert chinese == []


def test_the_committed_catalogue_has_no_fuzzy_entry():
    text = (ROOT / "locale/zh_Hans/LC_MESSAGES/django.po").read_text("utf-8")
    fuzzy = [e["msgid"] for e in parse_po(text) if "fuzzy" in e["flags"]]
    assert fuzzy == []


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def test_chinese_text_uses_full_width_brackets():
    # "彭宏伟 (尚未确认)" reads as a typo in Chinese: （）in every Chinese string.
    text = (ROOT / "locale/zh_Hans/LC_MESSAGES/django.po").read_text("utf-8")
    half = [
        s
        for e in parse_po(text)
        for s in e["msgstr"]
        if HAN.search(s) and re.search(r"[()]", PLACEHOLDER.sub("", s))
    ]
    assert half == []


def test_templates_put_no_half_width_brackets_around_translated_text():
    # A bracket outside {% translate %} stays half-width in Chinese; it belongs in the msgid.
    around = re.compile(r"\(\{%\s*(?:block)?translate|(?:translate|endblocktranslate)\s*[^%]*%\}\)")
    found = [
        f"{path.relative_to(ROOT)}: {m.group(0)}"
        for path in (ROOT / "templates").rglob("*.html")
        for m in around.finditer(path.read_text("utf-8"))
    ]
    assert found == []
