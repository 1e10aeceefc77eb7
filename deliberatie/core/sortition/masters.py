"""The LPs of column generation over panel compositions, each kept in one HiGHS model.

:class:`_Master` is the restricted master over the columns found so far;
:class:`_Relaxation` the same problem over fractional compositions (an upper
bound, and LEXIMIN over it in a few small LPs). Rows are the same in both:
``z_coef[t] z - p_t <= rhs[t]`` for every type ``t`` (see
:meth:`_Master.set_rows`); :func:`_rows` and :func:`_fix` are the LEXIMIN
stage rows and fixing rule shared by both.
"""

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csc_matrix

from deliberatie.core.sortition.panels import new_highs

_LP_OPTIONS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}
_DUAL_TOL = 1e-7  # dual value above which a type is fixed
_FIX_SLACK = 1e-10  # fixed probabilities may drop this much in later stages


def _new_highs():
    highs = new_highs()
    highs.setOptionValue("primal_feasibility_tolerance", 1e-9)
    highs.setOptionValue("dual_feasibility_tolerance", 1e-9)
    highs.setOptionValue("simplex_strategy", 4)  # primal: stays feasible as columns are added
    return highs


class _Master:
    """Restricted master LP kept in one HiGHS instance across columns and stages (warm starts).

    Row ``t`` is ``z*[t active] - sum_j A_tj pi_j <= rhs_t`` (rhs 0 for active
    types, minus the fixed probability otherwise); the last row is ``sum pi = 1``.
    Without ``highspy`` the same LP is rebuilt for ``scipy.optimize.linprog``.
    """

    def __init__(self, ntypes):
        self.ntypes = ntypes
        self.entries = []
        self.rhs = np.zeros(ntypes)
        self.z_coef = np.ones(ntypes)
        try:
            self.highs = _new_highs()
        except ImportError:  # pragma: no cover - highspy ships with scipy's environment here
            self.highs = None
            return
        import highspy

        inf = highspy.kHighsInf
        self.highs.addVar(-inf, inf)
        self.highs.changeColCost(0, -1.0)
        for t in range(ntypes):
            self.highs.addRow(-inf, 0.0, 1, np.array([0], dtype=np.int32), np.array([1.0]))
        self.highs.addRow(1.0, 1.0, 0, np.array([], dtype=np.int32), np.array([]))

    def add(self, support, values):
        self.entries.append((support, values))
        if self.highs is not None:
            rows = np.concatenate([support, [self.ntypes]]).astype(np.int32)
            self.highs.addCol(0.0, 0.0, np.inf, len(rows), rows, np.concatenate([-values, [1.0]]))

    def delete(self, keep):
        """Drop the columns whose ``keep`` flag is false (master column ``j`` is ``keep[j]``)."""
        drop = np.flatnonzero(~keep)
        self.entries = [e for e, k in zip(self.entries, keep) if k]
        if self.highs is not None and len(drop):
            self.highs.deleteCols(len(drop), (drop + 1).astype(np.int32))

    def basic(self):
        """Per master column, whether it is basic (``None`` without ``highspy``)."""
        if self.highs is None:
            return None
        status = self.highs.getBasis().col_status[1:]
        return np.array([s == s.__class__.kBasic for s in status], dtype=bool)

    def set_rows(self, z_coef, rhs):
        """Row ``t`` becomes ``z_coef[t] z - sum_j A_tj pi_j <= rhs[t]``."""
        for t in np.flatnonzero((z_coef != self.z_coef) | (rhs != self.rhs)):
            if self.highs is not None:
                self.highs.changeCoeff(int(t), 0, float(z_coef[t]))
                self.highs.changeRowBounds(int(t), -np.inf, float(rhs[t]))
        self.z_coef, self.rhs = np.array(z_coef, dtype=float), np.array(rhs, dtype=float)

    def solve(self):
        """``(z, pi, y)`` with ``y >= 0`` the duals of the type rows."""
        if self.highs is None:
            return self._solve_scipy()
        self.highs.run()
        if self.highs.getModelStatus() != self.highs.getModelStatus().__class__.kOptimal:
            return self._solve_scipy()
        solution = self.highs.getSolution()
        x = np.asarray(solution.col_value)
        y = np.maximum(-np.asarray(solution.row_dual)[: self.ntypes], 0.0)
        return float(x[0]), x[1:], y

    def _solve_scipy(self):
        nj = len(self.entries)
        data, indices, indptr = [self.z_coef], [np.arange(self.ntypes)], [0, self.ntypes]
        for support, values in self.entries:
            data.append(-values)
            indices.append(support)
            indptr.append(indptr[-1] + len(support))
        a_ub = csc_matrix((np.concatenate(data), np.concatenate(indices), np.asarray(indptr)),
                          shape=(self.ntypes, nj + 1))
        c = np.zeros(nj + 1)
        c[0] = -1.0
        res = linprog(c, A_ub=a_ub, b_ub=self.rhs, A_eq=np.concatenate([[0.0], np.ones(nj)])[None, :],
                      b_eq=[1.0], bounds=[(None, None)] + [(0, None)] * nj, method="highs", options=_LP_OPTIONS)
        if res.status != 0:
            raise RuntimeError(f"restricted master LP failed: {res.message}")
        return float(res.x[0]), res.x[1:], np.maximum(-np.asarray(res.ineqlin.marginals), 0.0)


