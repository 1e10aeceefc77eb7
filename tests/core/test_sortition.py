"""LEXIMIN and friends against the published profiles and hand-made instances."""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from deliberatie.core.errors import InputError
from deliberatie.core.sortition import (
    InfeasibleQuotas,
    Quota,
    distribution,
    feasibility,
    make_instance,
    make_record,
    meets_quotas,
    read_instance,
    replacement,
    select,
    verify,
)
from deliberatie.core.sortition.lottery import make_lottery

ROOT = Path(__file__).resolve().parents[2]


def _reference_profile(shared_dir, name):
    path = shared_dir / "data" / "sortition" / "reference_output" / f"{name}_prob_allocs_data.csv"
    rows = [line.split(",") for line in path.read_text().splitlines()[1:]]
    return np.array([float(r[2]) for r in rows if r[0] == "LexiMin"])


@pytest.mark.parametrize("name, k", [("example_small_20", 20), ("example_large_200", 200)])
def test_leximin_profile_matches_published(shared_dir, name, k):
    instance, _ = read_instance(shared_dir / "data" / "sortition" / name)
    dist = distribution(instance, k, algorithm="leximin")
    reference = _reference_profile(shared_dir, name)
    assert len(reference) == instance.n
    assert np.abs(np.sort(dist.probabilities) - reference).max() < 1e-6
    assert math.isclose(sum(dist.probabilities), k, rel_tol=1e-9)


def _instance(rows, quotas, households=None):
    ids = [f"p{i:02d}" for i in range(len(rows))]
    cats = list(dict.fromkeys(q[0] for q in quotas))
    return make_instance(ids, [dict(zip(cats, r)) for r in rows],
                         [Quota(c, v, lo, hi) for c, v, lo, hi in quotas], households)


def test_leximin_lifts_second_level_above_maximin_floor():
    # 2 women, 8 men, panel of 2 with exactly one woman: women 1/2 each, men 1/8 each.
    inst = _instance([("f",)] * 2 + [("m",)] * 8, [("g", "f", 1, 1), ("g", "m", 1, 1)])
    dist = distribution(inst, 2, algorithm="leximin")
    probs = dict(zip(inst.ids, dist.probabilities))
    assert probs["p00"] == pytest.approx(0.5, abs=1e-9)
    assert probs["p05"] == pytest.approx(1 / 8, abs=1e-9)
    assert dist.min_probability == pytest.approx(1 / 8, abs=1e-9)


def test_leximin_fixes_in_stages():
    # Type A can only be chosen together with B; C is free; leximin gives C more than A.
    rows = [("a", "x")] * 4 + [("b", "y")] * 2 + [("c", "y")] * 6
    quotas = [("t", "a", 0, 1), ("t", "b", 0, 2), ("t", "c", 0, 3), ("u", "x", 0, 1), ("u", "y", 1, 3)]
    inst = _instance(rows, quotas)
    dist = distribution(inst, 3, algorithm="leximin")
    maximin = distribution(inst, 3, algorithm="maximin")
    assert dist.min_probability == pytest.approx(maximin.min_probability, abs=1e-8)
    # the leximin profile dominates any other distribution's sorted profile lexicographically
    assert sorted(dist.probabilities) >= sorted(np.round(maximin.probabilities, 9)) or np.allclose(
        sorted(dist.probabilities), sorted(maximin.probabilities))
    for comp in dist.compositions:
        assert sum(comp) == 3


