"""Fair distributions over panels: LEXIMIN, maximin and Nash by column generation.

Columns are panel *compositions* (members per type, see
:func:`~deliberatie.core.sortition.instance.group_types`); members of one type
are interchangeable, so an optimal distribution gives them equal probability
and the restricted master LP has one row per type instead of one per person.
The master LP (:mod:`.masters`) lives in one HiGHS model (``highspy``, warm-started as
columns are added; ``scipy.optimize.linprog`` without it); pricing is
:meth:`~deliberatie.core.sortition.panels.PanelModel.best`, a HiGHS MIP.
Only open solvers are used.

LEXIMIN follows Flanigan et al. (Nature 2021, Methods): maximise the smallest
probability, fix the types whose dual value is positive (complementary
slackness: no optimal distribution gives them more), repeat.

Each stage is also solved over the LP relaxation of the panel constraints
(fractional compositions), a cheap upper bound. When the master reaches it
the stage is optimal without a proving pricing ILP, and the relaxation's
duals, then optimal for the integer stage as well, decide which types are
fixed; otherwise the pricing ILP proves optimality as before, so the result
stays exact either way.

LEXIMIN first tries the relaxation alone (:func:`_relaxation_first`): its
LEXIMIN takes a few small LPs and, when some distribution over panels reaches
it (the common case for large pools), it is the answer; a walk down the
relaxation's faces finds such panels without a master LP per step. Only when
that fails do the stages above run.
"""

import time
from dataclasses import dataclass, field

import numpy as np
from deliberatie.core.sortition.decompose import walk
from deliberatie.core.sortition.masters import _Master, _Relaxation, _fix, _rows

