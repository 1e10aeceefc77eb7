"""Add1 with skipped increments equals Add1 stepping one unit at a time.

``mes_add1(..., jump=True)`` skips the budget increments whose run is proven to
select the same projects in the same order (see
:func:`deliberatie.core.budget.mes.mes_add1`); stepping by one is the
definition. Both must return the same run (selection, order, per-voter budget)
and the same number of definitional runs, on random instances with small
budgets (so stepping by one is cheap and many increments change nothing), with
ties, zero costs, empty ballots and budgets with cents, and on the shared files
where stepping by one is affordable.
"""

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliberatie.core.budget import mes
from deliberatie.core.budget.pabulib import read_pb
from deliberatie.core.budget.profile import build_profile, make_profile, tie_key


@st.composite
def add1_instances(draw, *, approval):
    n = draw(st.integers(1, 7))
    cents = draw(st.booleans())
    raw = draw(st.lists(st.integers(0, 60), min_size=n, max_size=n))
    costs = [Fraction(c * 25, 100) if cents else c for c in raw]
    total = Fraction(sum(costs))
    budget = draw(st.sampled_from([total / 4, total / 3, total / 2, total]))
    budget = int(budget) if budget.denominator == 1 else budget
    voters = draw(st.integers(1, 9))
    if approval:
        ballots = [draw(st.sets(st.integers(0, n - 1), max_size=n)) for _ in range(voters)]
    else:
        ballots = [draw(st.dictionaries(st.integers(0, n - 1), st.integers(0, 3), max_size=n))
                   for _ in range(voters)]
    tie = draw(st.sampled_from(["id", "cost", "votes"]))
    return make_profile(costs, budget, ballots, approval=approval), tie


def _both(profile, tie, exhaustive):
    prep = mes.Prepared(profile, cost_sat=profile.approval)
    key = tie_key(profile, tie)
    fast, fast_steps = mes.mes_add1(prep, key, exhaustive_stop=exhaustive)
    slow, slow_steps = mes.mes_add1(prep, key, exhaustive_stop=exhaustive, jump=False)
    assert fast_steps == slow_steps
    assert (fast is None) == (slow is None)
    if fast is not None:
        assert fast.sel == slow.sel and fast.initial == slow.initial
        assert fast.b0 == slow.b0
        assert fast.rho == slow.rho
        assert fast.mes_runs <= 2 * slow.mes_runs + 2  # no runaway search
    return fast, slow


@pytest.mark.parametrize("approval", [True, False])
@pytest.mark.parametrize("exhaustive", [False, True])
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_jumping_equals_stepping_by_one(approval, exhaustive, data):
    profile, tie = data.draw(add1_instances(approval=approval))
    _both(profile, tie, exhaustive)


def test_jumps_happen():
    # one project funded by everybody at once, a second that needs many increments
    profile = make_profile([40, 90], 60, [{0, 1}] * 3 + [{1}])
    fast, slow = _both(profile, "id", False)
    assert fast.mes_runs < slow.mes_runs


def test_certificate_refuses_a_different_order():
    profile = make_profile([6, 6], 9, [{0}, {1}, {1}])
    prep = mes.Prepared(profile, cost_sat=True)
    key = tie_key(profile, "id")
    low = mes.run_mes(prep, 3, key)
    same = mes.run_mes(prep, 5, key, ref=low)
    assert same.sel == [1] and same.certified
    high = mes.run_mes(prep, 7, key, ref=low)
    assert low.sel == [1] and high.sel == [1, 0]
    assert not high.certified


SLOW_PATH_FILES = ("Netherlands_Assen_2024", "Poland_Swiecie_2023",
                   "Poland_Wieliczka_2023_Green_Budget", "Netherlands_Amsterdam_631",
                   "Netherlands_Amsterdam_515", "Switzerland_Zurich_D10", "Poland_Lodz_2022",
                   "Poland_Warszawa_2026")


@pytest.mark.parametrize("name", SLOW_PATH_FILES)
def test_jumping_equals_stepping_on_shared_files(shared_dir, name):
    profile = build_profile(read_pb(shared_dir / "data" / "pb" / f"{name}.pb"))
    for exhaustive in (False, True):
        _both(profile, "id", exhaustive)
