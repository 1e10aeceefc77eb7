"""Server-side check of one resident's ballot."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberatie.core.budget.ballots import BallotRules, check_ballot
from deliberatie.core.errors import InputError

COSTS = {"a": 20_000, "b": 15_000, "c": 10_000, "d": Fraction("5000.50")}
BUDGET = 40_000


def _error(choice, rules):
    with pytest.raises(InputError) as err:
        check_ballot(choice, rules=rules, costs=COSTS, budget=BUDGET)
    return err.value


def test_approval_limits():
    rules = BallotRules("approval", min_count=1, max_count=2)
    ok = check_ballot(["c", "a"], rules=rules, costs=COSTS, budget=BUDGET)
    assert ok.projects == ("a", "c") and ok.total_cost == 30_000
    err = _error(["a", "b", "c"], rules)
    assert err.code == "ballot.too_many" and err.params["max"] == 2 and err.params["count"] == 3
    assert _error([], rules).code == "ballot.too_few"
    assert _error(["a", "a"], rules).code == "ballot.duplicate_project"
    err = _error(["zz"], rules)
    assert err.code == "ballot.unknown_project" and err.params["project"] == "zz"


def test_knapsack_budget_and_minimum_share():
    rules = BallotRules("knapsack", min_share=Fraction(1, 2))
    ok = check_ballot(["a", "d"], rules=rules, costs=COSTS, budget=BUDGET)
    assert ok.total_cost == Fraction("25000.50")
    err = _error(["a", "b", "d"], rules)
    assert err.code == "ballot.over_budget"
    assert Fraction(err.params["over"]) == Fraction("0.50")
    err = _error(["c"], rules)
    assert err.code == "ballot.under_minimum" and Fraction(err.params["minimum"]) == 20_000


def test_cumulative_points():
    rules = BallotRules("cumulative", points=10, max_points_per_project=6)
    ok = check_ballot({"b": 4, "a": 6, "c": 0}, rules=rules, costs=COSTS, budget=BUDGET)
    assert ok.projects == ("a", "b") and ok.points == (6, 4)
    err = _error({"a": 6, "b": 5}, rules)
    assert err.code == "ballot.too_many_points" and err.params == {
        "field": "points", "total": 11, "max": 10}
    assert _error({"a": 7}, rules).code == "ballot.too_many_points_project"
    assert _error({"a": -1}, rules).code == "ballot.bad_points"
    assert _error({"a": 1.5}, rules).code == "ballot.bad_points"
    assert _error(["a"], rules).code == "ballot.bad_points"


def test_ranking_top_k_keeps_order():
    rules = BallotRules("ranking", max_count=3)
    ok = check_ballot(["c", "a", "b"], rules=rules, costs=COSTS, budget=BUDGET)
    assert ok.projects == ("c", "a", "b")
    assert _error(["c", "a", "b", "d"], rules).code == "ballot.too_many"


def test_bad_rules():
    assert _error(["a"], BallotRules("borda")).code == "ballot.unknown_kind"
    assert _error({"a": 1}, BallotRules("cumulative")).code == "ballot.rules_without_points"
    assert _error(["a"], BallotRules("approval", min_count=3, max_count=2)).code == \
        "ballot.bad_limits"


@settings(max_examples=100, deadline=None)
@given(choice=st.lists(st.sampled_from(sorted(COSTS)), unique=True))
def test_knapsack_accepts_exactly_the_ballots_within_budget(choice):
    rules = BallotRules("knapsack")
    total = sum(Fraction(COSTS[p]) for p in choice)
    if total <= BUDGET:
        assert check_ballot(choice, rules=rules, costs=COSTS, budget=BUDGET).total_cost == total
    else:
        assert _error(choice, rules).code == "ballot.over_budget"
