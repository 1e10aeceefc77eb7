"""Who took part compared with the population, and weights for group sizes.

Uses the statistiek component's service when it offers one
(``deliberatie.statistiek.services.report_section(traject)``), else the
component hooks plus the core weighting functions directly. Everything
degrades to ``{"available": False, ...}`` rather than failing the report.
"""

from importlib import import_module

from flask import current_app

from .. import components
from ..core.errors import InputError
from ..core.weighting import rake, representation
from . import services

VARIABLES = ("geslacht", "leeftijd")
LEEFTIJDEN = ("15-24", "25-44", "45-64", "65+")  # the bands of the demo's CBS figures, minus 0-14
GESLACHTEN = ("man", "vrouw")


def margins(traject) -> dict:
    """{variable: {category: count}} over the traject's wijken (all wijken when none)."""
    wijken = traject.wijken or traject.gemeente.wijken
    result = {}
    for wijk in wijken:
        for row in wijk.populatie:
            if row.variable == "geslacht" or (row.variable == "leeftijd" and row.category in LEEFTIJDEN):
                bucket = result.setdefault(row.variable, {})
                bucket[row.category] = bucket.get(row.category, 0) + row.count
    # shares, so that variables with different bases (leeftijd without 0-14) can be raked together
    return {v: {c: n / sum(cats.values()) for c, n in cats.items()}
            for v, cats in result.items() if sum(cats.values()) > 0}


def records(traject):
    """The statistics answers of statement voters who answered at least one question."""
    out = []
    for d in services.voters(traject):
        record = {k: v for k, v in (("geslacht", d.geslacht), ("leeftijd", d.leeftijd)) if v}
        if record:
            out.append(record)
    return tuple(out)


def _rake(recs, pop):
    """Weights for the records, raked on every variable whose categories all have respondents.

    A category nobody in the sample is in cannot be weighted up, so such a
    variable is left out of the raking (and shown weighted but not matched).
    Returns ``(records used, weights)`` or ``(None, None)``.
    """
    usable = [v for v in pop
              if all(any(r.get(v) == c for r in recs) for c, share in pop[v].items() if share > 0)]
    full = [r for r in recs if all(r.get(v) for v in usable)]
    if not usable or len(full) < 2:
        return None, None
    try:
        result = rake({v: [r[v] for r in full] for v in usable}, {v: pop[v] for v in usable}, cap=5)
    except InputError:
        return None, None
    if not result.converged:  # weights that miss a margin would be presented as matching it
        return None, None
    return full, [float(w) for w in result.weights]


def participant_weights(traject) -> dict:
    """{pseudonym: weight} for statement voters, raked to the population where possible."""
    pop = margins(traject)
    voters = [d for d in services.voters(traject) if d.geslacht or d.leeftijd]
    recs = [{"geslacht": d.geslacht, "leeftijd": d.leeftijd, "pseudonym": d.pseudonym} for d in voters]
    full, weights = _rake(recs, pop)
    if full is None:
        return {}
    return {r["pseudonym"]: w for r, w in zip(full, weights)}


def group_shares(traject, result) -> dict:
    """{group id: (weighted share, low, high)} of the opinion groups among clustered voters.

    Uses statistiek's ``weighted_result`` (raw and weighted shares with 95%
    intervals) when that service exists; else ``{}`` and the caller falls
    back to :func:`weighted_share`.
    """
    try:
        module = import_module("deliberatie.statistiek.services")
        weighted_result = module.weighted_result
    except (ImportError, AttributeError):
        return {}
    label = dict(zip(result["participants"], result["labels"]))
    records, answers = [], []
    for d in services.voters(traject):
        record = {k: v for k, v in (("geslacht", d.geslacht), ("leeftijd", d.leeftijd)) if v}
        if record and label.get(d.pseudonym, -1) >= 0:
            records.append(record)
            answers.append(str(label[d.pseudonym]))
    if len(records) < 2:
        return {}
    try:
        shares = weighted_result(traject, records, answers, categories=[str(g["id"]) for g in result["groups"]])
    except InputError:
        return {}
    return {int(e.category): (round(e.weighted_share, 3), round(e.weighted_low, 3), round(e.weighted_high, 3))
            for e in getattr(shares, "estimates", ()) if e.weighted_share == e.weighted_share}


