"""Raking (iterative proportional fitting), post-stratification and trimming.

Weights are computed per cell (distinct combination of categories) and
vectorised with numpy, so a million respondents cost little more than a
thousand. Trimming is done inside each raking step: a category's factor is
solved with its capped cells held at the cap, which is the limit of
"trim, then re-rake, until both hold" and reaches it exactly when it can.
"""

from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np
from scipy import optimize, sparse

from deliberatie.core.errors import InputError
from deliberatie.core.weighting.design import RakingDesign, _factorize, build_design

#: Relative slack when checking that no weight exceeds the cap.
_CAP_SLACK = 1e-9


@dataclass(frozen=True)
class RakeResult:
    """Weights and the diagnostics an auditor needs.

    Attributes
    ----------
    weights : numpy.ndarray
        One weight per respondent, normalised to mean 1.
    converged : bool
        True only when every margin is met within ``tolerance`` (and no
        weight exceeds the cap); never true for weights that miss a margin.
    iterations : int
        Full raking sweeps over all variables.
    max_margin_error : float
        Largest absolute difference between a weighted share and its
        population share, over all variables and categories.
    n, effective_n, design_effect : int, float, float
        Respondents, Kish effective sample size ``(sum w)^2 / sum w^2``, and
        ``n / effective_n`` (the variance inflation due to weighting).
    cap : float or None
        Cap as a multiple of the mean weight.
    lowest_feasible_cap : float
        Largest population-share / sample-share ratio: no lower cap can work.
    capped : int
        Respondents whose weight sits at the cap.
    weighted_shares : dict
        ``{variable: {category: weighted share}}``.
    population_shares : dict
        ``{variable: {category: population share}}``.
    method : str
        ``"rake"`` or ``"poststratify"``.
    tolerance, max_iterations : float, int
        The options used (kept for re-raking bootstrap replicates).
    design : RakingDesign
        The cells, used by :func:`deliberatie.core.weighting.weighted_shares`.
    cell_weights : numpy.ndarray
        ``(C,)`` the weight of every respondent in each cell (mean-1 scale).
    """

    weights: np.ndarray
    converged: bool
    iterations: int
    max_margin_error: float
    n: int
    effective_n: float
    design_effect: float
    cap: object
    lowest_feasible_cap: float
    capped: int
    weighted_shares: dict
    population_shares: dict
    method: str
    tolerance: float
    max_iterations: int
    design: RakingDesign
    cell_weights: np.ndarray


def rake(sample, margins, *, cap=None, tolerance=1e-10, max_iterations=1000,
         total_tolerance=1e-6):
    """Rake ``sample`` to one-way population ``margins``.

    Parameters
    ----------
    sample : mapping of str to sequence
        ``{variable: labels}``, one label per respondent.
    margins : mapping of str to mapping
        ``{variable: {category: target}}``, counts or shares; every
        variable must have the same total (within ``total_tolerance``).
    cap : float, optional
        Largest weight as a multiple of the mean weight.
    tolerance : float
        Convergence: largest allowed ``|weighted share - population share|``.
    max_iterations : int
        Sweeps before giving up (the result then says ``converged=False``).
    total_tolerance : float
        Relative difference allowed between the variables' totals.

    Returns
    -------
    RakeResult

    Raises
    ------
    InputError
        Bad margins, naming variable and category (see
        :func:`deliberatie.core.weighting.design.build_design`), or
        ``weights.cap_infeasible`` with ``lowest_feasible_cap``.

    Examples
    --------
    >>> result = rake({"sex": ["m", "f", "f"]}, {"sex": {"m": 50, "f": 50}})
    >>> result.weights.round(2).tolist()
    [1.5, 0.75, 0.75]
    """
    _validate_options(cap, tolerance, max_iterations)
    design = build_design(sample, margins, total_tolerance=total_tolerance)
    return rake_design(design, cap=cap, tolerance=tolerance, max_iterations=max_iterations)


