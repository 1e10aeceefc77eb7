"""Population margins: one-way counts per variable, read and brought to one base.

CBS "Kerncijfers wijken en buurten" publishes one-way counts whose bases
differ: sex and migration background cover all ages, age bands start at 0
or 15, education covers 15–74. Raking needs every margin to describe the
same population, so :func:`population_margins` brings them to one base
(the population the weighted sample should represent) or refuses, naming
the variable and its base. The layout is documented in
``docs/population-csv.md``.
"""

import csv
import math
import re
from dataclasses import dataclass, field

from deliberatie.core.errors import InputError

_REQUIRED = ("variable", "category", "count")
_CLOSED = re.compile(r"^(\d+) ?(-|–|t/m|tot) ?(\d+)$")
_OPEN = re.compile(r"^(\d+) ?(\+|en ouder|of ouder|en meer|plus)$")
_ALL = {"", "all", "alle", "alle leeftijden", "alle inwoners", "inwoners", "totaal", "0+"}
_SHARE_TOTAL_TOLERANCE = 1e-6


@dataclass(frozen=True)
class PopulationRow:
    """One line of a population CSV: a count (or share) for one category."""

    wijk: str
    variable: str
    category: str
    count: float
    base: str = ""
    line: int = 0


@dataclass(frozen=True)
class PopulationMargins:
    """Margins on one base, ready for :func:`deliberatie.core.weighting.rake`.

    Attributes
    ----------
    margins : dict
        ``{variable: {category: count}}``; every variable sums to ``total``.
    base : tuple
        ``(lowest_age, highest_age)`` the margins describe; ``None`` = no bound.
    total : float
        The population count on that base (1.0 when only shares were given).
    wijk : str or None
        The area (``None`` = the whole gemeente).
    factors : dict
        ``{variable: factor}`` each variable was multiplied by to reach
        ``total``; 1.0 means it was used as published. Shown to auditors,
        because rescaling assumes the distribution within the variable's
        own base holds for the chosen base.
    """

    margins: dict
    base: tuple
    total: float
    wijk: object = None
    factors: dict = field(default_factory=dict)


def parse_age_range(text):
    """An age range as ``(lowest, highest)``; ``None`` = open; ``None`` if not a range.

    Accepts ``"15-24"``, ``"15–24"``, ``"15 t/m 24"``, CBS's ``"15 tot 25 jaar"``
    (upper bound exclusive), ``"65+"``, ``"65 jaar of ouder"``, and ``""`` or
    ``"alle inwoners"`` for all ages.

    >>> parse_age_range("15 tot 25 jaar"), parse_age_range("65+")
    ((15, 24), (65, None))
    """
    text = " ".join((text or "").strip().lower().replace("jaar", " ").split())
    if text in _ALL:
        return (0, None)
    match = _CLOSED.match(text)
    if match:
        low, high = int(match.group(1)), int(match.group(3))
        if match.group(2) == "tot":
            high -= 1
        return (low, high) if high >= low else None
    match = _OPEN.match(text)
    return (int(match.group(1)), None) if match else None


def format_age_range(age_range):
    """Inverse of :func:`parse_age_range`: ``(15, None)`` -> ``"15+"``."""
    low, high = age_range
    return f"{low}+" if high is None else f"{low}-{high}"


def read_population_csv(lines, *, file=None):
    """Parse a population CSV (see ``docs/population-csv.md``) into rows.

    Parameters
    ----------
    lines : iterable of str
        The file's lines (an open text file will do).
    file : str, optional
        File name, only to name it in errors.

    Returns
    -------
    tuple of PopulationRow
    """
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        raise InputError("population.empty", file=file)
    header = [name.strip().lower().lstrip("\ufeff") for name in header]
    for name in _REQUIRED:
        if name not in header:
            raise InputError("population.missing_column", file=file, line=1, field=name)
    column = {name: header.index(name) for name in header}
    rows, seen, bases = [], {}, {}
    for line_no, record in enumerate(reader, start=2):
        if not record or all(not cell.strip() for cell in record):
            continue
        if len(record) < len(header):
            record = record + [""] * (len(header) - len(record))

        def cell(name):
            return record[column[name]].strip() if name in column else ""

        wijk, variable, category = cell("wijk"), cell("variable"), cell("category")
        if not variable:
            raise InputError("population.missing_value", file=file, line=line_no, field="variable")
        if not category:
            raise InputError("population.missing_value", file=file, line=line_no, field="category")
        count = _parse_count(cell("count"), file=file, line=line_no)
        base = cell("base")
        if parse_age_range(base) is None:
            raise InputError("population.bad_base", file=file, line=line_no, field="base", value=base)
        key = (wijk, variable, category)
        if key in seen:
            raise InputError("population.duplicate", file=file, line=line_no, field="category",
                             variable=variable, category=category, first_line=seen[key])
        seen[key] = line_no
        first = bases.setdefault((wijk, variable), (parse_age_range(base), line_no))
        if first[0] != parse_age_range(base):
            raise InputError("population.mixed_base", file=file, line=line_no, field="base",
                             variable=variable, base=base, first_line=first[1])
        rows.append(PopulationRow(wijk, variable, category, count, base, line_no))
    if not rows:
        raise InputError("population.empty", file=file)
    return tuple(rows)


