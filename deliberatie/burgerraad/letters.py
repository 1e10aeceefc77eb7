"""Stage 1 on plain data: read the address extract, spread the letters, draw, make codes.

Framework-free so it can be tested on its own. The draw is reproducible from
its seed (numpy ``PCG64``, addresses in sorted order per wijk); the
invitation codes are not: they come from :mod:`secrets`, because a code must
not be derivable from anything stored or published.
"""

import csv
import io
import secrets
from dataclasses import dataclass

import numpy as np

from ..csvtext import decode_upload

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CODE_GROUPS = 4  # 4 groups of 4 characters: 80 bits
_ID_COLUMNS = ("adres_id", "address_id", "adresid", "id")
MAX_ID_LENGTH = 64


@dataclass(frozen=True)
class RowError:
    """A problem in one row (1 = header) and field of the uploaded file."""

    row: int
    field: str
    code: str
    value: str = ""


def read_addresses(data: bytes, wijken: dict):
    """Addresses ``[(address_id, wijk_id)]`` and row errors from a CSV extract.

    Parameters
    ----------
    data : bytes
        The uploaded file (UTF-8, comma or semicolon separated, a header row).
    wijken : dict
        Lower-cased wijk name or CBS code -> wijk id.
    """
    text = decode_upload(data)
    if text is None:
        return [], [RowError(1, "", "not_utf8")]
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text), dialect, strict=True))
    except csv.Error:
        return [], [RowError(1, "", "malformed")]
    rows = [(n, r) for n, r in enumerate(rows, start=1) if any(c.strip() for c in r)]
    if not rows:
        return [], [RowError(1, "", "empty")]
    header = [h.strip().lower() for h in rows[0][1]]
    id_col = next((header.index(c) for c in _ID_COLUMNS if c in header), None)
    wijk_col = header.index("wijk") if "wijk" in header else None
    errors = []
    if id_col is None:
        errors.append(RowError(1, "adres_id", "missing_column"))
    if wijk_col is None:
        errors.append(RowError(1, "wijk", "missing_column"))
    if errors:
        return [], errors
    if len(rows) == 1:
        return [], [RowError(1, "", "no_rows")]
    addresses, seen = [], {}
    for number, row in rows[1:]:
        if len(row) != len(header):
            errors.append(RowError(number, "", "wrong_columns", str(len(row))))
            continue
        address_id, wijk = row[id_col].strip(), row[wijk_col].strip()
        if not address_id:
            errors.append(RowError(number, "adres_id", "missing_value"))
        elif len(address_id) > MAX_ID_LENGTH:
            errors.append(RowError(number, "adres_id", "too_long", address_id[:20]))
        elif address_id in seen:
            errors.append(RowError(number, "adres_id", "duplicate", f"{address_id}|{seen[address_id]}"))
        wijk_id = wijken.get(wijk.lower())
        if not wijk:
            errors.append(RowError(number, "wijk", "missing_value"))
        elif wijk_id is None:
            errors.append(RowError(number, "wijk", "unknown_wijk", wijk))
        if address_id and address_id not in seen:
            seen[address_id] = number
        addresses.append((address_id, wijk_id))
    return (addresses if not errors else []), errors


def allocate(total: int, weights: dict, capacity: dict) -> dict:
    """Split ``total`` letters over wijken proportionally to ``weights``, within ``capacity``.

    Largest remainder; a wijk with fewer addresses than its share gets them
    all and the rest is spread again over the others. Ties go to the lower key.
    """
    result = {key: 0 for key in weights}
    open_keys = [k for k in sorted(weights) if capacity.get(k, 0) > 0 and weights[k] > 0]
    left = min(total, sum(capacity.get(k, 0) for k in open_keys))
    while left > 0 and open_keys:
        weight_sum = sum(weights[k] for k in open_keys)
        raw = {k: left * weights[k] / weight_sum for k in open_keys}
        share = {k: int(raw[k]) for k in open_keys}
        for k in sorted(open_keys, key=lambda k: (-(raw[k] - share[k]), k))[: left - sum(share.values())]:
            share[k] += 1
        full = [k for k in open_keys if result[k] + share[k] >= capacity[k]]
        if not full:
            for k in open_keys:
                result[k] += share[k]
            break
        for k in full:  # fill these to capacity and spread the rest again
            left -= capacity[k] - result[k]
            result[k] = capacity[k]
        open_keys = [k for k in open_keys if k not in full]
    return result


def draw_addresses(addresses, allocation: dict, seed: int):
    """Drawn ``[(address_id, wijk_id)]``: per wijk (ascending id) a seeded sample of sorted ids."""
    rng = np.random.Generator(np.random.PCG64(seed))
    by_wijk = {}
    for address_id, wijk_id in addresses:
        by_wijk.setdefault(wijk_id, []).append(address_id)
    drawn = []
    for wijk_id in sorted(by_wijk):
        ids = sorted(by_wijk[wijk_id])
        size = min(allocation.get(wijk_id, 0), len(ids))
        if size:
            picks = rng.choice(len(ids), size=size, replace=False)
            drawn += [(ids[i], wijk_id) for i in sorted(int(p) for p in picks)]
    return drawn


def new_code() -> str:
    """A random invitation code of 80 bits, e.g. ``7KQ2-M9XD-4TBW-H1RZ``."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(4 * CODE_GROUPS))
    return "-".join(chars[i:i + 4] for i in range(0, len(chars), 4))


def normalise_code(text: str) -> str:
    """The stored form of a typed code: upper case, O->0, I/L->1, dashes every 4."""
    cleaned = "".join(c for c in (text or "").upper() if c.isalnum())
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(cleaned) != 4 * CODE_GROUPS or any(c not in ALPHABET for c in cleaned):
        return ""
    return "-".join(cleaned[i:i + 4] for i in range(0, len(cleaned), 4))