def poststratify(sample, targets, *, variables=None, total_tolerance=1e-6):
    """Post-stratify on one variable, or on cells of several variables.

    Parameters
    ----------
    sample : mapping of str to sequence
        ``{variable: labels}``.
    targets : mapping
        One variable: ``{category: target}`` with ``variables=("leeftijd",)``
        or a one-entry ``{variable: {category: target}}``. Cells:
        ``{(cat_1, cat_2, ...): target}`` with ``variables`` naming the columns.
    variables : sequence of str, optional
        The columns whose combinations form the strata.

    Returns
    -------
    RakeResult
        ``method="poststratify"``; the stratum variable is named by joining
        ``variables`` with ``" x "``.
    """
    columns, margins = _validate_poststratify(sample, targets, variables)
    design = build_design(columns, margins, total_tolerance=total_tolerance)
    return replace(rake_design(design, tolerance=1e-10, max_iterations=1),
                   method="poststratify")


def _validate_poststratify(sample, targets, variables):
    """The strata as one column of labels (tuples for cells) and its targets."""
    if variables is None:
        if len(targets) != 1:
            raise InputError("weights.poststratify_variables")
        (name, cell_targets), = targets.items()
        if name not in sample:
            raise InputError("weights.unknown_variable", variable=name)
        return {name: sample[name]}, {name: cell_targets}
    variables = tuple(variables)
    for name in variables:
        if name not in sample:
            raise InputError("weights.unknown_variable", variable=name)
        _factorize(sample[name], name)                  # refuses missing values, naming the row
    name = " x ".join(variables)
    if len(variables) == 1:
        column = sample[variables[0]]
    else:
        column = list(zip(*(list(sample[v]) for v in variables)))
    return {name: column}, {name: {_cell_key(key, len(variables)): t
                                   for key, t in targets.items()}}


def rake_design(design, *, cap=None, tolerance=1e-10, max_iterations=1000):
    """Rake an already validated :class:`RakingDesign` (used for replicates)."""
    _validate_options(cap, tolerance, max_iterations)
    lowest, variable, category = design.lowest_feasible_cap()
    if cap is not None and _exact_cap(cap) < lowest and cap != float(lowest):
        raise InputError("weights.cap_infeasible", variable=variable, category=str(category),
                         cap=cap, lowest_feasible_cap=float(lowest))
    n = design.n
    counts = design.cell_counts
    codes = [design.cell_codes[:, v] for v in range(len(design.variables))]
    upper = None if cap is None else cap / n
    w, iterations, error = ipf_cells(codes, design.shares, counts, upper=upper,
                                     tolerance=tolerance, max_iterations=max_iterations)
    if upper is not None and error > tolerance:
        _refuse_if_jointly_infeasible(design, cap)
    capped = 0
    cap_holds = True
    if upper is not None:
        at_cap = w >= upper * (1 - _CAP_SLACK)
        capped = int(counts[at_cap].sum())
        cap_holds = bool(w.max() <= upper * (1 + _CAP_SLACK))
    weights = (w * n)[design.cell_of]
    total_w = float(np.dot(counts, w * n))
    effective_n = total_w ** 2 / float(np.dot(counts, (w * n) ** 2))
    weighted, population = {}, {}
    for v, name in enumerate(design.variables):
        got = np.bincount(codes[v], counts * w, len(design.categories[v]))
        weighted[name] = dict(zip(design.categories[v], got.tolist()))
        population[name] = dict(zip(design.categories[v], design.shares[v].tolist()))
    return RakeResult(
        weights=weights, converged=bool(error <= tolerance and cap_holds),
        iterations=iterations, max_margin_error=error, n=n,
        effective_n=effective_n, design_effect=n / effective_n, cap=cap,
        lowest_feasible_cap=float(lowest), capped=capped,
        weighted_shares=weighted, population_shares=population, method="rake",
        tolerance=tolerance, max_iterations=max_iterations, design=design,
        cell_weights=w * n,
    )


