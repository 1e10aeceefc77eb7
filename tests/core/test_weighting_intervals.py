"""Weighted shares with intervals; representativeness."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberatie.core.errors import InputError
from deliberatie.core.weighting import rake, representation, weighted_shares
from deliberatie.core.weighting.synthetic import participation_sample, synthetic_municipality

VARIABLES = ("geslacht", "leeftijd", "wijk", "opleiding")


@pytest.fixture(scope="module")
def municipality():
    return synthetic_municipality(20261123)


@pytest.fixture(scope="module")
def raked(municipality):
    index = participation_sample(municipality, 8, size=1200)
    sample = municipality.take(index, VARIABLES)
    margins = {name: municipality.margins[name] for name in VARIABLES}
    return index, sample, margins, rake(sample, margins)


def brute_force_linearization(weights, answered, yes, margins_codes):
    """svymean on a calibrated design, respondent by respondent (survey's svyrecvar:
    residuals of the influence values on the calibration model, design weights 1)."""
    n = weights.shape[0]
    p = (weights * answered * yes).sum() / (weights * answered).sum()
    z = answered * (yes - p)
    x = np.hstack([np.eye(k)[codes] for codes, k in margins_codes])
    beta = np.linalg.lstsq(x, z, rcond=None)[0]
    e = z - x @ beta
    variance = n / (n - 1) * ((weights * e) ** 2).sum() / (weights * answered).sum() ** 2
    return p, math.sqrt(variance)


def test_linearization_equals_respondent_level_computation(municipality, raked):
    index, sample, margins, result = raked
    rng = np.random.default_rng(3)
    answers = np.where(rng.random(index.shape[0]) < 0.15, None,
                       np.where(municipality.support[index], "voor", "tegen")).tolist()
    shares = weighted_shares(result, answers, categories=["voor", "tegen"])
    answered = np.array([a is not None for a in answers], dtype=float)
    yes = np.array([a == "voor" for a in answers], dtype=float)
    codes = [(np.array([list(margins[v]).index(label) for label in sample[v]]), len(margins[v]))
             for v in VARIABLES]
    p, se = brute_force_linearization(result.weights, answered, yes, codes)
    voor = shares.estimates[0]
    assert voor.category == "voor"
    assert voor.weighted_share == pytest.approx(p, rel=1e-12)
    assert voor.standard_error == pytest.approx(se, rel=1e-9)
    assert voor.weighted_low == pytest.approx(p - 1.959963984540054 * se, rel=1e-9)
    assert shares.answered == int(answered.sum())
    assert voor.raw_share == pytest.approx(yes.sum() / answered.sum())
    assert shares.estimates[0].weighted_share + shares.estimates[1].weighted_share == (
        pytest.approx(1.0))


def test_linearization_equals_survey_rake_backfitting(municipality, raked):
    """survey's svyrecvar for rake() designs: subtract per-margin means of x/w, iterated."""
    index, sample, margins, result = raked
    w = result.weights
    y = municipality.support[index].astype(float)
    p = (w * y).sum() / w.sum()
    x = w * (y - p)
    for _ in range(200):
        for v in VARIABLES:
            labels = np.asarray(sample[v], dtype=object)
            for category in margins[v]:
                members = labels == category
                x[members] -= w[members] * (x[members] / w[members]).mean()
    n = len(w)
    se = math.sqrt(n / (n - 1) * (x ** 2).sum()) / w.sum()
    ours = weighted_shares(result, municipality.support[index], categories=[True])
    assert ours.estimates[0].standard_error == pytest.approx(se, rel=1e-8)


def test_raking_makes_intervals_narrower_than_ignoring_calibration(municipality, raked):
    index, sample, margins, result = raked
    shares = weighted_shares(result, municipality.support[index], categories=[True])
    w = result.weights
    y = municipality.support[index].astype(float)
    p = (w * y).sum() / w.sum()
    naive = math.sqrt(len(w) / (len(w) - 1) * ((w * (y - p)) ** 2).sum() / w.sum() ** 2)
    assert shares.estimates[0].standard_error < naive


def test_bootstrap_agrees_with_linearization(municipality, raked):
    index, _, _, result = raked
    lin = weighted_shares(result, municipality.support[index], categories=[True])
    boot = weighted_shares(result, municipality.support[index], categories=[True],
                           method="bootstrap", replicates=400, rng=np.random.default_rng(1))
    a, b = lin.estimates[0], boot.estimates[0]
    assert a.weighted_share == pytest.approx(b.weighted_share)
    assert b.standard_error == pytest.approx(a.standard_error, rel=0.2)
    assert boot.replicates == 400 and boot.failed_replicates == 0
    assert b.weighted_low < b.weighted_share < b.weighted_high
    again = weighted_shares(result, municipality.support[index], categories=[True],
                            method="bootstrap", replicates=400, rng=np.random.default_rng(1))
    assert again == boot                                   # reproducible from the seed


def test_bootstrap_respects_the_cap(municipality, raked):
    index, sample, margins, free = raked
    result = rake(sample, margins, cap=free.lowest_feasible_cap * 1.2)
    boot = weighted_shares(result, municipality.support[index], method="bootstrap",
                           replicates=50, rng=1)
    assert boot.replicates == 50
    assert boot.replicates - boot.failed_replicates >= 2


