"""Raw and weighted shares with 95% confidence intervals.

Weighting moves the estimate, and raking also makes it more precise for
outcomes related to the weighting variables. The linearisation does what R's
``survey::svymean`` does on a design from ``rake()`` or ``calibrate()``: the
linearised variable is regressed on the indicators of all raking margins
(weighted by the design weights, here equal), and the variance is computed
from the residuals multiplied by the final weights. The bootstrap resamples
respondents and re-rakes every replicate. Both run on (cell, answer) groups,
so a million respondents cost about as much as a thousand.

Weighting corrects only for the variables weighted on (``weighted_on``);
the web layer must say so next to every weighted result.
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse, stats

from deliberatie.core.errors import InputError
from deliberatie.core.weighting.design import _factorize_allowing_missing

METHODS = ("linearization", "bootstrap")


@dataclass(frozen=True)
class ShareEstimate:
    """One answer category: raw share and weighted share, each with its interval."""

    category: object
    count: int
    raw_share: float
    raw_low: float
    raw_high: float
    weighted_share: float
    standard_error: float
    weighted_low: float
    weighted_high: float


@dataclass(frozen=True)
class SharesResult:
    """Shares of every answer category among respondents who answered.

    Attributes
    ----------
    estimates : tuple of ShareEstimate
        In the order of ``categories``.
    answered : int
        Respondents with an answer (missing answers are a domain, not zeros).
    method : str
        ``"linearization"`` or ``"bootstrap"``.
    confidence : float
    replicates, failed_replicates : int
        Bootstrap replicates drawn, and those dropped because a category
        lost all its respondents or raking did not converge (0 otherwise).
    effective_n : float
        Kish effective sample size of the answering respondents.
    weighted_on : tuple of str
        The variables the weights correct for; nothing else is corrected.
    """

    estimates: tuple
    answered: int
    method: str
    confidence: float
    replicates: int
    failed_replicates: int
    effective_n: float
    weighted_on: tuple


def weighted_shares(result, answers, *, categories=None, method="linearization",
                    confidence=0.95, replicates=500, rng=None):
    """Raw and weighted share of each answer, with confidence intervals.

    Parameters
    ----------
    result : RakeResult
        From :func:`~deliberatie.core.weighting.rake` or ``poststratify``.
    answers : sequence
        One answer per respondent, in the sample's order; ``None``, ``""``
        or NaN = no answer. Booleans work (share of ``True``).
    categories : sequence, optional
        Answer categories to report, in this order (default: all, sorted).
        Other answers still count as answered (the denominator).
    method : {"linearization", "bootstrap"}
    confidence : float
    replicates : int
        Bootstrap replicates.
    rng : numpy.random.Generator or int, optional
        Needed for the bootstrap; pass one built from a stored seed.

    Returns
    -------
    SharesResult

    Notes
    -----
    Raw intervals are Wilson score intervals. Linearised weighted intervals
    are normal intervals clipped to [0, 1], with variance
    ``n/(n-1) * sum((w_i e_i)^2) / (sum w_i d_i)^2`` where ``e_i`` are the
    residuals of ``d_i (y_i - p)`` (``d_i`` = answered) regressed on the
    margin indicators with the design weights, as ``survey``'s ``svyrecvar``
    does for ``calibrate()`` designs (and ``rake()`` designs by backfitting). With a cap, capped weights are treated as raked ones (as
    ``survey::trimWeights`` does). Bootstrap intervals are percentile intervals.
    """
    labels, codes, counts = _validate_shares(result, answers, categories, method, confidence,
                                             replicates)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    k = len(labels)
    answered = counts[:, 1:].sum(axis=1)
    n_answered = int(answered.sum())
    w = result.cell_weights
    raw = counts[:, 1:k + 1].sum(axis=0)
    if method == "linearization":
        share, se = _linearized(result, counts[:, 1:k + 1], answered)
        low, high = np.clip(share - z * se, 0, 1), np.clip(share + z * se, 0, 1)
        drawn, failed = 0, 0
    else:
        rng = np.random.default_rng(rng)
        share = (w @ counts[:, 1:k + 1]) / (w @ answered)
        boot, failed = _bootstrap(result, counts, k, replicates, rng)
        if boot.shape[0] < 2:
            raise InputError("weights.bootstrap_failed", replicates=replicates, failed=failed)
        se = boot.std(axis=0, ddof=1)
        alpha = 1 - confidence
        low, high = np.quantile(boot, [alpha / 2, 1 - alpha / 2], axis=0)
        drawn = replicates
    effective_n = float((w @ answered) ** 2 / ((w ** 2) @ answered))
    estimates = []
    for j, label in enumerate(labels):
        r_low, r_high = _wilson(raw[j], n_answered, z)
        estimates.append(ShareEstimate(
            label, int(raw[j]), float(raw[j] / n_answered), r_low, r_high,
            float(share[j]), float(se[j]), float(low[j]), float(high[j])))
    return SharesResult(tuple(estimates), n_answered, method, confidence, drawn, failed,
                        effective_n, tuple(result.design.variables))


def _linearized(result, yes, answered):
    """svymean-style variance on the raked design, computed per cell."""
    design = result.design
    w = result.cell_weights
    m = design.cell_counts
    total = w @ answered
    share = (w @ yes) / total
    big_z = yes - np.outer(answered, share)                    # sum of z_i per cell
    q = yes * (1 - share) ** 2 + (answered[:, None] - yes) * share ** 2  # sum of z_i^2
    x = _indicators(design)
    root = np.sqrt(m)                  # regression weighted by the design weights (all 1)
    beta, *_ = np.linalg.lstsq(x * root[:, None], big_z / m[:, None] * root[:, None],
                               rcond=None)
    fitted = x @ beta
    within = np.maximum(q - 2 * fitted * big_z + m[:, None] * fitted ** 2, 0.0)
    n = design.n
    variance = n / (n - 1) * ((w ** 2) @ within) / total ** 2 if n > 1 else np.full_like(share, np.nan)
    return share, np.sqrt(variance)


def _indicators(design):
    """Dense ``(C, sum K_v)`` 0/1 matrix of the margin categories of each cell."""
    blocks = []
    for v, cats in enumerate(design.categories):
        block = np.zeros((design.cell_codes.shape[0], len(cats)))
        block[np.arange(block.shape[0]), design.cell_codes[:, v]] = 1.0
        blocks.append(block)
    return np.hstack(blocks)


def _bootstrap(result, counts, k, replicates, rng):
    """Resample respondents (as multinomial counts of (cell, answer) groups) and re-rake."""
    design = result.design
    c, width = counts.shape
    n = design.n
    draws = rng.multinomial(n, (counts.reshape(-1) / n), size=replicates).reshape(
        replicates, c, width).astype(float)
    cell_counts = draws.sum(axis=2)
    upper = None if result.cap is None else result.cap / n
    w, ok = ipf_batch(design, cell_counts, upper=upper, tolerance=result.tolerance,
                      max_iterations=result.max_iterations)
    yes = draws[:, :, 1:k + 1]
    answered = draws[:, :, 1:].sum(axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.einsum("bc,bcj->bj", w, yes) / np.einsum("bc,bc->b", w, answered)[:, None]
    ok &= np.isfinite(shares).all(axis=1)
    return shares[ok], int((~ok).sum())


def ipf_batch(design, cell_counts, *, upper=None, tolerance=1e-10, max_iterations=1000):
    """Rake many replicates of a design at once.

    Parameters
    ----------
    design : RakingDesign
    cell_counts : numpy.ndarray
        ``(B, C)`` respondents per cell in each replicate.
    upper : float, optional
        Cap per respondent, weights summing to 1 per replicate.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``(B, C)`` per-respondent weights (summing to 1 over respondents of
        each replicate) and a ``(B,)`` mask of replicates that converged.
        A replicate in which a category lost all respondents, or whose
        lowest feasible cap exceeds the cap, is marked failed up front.
    """
    b, c = cell_counts.shape
    codes = [design.cell_codes[:, v] for v in range(len(design.variables))]
    onehots = [sparse.csr_matrix((np.ones(c), (np.arange(c), code)), shape=(c, len(share)))
               for code, share in zip(codes, design.shares)]
    w = np.ones((b, c)) / cell_counts.sum(axis=1, keepdims=True)
    live = np.ones(b, dtype=bool)
    n = cell_counts.sum(axis=1, keepdims=True)
    for onehot, share in zip(onehots, design.shares):
        per_category = cell_counts @ onehot
        live &= (per_category > 0).all(axis=1)
        if upper is not None:                # the replicate's lowest feasible cap is too high
            with np.errstate(divide="ignore"):
                live &= (share / per_category * n <= upper * n * (1 + 1e-12)).all(axis=1)
    error = np.full(b, np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(max_iterations):
            for code, onehot, share in zip(codes, onehots, design.shares):
                total = (cell_counts * w) @ onehot
                factor = np.where(total > 0, share / total, 1.0)
                new = w * factor[:, code]
                if upper is not None and (new > upper).any():
                    new = _cap_batch(w, new, code, onehot, share, cell_counts, upper)
                w = new
            error = np.max([np.abs((cell_counts * w) @ onehot - share).max(axis=1)
                            for onehot, share in zip(onehots, design.shares)], axis=0)
            if (error[live] <= tolerance).all():
                break
    return w, live & (error <= tolerance)


def _cap_batch(w, new, code, onehot, share, cell_counts, upper):
    capped = new > upper
    while True:
        fixed = (cell_counts * capped) @ onehot * upper
        free = (cell_counts * w * ~capped) @ onehot
        factor = np.where(free > 0, (share - fixed) / free, 1.0)
        new = np.where(capped, upper, w * factor[:, code])
        more = ~capped & (new > upper)
        if not more.any():
            return new
        capped |= more


def _wilson(count, n, z):
    if n == 0:
        return math.nan, math.nan
    p = count / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def _validate_shares(result, answers, categories, method, confidence, replicates):
    if method not in METHODS:
        raise InputError("weights.bad_method", field="method", value=method)
    if not 0 < confidence < 1:
        raise InputError("weights.bad_confidence", field="confidence", value=confidence)
    if method == "bootstrap" and (int(replicates) != replicates or replicates < 2):
        raise InputError("weights.bad_replicates", field="replicates", value=replicates)
    labels, inverse = _factorize_allowing_missing(answers)
    if inverse.shape[0] != result.design.n:
        raise InputError("weights.answers_length", length=int(inverse.shape[0]),
                         expected=result.design.n)
    if categories is None:
        order = sorted(range(len(labels)), key=lambda j: (str(type(labels[j])), labels[j]))
        categories = [labels[j] for j in order]
    categories = list(categories)
    position = {}
    for k, category in enumerate(categories):
        position.setdefault(category, k)
        position.setdefault(str(category), k)
    # columns: 0 = no answer, 1..K = the reported categories, K+1 = any other answer
    width = len(categories) + 2
    to_answer = np.empty(len(labels) + 1, dtype=np.int64)
    to_answer[-1] = 0                                          # inverse -1 = missing
    for j, label in enumerate(labels):
        k = position.get(label, position.get(str(label)))
        to_answer[j] = width - 1 if k is None else k + 1
    answer = to_answer[inverse]
    group = result.design.cell_of * width + answer
    counts = np.bincount(group, minlength=result.cell_weights.shape[0] * width)
    counts = counts.reshape(-1, width).astype(float)
    if counts[:, 1:].sum() == 0:
        raise InputError("weights.no_answers")
    return categories, answer, counts
