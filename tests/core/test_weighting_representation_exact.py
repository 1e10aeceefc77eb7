"""Goodness of fit on small groups: an exact multinomial test where chi-square is not valid."""

import importlib
import itertools
import math

import numpy as np
import pytest
from scipy import stats

from deliberatie.core.weighting import representation
representation_module = importlib.import_module("deliberatie.core.weighting.representation")


def _brute_force_p(counts, shares):
    """P(X² >= observed) by walking every sequence of answers, one participant at a time."""
    n, k = sum(counts), len(counts)
    expected = [n * s for s in shares]

    def statistic(c):
        return sum((x - e) ** 2 / e for x, e in zip(c, expected))

    observed = statistic(counts)
    p = 0.0
    for answers in itertools.product(range(k), repeat=n):
        composition = [answers.count(j) for j in range(k)]
        if statistic(composition) >= observed - 1e-9:
            p += math.prod(shares[j] for j in answers)
    return p


def test_a_tiny_group_is_not_flagged_on_the_chi_square_approximation():
    """5 participants, a 10% category holds 2 of them: chi-square says p = 0.025, exactly it is 0.081."""
    sample, margins = {"v": ["a"] * 3 + ["b"] * 2}, {"v": {"a": 0.9, "b": 0.1}}
    approximation = stats.chisquare([3, 2], [4.5, 0.5])
    assert approximation.pvalue < 0.05  # what the old test flagged on
    result = representation(sample, margins)
    test = result.chi_square["v"]
    assert test.method == "exact" and test.draws is None
    assert test.p_value == pytest.approx(1 - 0.9 ** 5 - 5 * 0.9 ** 4 * 0.1)
    assert test.statistic == pytest.approx(approximation.statistic) and test.df == 1
    assert result.under == () and result.over == ()
    assert [r.direction for r in result.rows] == ["ok", "ok"]


def test_the_exact_test_matches_a_brute_force_enumeration():
    counts, shares = (1, 1, 4), (0.5, 0.3, 0.2)
    sample = {"v": ["a"] * counts[0] + ["b"] * counts[1] + ["c"] * counts[2]}
    test = representation(sample, {"v": dict(zip("abc", shares))}).chi_square["v"]
    assert test.method == "exact"
    assert test.p_value == pytest.approx(_brute_force_p(counts, shares), rel=1e-12)
    assert test.p_value < 0.05  # and here the exact test does flag
    counts, shares = (2, 0, 1, 3), (0.4, 0.3, 0.2, 0.1)
    sample = {"v": [c for c, m in zip("abcd", counts) for _ in range(m)]}
    test = representation(sample, {"v": dict(zip("abcd", shares))}).chi_square["v"]
    assert test.p_value == pytest.approx(_brute_force_p(counts, shares), rel=1e-12)


def test_large_groups_keep_the_chi_square_test():
    sample = {"sex": ["m"] * 30 + ["f"] * 70}
    test = representation(sample, {"sex": {"m": 0.5, "f": 0.5}}).chi_square["sex"]
    assert test.method == "chi_square" and test.draws is None
    assert test.p_value == pytest.approx(stats.chisquare([30, 70]).pvalue)


def test_too_many_outcomes_to_enumerate_gives_a_seeded_monte_carlo_estimate(monkeypatch):
    counts, shares = (6, 3, 1), (0.5, 0.3, 0.2)  # n = 10: 66 outcomes
    sample = {"v": [c for c, m in zip("abc", counts) for _ in range(m)]}
    margins = {"v": dict(zip("abc", shares))}
    exact = representation(sample, margins).chi_square["v"]
    assert exact.method == "exact"
    monkeypatch.setattr(representation_module, "EXACT_OUTCOMES", 50)
    estimate = representation(sample, margins).chi_square["v"]
    draws = representation_module.MONTE_CARLO_DRAWS
    assert estimate.method == "monte_carlo" and estimate.draws == draws >= 10_000
    assert abs(estimate.p_value - exact.p_value) < 4 * math.sqrt(exact.p_value * (1 - exact.p_value) / draws)
    assert representation(sample, margins).chi_square["v"] == estimate  # a fixed seed: the same every time


def test_the_monte_carlo_p_value_is_never_zero(monkeypatch):
    monkeypatch.setattr(representation_module, "EXACT_OUTCOMES", 10)
    sample = {"v": ["b"] * 40}  # every participant in the 1% category: no draw comes near
    test = representation(sample, {"v": {"a": 0.99, "b": 0.01}}).chi_square["v"]
    assert test.method == "monte_carlo"
    assert test.p_value == 1 / (test.draws + 1)
    assert [r.direction for r in representation(sample, {"v": {"a": 0.99, "b": 0.01}}).rows] == ["under", "over"]


def test_the_monte_carlo_estimate_counts_outcomes_as_the_exact_test_does():
    """The same statistic and tie rule: on a case both can do, the estimate lies near the exact value."""
    rng = np.random.default_rng(1)
    shares = np.array([0.6, 0.25, 0.1, 0.05])
    counts = rng.multinomial(12, shares)
    sample = {"v": [c for c, m in zip("abcd", counts) for _ in range(m)]}
    margins = {"v": dict(zip("abcd", shares))}
    exact = representation(sample, margins).chi_square["v"].p_value
    estimate = representation_module._monte_carlo_p(counts.astype(float), shares, 12)
    assert abs(estimate - exact) < 4 * math.sqrt(exact * (1 - exact) / representation_module.MONTE_CARLO_DRAWS)