def test_bad_interval_options():
    result = rake({"a": ["x", "y"]}, {"a": {"x": 1, "y": 1}})
    with pytest.raises(InputError) as info:
        weighted_shares(result, [True])
    assert info.value.code == "weights.answers_length"
    with pytest.raises(InputError):
        weighted_shares(result, [True, False], method="jackknife")
    with pytest.raises(InputError):
        weighted_shares(result, [None, None])


@pytest.mark.slow
def test_linearized_intervals_cover_the_population_share_95_percent(municipality):
    truth = municipality.support.mean()
    margins = {name: municipality.margins[name] for name in VARIABLES}
    rng = np.random.default_rng(13)
    samples, covered, raw_covered = 1000, 0, 0
    for _ in range(samples):
        index = participation_sample(municipality, rng, size=2000)
        result = rake(municipality.take(index, VARIABLES), margins)
        estimate = weighted_shares(result, municipality.support[index],
                                   categories=[True]).estimates[0]
        covered += estimate.weighted_low <= truth <= estimate.weighted_high
        raw_covered += estimate.raw_low <= truth <= estimate.raw_high
    assert 0.93 <= covered / samples <= 0.97
    assert raw_covered / samples < 0.9                     # the bias weighting removes


# ---------------------------------------------------------------- representation

def test_representation_of_a_biased_sample(municipality, raked):
    _, sample, margins, _ = raked
    result = representation(sample, margins)
    rows = {(r.variable, r.category): r for r in result.rows}
    young = rows[("leeftijd", "16-24")]
    n = len(sample["leeftijd"])
    assert young.sample_share == pytest.approx(sample["leeftijd"].count("16-24") / n)
    assert young.population_share == pytest.approx(margins["leeftijd"]["16-24"] / 45_000)
    assert young.ratio == pytest.approx(young.sample_share / young.population_share)
    assert young in result.under
    assert rows[("opleiding", "hoog")] in result.over
    assert result.chi_square["leeftijd"].p_value < 1e-6
    assert result.chi_square["leeftijd"].df == 3
    assert all(r.ratio <= 0.8 for r in result.under)
    summary = result.summary()
    assert len(summary) == len(result.under) + len(result.over)
    assert {"variable": "leeftijd", "category": "16-24", "direction": "under",
            "sample_share": young.sample_share,
            "population_share": young.population_share} in summary
    extremity = [abs(math.log(row["sample_share"] / row["population_share"])) for row in summary]
    assert extremity == sorted(extremity, reverse=True)


def test_representation_chi_square_matches_the_formula():
    sample = {"sex": ["m"] * 30 + ["f"] * 70}
    result = representation(sample, {"sex": {"m": 0.5, "f": 0.5}})
    assert result.chi_square["sex"].statistic == pytest.approx((20 ** 2 + 20 ** 2) / 50)
    assert result.chi_square["sex"].p_value < 0.001
    assert [r.direction for r in result.rows] == ["under", "over"]


def test_representation_skips_missing_answers_and_refuses_unknown_categories():
    sample = {"sex": ["m", "", None, "f"]}
    result = representation(sample, {"sex": {"m": 1, "f": 1}})
    assert result.answered == {"sex": 2}
    with pytest.raises(InputError) as info:
        representation({"sex": ["m", "x"]}, {"sex": {"m": 1, "f": 1}})
    assert info.value.code == "weights.missing_target"
    assert info.value.params["category"] == "x"


def test_small_groups_are_not_flagged_for_noise():
    result = representation({"sex": ["m", "m", "f"]}, {"sex": {"m": 1, "f": 1}})
    assert result.under == () and result.over == ()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from("abc"), min_size=1, max_size=50),
       st.lists(st.integers(1, 100), min_size=3, max_size=3))
def test_representation_shares_sum_to_one(labels, targets):
    result = representation({"v": labels}, {"v": dict(zip("abc", targets))})
    assert sum(r.sample_share for r in result.rows) == pytest.approx(1.0)
    assert sum(r.population_share for r in result.rows) == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(20, 120))
def test_cell_level_linearization_equals_respondent_level(seed, n):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 3, n)
    b = rng.integers(0, 2, n)
    a[:3], b[:2] = [0, 1, 2], [0, 1]
    answers = rng.choice([0.0, 1.0, np.nan], n, p=[0.45, 0.45, 0.1])
    answers[:2] = [0.0, 1.0]
    margins = {"a": {0: 0.2, 1: 0.3, 2: 0.5}, "b": {0: 0.6, 1: 0.4}}
    result = rake({"a": a, "b": b}, margins)
    estimate = weighted_shares(result, answers, categories=[1.0]).estimates[0]
    answered = (~np.isnan(answers)).astype(float)
    yes = np.nan_to_num(answers)
    p, se = brute_force_linearization(result.weights, answered, yes,
                                      [(a, 3), (b, 2)])
    assert estimate.weighted_share == pytest.approx(p, rel=1e-9, abs=1e-12)
    assert estimate.standard_error == pytest.approx(se, rel=1e-6, abs=1e-12)
