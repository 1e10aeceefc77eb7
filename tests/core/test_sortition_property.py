"""Random pools and quotas (hypothesis): panels meet quotas, exact optimum, peer comparison."""

import csv
import io
import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from deliberatie.core.sortition import InfeasibleQuotas, Quota, distribution, feasibility, make_instance, select
from deliberatie.core.sortition import optimise
from deliberatie.core.sortition.lottery import meets_quotas


@st.composite
def instances(draw, max_n=12, loose=False, households=False):
    ncat = draw(st.integers(1, 3))
    nvals = [draw(st.integers(2, 3)) for _ in range(ncat)]
    n = draw(st.integers(4, max_n))
    k = draw(st.integers(1, min(4, n - 1)))
    rows = [tuple(draw(st.integers(0, v - 1)) for v in nvals) for _ in range(n)]
    quotas = []
    for c, v in enumerate(nvals):
        for value in range(v):
            if loose:  # proportional-ish bounds, mostly feasible
                lo = draw(st.integers(0, k // v))
                hi = draw(st.integers(max(lo, -(-k // v)), k))
            else:
                lo = draw(st.integers(0, k))
                hi = draw(st.integers(lo, k))
            quotas.append(Quota(f"c{c}", f"v{value}", lo, hi))
    ids = [f"p{i}" for i in range(n)]
    feats = [{f"c{c}": f"v{x}" for c, x in enumerate(row)} for row in rows]
    homes = [draw(st.sampled_from([None, "h0", "h1", "h2"])) for _ in range(n)] if households else None
    return make_instance(ids, feats, quotas, homes), k


def _all_panels(inst, k):
    return [p for p in itertools.combinations(inst.ids, k) if meets_quotas(inst, p)]


def _exact_maximin(inst, k, panels):
    """Maximin over every feasible panel, by one LP (independent of column generation)."""
    index = {pid: i for i, pid in enumerate(inst.ids)}
    coverable = sorted({index[p] for panel in panels for p in panel})
    a = np.zeros((inst.n, len(panels)))
    for j, panel in enumerate(panels):
        a[[index[p] for p in panel], j] = 1
    a_ub = np.hstack([-a[coverable], np.ones((len(coverable), 1))])
    res = linprog(np.r_[np.zeros(len(panels)), -1.0], A_ub=a_ub, b_ub=np.zeros(len(coverable)),
                  A_eq=np.r_[np.ones(len(panels)), 0.0][None, :], b_eq=[1.0],
                  bounds=[(0, None)] * len(panels) + [(None, None)], method="highs")
    return res.x[-1], coverable


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_random_instances_against_enumeration(case):
    inst, k = case
    panels = _all_panels(inst, k)
    report = feasibility(inst, k)
    assert report.feasible == bool(panels)
    if not panels:
        assert report.conflicts or report.relaxation_total == 0
        with pytest.raises(InfeasibleQuotas):
            distribution(inst, k)
        return
    dist = distribution(inst, k, algorithm="leximin")
    assert sum(dist.probabilities) == pytest.approx(k, abs=1e-7)
    assert sum(dist.weights) == pytest.approx(1, abs=1e-9)
    for composition in dist.compositions:  # any panel with these counts meets the quotas
        members = [dist.types.members[t][i] for t, c in enumerate(composition) for i in range(c)]
        assert meets_quotas(inst, [inst.ids[m] for m in members])
    optimum, coverable = _exact_maximin(inst, k, panels)
    probs = np.asarray(dist.probabilities)
    assert probs[coverable].min() == pytest.approx(optimum, abs=1e-7)
    never = set(range(inst.n)) - set(coverable)
    assert all(probs[i] == 0 for i in never)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_n=10), st.integers(0, 2**31))
def test_lottery_panels_meet_quotas(case, seed):
    inst, k = case
    if not feasibility(inst, k).feasible:
        return
    result = select(inst, k, seed=seed, lottery_size=50)
    assert all(meets_quotas(inst, panel) for panel in result.lottery.panels)
    assert result.panel == result.lottery.panels[result.index]


def _peer_maximin_min(inst, k):
    ca = pytest.importorskip("sortition_algorithms")
    from sortition_algorithms.committee_generation import find_distribution_maximin

    features_csv = "feature,value,min,max\n" + "".join(
        f"{q.category},{q.value},{q.min},{q.max}\n" for q in inst.quotas)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", *inst.categories])
    for pid, vector in zip(inst.ids, inst.features):
        writer.writerow([pid, *vector])
    data = ca.SelectionData(ca.CSVStringDataSource(features_csv, out.getvalue()))
    features, _ = data.load_features(k)
    people, _ = data.load_people(ca.Settings(id_column="id", columns_to_keep=[]), features)
    committees, probabilities, _ = find_distribution_maximin(features, people, k, [])
    marginal = dict.fromkeys(people, 0.0)
    for committee, p in zip(committees, probabilities):
        for pid in committee:
            marginal[pid] += p
    return min(marginal.values())


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::UserWarning")
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_n=10, loose=True))
def test_min_probability_at_least_peer_maximin(case):
    inst, k = case
    panels = _all_panels(inst, k)
    if not panels or len({p for panel in panels for p in panel}) < inst.n:
        event("skipped: infeasible or uncoverable person")
        return  # the peer needs every person to fit some panel
    event("compared with peer")
    ours = distribution(inst, k, algorithm="leximin").min_probability
    assert ours >= _peer_maximin_min(inst, k) - 1e-7


def _exact_leximin(inst, k, panels):
    """Sorted LEXIMIN profile over every feasible panel, by the definition (no duals).

    Each stage maximises the smallest free probability, then fixes every
    person whose probability cannot exceed that level by one LP per person;
    independent of the column generation and of the dual-based fixing.
    """
    index = {pid: i for i, pid in enumerate(inst.ids)}
    a = np.zeros((inst.n, len(panels)))
    for j, panel in enumerate(panels):
        a[[index[p] for p in panel], j] = 1
    fixed = {i: 0.0 for i in range(inst.n) if not a[i].any()}
    nvar = len(panels) + 1
    eq = np.r_[np.ones(len(panels)), 0.0][None, :]
    while len(fixed) < inst.n:
        free = [i for i in range(inst.n) if i not in fixed]
        rows = [np.r_[-a[i], 1.0] for i in free] + [np.r_[-a[i], 0.0] for i in fixed]
        rhs = [0.0] * len(free) + [-(fixed[i] - 1e-9) for i in fixed]
        res = linprog(np.r_[np.zeros(len(panels)), -1.0], A_ub=np.array(rows), b_ub=rhs, A_eq=eq, b_eq=[1.0],
                      bounds=[(0, None)] * (nvar - 1) + [(None, None)], method="highs")
        level = res.x[-1]
        floor_rows = np.array(rows)
        floor_rhs = np.array(rhs, dtype=float)
        floor_rows[: len(free), -1] = 0.0
        floor_rhs[: len(free)] = -(level - 1e-9)
        stuck = []
        for i in free:
            res = linprog(np.r_[-a[i], 0.0], A_ub=floor_rows, b_ub=floor_rhs, A_eq=eq, b_eq=[1.0],
                          bounds=[(0, None)] * (nvar - 1) + [(0, 0)], method="highs")
            if -res.fun <= level + 1e-7:
                stuck.append(i)
        for i in stuck or free:
            fixed[i] = level
    return np.sort([fixed[i] for i in range(inst.n)])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_n=9, loose=True, households=True))
