"""The Add1 jump certificate: when a run of MES at a higher budget has the same outcome.

Add1 (:func:`.mes.mes_add1`) skips the runs whose outcome provably equals the
current one. Lemma: if the runs at per-voter budgets ``a < c`` select the same
projects in the same order, so does every run at ``d`` in ``[a, c]``,
provided that in every round ``t`` each project other than the chosen one
``j_t`` is, in the run at ``c``, unaffordable, or priced strictly above the
price ``rho_t(a)`` that ``j_t`` had in the run at ``a``, or priced exactly
``rho_t(a)`` while losing the tie-break to ``j_t``. Proof, by induction on
the rounds. While the first ``t`` choices agree, every voter's money before
round ``t`` is non-decreasing in the starting budget: a better-funded group
of supporters pays a lower price factor (``sum min(budget, lam * w)`` reaches
the cost at a smaller ``lam``), so after paying every voter keeps at least
as much. Hence, in round ``t`` at ``d``: ``j_t`` is affordable (it was at
``a``) and its price is at most ``rho_t(a)``; every other project is
unaffordable (it was at ``c``, where its supporters had more money) or its
price is at least its price at ``c``, so above ``rho_t(a)``, or equal to it
and losing the tie-break. So round ``t`` at ``d`` chooses ``j_t``; after the
last round nothing is affordable at ``d`` because nothing is at ``c``.

The run at ``c`` checks the condition as it goes (:meth:`.mes.MESRun.run` with
``ref``, which calls :func:`jump_bar`, :func:`check_round` and :func:`settle`):
prices in floats with the relative margin ``JUMP_TOL`` (far above their
rounding error), equal prices exactly. When two prices fall together
the condition can fail although the order never changes; such a doubtful
pair is re-checked on sub-intervals of ``[a, c]`` (the lemma applied to each
piece, see :func:`_refine`). Any remaining doubt refuses the jump.

The float replays of MES rounds that the refinement and Add1's guesses use are
here too (:func:`_price`, :func:`_replay_prices`); they need the prepared arrays
of :class:`.mes.Prepared` and a run's ``sel``, ``rho``, ``b0`` and ``p``, not
the module :mod:`.mes` itself, which imports this one.
"""

from __future__ import annotations

import numpy as np

JUMP_TOL = 1e-9  # relative margin of the Add1 jump certificate (see the lemma above)
# Add1 refinement (see _refine): at most MAX_DOUBTS doubtful pairs per jump, each
# bisected into at most 2**REFINE_DEPTH pieces. Prices that fall together stay
# close over long stretches: depth 4 refused 271 of Budapest 2024's 865
# refinements, depth 12 none, and it needs fewer replays (each refused jump
# costs more MES runs than a deep refinement costs replays).
MAX_DOUBTS = 4
REFINE_DEPTH = 12

# OpenBLAS spreads a dot product of more than 10,000 elements over threads; on a
# busy machine the hand-off costs up to 100 times the arithmetic (Warszawa 2026
# Add1: 7.3 s instead of 2.3 s). Longer vectors are summed in chunks below that.
_CHUNK = 8192


def dot(a, b):
    """``a @ b`` for 1-D float arrays, never multi-threaded."""
    n = len(a)
    if n <= _CHUNK:
        return float(a @ b)
    return float(sum(a[i:i + _CHUNK] @ b[i:i + _CHUNK] for i in range(0, n, _CHUNK)))


def jump_bar(run, ref, t):
    """Round ``t`` of ``run`` certifying ``ref``: every project priced up to this bar is evaluated."""
    if run.certified and t < len(ref.rho):
        return ref.rho[t] * (1 + JUMP_TOL)
    return -np.inf


def check_round(run, ref, t, j, evaluated, bar):
    """After ``run`` chose ``j`` in round ``t``: same choice as ``ref``, and every other
    evaluated project ``(project, rho, lam)`` up to ``bar`` clearly above ``ref``'s price?
    Sets ``run.certified``; a project not clearly above is a doubt for :func:`settle`."""
    run.certified = t < len(ref.sel) and j == ref.sel[t]
    low = ref.rho[t] * (1 - JUMP_TOL) if run.certified else 0.0
    for e in evaluated:
        # exact comparison only where floats cannot tell (equal prices)
        if run.certified and e[0] != j and e[1] <= bar and \
                (e[1] < low or not run.priced_above(ref, t, e)):
            run.doubts.append((t, e[0], e[1]))


def settle(run, ref):
    """At the end of a certified ``run``: as many rounds as ``ref``, and every doubt refined away."""
    if len(run.sel) != len(ref.sel):
        run.certified = False
    if run.certified and run.doubts:
        # each refinement costs replays; many doubts mean a change is near anyway
        # (a jump of one unit gains nothing from them: that run is made anyway)
        run.certified = len(run.doubts) <= MAX_DOUBTS and run.b0 - ref.b0 > 1 and \
            all(_refine(ref, run, *d) for d in run.doubts)


