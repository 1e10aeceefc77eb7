"""Fair distributions over panels: LEXIMIN, maximin and Nash by column generation.

Columns are panel *compositions* (members per type, see
:func:`~deliberatie.core.sortition.instance.group_types`); members of one type
are interchangeable, so an optimal distribution gives them equal probability
and the restricted master LP has one row per type instead of one per person.
LPs are solved by HiGHS (``scipy.optimize.linprog``), pricing by
:class:`~deliberatie.core.sortition.panels.PanelModel` (``milp``).

LEXIMIN follows Flanigan et al. (Nature 2021, Methods): maximise the smallest
probability, fix the types whose dual value is positive (complementary
slackness: no optimal distribution gives them more), repeat.
"""

import time
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

_LP_OPTIONS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}
_PRICE_TOL = 1e-10  # reduced cost needed to add a column
_DUAL_TOL = 1e-7  # dual value above which a type is fixed
_FIX_SLACK = 1e-10  # fixed probabilities may drop this much in later stages


@dataclass(frozen=True)
class Distribution:
    """A distribution over quota-satisfying panels and what it gives each person.

    Attributes
    ----------
    algorithm : str
    k : int
        Panel size.
    ids : tuple of str
        Pool, canonical order.
    probabilities : tuple of float
        Marginal selection probability per person (aligned with ``ids``).
    compositions : tuple of tuple of int
        Support: members per type (see ``types``).
    weights : tuple of float
        Probability of each composition (sums to 1).
    types : TypeTable
    min_probability, mean_probability, gini : float
    diagnostics : dict
        Solver counters (LP and ILP calls, columns, stages, seconds).
    panels : tuple, optional
        Person-level panels (indices into ``ids``) when the algorithm samples
        them (LEGACY); ``None`` otherwise.
    """

    algorithm: str
    k: int
    ids: tuple
    probabilities: tuple
    compositions: tuple
    weights: tuple
    types: object
    min_probability: float
    mean_probability: float
    gini: float
    diagnostics: dict = field(default_factory=dict)
    panels: tuple = None


def gini(values):
    """Gini coefficient of non-negative values (0 = everyone equal)."""
    x = np.sort(np.asarray(values, dtype=float))
    n, total = len(x), x.sum()
    if n == 0 or total <= 0:
        return 0.0
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * total))


def _summary(algorithm, model, columns, weights, type_probs, diagnostics, panels=None, person_probs=None):
    types = model.types
    ids = model.instance.ids
    if person_probs is None:
        person_probs = np.zeros(len(ids))
        for t, members in enumerate(types.members):
            person_probs[list(members)] = type_probs[t]
    person_probs = np.clip(person_probs, 0.0, 1.0)
    order = np.argsort([-w for w in weights], kind="stable")
    return Distribution(
        algorithm=algorithm, k=model.k, ids=ids,
        probabilities=tuple(float(p) for p in person_probs),
        compositions=tuple(tuple(int(c) for c in columns[j]) for j in order),
        weights=tuple(float(weights[j]) for j in order),
        types=types,
        min_probability=float(person_probs.min()), mean_probability=float(person_probs.mean()),
        gini=gini(person_probs), diagnostics=diagnostics, panels=panels,
    )


