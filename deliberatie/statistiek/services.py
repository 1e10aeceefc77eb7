"""Use cases of statistiek: who took part, weights, and weighted results.

Other components call :func:`weighted_result` for a share next to its
weighted estimate (see the package docstring); the pages call
:func:`representativeness` and :func:`weighting`. Everything here loads
rows, calls :mod:`deliberatie.core.weighting` and returns plain data; bad
input surfaces as the core's ``InputError`` (Dutch text:
:func:`deliberatie.statistiek.messages.describe`).
"""

import math
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _

from .. import components
from ..core.errors import InputError
from ..core.weighting import parse_age_range, rake, representation, weighted_shares
from . import population
from .messages import describe, summary_sentence

AGE_VARIABLE = "leeftijd"


@dataclass(frozen=True)
class VariableReport:
    """One variable of one group: its rows and goodness-of-fit test, or why it cannot be compared."""

    variable: str
    rows: tuple = ()          # core CategoryShare
    chi_square: object = None  # core ChiSquare (its method: chi-square or exact) or None
    answered: int = 0
    error: object = None      # InputError
    outside: dict = field(default_factory=dict)  # {answer: participants} with no population figure


@dataclass(frozen=True)
class Representativeness:
    group: object                       # ParticipantGroup
    margins: object                     # core PopulationMargins (None when unavailable)
    variables: tuple = ()               # VariableReport, one per comparable variable
    sentences: tuple = ()               # Dutch summary, one per flagged category
    without_population: tuple = ()      # answered variables with no population figures
    not_asked: tuple = ()               # population variables nobody in the group answered
    error: object = None                # InputError: no comparison possible at all

    @property
    def comparable(self):
        return tuple(v.variable for v in self.variables if v.error is None)


@dataclass(frozen=True)
class Weighting:
    variables: tuple
    cap: object
    used: int                           # participants who answered every chosen variable
    left_out: int
    result: object = None               # core RakeResult
    error: object = None                # InputError
    others: dict = field(default_factory=dict)  # {variable: SharesResult} not weighted on


def groups(traject):
    """Every component's participant groups for this traject."""
    return components.participant_groups(current_app, traject)


def find_group(traject, key):
    group = next((g for g in groups(traject) if g.key == key), None)
    if group is None:
        raise InputError("statistiek.unknown_group", value=key)
    return group


def base_for(records):
    """The population base the group represents: from its youngest age band, else 15+.

    A group whose youngest answer is "15-24" is compared with residents aged
    15 and over; CBS's education figures (15-74) are rescaled to that base,
    and :attr:`PopulationMargins.factors` shows by how much.
    """
    lows = [band[0] for band in (parse_age_range(str(r[AGE_VARIABLE])) for r in records
                                 if r.get(AGE_VARIABLE)) if band is not None]
    return (min(lows), None) if lows else population.DEFAULT_BASE


def margins_for_group(traject, records):
    return population.margins_for(population.traject_wijken(traject), base=base_for(records))


def representativeness(traject, group):
    """Per variable: sample share, population share, ratio and chi-square; plus the sentences."""
    answered = list(dict.fromkeys(k for r in group.records for k, v in r.items() if v not in (None, "")))
    try:
        pm = margins_for_group(traject, group.records)
    except InputError as error:
        return Representativeness(group, None, error=error, without_population=tuple(answered))
    reports, flagged = [], []
    for variable, targets in pm.margins.items():
        if variable not in answered:
            continue
        column, outside = _inside(group.records, variable, targets)
        try:
            rep = representation({variable: column}, {variable: targets})
        except InputError as error:
            reports.append(VariableReport(variable, error=error, outside=outside))
            continue
        reports.append(VariableReport(variable, rep.rows, rep.chi_square[variable], rep.answered[variable],
                                      outside=outside))
        flagged += rep.summary()
    flagged.sort(key=lambda item: -abs(math.log(max(item["sample_share"], 1e-9) / item["population_share"])))
    error = None if reports else InputError("statistiek.no_variables")
    return Representativeness(
        group, pm, tuple(reports), tuple(summary_sentence(item) for item in flagged),
        without_population=tuple(v for v in answered if v not in pm.margins),
        not_asked=tuple(v for v in pm.margins if v not in answered), error=error)


def _inside(records, variable, targets):
    """The column of answers, with answers outside the population's categories left out.

    CBS has no figures for, say, geslacht "anders" or leeftijd "0-14" on a
    15+ base; such answers cannot be compared or weighted, so they count as
    "no answer" for that variable and the page says how many there were.
    """
    known = {str(c) for c, t in targets.items() if t > 0}
    column, outside = [], {}
    for record in records:
        value = record.get(variable)
        if value in (None, "") or str(value) in known:
            column.append(value if value not in ("",) else None)
        else:
            column.append(None)
            outside[str(value)] = outside.get(str(value), 0) + 1
    return column, outside


def _complete(records, variables, margins=None):
    """Indices of the records that answered every variable within the population's categories."""
    known = {v: {str(c) for c, t in margins[v].items() if t > 0} for v in variables
             if margins is not None and v in margins}
    return [i for i, r in enumerate(records)
            if all(r.get(v) not in (None, "") and (v not in known or str(r[v]) in known[v])
                   for v in variables)]


