"""Language and formats: Vietnamese unless the person switches, an English catalogue that covers
every string (nothing empty, fuzzy, stale or missing), no literal text left unmarked in the
templates, dates dd/mm/yyyy with 24-hour times and Vietnamese number separators."""

import ast
import datetime as dt
import gettext
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import formats, translation

from tests.factories import ContestFactory

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# What makemessages must scan and skip, as in the README's command.
MAKEMESSAGES_IGNORE = [".venv", "tests", "var", "staticfiles", "bench", "docs", "node_modules"]


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (a list), flags."""
    entries: list[dict] = []
    entry: dict = {}
    key = None

    def flush():
        if "msgid" in entry:
            entries.append(dict(entry))
        entry.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            flush()
            key = None
        elif line.startswith("#,"):
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if key.startswith("msgstr"):
                entry["msgstr"][-1] += value
            else:
                entry[key] += value
        else:
            name, _, value = line.partition(" ")
            value = ast.literal_eval(value)
            if name.startswith("msgstr"):
                key = "msgstr"
                entry.setdefault("msgstr", []).append(value)
            else:
                key = name
                entry[name] = value
    flush()
    return [e for e in entries if e["msgid"]]  # the header has an empty msgid


def catalogue_keys(path: Path) -> set[tuple]:
    return {(e.get("msgctxt"), e["msgid"], e.get("msgid_plural")) for e in po_entries(path)}


def test_english_catalogue_has_no_empty_or_fuzzy_entry():
    entries = po_entries(PO)
    assert len(entries) > 700
    empty = [e["msgid"] for e in entries if not all(s.strip() for s in e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", set())]
    assert empty == []
    assert fuzzy == []
    # Placeholders survive translation (what `msgfmt --check` verifies for python-format).
    for e in entries:
        names = set(re.findall(r"%\((\w+)\)", e["msgid"]))
        for text in e["msgstr"]:
            assert set(re.findall(r"%\((\w+)\)", text)) == names, e["msgid"]


def test_compiled_catalogue_matches_the_po_file():
    """The committed .mo (a fresh clone needs no gettext) is compiled from the current .po."""
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for e in po_entries(PO):
        context = e.get("msgctxt")
        if e.get("msgid_plural"):
            assert compiled.ngettext(e["msgid"], e["msgid_plural"], 1) == e["msgstr"][0]
            assert compiled.ngettext(e["msgid"], e["msgid_plural"], 5) == e["msgstr"][1]
        elif context:
            assert compiled.pgettext(context, e["msgid"]) == e["msgstr"][0]
        else:
            assert compiled.gettext(e["msgid"]) == e["msgstr"][0], e["msgid"]


def test_makemessages_finds_no_string_missing_from_the_catalogue(tmp_path):
    if shutil.which("xgettext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("gettext is missing in CI (apt-get install gettext)")
        pytest.skip("gettext (xgettext) is not installed")
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            *MAKEMESSAGES_IGNORE,
            ".git",
            "__pycache__",
            ".ruff_cache",
            ".pytest_cache",
            "media",
            "backups",
            "*.sqlite3",
        ),
    )
    # Development settings on a scratch SQLite file: makemessages touches no database.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "contest_site.settings.base",
        "VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en"]
        + [f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORE],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    regenerated = catalogue_keys(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    committed = catalogue_keys(PO)
    assert sorted(regenerated - committed, key=str) == [], "new strings to translate"
    assert sorted(committed - regenerated, key=str) == [], "stale entries to remove"


# Literal text in templates must be inside {% translate %} / {% blocktranslate %}.
TEMPLATE_STRIPS = [
    re.compile(r"{% comment %}.*?{% endcomment %}", re.S),
    re.compile(r"{% blocktranslate.*?{% endblocktranslate %}", re.S),
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"<script.*?</script>", re.S),
    re.compile(r'<input type="(?:hidden|checkbox|radio)"[^>]*>'),  # values are not shown
    re.compile(r"{%.*?%}", re.S),
    re.compile(r"{{.*?}}", re.S),
]
TAG = re.compile(r"<[^>]*>", re.S)
TEXT_ATTRIBUTES = re.compile(r'\s(?:alt|title|aria-label|placeholder|value)="([^"]*)"')
WORD = re.compile(r"[^\W\d_]{2,}")


def test_every_template_text_is_marked_for_translation():
    unmarked = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        for pattern in TEMPLATE_STRIPS:
            source = pattern.sub(" ", source)
        attributes = TEXT_ATTRIBUTES.findall(source)
        text = TAG.sub(" ", source).replace("&nbsp;", " ").replace("&rsaquo;", " ")
        text = re.sub(r"&\w+;", " ", text)
        for chunk in [*text.split("\n"), *attributes]:
            if WORD.search(chunk):
                unmarked.append(f"{path.relative_to(ROOT)}: {chunk.strip()}")
    assert unmarked == []


def test_vietnamese_formats_dates_times_and_numbers():
    moment = dt.datetime(2024, 8, 29, 14, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    template = Template("{{ day }}|{{ moment }}|{{ big }}|{{ share }}|{{ moment|time }}")
    context = Context(
        {"day": moment.date(), "moment": moment, "big": 1234567, "share": Decimal("12.5")}
    )
    with translation.override("vi"):
        assert template.render(context) == "29/08/2024|29/08/2024 14:05|1.234.567|12,5|14:05"
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "29/08/2024"
    with translation.override("en"):
        # English pages keep the day-first date and the 24-hour clock; English separators.
        assert template.render(context) == "29/08/2024|29/08/2024 14:05|1,234,567|12.5|14:05"


def test_the_site_is_vietnamese_whatever_the_browser_asks(client, db):
    ContestFactory()
    page = client.get(reverse("content:rules"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = page.content.decode()
    assert '<html lang="vi"' in html and "Thể lệ" in html
    assert 'name="language" value="en"' in html  # the switch, on every page


def test_the_switch_turns_the_site_english_and_back(client, db):
    ContestFactory()
    rules = reverse("content:rules")
    switched = client.post(reverse("set_language"), {"language": "en", "next": rules})
    assert switched.status_code == 302 and switched["Location"] == rules
    html = client.get(rules).content.decode()
    assert '<html lang="en"' in html and "Contest rules" in html
    assert 'name="language" value="vi"' in html
    client.post(reverse("set_language"), {"language": "vi", "next": rules})
    assert '<html lang="vi"' in client.get(rules).content.decode()


def test_an_unknown_language_cookie_falls_back_to_vietnamese(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert '<html lang="vi"' in client.get(reverse("content:rules")).content.decode()


def test_numbers_read_by_scripts_and_forms_are_not_localized(client, attempt_in_progress):
    """USE_THOUSAND_SEPARATOR would print 2419200 as "2.419.200", which parseInt reads as 2:
    the home countdown then reloads the page every two seconds."""
    client.force_login(attempt_in_progress.participant.user)
    home = client.get("/").content.decode()
    seconds = re.findall(r'data-countdown-seconds="([^"]*)"', home)
    assert seconds and all(value.isdigit() for value in seconds)
    assert max(int(value) for value in seconds) > 1000
    quiz = client.get(reverse("quizzes:attempt", args=[attempt_in_progress.pk])).content.decode()
    remaining = re.search(r'data-remaining-ms="([^"]*)"', quiz).group(1)
    assert remaining.isdigit() and int(remaining) > 1000