def ipf_cells(codes, shares, counts, *, upper=None, tolerance=1e-10, max_iterations=1000):
    """Iterative proportional fitting on cells.

    Parameters
    ----------
    codes : sequence of numpy.ndarray
        Per variable, the ``(C,)`` category index of each cell.
    shares : sequence of numpy.ndarray
        Per variable, target shares (each sums to 1).
    counts : numpy.ndarray
        ``(C,)`` respondents per cell.
    upper : float, optional
        Largest weight per respondent, in the same units (weights sum to 1).

    Returns
    -------
    (numpy.ndarray, int, float)
        Per-respondent weight of each cell (summing to 1 over respondents),
        sweeps done, and the largest absolute share error after the last sweep.
    """
    w = np.full(counts.shape[0], 1.0 / counts.sum())
    error = np.inf
    iterations = 0
    sizes = [share.shape[0] for share in shares]
    for iterations in range(1, max_iterations + 1):
        for code, share, size in zip(codes, shares, sizes):
            w = _adjust(w, code, size, counts, share, upper)
        error = max(
            float(np.abs(np.bincount(code, counts * w, size) - share).max())
            for code, share, size in zip(codes, shares, sizes)
        )
        if error <= tolerance:
            break
    return w, iterations, error


def _adjust(w, code, size, counts, share, upper):
    """One raking step: scale each category to its share, holding capped cells at the cap."""
    total = np.bincount(code, counts * w, size)
    new = w * (share / total)[code]
    if upper is None or new.max() <= upper:
        return new
    capped = new > upper
    while True:
        fixed = np.bincount(code, counts * capped, size) * upper
        free = np.bincount(code, counts * w * ~capped, size)
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(free > 0, (share - fixed) / free, 1.0)
        new = np.where(capped, upper, w * factor[code])
        more = ~capped & (new > upper)
        if not more.any():
            return new
        capped |= more


def _refuse_if_jointly_infeasible(design, cap):
    """After capped raking failed: decide exactly (by LP) whether any weights fit.

    The largest share ratio is only a necessary bound; other margins can force
    some respondents of a category low and so others above it. The LP finds
    the true lowest cap: minimise ``t`` subject to every margin and
    ``0 <= w_c <= t`` (mean weight 1).
    """
    cells = design.cell_counts.shape[0]
    rows, rhs = [], []
    for v, share in enumerate(design.shares):
        rows.append(sparse.csr_matrix(
            (design.cell_counts, (design.cell_codes[:, v], np.arange(cells))),
            shape=(share.shape[0], cells + 1)))
        rhs.append(share * design.n)
    bound = sparse.hstack([sparse.identity(cells), -np.ones((cells, 1))]).tocsr()
    cost = np.zeros(cells + 1)
    cost[-1] = 1.0
    solution = optimize.linprog(cost, A_ub=bound, b_ub=np.zeros(cells), A_eq=sparse.vstack(rows).tocsr(),
                                b_eq=np.concatenate(rhs), bounds=(0, None), method="highs")
    if solution.status == 0 and cap < solution.fun * (1 - 1e-9):
        raise InputError("weights.cap_infeasible", cap=cap,
                         lowest_feasible_cap=float(solution.fun), reason="joint")


def _validate_options(cap, tolerance, max_iterations):
    if cap is not None and (not np.isfinite(cap) or cap <= 0):
        raise InputError("weights.bad_cap", field="cap", value=cap)
    if not (tolerance > 0):
        raise InputError("weights.bad_tolerance", field="tolerance", value=tolerance)
    if int(max_iterations) != max_iterations or max_iterations < 1:
        raise InputError("weights.bad_max_iterations", field="max_iterations",
                         value=max_iterations)


def _exact_cap(cap):
    return Fraction(repr(float(cap)))


def _cell_key(key, width):
    if width == 1 and not isinstance(key, tuple):
        return key
    if not isinstance(key, tuple) or len(key) != width:
        raise InputError("weights.bad_cell", category=str(key), variables=width)
    return key