def test_leximin_profile_against_enumeration(case):
    inst, k = case
    panels = _all_panels(inst, k)
    if not panels:
        event("infeasible")
        return
    dist = distribution(inst, k, algorithm="leximin")
    event(f"method: {dist.diagnostics['method']}")
    expected = _exact_leximin(inst, k, panels)
    assert np.abs(np.sort(dist.probabilities) - expected).max() < 1e-6
    with pytest.MonkeyPatch.context() as patch:  # the staged algorithm alone gets there too
        patch.setattr(optimise, "_relaxation_first", lambda cg, progress: None)
        staged = distribution(inst, k, algorithm="leximin")
    assert staged.diagnostics["method"] == "stages"
    assert np.abs(np.sort(staged.probabilities) - expected).max() < 1e-6


def test_leximin_falls_back_when_the_relaxation_is_not_a_mix_of_panels():
    # Three binary categories, panel of 2: the LP relaxation's LEXIMIN is a
    # fractional point that no distribution over panels reaches, so the
    # relaxation-first path must decline and the staged algorithm decide.
    rows = [(1, 0, 1), (1, 1, 1), (0, 0, 1), (0, 0, 0), (0, 1, 1), (1, 1, 0), (1, 1, 1), (1, 1, 0), (1, 1, 1),
            (0, 1, 1), (0, 0, 1)]
    quotas = [Quota("c0", "v0", 0, 1), Quota("c0", "v1", 1, 2), Quota("c1", "v0", 1, 1), Quota("c1", "v1", 0, 2),
              Quota("c2", "v0", 1, 1), Quota("c2", "v1", 0, 1)]
    inst = make_instance([f"p{i}" for i in range(len(rows))],
                         [{f"c{c}": f"v{x}" for c, x in enumerate(row)} for row in rows], quotas)
    dist = distribution(inst, 2, algorithm="leximin")
    assert dist.diagnostics["method"] == "stages"
    expected = _exact_leximin(inst, 2, _all_panels(inst, 2))
    assert np.abs(np.sort(dist.probabilities) - expected).max() < 1e-6