_PRICE_TOL = 1e-9  # reduced cost needed to add a column
_BOUND_TOL = 1e-9  # a stage ends once the master is this close to the relaxation's bound
_BATCH = 60  # local-search columns per round
_PRUNE_FACTOR = 2  # the master keeps at most about this many columns per type
_PRUNE_SLACK = 400
_MIX_TOL = 1e-6  # relaxation-first LEXIMIN: everyone gets at least 1 - this of their LEXIMIN probability
_SMOOTHING = 0.5  # weight of the relaxation's duals in the pricing duals (Wentges smoothing)


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
    return max(0.0, float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * total)))


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
    """Column generation over compositions: master LP, swap heuristic, pricing ILP."""

    def __init__(self, model):
        self.model = model
        self.sizes = model.sizes
        self.columns = []
        self.index = {}
        self.lp_calls = 0
        self.master = _Master(len(self.sizes))
        try:
            self.relaxation = _Relaxation(model)
        except ImportError:  # pragma: no cover - highspy ships with scipy's environment here
            self.relaxation = None
        self.bound_stops = 0
        self.pruned = 0
        self.walk_panels = 0

    def add(self, counts):
        key = tuple(np.asarray(counts, dtype=np.int64).tolist())
        if key in self.index:
            return False
        self.index[key] = len(self.columns)
        column = np.asarray(key, dtype=float)
        self.columns.append(column)
        support = np.flatnonzero(column)
        self.master.add(support, column[support] / self.sizes[support])
        return True

    def prune(self, pi, duals):
        """Keep the master small: drop nonbasic unused columns with the lowest reduced cost.

        Degenerate primal simplex slows down with every column kept; a dropped
        column can come back through pricing, so optimality is unaffected.
        Returns ``pi`` for the remaining columns.
        """
        basic = self.master.basic()
        if basic is None:
            return pi
        value = np.array([duals @ (c / self.sizes) for c in self.columns])
        keep = basic | (pi > 0)
        target = _PRUNE_FACTOR * len(self.sizes) // 2 + _PRUNE_SLACK
        spare = target - int(keep.sum())
        if spare > 0:  # best remaining columns stay, newest first among equals
            order = np.lexsort((-np.arange(len(value)), -value))
            candidates = [j for j in order if not keep[j]][:spare]
            keep[candidates] = True
        if keep.all():
            return pi
        self.master.delete(keep)
        self.columns = [c for c, k in zip(self.columns, keep) if k]
        self.index = {tuple(c.astype(np.int64).tolist()): j for j, c in enumerate(self.columns)}
        self.pruned += int((~keep).sum())
        return pi[keep]

    def matrix(self):
        return np.column_stack(self.columns) / self.sizes[:, None]

    def probabilities(self, pi):
        """Type probabilities of master weights ``pi`` (columns without weight skipped)."""
        probs = np.zeros(len(self.sizes))
        for j in np.flatnonzero(np.asarray(pi) > 0):
            probs += pi[j] * self.columns[j]
        return probs / self.sizes

    def cover(self):
        """Columns such that every type that can be on a panel is on one; returns those types."""
        ntypes = len(self.sizes)
        covered = np.zeros(ntypes, dtype=bool)
        impossible = np.zeros(ntypes, dtype=bool)
        for t in range(ntypes):
            if covered[t] or impossible[t]:
                continue
            if self.columns:  # one swap away from a known panel?
                bonus = np.where(covered | impossible, 0.0, 1.0)
                for column in self.columns[-3:]:
                    options = self.model.swaps(column, bonus, floor=float(bonus @ column) + 0.5, limit=50)
                    for option in options:
                        self.add(option)
                        covered |= option > 0
                if covered[t]:
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

    def improve(self, weights, threshold, pi, *, climbs=20):
        """Add columns with reduced cost above ``threshold`` found by swap local search.

        Starts from the heaviest columns of the current solution (their reduced
        cost is zero) and from their best one-swap neighbours, hill-climbing
        the first few; cheap compared with the pricing ILP, which is only
        needed when this finds nothing (and to prove that nothing is left).
        Many types need many columns, so the batch grows with their number.
        """
        limit = _BATCH
        order = np.argsort(-np.asarray(pi), kind="stable")[:limit]
        added = 0
        for position, j in enumerate(order):
            if pi[j] <= 1e-12 and added:
                break
            for rank, option in enumerate(self.model.swaps(self.columns[j], weights, floor=threshold, limit=3)):
                if rank == 0 and position < climbs:
                    added += self.add(self.climb(option, weights, steps=10))
                added += self.add(option)
            if added >= limit:
                break
        return added

    def climb(self, counts, weights, *, steps=50):
        """Best-swap hill climbing on ``weights @ counts``."""
        for _ in range(steps):
            value = float(weights @ counts)
            options = self.model.swaps(counts, weights, floor=value + 1e-12, limit=1)
            if not options:
                break
            counts = options[0]
        return counts

    def stage(self, z_coef, rhs, *, tol=_BOUND_TOL):
        """Maximise ``z`` subject to master rows ``z_coef[t] z - p_t <= rhs[t]`` (see :meth:`_Master.set_rows`).

        Returns ``(z, pi, duals)`` at the stage optimum, proven either by the
        master reaching the relaxation's bound (``duals`` are then the
        relaxation's) or by a pricing ILP that finds no composition with
        positive reduced cost. Pricing uses the master's duals smoothed
        towards the relaxation's; a round whose columns do not improve on the
        master's own duals (mispricing) is repeated without smoothing, so the
        proof is always made with the master's duals.
        """
        self.master.set_rows(z_coef, rhs)
        bound = self.relaxation.solve(z_coef, rhs) if self.relaxation is not None else None
        alpha = _SMOOTHING if bound is not None else 0.0
        while True:
            self.lp_calls += 1
            z, pi, duals = self.master.solve()
            if len(self.columns) > _PRUNE_FACTOR * len(self.sizes) + _PRUNE_SLACK:
                pi = self.prune(pi, duals)
            if bound is not None and z >= bound[0] - tol:
                self.bound_stops += 1
                return z, pi, bound[1]
            # dual objective: z = mu + rhs @ y, so a column improves when y @ a > mu
            offset = -float(duals @ rhs)
            if alpha:
                centre = bound[1]
                price = alpha * centre + (1 - alpha) * duals
                # dual objective is linear in (y, mu): smoothed threshold likewise
                threshold = alpha * (bound[0] - float(centre @ rhs)) + (1 - alpha) * (z + offset) + _PRICE_TOL
            else:
                price, threshold = duals, z + offset + _PRICE_TOL
            weights = price / self.sizes
            before = len(self.columns)
            self.improve(weights, threshold, pi)
            counts = self.model.best(weights, floor=threshold)
            if counts is not None and float(weights @ counts) > threshold and self.add(counts):
                self.add(self.climb(counts, weights))
                for option in self.model.swaps(counts, weights, floor=threshold, limit=20):
                    self.add(option)
            true_weights = duals / self.sizes
            true_threshold = z + offset + _PRICE_TOL
            improving = any(float(true_weights @ c) > true_threshold for c in self.columns[before:])
            if improving:
                alpha = _SMOOTHING if bound is not None else 0.0
                continue
            if not alpha:  # the ILP under the master's own duals proved optimality
                return z, pi, duals
            alpha = 0.0  # mispricing: price with the master's duals next


