"""Sample and margins as weighting cells: the validation every method shares.

Respondents with the same combination of categories always get the same
weight, so raking, post-stratification, intervals and the bootstrap work on
the distinct combinations ("cells") and their counts: work grows with the
number of cells, not with the number of respondents.
"""

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from deliberatie.core.errors import InputError


@dataclass(frozen=True)
class RakingDesign:
    """Respondents grouped into cells, with the population shares to meet.

    Attributes
    ----------
    variables : tuple of str
        Weighting variables, in margin order.
    categories : tuple of tuple
        Per variable, the categories that carry a positive target.
    shares : tuple of numpy.ndarray
        Per variable, the population share of each category (sums to 1).
    cell_of : numpy.ndarray
        ``(n,)`` cell index of every respondent.
    cell_counts : numpy.ndarray
        ``(C,)`` respondents per cell (float).
    cell_codes : numpy.ndarray
        ``(C, V)`` category index of each cell on each variable.
    """

    variables: tuple
    categories: tuple
    shares: tuple
    cell_of: np.ndarray
    cell_counts: np.ndarray
    cell_codes: np.ndarray

    @property
    def n(self):
        return int(self.cell_of.shape[0])

    def lowest_feasible_cap(self):
        """Largest population-share / sample-share ratio, with its variable and category.

        No weights capped below this multiple of the mean weight can reach
        that category's target, whatever the other margins say.
        """
        best = (Fraction(0), None, None)
        n = self.n
        for v, (name, cats) in enumerate(zip(self.variables, self.categories)):
            counts = np.bincount(self.cell_codes[:, v], self.cell_counts, len(cats))
            for k, category in enumerate(cats):
                ratio = Fraction(float(self.shares[v][k])) * n / int(round(counts[k]))
                if ratio > best[0]:
                    best = (ratio, name, category)
        return best


def build_design(sample, margins, *, total_tolerance=1e-6):
    """Check ``sample`` against ``margins`` and group respondents into cells.

    Parameters
    ----------
    sample : mapping of str to sequence
        ``{variable: labels}``, one label per respondent (other columns ignored).
    margins : mapping of str to mapping
        ``{variable: {category: target}}``; targets are counts or shares.
    total_tolerance : float
        Largest relative difference allowed between variables' totals.

    Returns
    -------
    RakingDesign

    Raises
    ------
    InputError
        Naming the variable and category: ``weights.no_respondents``,
        ``weights.missing_target``, ``weights.zero_target``,
        ``weights.totals_disagree``, ``weights.bad_target``,
        ``weights.missing_value``, ``weights.unknown_variable``.
    """
    variables, categories, shares, codes = _validate_design(sample, margins, total_tolerance)
    cell_of, cell_codes, cell_counts = _cells(codes, [len(c) for c in categories])
    return RakingDesign(variables, categories, shares, cell_of, cell_counts, cell_codes)


