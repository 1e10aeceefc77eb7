"""Euro amounts as typed by people, to and from integer cents."""

import re
from fractions import Fraction

_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")
# A thousand billion euros: far above any budget, far below what the BIGINT columns hold.
MAX_CENTS = 100 * 10**12


def parse_euros(text) -> int:
    """Cents from ``"€ 1.234,50"``, ``"1234.50"``, ``"1234,5"`` or ``"1.234"``.

    A dot followed by groups of three digits (and no comma) is a Dutch
    thousands separator; otherwise the last ``,`` or ``.`` is the decimal mark.
    Raises ``ValueError`` for anything else, negative amounts, more than
    two decimals and amounts above ``MAX_CENTS``.
    """
    s = str(text or "").replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
    if s.startswith("-") or not s:
        raise ValueError(text)
    if "," in s:
        s = s.replace(".", "").replace(",", ".")
    elif _GROUPED.match(s):
        s = s.replace(".", "")
    if not re.fullmatch(r"\d+(\.\d{1,2})?", s):
        raise ValueError(text)
    value = int(Fraction(s) * 100)
    if value > MAX_CENTS:
        raise ValueError(text)
    return value


def format_euros(cents, *, with_cents=None) -> str:
    """``€ 1.234,50`` (with a no-break space); whole euros without ``,00`` unless ``with_cents``."""
    cents = int(cents)
    euros, rest = divmod(abs(cents), 100)
    whole = f"{euros:,}".replace(",", ".")
    sign = "-" if cents < 0 else ""
    if rest or with_cents:
        return f"{sign}€\u00a0{whole},{rest:02d}"
    return f"{sign}€\u00a0{whole}"


def cents_to_fraction(cents) -> int | Fraction:
    """Euros as an exact number for the core (whole euros stay ``int``)."""
    value = Fraction(int(cents), 100)
    return value.numerator if value.denominator == 1 else value


def fraction_to_cents(value) -> int:
    return int(Fraction(value) * 100)
