"""Merge a JSON file {source msgid: translation} into a catalogue.

Usage: python scripts/merge_translations.py en translations.json [...]
Plural entries are keyed by their singular msgid and given as [singular, plural].
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]


def main(locale, *files):
    path = ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    translations = {}
    for file in files:
        translations.update(json.loads(Path(file).read_text()))
    merged = 0
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key and key in translations:
            value = translations[key]
            message.string = tuple(value) if isinstance(message.id, tuple) else value
            message.flags.discard("fuzzy")
            merged += 1
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100)
    print(f"{locale}: merged {merged} translations", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:])