def _price(p, j, b):
    """Float price factor and poor mask for project ``j``'s supporters with
    budgets ``b``; None if they cannot pay its cost."""
    m, mw, c = p.m[j], p.mw[j], p.costf[j]
    if dot(b, m) < c:
        return None
    ratio = b if p.cost_sat else b / p.w[j]
    rich_w = float(p.wsum[j])  # exact: an integer far below 2**53
    lam = c / rich_w
    if ratio.min() >= lam:
        return lam, None
    poor = np.zeros(len(b), dtype=bool)
    poor_money = 0.0
    while True:
        new = ~poor & (ratio < lam)
        if not new.any():
            return lam, poor
        poor |= new
        poor_money += dot(b[new], m[new])
        rich_w -= float(mw[new].sum())
        if rich_w <= 0:
            return float(ratio.max()), poor | True
        lam = (c - poor_money) / rich_w


def _replay_prices(ref, b, t, k):
    """Prices (rho) of ``ref``'s round-``t`` choice and of project ``k`` in round ``t``
    of a run at per-voter budget ``b`` (float) that makes ``ref``'s first ``t``
    choices; ``k``'s price is ``inf`` when it is unaffordable there. Where floats
    cannot tell an earlier choice affordable, ``(inf, -inf)``: no conclusion."""
    p = ref.p
    cs = p.cost_sat
    f = np.full(len(p.mult), b)
    for r in range(t):
        j = ref.sel[r]
        g = p.groups[j]
        fg = f[g]
        res = _price(p, j, fg)
        if res is None:
            return [np.inf, -np.inf]
        lam, poor = res
        left = fg - (lam if cs else lam * p.w[j])
        if poor is not None:
            left[poor] = 0.0
        f[g] = left
    out = []
    for j in (ref.sel[t], k):
        g = p.groups[j]
        res = _price(p, j, f[g])
        out.append(np.inf if res is None else res[0] / p.costf[j] if cs else res[0])
    return out


def _refine(ref, run, t, k, price_k, depth=None):
    """Certify round ``t`` between ``ref`` and ``run`` for one close competitor ``k``.

    The plain certificate compares ``k``'s price at the high budget with the chosen
    project's price at the low one; when both prices fall together that fails even
    though ``k`` never wins. The same monotonicity argument holds on any
    sub-interval (the first ``t`` choices are already certified on the whole
    interval), so the interval is bisected up to ``2**depth`` pieces, each checked
    with both prices recomputed at its ends by replaying ``ref``'s first ``t``
    choices. Floats with the margin ``JUMP_TOL``; any doubt refuses.
    """
    depth = REFINE_DEPTH if depth is None else depth
    lo, hi = float(ref.b0), float(run.b0)
    values = {lo: (ref.rho[t], None), hi: (None, price_k)}
    stack = [(lo, hi, 0)]
    while stack:
        a, c, level = stack.pop()
        if values[a][0] is None:
            values[a] = tuple(_replay_prices(ref, a, t, k))
        if values[c][1] is None:
            values[c] = tuple(_replay_prices(ref, c, t, k))
        if values[c][1] > values[a][0] * (1 + JUMP_TOL):
            continue
        if level >= depth:
            return False
        mid = (a + c) / 2
        if not a < mid < c:
            return False
        values[mid] = (None, None)
        stack += [(mid, c, level + 1), (a, mid, level + 1)]
    return True


def predict_change(run, probe, b0, k, c):
    """Guess the last step in ``(k, c)`` before ``run``'s order changes (None: no guess).

    Only a guess that saves MES runs: ``probe`` (at step ``c``) first differs from
    ``run`` (at step ``k``) in some round, where it chose another project; the
    step at which that project would overtake ``run``'s choice is bisected with
    cheap replays of ``run``'s first choices. The jump made to the guess is
    still certified.
    """
    t = next((i for i, (x, y) in enumerate(zip(run.sel, probe.sel)) if x != y), None)
    if t is None:
        return None
    other = probe.sel[t]
    lo, hi = k, c
    while hi - lo > 1:
        mid = (lo + hi) // 2
        mine, theirs = _replay_prices(run, float(b0 + mid), t, other)
        if theirs > mine:
            lo = mid
        else:
            hi = mid
    return lo


def gap_after_change(old, new, k, last, refused):
    """First jump from step ``k`` (run ``new``, after ``old``): half the last
    certified jump; when the order changed, at least as far as the furthest
    refused probe with the new order (met while looking for the change: most
    likely the same stretch, and a refused guess costs one run)."""
    gap = max(1, last // 2)
    if new.sel != old.sel:
        ahead = [s - k for s, r in refused.items() if s > k and r.sel == new.sel]
        gap = max([gap] + ahead)
    return gap