def read_margins_csv(lines, *, file=None):
    """Parse ``variable,category,target`` (FORMATS.md) into ``{variable: {category: target}}``."""
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        raise InputError("weights.empty_margins", file=file)
    header = [name.strip().lower().lstrip("\ufeff") for name in header]
    for name in ("variable", "category", "target"):
        if name not in header:
            raise InputError("weights.missing_column", file=file, line=1, field=name)
    iv, ic, it = header.index("variable"), header.index("category"), header.index("target")
    margins = {}
    for line_no, record in enumerate(reader, start=2):
        if not record or all(not cell.strip() for cell in record):
            continue
        if len(record) <= max(iv, ic, it):
            raise InputError("weights.short_row", file=file, line=line_no)
        variable, category = record[iv].strip(), record[ic].strip()
        if not variable or not category:
            raise InputError("weights.missing_value", file=file, line=line_no,
                             field="variable" if not variable else "category")
        target = _parse_count(record[it], file=file, line=line_no, field="target", code="weights")
        if category in margins.setdefault(variable, {}):
            raise InputError("weights.duplicate_target", file=file, line=line_no, field="category",
                             variable=variable, category=category)
        margins[variable][category] = target
    if not margins:
        raise InputError("weights.empty_margins", file=file)
    return margins


def population_margins(rows, *, wijk=None, base=None, age_variable="leeftijd",
                       variables=None, rescale=True, prorate=False, total_tolerance=1e-6,
                       wijk_variable="wijk"):
    """Bring one area's one-way counts to a common base.

    Parameters
    ----------
    rows : sequence of PopulationRow
        From :func:`read_population_csv`.
    wijk : str or sequence of str, optional
        The area: one wijk, or several whose counts are added up. ``None``
        takes the gemeente rows (empty ``wijk``), or all wijken when the
        file has no gemeente rows.
    base : str or tuple, optional
        The population to represent, e.g. ``"16+"`` or ``(16, None)``.
        Default: the range the age bands cover, else the variables' common base.
    age_variable : str
        Variable whose categories are age bands: bands outside ``base``
        are dropped, so it defines the total.
    variables : sequence of str, optional
        Keep only these variables (in this order).
    rescale : bool
        Rescale every variable to the base total (needed when bases differ,
        and to absorb CBS rounding). ``False`` refuses instead.
    prorate : bool
        Split an age band that straddles the base by its years
        (``15-24`` for ``16+`` becomes ``16-24`` with 9/10 of the count);
        ``False`` refuses.
    total_tolerance : float
        Relative difference of totals accepted when ``rescale`` is False.
    wijk_variable : str or None
        When several wijken are added up, also return a margin of this name
        with each wijk's total on the base (unless the rows already have it).

    Returns
    -------
    PopulationMargins
    """
    options = dict(base=base, age_variable=age_variable, variables=variables, rescale=rescale,
                   prorate=prorate, total_tolerance=total_tolerance)
    areas = _areas(rows, wijk)
    if len(areas) == 1:
        return _one_area(_rows_of(rows, areas[0]), wijk=wijk, **options)
    summed = _sum_rows([row for area in areas for row in _rows_of(rows, area)])
    result = _one_area(summed, wijk=wijk, **options)
    if not wijk_variable or wijk_variable in result.margins:
        return result
    per_wijk = {}
    for area in areas:
        part = _one_area(_rows_of(rows, area), wijk=area,
                         **{**options, "base": result.base, "variables": None})
        per_wijk[area] = part.total
    factor = result.total / math.fsum(per_wijk.values())
    margins = dict(result.margins)
    margins[wijk_variable] = {area: total * factor for area, total in per_wijk.items()}
    return PopulationMargins(margins=margins, base=result.base, total=result.total, wijk=wijk,
                             factors={**result.factors, wijk_variable: factor})


def _areas(rows, wijk):
    if wijk is None:
        if any(row.wijk == "" for row in rows):
            return [""]
        return list(dict.fromkeys(row.wijk for row in rows))
    if isinstance(wijk, str):
        return [wijk]
    return list(dict.fromkeys(wijk))


def _rows_of(rows, area):
    chosen = [row for row in rows if row.wijk == area]
    if not chosen:
        raise InputError("population.no_rows", wijk=area or None)
    return chosen