def find_distribution(model, *, algorithm="leximin", max_stages=None, progress=None):
    """LEXIMIN, maximin or Nash distribution for a :class:`PanelModel`.

    Parameters
    ----------
    model : PanelModel
    algorithm : {"leximin", "maximin", "nash"}
    max_stages : int, optional
        Stop LEXIMIN after this many fixing stages (for diagnostics only).
    progress : callable, optional
        Called after each stage with ``(fixed_types, all_types)``, for a
        progress indicator when the selection runs outside a web request.

    Returns
    -------
    Distribution or None
        ``None`` when no panel meets the quotas.
    """
    start = time.perf_counter()
    cg = _ColumnGeneration(model)
    ntypes = len(model.sizes)
    found = None
    if algorithm == "leximin" and not max_stages and cg.relaxation is not None:
        found = _relaxation_first(cg, progress)
    method = "relaxation" if found is not None else "stages"
    if found is not None:
        pi, stages = found
    else:
        covered = cg.cover()
        if covered is None:
            return None
        fixed = {t: 0.0 for t in range(ntypes) if not covered[t]}
        stages = 0
        pi = None
        while len(fixed) < ntypes:
            z, pi, duals = cg.stage(*_rows(ntypes, fixed))
            stages += 1
            if algorithm != "leximin" or (max_stages and stages >= max_stages):
                break
            _fix(fixed, z, duals, cg.probabilities(pi))
            if progress is not None:
                progress(len(fixed), ntypes)
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
    diagnostics = {"types": ntypes, "method": method, "walk_panels": cg.walk_panels, "columns_generated": len(cg.columns) + cg.pruned, "support": len(columns),
                   "stages": stages, "bound_stops": cg.bound_stops, "pruned": cg.pruned, "lp_calls": cg.lp_calls, "ilp_calls": model.ilp_calls,
                   "seconds": time.perf_counter() - start}
    return _summary(algorithm, model, columns, weights, type_probs, diagnostics)


def _relaxation_first(cg, progress):
    """LEXIMIN over fractional compositions, then written as a mix of panels: ``(pi, stages)`` or ``None``.

    The relaxation's LEXIMIN dominates (leximin order) every distribution
    over panels, since each is a point of the relaxation. If the relaxation's
    optimum is itself a mix of panels it is therefore the LEXIMIN over panels
    (the leximin optimum over a convex set is unique): found in a few small
    LPs, a walk down the faces (:mod:`.decompose`) and one column-generation
    stage that proves the mix, ``max z`` with every type at least ``z`` times
    its target (bound 1 up to the fixing slack). ``None`` when that proof fails (the relaxation is
    not integral there): the staged algorithm then runs, keeping the columns.
    """
    solved = cg.relaxation.leximin()
    if solved is None:
        return None
    target, stages = solved
    ntypes = len(target)
    report = None
    if progress is not None:
        def report(share):
            progress(min(int(share * ntypes), ntypes - 1), ntypes)
    panels = walk(cg.model, target * cg.sizes, progress=report)
    cg.walk_panels = len(panels)
    for panel in panels:
        cg.add(panel)
    if not cg.columns:
        return None
    z, pi, _ = cg.stage(target, np.zeros(ntypes), tol=_MIX_TOL)
    bound = cg.relaxation.solve(target, np.zeros(ntypes))  # 1 up to the fixing slack
    if bound is None or z < bound[0] - _MIX_TOL:
        return None
    if progress is not None:
        progress(ntypes, ntypes)
    return pi, stages


def _nash(cg, pi, *, rounds=100, inner=20000, tol=1e-6):
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
