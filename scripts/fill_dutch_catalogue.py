"""Dutch is the source language: its catalogue gets msgstr = msgid for every new string.

Run by ``make extract-messages`` after ``pybabel update``; the English
catalogue is translated by hand.
"""

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PATH = Path(__file__).resolve().parents[1] / "translations" / "nl" / "LC_MESSAGES" / "messages.po"


def main():
    with PATH.open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not all(message.string):
                message.string = tuple(message.id)
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
        message.flags.discard("fuzzy")
    catalog.obsolete.clear()
    with PATH.open("wb") as handle:
        write_po(handle, catalog, width=100)
    print(f"nl: filled {filled} new messages", file=sys.stderr)


if __name__ == "__main__":
    main()
