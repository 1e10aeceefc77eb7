"""Who took part compared with the population.

For any group of participants (a burgerraad pool, wijkbudget voters, a drawn
panel) and each variable: the sample share, the population share, their
ratio, and a goodness-of-fit test: chi-square, or where an expected count is
below 5 (where chi-square is not valid) an exact multinomial test. The result is plain data; the
web layer writes the Dutch sentence ("jongeren onder de 25 zijn
ondervertegenwoordigd: 5% van de deelnemers, 14% van de inwoners") from
:attr:`RepresentationResult.under` and :attr:`RepresentationResult.over`.
"""

import math
from dataclasses import dataclass
from math import comb

import numpy as np
from scipy import special, stats

from deliberatie.core.errors import InputError
from deliberatie.core.weighting.design import _factorize_allowing_missing, _label_keys


@dataclass(frozen=True)
class CategoryShare:
    """One category of one variable: participants against population."""

    variable: str
    category: object
    sample_count: int
    sample_share: float
    population_share: float
    ratio: float
    direction: str  # "under", "over" or "ok"


#: Below this expected count in any category the chi-square approximation is not valid.
MIN_EXPECTED = 5
#: Up to this many possible outcomes (ways to spread n over the categories) are enumerated exactly.
EXACT_OUTCOMES = 200_000
#: Otherwise the exact p-value is estimated from this many draws, with a fixed seed (reproducible).
MONTE_CARLO_DRAWS = 100_000
MONTE_CARLO_SEED = 20261203


@dataclass(frozen=True)
class ChiSquare:
    """Goodness of fit of the participants' distribution to the population's.

    ``statistic`` is Pearson's X² in every case; ``method`` says how its p-value was found:
    ``"chi_square"`` (the chi-square distribution with ``df`` degrees of freedom, when every
    expected count is at least :data:`MIN_EXPECTED`), ``"exact"`` (an exact multinomial test:
    the probability, under the population's shares, of an outcome with an X² at least as
    large, summed over every possible outcome) or ``"monte_carlo"`` (that probability
    estimated from ``draws`` seeded draws, ``(1 + hits) / (1 + draws)``).
    """

    statistic: float
    df: int
    p_value: float
    method: str = "chi_square"
    draws: int | None = None


@dataclass(frozen=True)
class RepresentationResult:
    """Representativeness of one group of participants.

    Attributes
    ----------
    rows : tuple of CategoryShare
        Every variable and category, in margin order.
    chi_square : dict
        ``{variable: ChiSquare}``, the goodness-of-fit test (chi-square or exact, see
        :class:`ChiSquare` ``method``); ``None`` for a variable with fewer than
        two categories or no answers.
    answered : dict
        ``{variable: respondents with a value}`` (missing values are left out).
    under, over : tuple of CategoryShare
        Categories flagged as under- / over-represented, most extreme first:
        ratio beyond the thresholds on a variable whose goodness-of-fit test
        rejects at ``alpha``.
    """

    rows: tuple
    chi_square: dict
    answered: dict
    under: tuple
    over: tuple

    def summary(self):
        """The flagged categories, most extreme first, as plain dicts for a sentence.

        E.g. ``{"variable": "leeftijd", "category": "16-24", "direction": "under",
        "sample_share": 0.05, "population_share": 0.14}`` becomes "jongeren onder
        de 25 zijn ondervertegenwoordigd: 5% van de deelnemers, 14% van de inwoners".
        """
        flagged = sorted(self.under + self.over, key=lambda r: -abs(math.log(r.ratio))
                         if r.ratio > 0 else -math.inf)
        return [{"variable": r.variable, "category": r.category, "direction": r.direction,
                 "sample_share": r.sample_share, "population_share": r.population_share}
                for r in flagged]

    def as_list(self):
        """Rows as plain dicts (the console's ``representation`` list)."""
        return [
            {"variable": r.variable, "category": r.category, "sample_share": r.sample_share,
             "population_share": r.population_share, "ratio": r.ratio,
             "direction": r.direction}
            for r in self.rows
        ]


def representation(sample, margins, *, under_ratio=0.8, over_ratio=1.25, alpha=0.05):
    """Compare the participants' composition with the population's.

    Parameters
    ----------
    sample : mapping of str to sequence
        ``{variable: labels}``; ``None`` or ``""`` = not answered (left out
        of that variable only).
    margins : mapping of str to mapping
        ``{variable: {category: target}}``, counts or shares.
    under_ratio, over_ratio : float
        Ratio (sample share / population share) below / above which a
        category is flagged.
    alpha : float
        Significance level of the goodness-of-fit test a flag also needs, so
        that small groups are not flagged for noise (chi-square, or the exact
        multinomial test where an expected count is below 5).

    Returns
    -------
    RepresentationResult

    Raises
    ------
    InputError
        ``weights.missing_target`` / ``weights.zero_target`` naming variable
        and category when participants fall outside the margins.
    """
    _validate_representation(sample, margins, under_ratio, over_ratio, alpha)
    rows, tests, answered = [], {}, {}
    for name, targets in margins.items():
        values = {category: float(t) for category, t in targets.items()}
        total = math.fsum(values.values())
        categories = list(values)
        population = np.array([values[c] / total for c in categories])
        counts = _category_counts(sample[name], name, values, categories)
        n = int(counts.sum())
        answered[name] = n
        share = counts / n if n else np.zeros_like(population)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(population > 0, share / population, np.nan)
        positive = population > 0
        test = goodness_of_fit(counts[positive], population[positive]) if n and positive.sum() >= 2 else None
        tests[name] = test
        notable = test is not None and test.p_value < alpha
        for k, category in enumerate(categories):
            direction = "ok"
            if notable and positive[k]:
                if ratio[k] < under_ratio:
                    direction = "under"
                elif ratio[k] > over_ratio:
                    direction = "over"
            rows.append(CategoryShare(name, category, int(counts[k]), float(share[k]),
                                      float(population[k]), float(ratio[k]), direction))
    under = tuple(sorted((r for r in rows if r.direction == "under"), key=lambda r: r.ratio))
    over = tuple(sorted((r for r in rows if r.direction == "over"), key=lambda r: -r.ratio))
    return RepresentationResult(tuple(rows), tests, answered, under, over)


