"""pabutools as the reference for the budget rules (test-only dependency).

Runs a rule named as in ``shared/FORMATS.md`` with pabutools on plain data
(costs, budget, ballots), returning the sorted selected project ids.
``mes-add1`` is not in pabutools: it is built from pabutools' plain MES run at
per-voter budgets budget/voters + k, k = 0, 1, ..., returning the last outcome
that fits the budget (equalshares.net's Add1 without the exhaustiveness stop).
"""

from fractions import Fraction

import pytest

pe = pytest.importorskip("pabutools.election")
pr = pytest.importorskip("pabutools.rules")
pf = pytest.importorskip("pabutools.fractions")


def _frac(x):
    x = Fraction(x)
    return pf.frac(x.numerator, x.denominator)


def build(costs, budget, ballots, ids, *, approval):
    instance = pe.Instance(budget_limit=_frac(budget))
    projects = [pe.Project(pid, _frac(c)) for pid, c in zip(ids, costs)]
    for p in projects:
        instance.add(p)
    if approval:
        profile = pe.ApprovalProfile([pe.ApprovalBallot({projects[i] for i in b}) for b in ballots])
    else:
        rows = []
        for b in ballots:
            ballot = pe.CumulativeBallot()
            for i, v in b.items():
                ballot[projects[i]] = _frac(v)
            rows.append(ballot)
        profile = pe.CumulativeProfile(rows)
    return instance, profile


def _sat(approval):
    return pe.Cost_Sat if approval else pe.Additive_Cardinal_Sat


class Points_Cost_Sat(pe.AdditiveSatisfaction):
    """Points times cost: with it pabutools' greedy (satisfaction per cost) ranks by total points,
    as our ``greedy-points`` does."""

    def __init__(self, instance, profile, ballot):
        super().__init__(instance, profile, ballot,
                         lambda instance, profile, ballot, project, values: ballot.get(project, 0) * project.cost)


def _names(allocation):
    return sorted(p.name for p in allocation)


def reference(rule, instance, profile, *, approval):
    """Sorted ids selected by pabutools for ``rule``."""
    sat = _sat(approval)
    if rule == "greedy":
        return _names(pr.greedy_utilitarian_welfare(instance, profile, sat_class=sat))
    if rule == "greedy-points":
        return _names(pr.greedy_utilitarian_welfare(instance, profile,
                                                    sat_class=pe.Cost_Sat if approval else Points_Cost_Sat))
    if rule == "greedy-voters":
        return _names(pr.greedy_utilitarian_welfare(instance, profile, sat_class=pe.Cost_Sat))
    if rule == "greedy-cardinality":
        return _names(pr.greedy_utilitarian_welfare(instance, profile,
                                                    sat_class=pe.Cardinality_Sat))
    if rule == "phragmen":
        return _names(pr.sequential_phragmen(instance, profile))
    if rule == "mes":
        return _names(pr.method_of_equal_shares(instance, profile, sat_class=sat))
    if rule == "mes-add1-exhaustive":
        return _names(pr.method_of_equal_shares(instance, profile, sat_class=sat,
                                                voter_budget_increment=1))
    if rule in ("mes-add1", "mes-add1-greedy"):
        outcome = _add1_last_feasible(instance, profile, sat)
        if rule == "mes-add1":
            return _names(outcome)
        return _names(pr.greedy_utilitarian_welfare(instance, profile, sat_class=sat,
                                                    initial_budget_allocation=outcome))
    raise ValueError(rule)


def _add1_last_feasible(instance, profile, sat):
    budget = instance.budget_limit
    n = profile.num_ballots()
    if n == 0:
        return []
    sat_profile = profile.as_sat_profile(sat)
    candidates = [p for p in instance if p.cost > 0 and sat_profile.total_satisfaction_project(p) > 0]
    previous, k = [], 0
    while True:
        instance.budget_limit = budget + k * n
        try:
            outcome = list(pr.method_of_equal_shares(instance, profile, sat_class=sat))
        finally:
            instance.budget_limit = budget
        if sum(p.cost for p in outcome) > budget:
            return previous
        if all(p in outcome for p in candidates):
            return outcome
        previous, k = outcome, k + 1
