"""Write a fractional composition as a mix of panels by walking down the faces of the polytope.

The LP relaxation ``P`` of the panel constraints (``0 <= x <= sizes``, panel
size, quotas, households) contains every panel. Given a point ``x`` of ``P``,
take a panel ``c`` in the smallest face of ``P`` that holds ``x`` (every bound
and quota tight at ``x`` is tight at ``c``) and move away from it:
``x' = (x - lam c) / (1 - lam)`` with the largest ``lam`` that keeps ``x'`` in
``P``. Then ``x = lam c + (1 - lam) x'``, ``x'`` lies in the same face with at
least one more constraint tight, so after at most ``dim P + 1`` steps ``x`` is
a mix of panels (Carathéodory). Each step needs one panel in a face: the LP
vertex of the face, rounded by a small integer program over its fractional
types and their closest rivals, the neighbourhood growing to every type when
that fails.

A face can hold points of ``P`` but no panel (``P`` is not integral with three
or more categories); the walk then stops early and returns the panels found,
for column generation to finish from. Weights are not returned: the caller's
master LP recomputes them exactly from the panels.
"""

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import vstack

_TIGHT = 1e-9  # a constraint within this of its bound counts as tight
_FRACTIONAL = 1e-7
_DUST = 1e-9  # mass left below which the walk stops


def walk(model, target, *, progress=None):
    """Panels whose mix comes close to the composition ``target`` (a point of the relaxation).

    Returns a list of integer compositions, in the order found; ``progress``
    is called with the share of ``target`` covered so far.
    """
    sizes = model.sizes
    ntypes, nhouse = len(sizes), model.household_matrix.shape[0]
    rows = vstack([np.ones((1, ntypes)), model.quota_matrix, model.household_matrix]).tocsc()
    lower = np.array([model.k] + [q.min for q in model.quotas] + [-np.inf] * nhouse, dtype=float)
    upper = np.array([model.k] + [q.max for q in model.quotas] + [1.0] * nhouse, dtype=float)
    everyone = np.arange(ntypes, dtype=np.int32)
    nrows = rows.shape[0]
    lp = model.highs_model(integer=False)
    rng = np.random.default_rng(0)

    x = np.clip(np.asarray(target, dtype=float), 0.0, sizes)
    mass, panels = 1.0, []
    for _ in range(4 * ntypes + 10):
        # the smallest face holding x: tight bounds and rows become equalities
        col_lo = np.where(x >= sizes - _TIGHT, sizes, 0.0)
        col_hi = np.where(x <= _TIGHT, 0.0, sizes)
        rx = rows @ x
        row_lo = np.where(rx >= upper - _TIGHT, upper, lower)
        row_hi = np.where(rx <= lower + _TIGHT, lower, upper)
        lp.changeColsBounds(ntypes, everyone, col_lo, col_hi)
        lp.changeRowsBounds(nrows, np.arange(nrows, dtype=np.int32), row_lo, row_hi)
        # prefer types with much left to cover: larger steps
        share = x / sizes
        lp.changeColsCost(ntypes, everyone, -share * (1 + 1e-3 * rng.random(ntypes)))
        panel = _panel_in_face(lp, rows, share, col_lo, col_hi, row_lo, row_hi)
        if panel is None:
            break
        step = _largest_step(x, panel, sizes, rx, rows @ panel, lower, upper)
        panels.append(panel.astype(np.int64))
        if step >= 1 - 1e-12:
            mass = 0.0
            break
        x = np.clip((x - step * panel) / (1 - step), 0.0, sizes)
        mass *= 1 - step
        if progress is not None:
            progress(1.0 - mass)
        if mass < _DUST:
            break
    return panels


def _panel_in_face(lp, rows, share, col_lo, col_hi, row_lo, row_hi):
    """A panel in the face: the LP vertex, rounded where it is fractional.

    Only the vertex's fractional types and the types with the smallest
    reduced costs (those the LP was nearly indifferent about) may move, in a
    small integer program of their own; the neighbourhood grows when that
    fails, ending with every type free.
    """
    lp.run()
    if lp.getModelStatus() != lp.getModelStatus().__class__.kOptimal:
        return None
    solution = lp.getSolution()
    vertex = np.asarray(solution.col_value)
    rounded = np.rint(vertex)
    fractional = np.abs(vertex - rounded) > _FRACTIONAL
    if not fractional.any():
        return rounded
    closeness = np.argsort(np.abs(np.asarray(solution.col_dual)), kind="stable")
    free = fractional.copy()
    for size in (10, 40, len(share)):
        free[closeness[: size * int(fractional.sum())]] = True
        kept = np.where(free, 0.0, rounded)
        sub = rows[:, free]
        fixed_part = rows @ kept
        res = milp(-share[free], integrality=np.ones(int(free.sum())), bounds=Bounds(col_lo[free], col_hi[free]),
                   constraints=LinearConstraint(sub, row_lo - fixed_part, row_hi - fixed_part),
                   options={"mip_rel_gap": 1e9})
        if res.x is not None:
            kept[free] = np.rint(res.x)
            return kept
    return None


def _largest_step(x, panel, sizes, rx, rc, lower, upper):
    """Largest ``lam <= 1`` with ``(x - lam panel) / (1 - lam)`` still in the relaxation.

    A constraint with slack ``g`` at ``x`` and ``h`` at the panel keeps slack
    ``(g - lam h) / (1 - lam)``: the ratio test is ``lam <= g / h``.
    """
    ratios = [np.ones(1)]
    for slack_x, slack_c in ((x, panel), (sizes - x, sizes - panel), (upper - rx, upper - rc), (rx - lower, rc - lower)):
        limiting = np.isfinite(slack_c) & (slack_c > 0.5)  # slacks at a panel are integers; inf: no bound
        ratios.append(np.maximum(slack_x[limiting], 0.0) / slack_c[limiting])
    return float(np.concatenate(ratios).min())
