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
    exact_shares : tuple of tuple of Fraction
        The shares as exact fractions of the targets as written (decimal
        ``0.8`` is 4/5), so that a cap equal to the lowest feasible cap is
        not refused for a rounding error.
    """

    variables: tuple
    categories: tuple
    shares: tuple
    cell_of: np.ndarray
    cell_counts: np.ndarray
    cell_codes: np.ndarray
    exact_shares: tuple = ()

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
                ratio = self.exact_shares[v][k] * n / int(round(counts[k]))
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
    variables, categories, shares, codes, exact = _validate_design(sample, margins,
                                                                   total_tolerance)
    cell_of, cell_codes, cell_counts = _cells(codes, [len(c) for c in categories])
    return RakingDesign(variables, categories, shares, cell_of, cell_counts, cell_codes, exact)


def _validate_design(sample, margins, total_tolerance):
    if not margins:
        raise InputError("weights.no_margins")
    variables = tuple(margins)
    n = None
    totals = []
    categories, shares, codes, exact = [], [], [], []
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
        totals.append((name, total))
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
        fractions = [_exact(targets[cats[k]]) for k in kept]
        exact_total = sum(_exact(t) for t in targets.values())
        exact.append(tuple(f / exact_total for f in fractions))
        codes.append(renumber[to_category][inverse])
    # after the categories: a missing category is the likelier cause of a total that differs
    reference = totals[0]
    for name, total in totals[1:]:
        if abs(total - reference[1]) > total_tolerance * max(total, reference[1]):
            raise InputError("weights.totals_disagree", variable=name, total=total,
                             expected=reference[1], reference_variable=reference[0])
    return variables, tuple(categories), tuple(shares), codes, tuple(exact)


def _exact(value):
    """A target as an exact fraction of what was written (floats via their repr)."""
    if isinstance(value, (int, np.integer)):
        return Fraction(int(value))
    return Fraction(repr(float(value)))


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
    if isinstance(values, np.ndarray) and values.ndim != 1:
        raise InputError("weights.bad_column", variable=name)
    labels, inverse = _factorize_allowing_missing(values)
    if labels and inverse.shape[0] and inverse.min() < 0:
        raise InputError("weights.missing_value", variable=name,
                         row=int(np.flatnonzero(inverse < 0)[0]) + 1)
    if not labels and inverse.shape[0]:
        raise InputError("weights.missing_value", variable=name, row=1)
    return labels, inverse


def _factorize_allowing_missing(values):
    """Distinct non-missing labels, and each respondent's index (-1 = missing)."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "iub":
        labels, inverse = np.unique(values.reshape(-1), return_inverse=True)
        return labels.tolist(), inverse.reshape(-1).astype(np.int64, copy=False)
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        flat = values.reshape(-1)
        missing = np.isnan(flat)
        labels, inverse = np.unique(flat[~missing], return_inverse=True)
        codes = np.full(flat.shape[0], -1, dtype=np.int64)
        codes[~missing] = inverse.reshape(-1)
        return labels.tolist(), codes
    if isinstance(values, np.ndarray) and values.dtype.kind in "US":
        values = values.tolist()
    labels = list(set(values))
    index = {label: j for j, label in enumerate(labels)}
    inverse = np.fromiter(map(index.__getitem__, values), dtype=np.int64)
    bad = [j for j, label in enumerate(labels) if _is_missing(label)]
    if not bad:
        return labels, inverse
    renumber = np.full(len(labels), -1, dtype=np.int64)
    good = [j for j in range(len(labels)) if j not in bad]
    renumber[good] = np.arange(len(good))
    return [labels[j] for j in good], renumber[inverse]


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
