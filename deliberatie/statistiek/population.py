"""Population figures: import per wijk into ``WijkPopulatie``, and margins on one base.

The CSV layout is ``docs/population-csv.md``; parsing and every check of the
layout is done by :func:`deliberatie.core.weighting.read_population_csv`
(called once per line to collect all row errors, then once on the whole
file for the checks across rows). This module only adds what the database
needs: known wijken, whole counts, and "replace the figures of every wijk in
the file, in the caller's transaction".
"""

import csv
import re
from dataclasses import dataclass

from sqlalchemy import delete, select

from .. import audit
from ..core.errors import InputError
from ..core.weighting import PopulationRow, population_margins, read_population_csv
from ..csvtext import decode_upload
from ..extensions import db
from ..models import Wijk, WijkPopulatie

#: The population participants are compared with, unless their ages say otherwise:
#: CBS education covers 15-74, and nobody under 15 takes part.
DEFAULT_BASE = (15, None)
MAX_COUNT = 100_000_000  # more than any gemeente has residents; keeps counts in an INTEGER column
_LENGTHS = {"variable": 40, "category": 60, "base": 40}
#: "2.000" or "12.345.678": a Dutch thousands separator, which the CSV reads as a decimal point
#: ("2.000" would silently become 2 residents).
_THOUSANDS = re.compile(r"[1-9][0-9]{0,2}(\.[0-9]{3})+")


class ImportErrors(Exception):
    """Every problem found in a population file (nothing was saved)."""

    def __init__(self, problems):
        super().__init__(problems)
        self.problems = problems  # list of InputError


@dataclass(frozen=True)
class ImportReport:
    wijken: tuple  # names of the wijken whose figures were replaced
    rows: int
    skipped_gemeente_rows: int


def _decode(data):
    text = decode_upload(data)
    if text is None:
        raise ImportErrors([InputError("statistiek.not_utf8")])
    return text


def parse_population_file(data, wijken):
    """Rows per wijk from a population CSV, or :class:`ImportErrors` with all row errors.

    Parameters
    ----------
    data : bytes or str
        The uploaded file.
    wijken : sequence of Wijk
        The gemeente's wijken; a row names one by its name or CBS code.

    Returns
    -------
    (dict, int)
        ``{Wijk: [PopulationRow, ...]}`` and the number of gemeente rows
        (empty ``wijk``) left out: the gemeente is the sum of its wijken.
    """
    lines = _decode(data).splitlines()
    if lines and ";" in lines[0] and "," not in lines[0]:
        raise ImportErrors([InputError("statistiek.semicolons", line=1)])
    try:
        rows = read_population_csv(lines)
    except InputError as error:
        if error.code in ("population.missing_column", "population.empty") or not lines:
            raise ImportErrors([error]) from None
        rows = None
    problems = []
    for number, line in enumerate(lines[1:], start=2):
        raw_count, extra, expected = _split(lines[0], line)
        if extra:  # "3,340" unquoted: the core would read 3 and drop the rest
            problems.append(InputError("statistiek.extra_columns", line=number, found=expected + extra,
                                       expected=expected))
            continue
        try:
            (row,) = read_population_csv([lines[0], line]) or (None,)
        except InputError as error:
            if error.code == "population.bad_number" and _THOUSANDS.fullmatch(raw_count):
                problems.append(_thousands(raw_count, number))
            elif error.code != "population.empty":
                problems.append(InputError(error.code, **{**error.params, "line": number}))
            continue
        problems += _database_checks(row, number, wijken, raw_count)
    if problems:
        raise ImportErrors(problems)
    if rows is None:                                       # a check across rows failed
        try:
            read_population_csv(lines)
        except InputError as error:
            raise ImportErrors([error]) from None
    by_name = _wijk_lookup(wijken)
    per_wijk, skipped, seen = {}, 0, {}
    for row in rows:
        if not row.wijk:
            skipped += 1
            continue
        wijk = by_name[row.wijk.lower()]
        first = seen.setdefault((wijk.id, row.variable, row.category), row.line)
        if first != row.line:                           # the same wijk by name and by CBS code
            problems.append(InputError("population.duplicate", line=row.line, field="category",
                                       variable=row.variable, category=row.category, first_line=first))
        per_wijk.setdefault(wijk, []).append(row)
    if problems:
        raise ImportErrors(problems)
    if not per_wijk:
        raise ImportErrors([InputError("statistiek.no_wijk_rows")])
    for wijk, wijk_rows in per_wijk.items():               # each wijk must make sense on its own
        try:
            population_margins(wijk_rows, wijk=wijk_rows[0].wijk)
        except InputError as error:
            if error.code != "population.base_required":
                problems.append(InputError(error.code, **{**error.params, "wijk": wijk.name}))
    if problems:
        raise ImportErrors(problems)
    return per_wijk, skipped


def _wijk_lookup(wijken):
    lookup = {}
    for wijk in wijken:
        lookup[wijk.name.lower()] = wijk
        lookup[wijk.cbs_code.lower()] = wijk
    return lookup