def _generated(n, k, seed):
    rng = np.random.default_rng(seed)
    sizes = (2, 3, 4)
    skew = {2: [0.7, 0.3], 3: [0.6, 0.3, 0.1], 4: [0.4, 0.3, 0.2, 0.1]}  # response bias
    rows = [tuple(int(rng.choice(s, p=skew[s])) for s in sizes) for _ in range(n)]
    quotas = []
    for c, s in enumerate(sizes):
        for v in range(s):
            quotas.append((f"c{c}", str(v), max(0, k // s - 1), k // s + 2))
    return _instance([tuple(str(x) for x in r) for r in rows], quotas), k


def test_nash_beats_leximin_on_log_welfare():
    instance, k = _generated(80, 9, 4)
    nash = distribution(instance, k, algorithm="nash")
    lex = distribution(instance, k, algorithm="leximin")
    assert lex.diagnostics["stages"] > 1
    assert np.log(nash.probabilities).sum() >= np.log(lex.probabilities).sum() - 1e-6
    assert lex.min_probability >= nash.min_probability - 1e-9
    assert sum(nash.probabilities) == pytest.approx(k)


def test_infeasible_quotas_name_conflict_and_relaxation():
    inst = _instance([("f", "y")] * 3 + [("m", "o")] * 7,
                     [("g", "f", 3, 5), ("g", "m", 0, 5), ("a", "y", 0, 1), ("a", "o", 0, 5)])
    report = feasibility(inst, 4)
    assert not report.feasible
    bounds = {(c.category, c.value, c.bound) for c in report.conflicts}
    assert ("g", "f", "min") in bounds and ("a", "y", "max") in bounds
    assert report.relaxation_total == 2
    with pytest.raises(InfeasibleQuotas) as info:
        select(inst, 4)
    assert info.value.code == "sortition.infeasible_quotas"


@pytest.mark.parametrize("y_max_flex, expected", [
    (None, {("a", "y"): (0, 3)}),  # women's minimum may not move: the young's maximum rises
    (2, {}),  # nor may that rise far enough: no relaxation within the flex bounds
])
def test_relaxation_stays_within_flex_bounds(y_max_flex, expected):
    # Panel of 4 needs 3 women, all young, but at most one young person: relaxing
    # either bound by 2 helps; min_flex = min forbids lowering the women's minimum.
    rows = [("f", "y")] * 3 + [("m", "o")] * 7
    quotas = [Quota("g", "f", 3, 5, min_flex=3), Quota("g", "m", 0, 5), Quota("a", "y", 0, 1, max_flex=y_max_flex),
              Quota("a", "o", 0, 5)]
    inst = make_instance([f"p{i:02d}" for i in range(len(rows))], [dict(zip("ga", r)) for r in rows], quotas)
    report = feasibility(inst, 4)
    assert not report.feasible
    assert {(r.category, r.value): (r.new_min, r.new_max) for r in report.relaxation} == expected
    assert report.relaxation_total == (2 if expected else 0)


def test_household_constraint_respected():
    rows = [("f",)] * 4 + [("m",)] * 4
    inst = _instance(rows, [("g", "f", 1, 3), ("g", "m", 1, 3)], households=["h1", "h1", "h1", None, "h2", "h2", None, None])
    result = select(inst, 4, households=True, seed=3)
    for panel in result.lottery.panels:
        assert meets_quotas(inst, panel, households=True)
    probs = dict(zip(inst.ids, result.distribution.probabilities))
    assert probs["p00"] + probs["p01"] + probs["p02"] <= 1 + 1e-9


def test_panel_larger_than_pool():
    inst = _instance([("f",)] * 3, [("g", "f", 0, 5)])
    with pytest.raises(InputError) as info:
        select(inst, 4)
    assert info.value.code == "sortition.panel_larger_than_pool"


@pytest.mark.parametrize("algorithm", ["leximin", "maximin", "nash", "legacy"])
def test_lottery_panels_meet_quotas_and_track_marginals(shared_dir, algorithm):
    instance, _ = read_instance(shared_dir / "data" / "sortition" / "example_small_20")
    result = select(instance, 20, algorithm=algorithm, seed=11, lottery_size=200)
    assert len(result.lottery.panels) == 200
    assert all(len(p) == 20 and meets_quotas(instance, p) for p in result.lottery.panels)
    assert result.panel == result.lottery.panels[result.index]
    if algorithm != "legacy":
        assert result.lottery.max_deviation <= 2 / 200 + 1e-9


def test_rounding_keeps_marginals_close(shared_dir):
    instance, _ = read_instance(shared_dir / "data" / "sortition" / "sfalg_fixture_22", id_column="nationbuilder_id")
    dist = distribution(instance, 22, algorithm="maximin")
    lottery = make_lottery(dist, m=1000, seed=5)
    assert lottery.max_deviation < 0.01
    assert min(lottery.marginals) >= dist.min_probability - 0.01


def test_replacement_keeps_quotas(shared_dir):
    instance, _ = read_instance(shared_dir / "data" / "sortition" / "example_large_200")
    result = select(instance, 200, seed=5)
    for dropout in result.panel[:10]:
        new = replacement(instance, result.panel, dropout, result.reserves)
        assert new is not None and new not in result.panel
        assert meets_quotas(instance, [p for p in result.panel if p != dropout] + [new])
    assert replacement(instance, result.panel, result.panel[0], result.reserves) == replacement(
        instance, result.panel, result.panel[0], result.reserves)


def test_verify_detects_tampering(shared_dir):
    instance, files = read_instance(shared_dir / "data" / "sortition" / "example_small_20")
    record = make_record(select(instance, 20, seed=9, lottery_size=100), instance, files=files)
    assert verify(record).ok
    record["chosen_index"] = (record["chosen_index"] + 1) % 100
    checks = verify(record).checks
    assert not checks["chosen_index"] and checks["draw_from_recorded_lottery"] and checks["lottery"]
    record["panel"] = record["lottery"][(record["chosen_index"]) % 100]
    assert not verify(record).checks["draw_from_recorded_lottery"]


_CHILD = """
import json, sys
from deliberatie.core.sortition import read_instance, select, make_record
inst, files = read_instance(sys.argv[1], id_column=sys.argv[2] or None,
                            household_columns=[c for c in sys.argv[3].split(",") if c])
rec = make_record(select(inst, int(sys.argv[6]), algorithm=sys.argv[4], seed=42, lottery_size=int(sys.argv[5])), inst)
print(json.dumps({"panel": rec["panel"], "index": rec["chosen_index"], "sha": rec["inputs_sha256"],
                  "lottery": rec["lottery"]}))
"""


@pytest.mark.parametrize("algorithm, size, folder, k, id_column, households", [
    ("maximin", 1000, "sfalg_fixture_22", 22, "nationbuilder_id", "primary_address1,primary_zip"),
    ("legacy", 100, "example_small_20", 20, "", ""),
])
def test_draw_identical_across_hash_seeds(shared_dir, algorithm, size, folder, k, id_column, households):
    path = str(shared_dir / "data" / "sortition" / folder)
    outputs = []
    for hash_seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        proc = subprocess.run([sys.executable, "-c", _CHILD, path, id_column, households, algorithm, str(size), str(k)],
                              capture_output=True, text=True, env=env, cwd=ROOT, check=True)
        outputs.append(json.loads(proc.stdout))
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(outputs[0]["panel"]) == k


def test_progress_and_summary_statistics(shared_dir):
    instance, _ = read_instance(shared_dir / "data" / "sortition" / "sfalg_fixture_22", id_column="nationbuilder_id")
    calls = []
    dist = distribution(instance, 22, algorithm="maximin", progress=lambda done, total: calls.append((done, total)))
    probs = np.asarray(dist.probabilities)
    assert dist.mean_probability == pytest.approx(22 / 150)
    pairwise = np.abs(probs[:, None] - probs[None, :]).sum() / (2 * len(probs) ** 2 * probs.mean())
    assert dist.gini == pytest.approx(pairwise, abs=1e-12)
    assert calls == []  # maximin has a single stage, nothing fixed
    small, _ = read_instance(shared_dir / "data" / "sortition" / "example_small_20")
    lex = distribution(small, 20, algorithm="leximin", progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1] == lex.diagnostics["types"]
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)


def _staged_only(cg, progress):
    return None  # _relaxation_first declining: the staged algorithm runs


@pytest.mark.parametrize("n, k, seed", [(80, 9, 4), (150, 12, 7), (400, 30, 11)])
def test_relaxation_first_equals_staged_leximin(monkeypatch, n, k, seed):
    # The relaxation's LEXIMIN written as a mix of panels must be the staged
    # column generation's LEXIMIN (which proves each stage by pricing).
    from deliberatie.core.sortition import optimise

    instance, k = _generated(n, k, seed)
    fast = distribution(instance, k, algorithm="leximin")
    assert fast.diagnostics["method"] == "relaxation" and fast.diagnostics["walk_panels"] > 0
    monkeypatch.setattr(optimise, "_relaxation_first", _staged_only)
    staged = distribution(instance, k, algorithm="leximin")
    assert staged.diagnostics["method"] == "stages"
    fast_p, staged_p = np.asarray(fast.probabilities), np.asarray(staged.probabilities)
    assert np.abs(fast_p - staged_p).max() < 1e-6
    assert (fast_p >= staged_p * (1 - 2e-6)).all()  # nobody loses more than the documented tolerance
    assert sum(fast.weights) == pytest.approx(1.0) and fast_p.sum() == pytest.approx(k)
    for comp in fast.compositions:
        members = [pid for t, c in enumerate(comp) for pid in [instance.ids[i] for i in fast.types.members[t]][:c]]
        assert len(members) == k and meets_quotas(instance, members)


@pytest.mark.parametrize("n, k, seed", [(80, 9, 4), (150, 12, 7)])
def test_relaxation_bound_gives_the_slow_path_profile(monkeypatch, n, k, seed):
    # Stages ended by the LP relaxation's bound (no proving pricing ILP) must give
    # the same LEXIMIN as column generation proven by pricing alone.
    from deliberatie.core.sortition import optimise

    instance, k = _generated(n, k, seed)
    monkeypatch.setattr(optimise, "_relaxation_first", _staged_only)
    fast = distribution(instance, k, algorithm="leximin")
    assert fast.diagnostics["bound_stops"] > 0

    def unavailable(model):
        raise ImportError

    monkeypatch.setattr(optimise, "_Relaxation", unavailable)
    slow = distribution(instance, k, algorithm="leximin")
    assert slow.diagnostics["bound_stops"] == 0
    assert np.abs(np.asarray(fast.probabilities) - np.asarray(slow.probabilities)).max() < 1e-7
    assert fast.diagnostics["stages"] > 1


def test_pruned_master_gives_the_same_leximin(monkeypatch):
    # Dropping unused columns from the master keeps the optimum (they can come back through pricing).
    from deliberatie.core.sortition import optimise

    instance, k = _generated(150, 12, 7)
    monkeypatch.setattr(optimise, "_relaxation_first", _staged_only)
    full = distribution(instance, k, algorithm="leximin")
    monkeypatch.setattr(optimise, "_PRUNE_FACTOR", 1)
    monkeypatch.setattr(optimise, "_PRUNE_SLACK", 0)
    pruned = distribution(instance, k, algorithm="leximin")
    assert pruned.diagnostics["pruned"] > 0
    assert np.abs(np.asarray(full.probabilities) - np.asarray(pruned.probabilities)).max() < 1e-7
    assert all(sum(c) == k for c in pruned.compositions)