def _sum_rows(rows):
    """Add up the counts of several wijken per (variable, category)."""
    summed, first = {}, {}
    for row in rows:
        key = (row.variable, row.category)
        if row.variable in first and parse_age_range(first[row.variable].base) != parse_age_range(
                row.base):
            raise InputError("population.mixed_base", line=row.line, field="base",
                             variable=row.variable, base=row.base, wijk=row.wijk)
        first.setdefault(row.variable, row)
        count = summed[key].count + row.count if key in summed else row.count
        summed[key] = PopulationRow("", row.variable, row.category, count, row.base, row.line)
    return list(summed.values())


def _one_area(chosen, *, wijk, base, age_variable, variables, rescale, prorate,
              total_tolerance):
    by_variable = {}
    for row in chosen:
        by_variable.setdefault(row.variable, []).append(row)
    if variables is not None:
        missing = [name for name in variables if name not in by_variable]
        if missing:
            raise InputError("population.unknown_variable", variable=missing[0], wijk=wijk)
        by_variable = {name: by_variable[name] for name in variables}
    var_base = {name: parse_age_range(group[0].base) for name, group in by_variable.items()}

    ages = by_variable.get(age_variable)
    if base is None:
        if ages is not None:
            base = _span([_age_band(row) for row in ages], var_base[age_variable])
        else:
            distinct = set(var_base.values())
            if len(distinct) > 1:
                raise InputError("population.base_required", wijk=wijk)
            base = distinct.pop()
    elif isinstance(base, str):
        parsed = parse_age_range(base)
        if parsed is None:
            raise InputError("population.bad_base", field="base", value=base)
        base = parsed
    base = tuple(base)

    margins, totals = {}, {}
    for name, group in by_variable.items():
        if name == age_variable:
            counts = _age_counts(group, base, prorate=prorate)
            var_base[name] = base
        else:
            counts = {row.category: row.count for row in group}
        margins[name] = counts
        totals[name] = math.fsum(counts.values())
        if totals[name] <= 0:
            raise InputError("population.zero_total", variable=name, wijk=wijk)

    shares = {name for name, total in totals.items()
              if abs(total - 1.0) <= _SHARE_TOTAL_TOLERANCE}
    reference = None
    if age_variable in margins and age_variable not in shares:
        reference = age_variable
    else:
        reference = next((name for name in margins
                          if var_base[name] == base and name not in shares), None)
    total = totals[reference] if reference is not None else 1.0
    if reference is None and len(shares) < len(margins):
        raise InputError("population.no_base_total", base=format_age_range(base), wijk=wijk)

    factors = {}
    for name, counts in margins.items():
        factor = total / totals[name]
        if not rescale and name not in shares:
            if var_base[name] != base:
                raise InputError("population.base_mismatch", variable=name,
                                 base=format_age_range(var_base[name]),
                                 expected=format_age_range(base), wijk=wijk)
            if abs(factor - 1.0) > total_tolerance:
                raise InputError("weights.totals_disagree", variable=name, total=totals[name],
                                 expected=total, reference_variable=reference)
            factor = 1.0
        factors[name] = factor
        margins[name] = {category: count * factor for category, count in counts.items()}
    return PopulationMargins(margins=margins, base=base, total=total, wijk=wijk, factors=factors)


def _parse_count(text, *, file, line, field="count", code="population"):
    try:
        value = float(text.strip().replace(" ", ""))
    except ValueError:
        raise InputError(f"{code}.bad_number", file=file, line=line, field=field, value=text) from None
    if not math.isfinite(value) or value < 0:
        raise InputError(f"{code}.bad_number", file=file, line=line, field=field, value=text)
    return value


def _age_band(row):
    band = parse_age_range(row.category)
    if band is None:
        raise InputError("population.bad_age_band", line=row.line, variable=row.variable,
                         category=row.category)
    return band


def _span(bands, variable_base):
    low = min(band[0] for band in bands)
    high = None if any(band[1] is None for band in bands) else max(band[1] for band in bands)
    low = max(low, variable_base[0])
    if variable_base[1] is not None:
        high = variable_base[1] if high is None else min(high, variable_base[1])
    return (low, high)


def _age_counts(group, base, *, prorate):
    """Keep the age bands inside ``base``; split or refuse a straddling band."""
    low, high = base
    counts = {}
    for row in group:
        b_low, b_high = _age_band(row)
        inside_low = b_low >= low
        inside_high = high is None or (b_high is not None and b_high <= high)
        if inside_low and inside_high:
            counts[row.category] = row.count
            continue
        outside = (b_high is not None and b_high < low) or (high is not None and b_low > high)
        if outside:
            continue
        if not prorate or b_high is None:
            raise InputError("population.age_band_straddles_base", line=row.line,
                             variable=row.variable, category=row.category,
                             base=format_age_range(base))
        kept_low = max(b_low, low)
        kept_high = b_high if high is None else min(b_high, high)
        label = format_age_range((kept_low, kept_high))
        counts[label] = row.count * (kept_high - kept_low + 1) / (b_high - b_low + 1)
    if not counts:
        raise InputError("population.no_age_bands", variable=group[0].variable,
                         base=format_age_range(base))
    return counts