def _rake_group(traject, records, variables, cap):
    pm = margins_for_group(traject, records)
    if variables is None:
        variables = [v for v in pm.margins if any(r.get(v) not in (None, "") for r in records)]
    variables = list(variables)
    if not variables:
        raise InputError("weights.no_margins")
    for variable in variables:
        if variable not in pm.margins:
            raise InputError("weights.unknown_variable", variable=variable)
    keep = _complete(records, variables, pm.margins)
    if not keep:
        raise InputError("weights.empty_sample")
    sample = {v: [str(records[i][v]) for i in keep] for v in variables}
    result = rake(sample, {v: pm.margins[v] for v in variables}, cap=cap)
    return result, keep


def weighting(traject, group, variables, cap=None):
    """Rake the group on ``variables`` (capped at ``cap`` times the mean weight when given).

    Also estimates, for every other answered variable, the weighted shares
    with 95% intervals: what the weighting does to what it was not told about.
    """
    records = group.records
    try:
        result, keep = _rake_group(traject, records, variables, cap)
    except InputError as error:
        return Weighting(tuple(variables), cap, 0, 0, error=error)
    others = {}
    other_variables = dict.fromkeys(k for r in records for k in r if k not in variables)
    for variable in other_variables:
        answers = [records[i].get(variable) for i in keep]
        try:
            others[variable] = weighted_shares(result, answers)
        except InputError:
            continue
    return Weighting(tuple(variables), cap, len(keep), len(records) - len(keep), result, others=others)


def weighted_result(traject, group, answers, *, variables=None, cap=None, categories=None,
                    method="linearization", replicates=500, seed=0):
    """Raw and weighted shares of an answer among a group, with 95% intervals.

    Parameters
    ----------
    traject : Traject
    group : str, ParticipantGroup or sequence of dict
        A group key from ``participant_groups`` (e.g. ``"wijkbudget-3-voters"``),
        the group itself, or the participants' statistics records directly.
    answers : mapping of int to object, or sequence
        The answer of each participant: ``{record index: answer}`` (absent =
        no answer) or a sequence in the order of the records. Booleans work
        (share of ``True``), as do categories ("eens", "oneens").
    variables : sequence of str, optional
        Variables to weight on; default every variable the group answered
        that has population figures.
    cap : float, optional
        Largest weight as a multiple of the mean weight.
    categories, method, replicates, seed
        Passed to :func:`deliberatie.core.weighting.weighted_shares`
        (``seed`` makes the bootstrap reproducible).

    Returns
    -------
    SharesResult
        The core's result: per category raw and weighted share with
        intervals, ``weighted_on`` (say next to it that weighting corrects
        only for these), ``effective_n``. Participants who did not answer
        every weighting variable, or answered outside the population's
        categories (geslacht "anders"), are left out: they have no weight.

    Raises
    ------
    InputError
        ``statistiek.unknown_group``, ``statistiek.no_population`` or a core
        code; :func:`deliberatie.statistiek.messages.describe` gives the Dutch.
    """
    return weighted_results(traject, group, {None: answers}, variables=variables, cap=cap,
                            categories=categories, method=method, replicates=replicates, seed=seed)[None]


def weighted_results(traject, group, columns, *, variables=None, cap=None, categories=None,
                     method="linearization", replicates=500, seed=0):
    """:func:`weighted_result` for several answers of one group, raked once.

    ``columns`` maps a key (say a project id) to that answer's column in the
    form :func:`weighted_result` takes; the result maps the same keys to
    their :class:`SharesResult`.
    """
    if isinstance(group, str):
        group = find_group(traject, group)
    records = tuple(getattr(group, "records", group))
    prepared = {}
    for key, answers in columns.items():
        if isinstance(answers, dict):
            answers = [answers.get(i) for i in range(len(records))]
        answers = list(answers)
        if len(answers) != len(records):
            raise InputError("weights.answers_length", length=len(answers), expected=len(records))
        prepared[key] = answers
    result, keep = _rake_group(traject, records, variables, cap)
    return {key: weighted_shares(result, [answers[i] for i in keep], categories=categories, method=method,
                                 replicates=replicates, rng=seed)
            for key, answers in prepared.items()}


def report_section(traject):
    """Plain data for the raad's report (``minderheidsstandpunten`` calls this).

    ``{"available": bool, "groups": [{"key", "label", "n", "sentences", "weighted_on", "error",
    "rows": [{"variable", "category", "sample_share", "population_share",
    "weighted_share", "ratio", "direction"}]}], "reason": str}``; never raises
    for bad figures, it reports them per group.
    """
    out = []
    for group in groups(traject):
        if not group.records:
            continue
        rep = representativeness(traject, group)
        entry = {"key": group.key, "label": str(group.label), "n": len(group.records),
                 "sentences": list(rep.sentences), "weighted_on": [], "rows": [],
                 "error": describe(rep.error) if rep.error is not None else None}
        weighted = {}
        if rep.comparable:
            found = weighting(traject, group, rep.comparable)
            if found.result is not None and found.result.converged:
                weighted = found.result.weighted_shares
                entry["weighted_on"] = list(found.variables)
        for report in rep.variables:
            for row in report.rows:
                entry["rows"].append({
                    "variable": row.variable, "category": str(row.category),
                    "sample_share": round(row.sample_share, 3),
                    "population_share": round(row.population_share, 3),
                    "weighted_share": (round(weighted[row.variable][row.category], 3)
                                       if row.category in weighted.get(row.variable, {}) else None),
                    "ratio": round(row.ratio, 2) if math.isfinite(row.ratio) else None,
                    "direction": row.direction})
        out.append(entry)
    return {"available": bool(out), "groups": out, "reason": "" if out else _("nog niemand heeft de vragen over zichzelf beantwoord")}