def goodness_of_fit(counts, shares):
    """:class:`ChiSquare` of ``counts`` (array) against ``shares`` (positive, summing to 1).

    Chi-square where every expected count is at least :data:`MIN_EXPECTED`; otherwise the
    exact multinomial test, enumerated or (too many outcomes) a seeded Monte Carlo estimate.
    """
    n = int(round(counts.sum()))
    expected = shares * n
    statistic = float(np.sum((counts - expected) ** 2 / expected))
    df = len(counts) - 1
    if expected.min() >= MIN_EXPECTED:
        return ChiSquare(statistic, df, float(stats.chi2.sf(statistic, df)))
    if comb(n + df, df) <= EXACT_OUTCOMES:
        return ChiSquare(statistic, df, _exact_p(counts, shares, n), "exact")
    return ChiSquare(statistic, df, _monte_carlo_p(counts, shares, n), "monte_carlo", MONTE_CARLO_DRAWS)


def _pearson(outcomes, expected):
    """X² of each row of ``outcomes``."""
    return np.sum((outcomes - expected) ** 2 / expected, axis=1)


def _at_least(values, observed):
    """``values >= observed``, with room for rounding, so an outcome equal to the observed one counts."""
    return values >= observed - 1e-9 * max(1.0, observed)


def _compositions(n, k):
    """Every way to spread ``n`` participants over ``k`` categories, one row each."""
    rows = np.zeros((1, 0), dtype=np.int64)
    for _ in range(k - 1):
        used = rows.sum(axis=1)
        repeats = n - used + 1
        prefix = np.repeat(rows, repeats, axis=0)
        value = np.concatenate([np.arange(r) for r in repeats])
        rows = np.column_stack([prefix, value])
    return np.column_stack([rows, n - rows.sum(axis=1)])


def _exact_p(counts, shares, n):
    """Exact multinomial p-value: the probability of every outcome whose X² is at least the observed."""
    outcomes = _compositions(n, len(counts))
    expected = shares * n
    log_pmf = (special.gammaln(n + 1) - special.gammaln(outcomes + 1).sum(axis=1)
               + (outcomes * np.log(shares)).sum(axis=1))
    extreme = _at_least(_pearson(outcomes, expected), float(_pearson(counts[None, :], expected)[0]))
    return float(min(1.0, math.fsum(np.exp(log_pmf[extreme]))))


def _monte_carlo_p(counts, shares, n):
    """The exact p-value estimated from seeded multinomial draws, ``(1 + hits) / (1 + draws)``."""
    rng = np.random.default_rng(MONTE_CARLO_SEED)
    expected = shares * n
    draws = rng.multinomial(n, shares / shares.sum(), size=MONTE_CARLO_DRAWS)
    hits = int(_at_least(_pearson(draws, expected), float(_pearson(counts[None, :], expected)[0])).sum())
    return (1 + hits) / (1 + MONTE_CARLO_DRAWS)


def _category_counts(column, name, values, categories):
    labels, inverse = _factorize_allowing_missing(column)
    present = np.bincount(inverse[inverse >= 0], minlength=len(labels))
    keys = _label_keys(values)
    counts = np.zeros(len(categories))
    for j, label in enumerate(labels):
        key = keys.get(label, keys.get(str(label)))
        if key is None:
            raise InputError("weights.missing_target", variable=name, category=str(label),
                             respondents=int(present[j]))
        if values[key] == 0:
            raise InputError("weights.zero_target", variable=name, category=str(key),
                             respondents=int(present[j]))
        counts[categories.index(key)] += present[j]
    return counts


def _validate_representation(sample, margins, under_ratio, over_ratio, alpha):
    if not margins:
        raise InputError("weights.no_margins")
    if not 0 < under_ratio <= 1 <= over_ratio:
        raise InputError("weights.bad_ratio_thresholds", under_ratio=under_ratio,
                         over_ratio=over_ratio)
    if not 0 < alpha < 1:
        raise InputError("weights.bad_alpha", value=alpha)
    for name, targets in margins.items():
        if name not in sample:
            raise InputError("weights.unknown_variable", variable=name)
        for category, target in targets.items():
            try:
                value = float(target)
            except (TypeError, ValueError):
                raise InputError("weights.bad_target", variable=name, category=str(category),
                                 value=target) from None
            if not math.isfinite(value) or value < 0:
                raise InputError("weights.bad_target", variable=name, category=str(category),
                                 value=target)
        if math.fsum(float(t) for t in targets.values()) <= 0:
            raise InputError("weights.zero_total", variable=name)
