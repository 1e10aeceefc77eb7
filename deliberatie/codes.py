"""Personal codes on paper letters (stemcodes, steuncodes): making, typing, hashing, the CSV.

A code is 16 characters from a 32-letter alphabet without look-alikes
(no 0/O, 1/I): 80 bits from :mod:`secrets`, shown as ``XXXX-XXXX-XXXX-XXXX``.
Only ``HMAC-SHA256(salt, code)`` is stored, with a random salt per batch owner
(a wijkbudget, a pitch round); with 80 bits of randomness guessing from the
hashes is hopeless, and the hashes do not depend on ``SECRET_KEY`` (rotating
it keeps codes valid). The plain codes exist only in the organiser's download.
The components keep their own tables and rules for using a code.
"""

import csv
import hashlib
import hmac
import io
import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: 32 symbols, 5 bits each
LENGTH = 16
GROUP = 4
MAX_PER_BATCH = 20_000


def new_salt() -> str:
    return secrets.token_hex(16)


def random_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return format_code(raw)


def normalise(text) -> str:
    """Upper case, spaces and dashes removed."""
    return "".join(ch for ch in str(text or "").upper() if ch.isascii() and ch.isalnum())


def format_code(raw) -> str:
    s = normalise(raw)
    return "-".join(s[i:i + GROUP] for i in range(0, len(s), GROUP))


def salted_hash(salt: str, code) -> str:
    """``HMAC-SHA256(salt, normalised code)`` as hex: what is stored instead of the code."""
    return hmac.new(salt.encode(), normalise(code).encode(), hashlib.sha256).hexdigest()


def fresh_codes(n: int, salt: str) -> tuple[list[str], list[str]]:
    """``n`` new codes: (the plain codes in the order made, their hashes sorted), no two hashes alike.

    Store the rows in the order of the hashes, not of the codes: then a row's
    id says nothing about the code's place in the letters (the CSV's
    volgnummer, the mail merge's address list).
    """
    codes = {}
    while len(codes) < n:
        code = random_code()
        codes.setdefault(salted_hash(salt, code), code)
    return list(codes.values()), sorted(codes)


def codes_csv(codes, url_for_code, *, columns=("volgnummer", "stemcode", "stemlink")) -> str:
    """One row per code, for a mail merge with the municipality's address list."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for i, code in enumerate(codes, start=1):
        writer.writerow([i, code, url_for_code(code)])
    return out.getvalue()