def _validate_design(sample, margins, total_tolerance):
    if not margins:
        raise InputError("weights.no_margins")
    variables = tuple(margins)
    n = None
    reference = None
    categories, shares, codes = [], [], []
    for name in variables:
        if name not in sample:
            raise InputError("weights.unknown_variable", variable=name)
        targets = margins[name]
        if not targets:
            raise InputError("weights.no_targets", variable=name)
        values = {}
        for category, target in targets.items():
            try:
                value = float(target)
            except (TypeError, ValueError):
                raise InputError("weights.bad_target", variable=name, category=category,
                                 value=target) from None
            if not math.isfinite(value) or value < 0:
                raise InputError("weights.bad_target", variable=name, category=category,
                                 value=target)
            values[category] = value
        total = math.fsum(values.values())
        if total <= 0:
            raise InputError("weights.zero_total", variable=name)
        if reference is None:
            reference = (name, total)
        elif abs(total - reference[1]) > total_tolerance * max(total, reference[1]):
            raise InputError("weights.totals_disagree", variable=name, total=total,
                             expected=reference[1], reference_variable=reference[0])
        labels, inverse = _factorize(sample[name], name)
        if n is None:
            n = inverse.shape[0]
            if n == 0:
                raise InputError("weights.empty_sample")
        elif inverse.shape[0] != n:
            raise InputError("weights.column_length", variable=name, length=inverse.shape[0],
                             expected=n)
        present = np.bincount(inverse, minlength=len(labels))
        keys = _label_keys(values)
        to_category = np.empty(len(labels), dtype=np.int64)
        for j, label in enumerate(labels):
            key = keys.get(label, keys.get(str(label)))
            if key is None:
                raise InputError("weights.missing_target", variable=name, category=str(label),
                                 respondents=int(present[j]))
            if values[key] == 0:
                raise InputError("weights.zero_target", variable=name, category=str(key),
                                 respondents=int(present[j]))
            to_category[j] = list(values).index(key)
        seen = set(to_category.tolist())
        kept = []
        for k, (category, value) in enumerate(values.items()):
            if value > 0 and k not in seen:
                raise InputError("weights.no_respondents", variable=name, category=str(category),
                                 target=value)
            if value > 0:
                kept.append(k)
        renumber = np.full(len(values), -1, dtype=np.int64)
        renumber[kept] = np.arange(len(kept))
        cats = list(values)
        categories.append(tuple(cats[k] for k in kept))
        share = np.array([values[cats[k]] for k in kept]) / total
        shares.append(share)
        codes.append(renumber[to_category][inverse])
    return variables, tuple(categories), tuple(shares), codes


def _label_keys(values):
    """Targets looked up by the label itself, or by its text (CSV labels are str)."""
    keys = {}
    for category in values:
        keys.setdefault(category, category)
        keys.setdefault(str(category), category)
    return keys


def _is_missing(label):
    if label is None:
        return True
    if isinstance(label, float) and math.isnan(label):
        return True
    return isinstance(label, str) and not label.strip()


def _factorize(values, name):
    """Distinct labels and each respondent's label index, refusing missing labels."""
    array = values if isinstance(values, np.ndarray) else None
    if array is not None and array.ndim != 1:
        raise InputError("weights.bad_column", variable=name)
    if array is not None and array.dtype.kind in "iub":
        labels, inverse = np.unique(array, return_inverse=True)
        return labels.tolist(), inverse.reshape(-1).astype(np.int64, copy=False)
    if array is not None and array.dtype.kind == "f":
        if np.isnan(array).any():
            raise InputError("weights.missing_value", variable=name,
                             row=int(np.flatnonzero(np.isnan(array))[0]) + 1)
        labels, inverse = np.unique(array, return_inverse=True)
        return labels.tolist(), inverse.reshape(-1).astype(np.int64, copy=False)
    index = {}
    setdefault = index.setdefault
    inverse = np.fromiter((setdefault(label, len(index)) for label in values), dtype=np.int64)
    labels = list(index)
    for label in labels:
        if _is_missing(label):
            row = next(i for i, value in enumerate(values) if _is_missing(value))
            raise InputError("weights.missing_value", variable=name, row=row + 1)
    return labels, inverse


def _cells(codes, sizes):
    """Group respondents by their combination of category indices."""
    n = codes[0].shape[0]
    radix = math.prod(sizes)
    if radix <= max(4 * n, 1 << 16):
        key = np.zeros(n, dtype=np.int64)
        for code, size in zip(codes, sizes):
            key *= size
            key += code
        counts = np.bincount(key, minlength=radix)
        used = np.flatnonzero(counts)
        lookup = np.empty(radix, dtype=np.int64)
        lookup[used] = np.arange(used.shape[0])
        cell_of = lookup[key]
        cell_counts = counts[used].astype(float)
        cell_codes = np.empty((used.shape[0], len(sizes)), dtype=np.int64)
        rest = used.copy()
        for v in range(len(sizes) - 1, -1, -1):
            cell_codes[:, v] = rest % sizes[v]
            rest //= sizes[v]
        return cell_of, cell_codes, cell_counts
    stacked = np.stack(codes, axis=1)
    cell_codes, cell_of, counts = np.unique(stacked, axis=0, return_inverse=True,
                                            return_counts=True)
    return cell_of.reshape(-1), cell_codes, counts.astype(float)
