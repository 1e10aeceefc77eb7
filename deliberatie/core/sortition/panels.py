"""Integer programs over panel compositions (HiGHS through ``scipy.optimize.milp``).

A *composition* gives, per type, how many of its members sit on the panel;
it stands for every panel with those counts. The pricing problem of column
generation, the feasibility check and the smallest relaxation of infeasible
quotas are all small integer programs over compositions.
"""

import os
import sys
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

_MILP_OPTIONS = {"mip_rel_gap": 1e-10, "presolve": True}


def new_highs():
    """A silent HiGHS instance (highspy prints a banner on fd 1 once; keep stdout clean)."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as sink:
            os.dup2(sink.fileno(), 1)
            highs = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    return highs


@dataclass(frozen=True)
class Conflict:
    """One bound in a set of quotas that cannot all hold (``bound`` is min or max)."""

    category: str
    value: str
    bound: str
    limit: int


@dataclass(frozen=True)
class Relaxation:
    """Quota bounds after the smallest total relaxation."""

    category: str
    value: str
    min: int
    max: int
    new_min: int
    new_max: int


@dataclass(frozen=True)
class Feasibility:
    """Outcome of :func:`check_feasibility`.

    ``conflicts`` is an irreducible set of bounds that cannot hold together
    (with the panel size); ``relaxation`` the changed quotas of a relaxation
    with the smallest total slack within each quota's ``min_flex``/``max_flex``
    (empty when feasible or when even relaxing every quota that far does not
    help, e.g. because households are too large).
    """

    feasible: bool
    conflicts: tuple = ()
    relaxation: tuple = ()
    relaxation_total: int = 0


class PanelModel:
    """Quota, size and household constraints on compositions of one pool."""

    def __init__(self, instance, types, k, quotas=None):
        self.instance = instance
        self.types = types
        self.k = int(k)
        self.quotas = tuple(instance.quotas if quotas is None else quotas)
        self.sizes = np.asarray(types.sizes, dtype=float)
        ntypes = len(types.sizes)
        rows, cols = [], []
        for r, members in enumerate(types.incidence):
            rows += [r] * len(members)
            cols += list(members)
        self.quota_matrix = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(types.incidence), ntypes))
        hrows, hcols = [], []
        for r, group in enumerate(types.household_groups):
            hrows += [r] * len(group)
            hcols += list(group)
        self.household_matrix = csr_matrix((np.ones(len(hrows)), (hrows, hcols)),
                                           shape=(len(types.household_groups), ntypes))
        self.ilp_calls = 0
        self._highs = None
        self._dense_quotas = self.quota_matrix.toarray().astype(np.int64)
        self._dense_households = self.household_matrix.toarray().astype(np.int64)
        self._lower = np.array([q.min for q in self.quotas], dtype=np.int64)
        self._upper = np.array([q.max for q in self.quotas], dtype=np.int64)
        self._bool_quotas = self._dense_quotas.astype(bool)
        self._bool_households = self._dense_households.astype(bool)

    def _constraints(self, lower, upper):
        ntypes = len(self.sizes)
        cons = [LinearConstraint(np.ones((1, ntypes)), self.k, self.k),
                LinearConstraint(self.quota_matrix, lower, upper)]
        if self.household_matrix.shape[0]:
            cons.append(LinearConstraint(self.household_matrix, 0, 1))
        return cons

    def highs_model(self, *, integer=True):
        """A silent HiGHS model of the compositions: columns are types, row 0 the
        panel size, rows ``1..len(quotas)`` the quotas, then the households."""
        import highspy

        h = new_highs()
        ntypes = len(self.sizes)
        everyone = np.arange(ntypes, dtype=np.int32)
        h.addVars(ntypes, np.zeros(ntypes), self.sizes)
        if integer:
            h.changeColsIntegrality(ntypes, everyone, np.full(ntypes, highspy.HighsVarType.kInteger))
        h.addRow(self.k, self.k, ntypes, everyone, np.ones(ntypes))
        for q, members in zip(self.quotas, self.types.incidence):
            h.addRow(q.min, q.max, len(members), np.asarray(members, dtype=np.int32), np.ones(len(members)))
        for group in self.types.household_groups:
            h.addRow(-highspy.kHighsInf, 1.0, len(group), np.asarray(group, dtype=np.int32), np.ones(len(group)))
        return h

    def _pricer(self):
        """A persistent HiGHS MIP over compositions (costs change per call), or ``None``."""
        if self._highs is None:
            try:
                h = self.highs_model()
            except ImportError:  # pragma: no cover
                self._highs = False
                return False
            h.setOptionValue("mip_rel_gap", 1e-9)
            self._highs = h
        return self._highs

    def best(self, weights, *, floor=None):
        """Composition maximising ``weights @ counts``.

        Returns ``None`` when no panel exists or, given ``floor``, when no
        composition has weight above ``floor`` (HiGHS prunes by that bound,
        which makes the last, proving, call of column generation cheap).
        """
        weights = np.asarray(weights, dtype=float)
        h = self._pricer()
        if h:
            self.ilp_calls += 1
            ntypes = len(self.sizes)
            h.changeColsCost(ntypes, np.arange(ntypes, dtype=np.int32), -weights)
            h.setOptionValue("objective_bound", -float(floor) if floor is not None else np.inf)
            h.run()
            info = h.getInfo()
            if info.primal_solution_status != 2:  # no feasible solution (or none beyond floor)
                return None
            counts = np.rint(np.asarray(h.getSolution().col_value)).astype(np.int64)
            return counts if self.is_panel(counts) else None
        lower = np.array([q.min for q in self.quotas], dtype=float)
        upper = np.array([q.max for q in self.quotas], dtype=float)
        self.ilp_calls += 1
        res = milp(-np.asarray(weights, dtype=float), constraints=self._constraints(lower, upper),
                   integrality=np.ones(len(self.sizes)), bounds=Bounds(0, self.sizes), options=_MILP_OPTIONS)
        if res.status != 0 or res.x is None:
            return None
        return np.rint(res.x).astype(np.int64)

    def swaps(self, counts, weights, *, floor, limit=25):
        """Compositions one swap away from ``counts`` whose weight exceeds ``floor``.

        A cheap neighbourhood search that lets column generation add many
        improving columns per integer program; best first, at most ``limit``.
        ``counts`` must be a panel: a swap ``a -> b`` then breaks a quota only
        where that quota is tight, so only tight quotas are checked.
        """
        counts = np.asarray(counts, dtype=np.int64)
        weights = np.asarray(weights, dtype=float)
        out = np.flatnonzero(counts)
        gain = float(weights @ counts) - weights[out][:, None] + weights[None, :]
        ok = (gain > floor) & (counts < self.sizes)[None, :]
        ok[np.arange(len(out)), out] = False
        if not ok.any():
            return []
        # a tight quota breaks when a leaves it without b entering it (or the reverse);
        # few quotas are tight, so loop over those (no BLAS: it stalls on busy machines)
        q = self._bool_quotas
        totals = self._dense_quotas @ counts
        for r in np.flatnonzero(totals == self._lower):
            ok[q[r, out]] &= q[r]
        for r in np.flatnonzero(totals == self._upper):
            ok[~q[r, out]] &= ~q[r]
        if self._dense_households.shape[0]:
            h = self._bool_households
            for r in np.flatnonzero((self._dense_households @ counts) >= 1):
                ok[~h[r, out]] &= ~h[r]
        rows, cols = np.nonzero(ok)
        if not len(rows):
            return []
        values = gain[rows, cols]
        if len(values) > limit:  # keep the best (ties included) before the stable sort
            cut = np.partition(values, len(values) - limit)[len(values) - limit]
            keep = values >= cut
            rows, cols, values = rows[keep], cols[keep], values[keep]
        order = np.lexsort((cols, out[rows], -values))[:limit]
        result = []
        for i in order:
            column = counts.copy()
            column[out[rows[i]]] -= 1
            column[cols[i]] += 1
            result.append(column)
        return result

    def is_panel(self, counts):
        """Whether a composition satisfies size, quotas and households."""
        counts = np.asarray(counts)
        if counts.sum() != self.k or (counts < 0).any() or (counts > self.sizes).any():
            return False
        totals = self.quota_matrix @ counts
        if any(t < q.min or t > q.max for t, q in zip(totals, self.quotas)):
            return False
        return not self.household_matrix.shape[0] or (self.household_matrix @ counts <= 1).all()

    def _feasible_with(self, lower, upper):
        self.ilp_calls += 1
        res = milp(np.zeros(len(self.sizes)), constraints=self._constraints(lower, upper),
                   integrality=np.ones(len(self.sizes)), bounds=Bounds(0, self.sizes), options=_MILP_OPTIONS)
        return res.status == 0

    def relax(self):
        """Smallest total slack on min/max bounds that admits a panel, or ``None``.

        A quota's ``min_flex``/``max_flex`` (Sortition Foundation layout) are
        the furthest its bounds may move; without them only zero and the
        panel size limit the move.
        """
        nq, ntypes = len(self.quotas), len(self.sizes)
        lower = np.array([q.min for q in self.quotas], dtype=float)
        upper = np.array([q.max for q in self.quotas], dtype=float)
        room_below = np.array([q.min - q.min_flex if q.min_flex is not None else q.min
                               for q in self.quotas], dtype=float)
        room_above = np.array([q.max_flex - q.max if q.max_flex is not None else np.inf
                               for q in self.quotas], dtype=float)
        # variables: counts (ntypes), slack below min (nq), slack above max (nq)
        eye = np.eye(nq)
        qm = self.quota_matrix.toarray()
        cons = [LinearConstraint(np.hstack([np.ones((1, ntypes)), np.zeros((1, 2 * nq))]), self.k, self.k),
                LinearConstraint(np.hstack([qm, eye, np.zeros((nq, nq))]), lower, np.inf),
                LinearConstraint(np.hstack([qm, np.zeros((nq, nq)), -eye]), -np.inf, upper)]
        if self.household_matrix.shape[0]:
            hm = self.household_matrix.toarray()
            cons.append(LinearConstraint(np.hstack([hm, np.zeros((hm.shape[0], 2 * nq))]), 0, 1))
        cost = np.concatenate([np.zeros(ntypes), np.ones(2 * nq)])
        self.ilp_calls += 1
        res = milp(cost, constraints=cons, integrality=np.ones(ntypes + 2 * nq),
                   bounds=Bounds(0, np.concatenate([self.sizes, room_below, room_above])),
                   options=_MILP_OPTIONS)
        if res.status != 0:
            return None
        slack = np.rint(res.x[ntypes:]).astype(int)
        return slack[:nq], slack[nq:]

    def conflicts(self):
        """An irreducible infeasible set of quota bounds (deletion filter)."""
        lower = np.array([q.min for q in self.quotas], dtype=float)
        upper = np.array([q.max for q in self.quotas], dtype=float)
        active = [(i, "min") for i in range(len(self.quotas)) if lower[i] > 0]
        active += [(i, "max") for i in range(len(self.quotas)) if upper[i] < self.k]
        lo, hi = np.zeros_like(lower), np.full_like(upper, float(self.k))
        for i, bound in active:
            (lo if bound == "min" else hi)[i] = (lower if bound == "min" else upper)[i]
        if self._feasible_with(lo, hi):
            return ()  # not caused by quotas (households or pool size)
        kept = []
        for i, bound in active:
            if bound == "min":
                lo[i] = 0
            else:
                hi[i] = self.k
            if self._feasible_with(lo, hi):  # needed: restore it
                kept.append((i, bound))
                if bound == "min":
                    lo[i] = lower[i]
                else:
                    hi[i] = upper[i]
        return tuple(Conflict(self.quotas[i].category, self.quotas[i].value, b,
                              self.quotas[i].min if b == "min" else self.quotas[i].max) for i, b in kept)


def check_feasibility(model):
    """Whether any panel meets the quotas; if not, which conflict and how to relax."""
    if model.best(np.zeros(len(model.sizes))) is not None:
        return Feasibility(True)
    conflicts = model.conflicts()
    slack = model.relax()
    relaxation, total = (), 0
    if slack is not None:
        below, above = slack
        relaxation = tuple(Relaxation(q.category, q.value, q.min, q.max, q.min - int(b), q.max + int(a))
                           for q, b, a in zip(model.quotas, below, above) if b or a)
        total = int(below.sum() + above.sum())
    return Feasibility(False, conflicts, relaxation, total)