class _Relaxation:
    """The stage problem over the LP relaxation of the panel constraints.

    Fractional compositions ``x`` with ``0 <= x <= sizes``, ``sum x = k``, the
    quotas and the households: every panel is such a point, so the optimum
    bounds the stage optimum from above. A restricted master that reaches the
    bound is optimal without a proving pricing solve, and the relaxation's
    duals are then optimal duals of the integer stage too (feasible for every
    panel, same objective): they say which types to fix. Before that they are
    a stability centre for the pricing duals. Rows as in :class:`_Master`.
    """

    def __init__(self, model):
        import highspy

        self.highs = h = _new_highs()
        h.setOptionValue("simplex_strategy", 1)
        h.setOptionValue("primal_feasibility_tolerance", 1e-10)
        h.setOptionValue("dual_feasibility_tolerance", 1e-10)
        ntypes = self.ntypes = len(model.sizes)
        inf = highspy.kHighsInf
        for t in range(ntypes):
            h.addVar(0.0, float(model.sizes[t]))
        h.addVar(-inf, inf)
        h.changeColCost(ntypes, -1.0)
        for t in range(ntypes):
            h.addRow(-inf, 0.0, 2, np.array([t, ntypes], dtype=np.int32), np.array([-1.0 / model.sizes[t], 1.0]))
        everyone = np.arange(ntypes, dtype=np.int32)
        h.addRow(model.k, model.k, ntypes, everyone, np.ones(ntypes))
        for q, members in zip(model.quotas, model.types.incidence):
            h.addRow(q.min, q.max, len(members), np.asarray(members, dtype=np.int32), np.ones(len(members)))
        for group in model.types.household_groups:
            h.addRow(-inf, 1.0, len(group), np.asarray(group, dtype=np.int32), np.ones(len(group)))
        self.z_coef = np.ones(ntypes)
        self.rhs = np.zeros(ntypes)
        self.sizes = model.sizes

    def solve(self, z_coef, rhs):
        """``(bound, duals)`` with rows as in :meth:`_Master.set_rows`, or ``None`` if HiGHS fails."""
        h = self.highs
        for t in np.flatnonzero((z_coef != self.z_coef) | (rhs != self.rhs)):
            h.changeCoeff(int(t), self.ntypes, float(z_coef[t]))
            h.changeRowBounds(int(t), -np.inf, float(rhs[t]))
        self.z_coef, self.rhs = np.array(z_coef, dtype=float), np.array(rhs, dtype=float)
        h.run()
        if h.getModelStatus() != h.getModelStatus().__class__.kOptimal:
            return None
        solution = h.getSolution()
        return float(solution.col_value[self.ntypes]), np.maximum(-np.asarray(solution.row_dual)[: self.ntypes], 0.0)

    def leximin(self):
        """LEXIMIN type probabilities over fractional compositions, and the number of stages.

        Fixing as in :func:`.optimise.find_distribution`; each stage is one small LP.
        Returns ``None`` if HiGHS fails.
        """
        fixed = {}
        stages = 0
        while len(fixed) < self.ntypes:
            z_coef, rhs = _rows(self.ntypes, fixed)
            solved = self.solve(z_coef, rhs)
            if solved is None:
                return None
            z, duals = solved
            probs = np.asarray(self.highs.getSolution().col_value)[: self.ntypes] / self.sizes
            stages += 1
            _fix(fixed, z, duals, probs)
        return np.array([fixed[t] for t in range(self.ntypes)]), stages


def _rows(ntypes, fixed):
    """Master rows of a LEXIMIN stage: ``z`` for active types, the fixed probability (less a slack) otherwise."""
    z_coef, rhs = np.ones(ntypes), np.zeros(ntypes)
    for t, value in fixed.items():
        z_coef[t], rhs[t] = 0.0, -(value - _FIX_SLACK)
    return z_coef, rhs


def _fix(fixed, z, duals, probs):
    """Fix the active types a stage proved cannot rise above ``z`` (positive dual; complementary slackness)."""
    active = [t for t in range(len(duals)) if t not in fixed]
    newly = [t for t in active if duals[t] > _DUAL_TOL and probs[t] <= z + 1e-7]
    for t in newly or [max(active, key=lambda t: duals[t])]:
        fixed[t] = z