def _split(header, line):
    """``(count cell as typed, filled cells beyond the header, header width)`` of one line.

    The core gives the count as a number and ignores cells beyond the header.
    """
    names = [name.strip().lower().lstrip("\ufeff") for name in next(csv.reader([header]), [])]
    cells = next(csv.reader([line]), [])
    index = names.index("count") if "count" in names else len(cells)
    extra = len(cells) - len(names) if any(c.strip() for c in cells[len(names):]) else 0
    return (cells[index].strip() if index < len(cells) else ""), extra, len(names)


def _thousands(raw_count, line):
    return InputError("statistiek.thousands_separator", line=line, field="count", value=raw_count,
                      plain=raw_count.replace(".", ""))


def _database_checks(row, line, wijken, raw_count):
    problems = []
    if row.wijk and row.wijk.lower() not in _wijk_lookup(wijken):
        problems.append(InputError("statistiek.unknown_wijk", line=line, field="wijk", value=row.wijk))
    if row.wijk and row.variable == "wijk":
        problems.append(InputError("statistiek.wijk_variable", line=line, field="variable"))
    if _THOUSANDS.fullmatch(raw_count):
        problems.append(_thousands(raw_count, line))
    elif row.count != int(row.count):
        problems.append(InputError("statistiek.not_whole", line=line, field="count", value=row.count))
    elif row.count > MAX_COUNT:
        problems.append(InputError("statistiek.too_large", line=line, field="count", value=int(row.count),
                                   max=MAX_COUNT))
    for field, limit in _LENGTHS.items():
        if len(getattr(row, field)) > limit:
            problems.append(InputError("statistiek.too_long", line=line, field=field, max=limit))
    return problems


def import_population(data, gemeente, actor):
    """Replace the figures of every wijk named in the file (caller commits once).

    Raises :class:`ImportErrors` before anything is written, so a bad file
    leaves every wijk as it was.
    """
    per_wijk, skipped = parse_population_file(data, gemeente.wijken)
    for wijk, rows in per_wijk.items():
        db.session.execute(delete(WijkPopulatie).where(WijkPopulatie.wijk_id == wijk.id))
        db.session.add_all(WijkPopulatie(wijk_id=wijk.id, variable=r.variable, category=r.category,
                                         count=int(r.count), base=r.base or "alle inwoners")
                           for r in rows)
        db.session.expire(wijk, ["populatie"])
    db.session.flush()
    names = tuple(sorted(w.name for w in per_wijk))
    audit.record(actor, "statistiek.population_import", f"gemeente:{gemeente.id}", wijken=list(names),
                 rows=sum(len(r) for r in per_wijk.values()))
    return ImportReport(names, sum(len(r) for r in per_wijk.values()), skipped)


def rows_for(wijken):
    """The stored figures of these wijken as core :class:`PopulationRow` objects."""
    ids = [w.id for w in wijken]
    if not ids:
        return ()
    stored = db.session.execute(
        select(Wijk.name, WijkPopulatie.variable, WijkPopulatie.category, WijkPopulatie.count,
               WijkPopulatie.base, WijkPopulatie.id)
        .join(WijkPopulatie, WijkPopulatie.wijk_id == Wijk.id)
        .where(Wijk.id.in_(ids)).order_by(Wijk.name, WijkPopulatie.variable, WijkPopulatie.id)).all()
    return tuple(PopulationRow(name, variable, category, float(count), base or "", line)
                 for name, variable, category, count, base, line in stored)


def margins_for(wijken, *, base=DEFAULT_BASE):
    """Margins of these wijken together on ``base`` (core ``PopulationMargins``).

    Several wijken add up and get a ``wijk`` margin. Raises ``InputError``
    (``statistiek.no_population`` or the core's ``population.*`` codes).
    """
    rows = rows_for(wijken)
    if not rows:
        raise InputError("statistiek.no_population")
    return population_margins(rows, wijk=[w.name for w in wijken], base=base)


def traject_wijken(traject):
    """The wijken a traject covers; all wijken of the gemeente when it names none."""
    return list(traject.wijken) or list(traject.gemeente.wijken)


@dataclass(frozen=True)
class Overview:
    """The figures page: stored counts per wijk and summed for the gemeente, plus margins on one base."""

    wijken: tuple        # (Wijk, {variable: [(category, count, base)]})
    gemeente: dict       # {variable: [(category, count, base)]}, summed over the wijken
    margins: object      # PopulationMargins on DEFAULT_BASE for the gemeente, or None
    error: object        # InputError when the margins cannot be brought to one base
    missing: tuple       # wijken without figures


def overview(gemeente):
    per_wijk, summed, missing = [], {}, []
    for wijk in gemeente.wijken:
        table = {}
        for row in wijk.populatie:
            table.setdefault(row.variable, []).append((row.category, row.count, row.base))
            key = (row.category, row.base)
            bucket = summed.setdefault(row.variable, {})
            bucket[key] = bucket.get(key, 0) + row.count
        if table:
            per_wijk.append((wijk, table))
        else:
            missing.append(wijk)
    totals = {v: [(c, n, b) for (c, b), n in cats.items()] for v, cats in summed.items()}
    margins = error = None
    if per_wijk:
        try:
            margins = margins_for([w for w, _ in per_wijk])
        except InputError as problem:
            error = problem
    return Overview(tuple(per_wijk), totals, margins, error, tuple(missing))
