"""Raking, post-stratification and trimming: peers as oracles, bad margins, properties."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberatie.core.errors import InputError
from deliberatie.core.weighting import poststratify, rake
from deliberatie.core.weighting.synthetic import participation_sample, synthetic_municipality

VARIABLES = ("geslacht", "leeftijd", "wijk", "opleiding")


@pytest.fixture(scope="module")
def municipality():
    return synthetic_municipality(20261123)


@pytest.fixture(scope="module", params=[(5, 1500), (55, 300)], ids=["n1500", "n300"])
def biased(municipality, request):
    seed, size = request.param
    index = participation_sample(municipality, seed, size=size)
    sample = municipality.take(index, VARIABLES)
    margins = {name: municipality.margins[name] for name in VARIABLES}
    return sample, margins


def margin_errors(sample, margins, weights):
    """Largest |weighted share - population share|, computed from the respondents."""
    worst = 0.0
    for name, targets in margins.items():
        total = sum(targets.values())
        labels = np.asarray(sample[name], dtype=object)
        for category, target in targets.items():
            share = weights[labels == category].sum() / weights.sum()
            worst = max(worst, abs(share - target / total))
    return worst


def test_generated_municipality_is_realistic(municipality, biased):
    assert municipality.residents == 45_000
    assert len(municipality.margins["wijk"]) == 8
    sample, margins = biased
    n = len(sample["wijk"])
    young = sum(label == "16-24" for label in sample["leeftijd"]) / n
    high = sum(label == "hoog" for label in sample["opleiding"]) / n
    assert young < margins["leeftijd"]["16-24"] / 45_000 * 0.7   # young under-represented
    assert high > margins["opleiding"]["hoog"] / 45_000 * 1.3     # highly educated over


def test_weighted_margins_meet_targets(biased):
    sample, margins = biased
    result = rake(sample, margins)
    assert result.converged
    assert result.max_margin_error <= 1e-10
    assert margin_errors(sample, margins, result.weights) <= 1e-10
    assert result.weights.mean() == pytest.approx(1.0, abs=1e-12)
    w = result.weights
    assert result.effective_n == pytest.approx(w.sum() ** 2 / (w ** 2).sum())
    assert result.design_effect == pytest.approx(len(w) / result.effective_n)
    assert result.effective_n < result.n


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")
def test_equal_to_weightipy(biased, capsys):
    weightipy = pytest.importorskip("weightipy")
    pd = pytest.importorskip("pandas")
    sample, margins = biased
    scheme = weightipy.scheme_from_dict({name: dict(t) for name, t in margins.items()})
    theirs = weightipy.weight(pd.DataFrame(sample), scheme).to_numpy()
    ours = rake(sample, margins, tolerance=1e-13).weights
    assert np.abs(ours - theirs / theirs.mean()).max() < 1e-8


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")
def test_equal_to_ipfn(biased, capsys):
    ipfn = pytest.importorskip("ipfn")
    sample, margins = biased
    cats = [list(margins[name]) for name in VARIABLES]
    index = tuple(np.array([c.index(label) for label in sample[name]])
                  for name, c in zip(VARIABLES, cats))
    seed = np.zeros([len(c) for c in cats])
    np.add.at(seed, index, 1.0)
    aggregates = [np.array([margins[name][c] for c in cs], dtype=float)
                  for name, cs in zip(VARIABLES, cats)]
    fitted = ipfn.ipfn.ipfn(seed.copy(), aggregates, [[0], [1], [2], [3]],
                            convergence_rate=1e-14, rate_tolerance=0.0,
                            max_iteration=5000).iteration()
    theirs = fitted[index] / seed[index]
    ours = rake(sample, margins, tolerance=1e-13).weights
    assert np.abs(ours - theirs / theirs.mean()).max() < 1e-8


def test_default_tolerance_is_close_to_the_exact_fixed_point(biased):
    sample, margins = biased
    loose = rake(sample, margins).weights
    tight = rake(sample, margins, tolerance=1e-14).weights
    assert np.abs(loose - tight).max() < 1e-8


# ---------------------------------------------------------------- bad margins

SMALL = {"sex": ["m", "f", "f", "m", "f"], "age": ["young", "old", "old", "old", "young"]}


def test_target_without_respondents_names_variable_and_category():
    margins = {"sex": {"m": 50, "f": 50}, "age": {"young": 30, "old": 60, "middle": 10}}
    with pytest.raises(InputError) as info:
        rake(SMALL, margins)
    assert info.value.code == "weights.no_respondents"
    assert info.value.params["variable"] == "age"
    assert info.value.params["category"] == "middle"
    assert "middle" in str(info.value) and "age" in str(info.value)


def test_respondents_without_target_name_variable_and_category():
    margins = {"sex": {"m": 50, "f": 50}, "age": {"young": 100}}
    with pytest.raises(InputError) as info:
        rake(SMALL, margins)
    assert info.value.code == "weights.missing_target"
    assert (info.value.params["variable"], info.value.params["category"]) == ("age", "old")
    assert info.value.params["respondents"] == 3


def test_respondents_in_zero_target_name_variable_and_category():
    margins = {"sex": {"m": 50, "f": 50}, "age": {"young": 100, "old": 0}}
    with pytest.raises(InputError) as info:
        rake(SMALL, margins)
    assert info.value.code == "weights.zero_target"
    assert (info.value.params["variable"], info.value.params["category"]) == ("age", "old")


def test_zero_target_without_respondents_is_fine():
    margins = {"sex": {"m": 50, "f": 50}, "age": {"young": 40, "old": 60, "middle": 0}}
    result = rake(SMALL, margins)
    assert result.converged
    assert "middle" not in result.population_shares["age"]


def test_totals_that_disagree_name_the_variable():
    margins = {"sex": {"m": 50, "f": 50}, "age": {"young": 40, "old": 70}}
    with pytest.raises(InputError) as info:
        rake(SMALL, margins)
    assert info.value.code == "weights.totals_disagree"
    assert info.value.params["variable"] == "age"
    assert info.value.params["total"] == 110 and info.value.params["expected"] == 100


def test_shares_and_counts_give_the_same_weights():
    counts = {"sex": {"m": 480, "f": 520}, "age": {"young": 300, "old": 700}}
    shares = {"sex": {"m": 0.48, "f": 0.52}, "age": {"young": 0.3, "old": 0.7}}
    assert np.allclose(rake(SMALL, counts).weights, rake(SMALL, shares).weights, atol=1e-12)


def test_cap_below_lowest_feasible_cap_names_variable_and_category():
    margins = {"sex": {"m": 50, "f": 50}, "age": {"young": 80, "old": 20}}
    # young: population 80%, sample 40% -> lowest feasible cap 2
    with pytest.raises(InputError) as info:
        rake(SMALL, margins, cap=1.9)
    assert info.value.code == "weights.cap_infeasible"
    assert (info.value.params["variable"], info.value.params["category"]) == ("age", "young")
    assert info.value.params["lowest_feasible_cap"] == pytest.approx(2.0)
    result = rake(SMALL, margins, cap=2.0)
    assert result.converged
    assert result.weights.max() <= 2.0 + 1e-9


def test_missing_value_names_variable_and_row():
    sample = {"sex": ["m", "f", None], "age": ["a", "b", "a"]}
    with pytest.raises(InputError) as info:
        rake(sample, {"sex": {"m": 1, "f": 1}, "age": {"a": 1, "b": 1}})
    assert info.value.code == "weights.missing_value"
    assert info.value.params == {"variable": "sex", "row": 3}


def test_never_converged_when_margins_cannot_be_met():
    # only (m, young) and (f, old) respondents: sex 50/50 forces age 50/50
    sample = {"sex": ["m", "m", "f", "f"], "age": ["young", "young", "old", "old"]}
    result = rake(sample, {"sex": {"m": 50, "f": 50}, "age": {"young": 20, "old": 80}},
                  max_iterations=200)
    assert not result.converged
    assert result.max_margin_error > 0.1
    assert margin_errors(sample, {"sex": {"m": 50, "f": 50},
                                  "age": {"young": 20, "old": 80}},
                         result.weights) == pytest.approx(result.max_margin_error)


def test_too_few_iterations_is_not_converged(biased):
    sample, margins = biased
    result = rake(sample, margins, max_iterations=1)
    assert result.iterations == 1
    assert not result.converged
    assert margin_errors(sample, margins, result.weights) == pytest.approx(
        result.max_margin_error, rel=1e-6)


# ---------------------------------------------------------------- trimming

def test_trimming_meets_cap_and_margins(biased):
    sample, margins = biased
    free = rake(sample, margins)
    cap = (free.lowest_feasible_cap + free.weights.max()) / 2
    capped = rake(sample, margins, cap=cap)
    assert capped.converged
    assert capped.weights.max() <= cap * (1 + 1e-9)
    assert np.abs(capped.weights - free.weights).max() > 0.1
    assert margin_errors(sample, margins, capped.weights) <= 1e-10
    assert capped.design_effect < free.design_effect


def test_lowest_feasible_cap_is_the_largest_share_ratio(biased):
    sample, margins = biased
    n = len(sample["wijk"])
    ratios = []
    for name, targets in margins.items():
        total = sum(targets.values())
        for category, target in targets.items():
            in_sample = sum(label == category for label in sample[name]) / n
            ratios.append(target / total / in_sample)
    assert rake(sample, margins).lowest_feasible_cap == pytest.approx(max(ratios), rel=1e-12)


# ---------------------------------------------------------------- post-stratification

def test_poststratify_on_one_variable():
    result = poststratify(SMALL, {"age": {"young": 30, "old": 70}})
    w = result.weights
    assert w[0] == pytest.approx(0.3 / 0.4)
    assert w[1] == pytest.approx(0.7 / 0.6)
    assert result.converged and result.method == "poststratify"


def test_poststratify_on_cells(biased, municipality):
    sample, _ = biased
    labels = list(zip(municipality.columns["geslacht"], municipality.columns["leeftijd"]))
    cells = {}
    for key in labels:
        cells[key] = cells.get(key, 0) + 1
    result = poststratify(sample, cells, variables=("geslacht", "leeftijd"))
    assert result.converged
    got = result.weighted_shares["geslacht x leeftijd"]
    for key, count in cells.items():
        assert got[key] == pytest.approx(count / len(labels), abs=1e-12)


# ---------------------------------------------------------------- properties

@st.composite
def problems(draw):
    n = draw(st.integers(8, 60))
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    sample, margins = {}, {}
    for v, size in enumerate(sizes):
        labels = draw(st.lists(st.integers(0, size - 1), min_size=n, max_size=n))
        labels[:size] = range(size)                       # every category present
        sample[f"v{v}"] = [f"c{x}" for x in labels]
        targets = draw(st.lists(st.integers(1, 1000), min_size=size, max_size=size))
        total = sum(targets)
        margins[f"v{v}"] = {f"c{k}": t / total for k, t in enumerate(targets)}
    return sample, margins


@settings(max_examples=60, deadline=None)
@given(problems())
def test_converged_weights_meet_every_margin(problem):
    sample, margins = problem
    result = rake(sample, margins, max_iterations=300)
    assert np.all(result.weights >= 0)
    assert result.weights.mean() == pytest.approx(1.0)
    assert result.effective_n <= result.n + 1e-9
    recomputed = margin_errors(sample, margins, result.weights)
    assert recomputed == pytest.approx(result.max_margin_error, abs=1e-12)
    assert result.converged == (recomputed <= result.tolerance + 1e-15)


@settings(max_examples=30, deadline=None)
@given(problems(), st.floats(1.0, 3.0))
def test_cap_is_refused_below_the_lowest_feasible_cap_and_held_above(problem, factor):
    sample, margins = problem
    lowest = rake(sample, margins, max_iterations=1).lowest_feasible_cap
    with pytest.raises(InputError):
        rake(sample, margins, cap=lowest * 0.999)
    try:
        result = rake(sample, margins, cap=lowest * factor, max_iterations=300)
    except InputError as error:                  # other margins push the true bound higher
        assert error.params["reason"] == "joint"
        assert error.params["lowest_feasible_cap"] > lowest * factor
        return
    assert result.weights.max() <= lowest * factor * (1 + 1e-9)
    if result.converged:
        assert margin_errors(sample, margins, result.weights) <= 1e-10


@settings(max_examples=30, deadline=None)
@given(problems(), st.randoms(use_true_random=False))
def test_order_of_respondents_does_not_matter(problem, random):
    sample, margins = problem
    n = len(next(iter(sample.values())))
    order = list(range(n))
    random.shuffle(order)
    shuffled = {name: [labels[i] for i in order] for name, labels in sample.items()}
    a = rake(sample, margins).weights
    b = rake(shuffled, margins).weights
    assert np.allclose(a[order], b, atol=1e-9)


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")
def test_weightipy_misses_a_margin_silently_where_we_refuse(capsys):
    weightipy = pytest.importorskip("weightipy")
    pd = pytest.importorskip("pandas")
    margins = {"sex": {"m": 50, "f": 50}, "age": {"young": 30, "old": 60, "middle": 10}}
    theirs = weightipy.weight(pd.DataFrame(SMALL), weightipy.scheme_from_dict(margins))
    theirs = theirs.to_numpy()
    assert margin_errors(SMALL, margins, theirs) > 0.05       # no error, wrong weights
    with pytest.raises(InputError) as info:
        rake(SMALL, margins)
    assert info.value.params["category"] == "middle"


def test_cap_that_no_weights_can_meet_jointly_is_refused_with_the_true_lowest_cap():
    # one respondent per cell; b1 must be tiny, so (a2, b1) is small and (a2, b2)
    # must carry a2 almost alone: x22 >= 3 - 0.25 = 2.75, above every share ratio (1.875)
    sample = {"a": ["a1", "a2", "a2", "a1"], "b": ["b1", "b1", "b2", "b2"]}
    margins = {"a": {"a1": 0.25, "a2": 0.75}, "b": {"b1": 0.0625, "b2": 0.9375}}
    assert rake(sample, margins).lowest_feasible_cap == pytest.approx(1.875)
    with pytest.raises(InputError) as info:
        rake(sample, margins, cap=2.0, max_iterations=200)
    assert info.value.code == "weights.cap_infeasible"
    assert info.value.params["lowest_feasible_cap"] == pytest.approx(2.75, rel=1e-6)
    result = rake(sample, margins, cap=2.9, max_iterations=5000)
    assert result.weights.max() <= 2.9 * (1 + 1e-9)
    assert margin_errors(sample, margins, result.weights) <= 1e-8


def test_poststratify_cells_refuse_missing_values_and_missing_cells():
    sample = {"sex": ["m", "f", None], "age": ["y", "o", "o"]}
    with pytest.raises(InputError) as info:
        poststratify(sample, {("m", "y"): 1, ("f", "o"): 1}, variables=("sex", "age"))
    assert info.value.params == {"variable": "sex", "row": 3}
    sample["sex"][2] = "m"
    with pytest.raises(InputError) as info:
        poststratify(sample, {("m", "y"): 1, ("f", "o"): 1}, variables=("sex", "age"))
    assert info.value.code == "weights.missing_target"
    assert info.value.params["category"] == "('m', 'o')"


def brute_force_ipf(codes, shares, sweeps=2000):
    """Textbook raking respondent by respondent: the slow, obvious oracle."""
    w = np.ones(codes[0].shape[0])
    for _ in range(sweeps):
        for code, share in zip(codes, shares):
            totals = np.bincount(code, w, len(share))
            w = w * (share * w.sum() / totals)[code]
    return w / w.mean()


def test_many_sparse_cells_match_textbook_raking():
    # 6 variables x 8 categories = 262,144 possible cells for 300 respondents
    rng = np.random.default_rng(6)
    n, k = 300, 8
    codes = [rng.integers(0, k, n) for _ in range(6)]
    for code in codes:
        code[:k] = np.arange(k)
    shares = [rng.dirichlet(np.ones(k) * 5) for _ in range(6)]
    sample = {f"v{i}": code for i, code in enumerate(codes)}
    margins = {f"v{i}": dict(enumerate(share)) for i, share in enumerate(shares)}
    result = rake(sample, margins, tolerance=1e-12, max_iterations=5000)
    assert result.converged
    assert result.design.cell_counts.shape[0] <= n
    assert np.abs(result.weights - brute_force_ipf(codes, shares)).max() < 1e-8