def statement_shares(traject, statements) -> dict:
    """{statement id: (weighted share, low, high)} of agreement in each statement's direction.

    ``statements`` maps a statement id to ``"agree"`` or ``"disagree"``; the
    share is among the voters who answered eens or oneens (as the raw
    ``overall_agree_share``) and who answered the statistics questions,
    raked to the population by statistiek, with a 95% interval. ``{}`` when
    statistiek or its figures cannot weigh this group.
    """
    try:
        weighted_results = import_module("deliberatie.statistiek.services").weighted_results
    except (ImportError, AttributeError):
        return {}
    if not statements:
        return {}
    voters = [d for d in services.voters(traject) if d.geslacht or d.leeftijd]
    position = {d.id: i for i, d in enumerate(voters)}
    columns = {sid: [None] * len(voters) for sid in statements}
    for stelling_id, deelnemer_id, value in services.votes_on(list(statements)):
        if value and deelnemer_id in position:
            columns[stelling_id][position[deelnemer_id]] = "eens" if value > 0 else "oneens"
    records = [{k: v for k, v in (("geslacht", d.geslacht), ("leeftijd", d.leeftijd)) if v} for d in voters]
    if len(records) < 2:
        return {}
    try:
        shares = weighted_results(traject, records, columns, categories=["eens", "oneens"])
    except InputError:
        return {}
    out = {}
    for sid, direction in statements.items():
        if shares[sid].answered == 0:
            continue
        e = shares[sid].estimates[0 if direction == "agree" else 1]
        if e.weighted_share == e.weighted_share:
            out[sid] = (round(e.weighted_share, 3), round(e.weighted_low, 3), round(e.weighted_high, 3))
    return out


def weighted_share(weights, members, result):
    """Weighted share of a group among the clustered participants who have a weight."""
    if not weights:
        return None
    clustered = [p for p, label in zip(result["participants"], result["labels"]) if label >= 0]
    total = sum(weights.get(p, 0.0) for p in clustered)
    if total <= 0:
        return None
    return round(sum(weights.get(p, 0.0) for p in members) / total, 3)


def _statistiek_section(traject):
    try:
        module = import_module("deliberatie.statistiek.services")
    except ImportError:
        return None
    section = getattr(module, "report_section", None)
    return section(traject) if callable(section) else None


def representation_section(traject) -> dict:
    """Per participant group and variable: sample, population and weighted shares."""
    external = _statistiek_section(traject)
    if external is not None:
        return {"available": bool(external.get("groups")), "source": "statistiek", **external}
    pop = margins(traject)
    if not pop:
        return {"available": False, "reason": "geen bevolkingscijfers", "groups": []}
    groups = []
    for group in components.participant_groups(current_app, traject):
        sample = {v: [r.get(v) for r in group.records] for v in pop}
        if not group.records:
            continue
        try:
            rep = representation(sample, pop)
        except InputError as error:
            groups.append({"key": group.key, "label": str(group.label), "n": len(group.records),
                           "error": error.code, "rows": []})
            continue
        weighted = _weighted(group.records, pop)
        groups.append({
            "key": group.key, "label": str(group.label), "n": len(group.records),
            "rows": [{"variable": r.variable, "category": r.category, "sample_share": round(r.sample_share, 3),
                      "population_share": round(r.population_share, 3),
                      "weighted_share": weighted.get(r.variable, {}).get(r.category),
                      "direction": r.direction} for r in rep.rows],
        })
    return {"available": bool(groups), "source": "core", "groups": groups,
            "reason": "" if groups else "nog niemand heeft de vragen over zichzelf beantwoord"}


def _weighted(recs, pop):
    full, weights = _rake(recs, pop)
    if full is None:
        return {}
    total = sum(weights)
    shares = {}
    for v in pop:
        for r, w in zip(full, weights):
            if r.get(v):
                shares.setdefault(v, {}).setdefault(r[v], 0.0)
                shares[v][r[v]] += w
    return {v: {c: round(x / sum(cats.values()), 3) for c, x in cats.items()} for v, cats in shares.items()
            if total > 0}