class _ColumnGeneration:
    """Restricted master LP over compositions with HiGHS duals."""

    def __init__(self, model):
        self.model = model
        self.sizes = model.sizes
        self.columns = []
        self.index = {}
        self.lp_calls = 0

    def add(self, counts):
        key = tuple(int(c) for c in counts)
        if key in self.index:
            return False
        self.index[key] = len(self.columns)
        self.columns.append(np.asarray(key, dtype=float))
        return True

    def matrix(self):
        return np.column_stack(self.columns) / self.sizes[:, None]

    def cover(self):
        """Columns such that every type that can be on a panel is on one; returns those types."""
        ntypes = len(self.sizes)
        covered = np.zeros(ntypes, dtype=bool)
        impossible = np.zeros(ntypes, dtype=bool)
        for t in range(ntypes):
            if covered[t] or impossible[t]:
                continue
            weights = np.where(covered | impossible, 0.0, 1.0 / self.sizes)
            weights[t] = ntypes + 1.0
            counts = self.model.best(weights)
            if counts is None:
                return None
            if counts[t] == 0:
                impossible[t] = True
            self.add(counts)
            covered |= counts > 0
        return covered

    def stage(self, active, fixed):
        """Maximise the minimum over ``active`` types given ``fixed`` {type: probability}.

        Returns ``(z, pi, duals)`` at column-generation convergence.
        """
        fixed_types = sorted(fixed)
        rows = list(active) + fixed_types
        while True:
            a = self.matrix()
            nj = a.shape[1]
            a_ub = np.zeros((len(rows), nj + 1))
            a_ub[:, :nj] = -a[rows]
            a_ub[: len(active), nj] = 1.0
            b_ub = np.concatenate([np.zeros(len(active)), [-(fixed[t] - _FIX_SLACK) for t in fixed_types]])
            a_eq = np.concatenate([np.ones(nj), [0.0]])[None, :]
            c = np.zeros(nj + 1)
            c[nj] = -1.0
            self.lp_calls += 1
            res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0],
                          bounds=[(0, None)] * nj + [(None, None)], method="highs", options=_LP_OPTIONS)
            if res.status != 0:
                raise RuntimeError(f"restricted master LP failed: {res.message}")
            z = float(res.x[nj])
            y = np.maximum(-np.asarray(res.ineqlin.marginals), 0.0)
            duals = np.zeros(len(self.sizes))
            duals[rows] = y
            threshold = z + sum(duals[t] * (fixed[t] - _FIX_SLACK) for t in fixed_types)
            counts = self.model.best(duals / self.sizes)
            value = float(duals @ (counts / self.sizes)) if counts is not None else -np.inf
            if value <= threshold + _PRICE_TOL or not self.add(counts):
                return z, res.x[:nj], duals


def find_distribution(model, *, algorithm="leximin", max_stages=None):
    """LEXIMIN, maximin or Nash distribution for a :class:`PanelModel`.

    Parameters
    ----------
    model : PanelModel
    algorithm : {"leximin", "maximin", "nash"}
    max_stages : int, optional
        Stop LEXIMIN after this many fixing stages (for diagnostics only).

    Returns
    -------
    Distribution or None
        ``None`` when no panel meets the quotas.
    """
    start = time.perf_counter()
    cg = _ColumnGeneration(model)
    covered = cg.cover()
    if covered is None:
        return None
    ntypes = len(model.sizes)
    fixed = {t: 0.0 for t in range(ntypes) if not covered[t]}
    stages = 0
    pi = None
    while len(fixed) < ntypes:
        active = [t for t in range(ntypes) if t not in fixed]
        z, pi, duals = cg.stage(active, fixed)
        stages += 1
        if algorithm != "leximin" or (max_stages and stages >= max_stages):
            break
        newly = [t for t in active if duals[t] > _DUAL_TOL] or [max(active, key=lambda t: duals[t])]
        for t in newly:
            fixed[t] = z
    if pi is None:  # every type is impossible
        pi = np.zeros(len(cg.columns))
        pi[0] = 1.0
    if algorithm == "nash":
        pi = _nash(cg, pi)
    pi = np.maximum(pi, 0.0)
    pi /= pi.sum()
    keep = pi > 1e-12
    columns = [cg.columns[j] for j in np.flatnonzero(keep)]
    weights = pi[keep] / pi[keep].sum()
    type_probs = (np.column_stack(columns) / model.sizes[:, None]) @ weights
    diagnostics = {"types": ntypes, "columns_generated": len(cg.columns), "support": len(columns),
                   "stages": stages, "lp_calls": cg.lp_calls, "ilp_calls": model.ilp_calls,
                   "seconds": time.perf_counter() - start}
    return _summary(algorithm, model, columns, weights, type_probs, diagnostics)


def _nash(cg, pi, *, rounds=60, inner=400, tol=1e-7):
    """Maximise sum of log probabilities: Cover's multiplicative updates + pricing."""
    sizes = cg.sizes
    n = sizes.sum()
    pi = np.asarray(pi, dtype=float)
    for _ in range(rounds):
        a = cg.matrix()
        pi = np.concatenate([pi, np.zeros(a.shape[1] - len(pi))])
        pi = np.maximum(pi, 1e-9 / len(pi))
        pi /= pi.sum()
        live = (a.sum(axis=1) > 0)
        for _ in range(inner):
            p = a @ pi
            gradient = (sizes[live] / p[live]) @ a[live] / n
            pi *= gradient
            pi /= pi.sum()
            if gradient.max() <= 1 + tol:
                break
        p = a @ pi
        weights = np.where(live, 1.0 / np.maximum(p, 1e-300), 0.0)
        counts = cg.model.best(weights)
        if counts is None or weights @ counts <= n * (1 + tol) or not cg.add(counts):
            break
    return pi
