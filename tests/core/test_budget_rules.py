"""Counting rules against pabutools on random instances, and hand-checked cases."""

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliberatie.core.budget.profile import make_profile
from deliberatie.core.budget.rules import RULES, count
from deliberatie.core.errors import InputError

pytest.importorskip("pabutools")
import budget_reference as ref  # noqa: E402  (tests/core is on sys.path)

APPROVAL_RULES = ("greedy", "greedy-points", "greedy-voters", "greedy-cardinality", "mes", "mes-add1",
                  "mes-add1-exhaustive", "mes-add1-greedy", "phragmen")
POINTS_RULES = ("greedy", "greedy-points", "greedy-voters", "mes", "mes-add1", "mes-add1-exhaustive",
                "mes-add1-greedy")


@st.composite
def instances(draw, *, approval):
    n = draw(st.integers(1, 6))
    cents = draw(st.booleans())
    # small cost range: many ties in support, cost and price
    raw = draw(st.lists(st.integers(0, 12), min_size=n, max_size=n))
    costs = [Fraction(c * 125, 100) if cents else c for c in raw]
    total = sum(costs)
    budget = draw(st.sampled_from([Fraction(0), total / 3, total / 2, total * 2 / 3, total]))
    if not cents:
        budget = int(budget)
    budget = budget if not isinstance(budget, Fraction) or budget.denominator != 1 \
        else int(budget)
    voters = draw(st.integers(0, 7))
    if approval:
        ballots = [draw(st.sets(st.integers(0, n - 1), max_size=n)) for _ in range(voters)]
    else:
        ballots = [draw(st.dictionaries(st.integers(0, n - 1), st.integers(0, 4), max_size=n))
                   for _ in range(voters)]
    ids = draw(st.permutations([str(i) for i in range(n)] if n < 4 else
                               ["1", "10", "2", "b", "a2", "09"][:n]))
    return costs, budget, ballots, list(ids)


def _check(rule, inst, approval):
    costs, budget, ballots, ids = inst
    ours = count(make_profile(costs, budget, ballots, ids=ids, approval=approval), rule=rule)
    instance, profile = ref.build(costs, budget, ballots, ids, approval=approval)
    assert list(ours.selected) == ref.reference(rule, instance, profile, approval=approval), rule
    assert ours.total_cost <= budget
    assert ours.total_cost == sum(costs[ids.index(p)] for p in ours.selected)


@pytest.mark.parametrize("rule", APPROVAL_RULES)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inst=instances(approval=True))
def test_approval_rules_match_pabutools(rule, inst):
    _check(rule, inst, True)


@pytest.mark.parametrize("rule", POINTS_RULES)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inst=instances(approval=False))
def test_points_rules_match_pabutools(rule, inst):
    _check(rule, inst, False)


def test_mes_hand_example():
    # 4 voters, budget 40 => 10 each. A (cost 30) approved by 1,2,3; B (cost 20) by 4 only;
    # C (cost 10) by 4. A: each of 3 pays 10 -> rho 30/... funded; B unaffordable (voter 4
    # has only 10); C affordable by voter 4 alone.
    out = count(make_profile([30, 20, 10], 40, [{0}, {0}, {0}, {1, 2}], ids=["A", "B", "C"]),
                rule="mes")
    assert out.selected == ("A", "C")
    why = {e.project: e for e in out.explanations}
    assert why["B"].reason == "unaffordable"
    assert why["B"].effective_support == pytest.approx(0.0)
    assert why["A"].reason == "funded" and why["A"].rank == 0


def test_greedy_explains_did_not_fit():
    out = count(make_profile([60, 50, 30], 100, [{0, 1}, {0, 1}, {0}, {2}], ids="xyz"),
                rule="greedy")
    assert out.selection_order == ("x", "z")
    why = {e.project: e for e in out.explanations}
    assert why["y"].reason == "did_not_fit" and why["y"].budget_left == "40"
    assert why["x"].support == 3


def test_tie_breaks():
    # two projects with equal support; id prefers "a", cost the cheaper "b"
    prof = make_profile([6, 5], 6, [{0, 1}, {0, 1}], ids=["a", "b"])
    assert count(prof, rule="greedy").selected == ("a",)
    assert count(prof, rule="greedy", tie_break="cost").selected == ("b",)
    prof = make_profile([5, 5], 5, [{0, 1}, {1}], ids=["a", "b"])
    assert count(prof, rule="greedy-cardinality").selected == ("b",)
    prof = make_profile([5, 5, 5], 5, [{0}, {1}, {1}], ids=["a", "b", "c"])
    assert count(prof, rule="greedy", tie_break="votes").selected == ("b",)


def test_budget_with_cents_is_exact():
    costs = [Fraction("0.10"), Fraction("0.20"), Fraction("0.30")]
    out = count(make_profile(costs, Fraction("0.60"), [{0, 1, 2}] * 3), rule="mes-add1")
    assert out.total_cost == Fraction("0.60") and len(out.selected) == 3


def test_bad_rule_and_tie_break():
    prof = make_profile([1], 1, [{0}])
    with pytest.raises(InputError) as err:
        count(prof, rule="borda")
    assert err.value.code == "budget.unknown_rule"
    with pytest.raises(InputError) as err:
        count(prof, rule="mes", tie_break="random")
    assert err.value.code == "budget.unknown_tie_break"
    points = make_profile([1], 1, [{0: 2}], approval=False)
    with pytest.raises(InputError) as err:
        count(points, rule="phragmen")
    assert err.value.code == "budget.rule_needs_approval"


@pytest.mark.parametrize("rule", RULES)
def test_no_voters(rule):
    prof = make_profile([0, 3], 5, [])
    out = count(prof, rule=rule)
    assert out.voters == 0
    # MES has no money to spend; greedy rules and Phragmen fund whatever fits
    expected = () if rule in ("mes", "mes-add1", "mes-add1-exhaustive") else ("0", "1")
    assert out.selected == expected
