"""Every user-facing string is in both catalogues; a new untranslated string fails here."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")
METHOD_MAP = [("deliberatie/**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.do"}}


@pytest.fixture(scope="module")
def source_messages():
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
                "lazy_ngettext": (1, 2)}
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), METHOD_MAP, OPTIONS, keywords=keywords):
        key = message[0] if isinstance(message, tuple) else message
        if key:
            found.setdefault(key, filename)
    return found


def _catalog(locale):
    with (ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return {(m.id[0] if isinstance(m.id, tuple) else m.id): m for m in read_po(handle) if m.id}


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_catalogue_complete(source_messages, locale):
    catalog = _catalog(locale)
    missing = [f"{source_messages[key]}: {key!r}" for key in source_messages
               if key not in catalog or not all(catalog[key].string if isinstance(catalog[key].string, tuple)
                                                else [catalog[key].string])]
    assert not missing, f"{len(missing)} untranslated strings in {locale} (run make extract-messages):\n" + \
        "\n".join(missing[:20])


def test_english_keeps_placeholders():
    bad = []
    for key, message in _catalog("en").items():
        if isinstance(message.id, tuple):  # plural forms may each use a subset
            allowed = set(PLACEHOLDER.findall(" ".join(message.id)))
            if any(not set(PLACEHOLDER.findall(text)) <= allowed for text in message.string if text):
                bad.append(key)
        elif message.string and set(PLACEHOLDER.findall(key)) != set(PLACEHOLDER.findall(message.string)):
            bad.append(key)
    assert not bad, bad[:10]
