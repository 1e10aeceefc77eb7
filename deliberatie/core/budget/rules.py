"""Counting rules for a participatory budget, as defined in ``shared/FORMATS.md``.

``count(election_or_profile, rule=..., tie_break=...)`` returns a frozen
:class:`Outcome` with the funded projects and, per project, why it was or
was not funded. Greedy rules sort exactly (integers and Fractions); MES and
Phragmén screen with floats and decide every close comparison exactly (see
:mod:`deliberatie.core.budget.mes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from deliberatie.core.budget import mes as _mes
from deliberatie.core.budget.pabulib import Election
from deliberatie.core.budget.profile import Profile, build_profile, tie_key
from deliberatie.core.errors import InputError

RULES = ("greedy", "greedy-points", "greedy-voters", "greedy-cardinality", "mes", "mes-add1",
         "mes-add1-exhaustive", "mes-add1-greedy", "phragmen")


@dataclass(frozen=True)
class Explanation:
    """Why a project was or was not funded.

    ``reason`` is one of ``funded``, ``funded_greedy`` (MES completion),
    ``did_not_fit`` (greedy: cost above the budget left when its turn came),
    ``no_support``, ``unaffordable`` (MES: its supporters' remaining money
    did not cover the cost), ``outbid`` (MES: affordable but never the best
    price), ``stopped`` (Phragmén stops at the first project that does not fit).
    ``support`` is the rule's score (approvals, points, Borda points or voters).
    ``effective_support`` (MES) is the share of the cost its supporters could
    still pay at the end (below 1: what it lacked); ``rho`` the price per unit
    of satisfaction when funded, or the best price it could get at the end.
    """

    project: str
    selected: bool
    reason: str
    rank: int | None
    support: int
    budget_left: str | None = None
    effective_support: float | None = None
    rho: float | None = None


@dataclass(frozen=True)
class Outcome:
    """Result of a count; money as exact ``int``/``Fraction``."""

    rule: str
    tie_break: str
    selected: tuple[str, ...]
    selection_order: tuple[str, ...]
    total_cost: int | Fraction
    budget: int | Fraction
    voters: int
    explanations: tuple[Explanation, ...]
    add1_runs: int | None = None
    add1_mes_runs: int | None = None  # MES runs actually made (skipped increments excluded)


def _validate_count(rule, tie_break, profile):
    if rule not in RULES:
        raise InputError("budget.unknown_rule", field="rule", value=rule)
    if rule == "phragmen" and not profile.approval:
        raise InputError("budget.rule_needs_approval", field="rule", value=rule)
    if rule == "greedy-cardinality" and not profile.approval:
        raise InputError("budget.rule_needs_approval", field="rule", value=rule)
    tie_key(profile, tie_break)


def _as_int(x):
    x = Fraction(x)
    return x.numerator if x.denominator == 1 else x


def _greedy_scores(profile, rule):
    """Total satisfaction per project, as pabutools' greedy rule measures it.

    ``greedy`` on approval ballots and ``greedy-voters`` use cost
    satisfaction (a supporter's satisfaction is the project's cost), so the
    score per cost is the number of supporters; ``greedy`` on points and
    Borda ballots uses additive satisfaction (score per cost = points per
    cost); ``greedy-cardinality`` counts supporters (score per cost =
    supporters per cost). ``greedy-points`` is "most points first" on points
    and Borda ballots (satisfaction = points times cost, so score per cost
    = total points), as municipalities that count points do; on approval
    ballots it equals ``greedy``.
    """
    costs = [Fraction(c) for c in profile.costs]
    if rule == "greedy-points":
        return [int(v) * c for v, c in zip(profile.total_util(), costs)]
    if rule == "greedy-voters" or (rule == "greedy" and profile.approval):
        voters = profile.listed_voters() if rule == "greedy-voters" else profile.supporters()
        return [int(v) * c for v, c in zip(voters, costs)]
    if rule == "greedy":
        return [Fraction(int(v)) for v in profile.total_util()]
    return [Fraction(int(v)) for v in profile.supporters()]


def _greedy_order(profile, rule, key, exclude=()):
    """Project indices in greedy order: satisfaction per cost, largest first.

    A project with satisfaction and no cost comes first (infinite score per
    cost); projects without satisfaction come last but are still funded if
    they fit, like pabutools.
    """
    scores = _greedy_scores(profile, rule)
    items = []
    for j, (score, cost) in enumerate(zip(scores, profile.costs)):
        if j in exclude:
            continue
        if score > 0:
            value = (0, Fraction(0)) if cost == 0 else (1, -(score / cost))
        else:
            value = (2, Fraction(0))
        items.append((value, key[j], j))
    items.sort()
    return [j for _, _, j in items], scores


def _greedy(profile, rule, key, *, start=(), spent=Fraction(0)):
    order, scores = _greedy_order(profile, rule, key, exclude=set(start))
    left = Fraction(profile.budget) - spent
    selected, notes = list(start), {}
    for j in order:
        cost = profile.costs[j]
        if cost <= left:
            selected.append(j)
            left -= cost
            notes[j] = ("funded", None)
        else:
            notes[j] = ("did_not_fit", left)
    return selected, notes, scores


def _phragmen(profile, key):
    """Sequential Phragmén (pabutools semantics: stop at the first best project that does not fit)."""
    costs = [Fraction(c) for c in profile.costs]
    costf = np.array([float(c) for c in costs])
    pattern = (profile.util > 0).tocsc()
    counts = profile.supporters()
    mult = profile.mult
    ngroups = len(mult)
    level = np.full(ngroups, -1, dtype=np.int64)
    loadf = np.zeros(ngroups)
    loads = []
    remaining = {j for j in range(profile.n_projects) if costs[j] <= Fraction(profile.budget)}
    budget, spent, selected = Fraction(profile.budget), Fraction(0), []
    groups = [pattern.indices[pattern.indptr[j]:pattern.indptr[j + 1]] for j in range(len(costs))]

    def exact(j):
        g = groups[j]
        lv = level[g]
        total = costs[j]
        have = lv >= 0
        if have.any():
            per = np.bincount(lv[have], weights=mult[g][have], minlength=len(loads))
            for r in np.nonzero(per)[0]:
                total += int(per[r]) * loads[r]
        return total / int(counts[j])

    stop = None
    while remaining:
        cand = sorted(remaining)
        supported = [j for j in cand if counts[j] > 0]
        if supported:
            vals = np.array([(loadf[groups[j]] @ mult[groups[j]] + costf[j]) / counts[j]
                             for j in supported])
            best = vals.min()
            near = [j for j, v in zip(supported, vals) if v <= best * (1 + _mes.TOL)]
            ex = [(exact(j), j) for j in near] if len(near) > 1 else [(exact(near[0]), near[0])]
            low = min(e for e, _ in ex)
            tied = [j for e, j in ex if e == low]
        else:
            low, tied = None, cand
        if any(spent + costs[j] > budget for j in tied):
            stop = tied
            break
        j = min(tied, key=lambda i: key[i])
        selected.append(j)
        spent += costs[j]
        remaining.discard(j)
        if low is not None and counts[j] > 0:
            loads.append(low)
            g = groups[j]
            level[g] = len(loads) - 1
            loadf[g] = float(low)
    notes = {j: ("funded", None) for j in selected}
    for j in range(len(costs)):
        if j not in notes:
            notes[j] = ("stopped" if counts[j] > 0 or stop else "no_support", budget - spent)
    return selected, notes


def _mes_explanations(run, prep, selected_set):
    """Effective support and best price at the end of the MES run, per unselected project."""
    info = {}
    if run is None:
        return info
    t = len(run.sel)
    for j in prep.candidates:
        if j in selected_set:
            continue
        g = prep.groups[j]
        money = float(run.f[g] @ prep.multf[g])
        share = money / prep.costf[j]
        res = run.evaluate(j, t) if share >= 1 else None
        info[j] = (share, res[0] if res else None)
    return info


def count(data, *, rule, tie_break="id"):
    """Count an election.

    Parameters
    ----------
    data : Election or Profile
        A parsed ``.pb`` file or a grouped profile.
    rule : str
        One of :data:`RULES` (see ``shared/FORMATS.md``).
    tie_break : {"id", "cost", "votes"}
        ``id``: smallest project id as a string (pabutools); ``cost``: cheapest
        first; ``votes``: most supporters first (then id).

    Returns
    -------
    Outcome
    """
    profile = build_profile(data) if isinstance(data, Election) else data
    if not isinstance(profile, Profile):
        raise InputError("budget.bad_data", field="data")
    _validate_count(rule, tie_break, profile)
    key = tie_key(profile, tie_break)
    notes, mes_info, runs, rho, made = {}, {}, None, {}, None
    if rule in ("greedy", "greedy-points", "greedy-voters", "greedy-cardinality"):
        selected, notes, scores = _greedy(profile, rule, key)
    elif rule == "phragmen":
        selected, notes = _phragmen(profile, key)
    else:
        prep = _mes.Prepared(profile, cost_sat=profile.approval)
        if profile.voters == 0:
            run = None
        elif rule == "mes":
            run = _mes.run_mes(prep, Fraction(profile.budget) / profile.voters, key)
        else:
            run, runs = _mes.mes_add1(prep, key, exhaustive_stop=(rule == "mes-add1-exhaustive"))
            made = getattr(run, "mes_runs", None)
        selected = list(run.initial) + list(run.sel) if run is not None else \
            _mes.initial_selection(prep, key)
        mes_info = _mes_explanations(run, prep, set(selected))
        rho = dict(zip(run.sel, run.rho)) if run is not None else {}
        for j in selected:
            notes[j] = ("funded", None)
        if rule == "mes-add1-greedy":
            spent = sum((Fraction(profile.costs[j]) for j in selected), Fraction(0))
            selected, extra, _ = _greedy(profile, "greedy", key, start=selected, spent=spent)
            for j, (reason, left) in extra.items():
                notes[j] = ("funded_greedy" if reason == "funded" else reason, left)
    support = _support(profile)
    chosen = set(selected)
    rank = {j: i for i, j in enumerate(selected)}
    explanations = []
    for j, pid in enumerate(profile.ids):
        reason, left = notes.get(j, (None, None))
        if j in chosen:
            reason = reason if reason and reason.startswith("funded") else "funded"
        elif support[j] == 0:
            reason = "no_support"
        elif rule.startswith("mes") and reason in (None, "did_not_fit") and j in mes_info:
            share, best = mes_info[j]
            reason = "unaffordable" if share < 1 else "outbid"
        share, best = mes_info.get(j, (None, None))
        if j in rho:
            best = float(rho[j])
        explanations.append(Explanation(
            project=pid, selected=j in chosen, reason=reason or "not_selected",
            rank=rank.get(j), support=int(support[j]),
            budget_left=None if left is None else str(_as_int(left)),
            effective_support=share, rho=best))
    ids = profile.ids
    total = sum((Fraction(profile.costs[j]) for j in selected), Fraction(0))
    return Outcome(rule=rule, tie_break=tie_break,
                   selected=tuple(sorted(ids[j] for j in selected)),
                   selection_order=tuple(ids[j] for j in selected),
                   total_cost=_as_int(total), budget=_as_int(profile.budget),
                   voters=profile.voters, explanations=tuple(explanations), add1_runs=runs,
                   add1_mes_runs=made)


def _support(profile):
    return profile.supporters() if profile.approval else profile.total_util()
