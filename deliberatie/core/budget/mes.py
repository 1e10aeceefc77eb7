"""Method of Equal Shares on grouped ballots: fast floats, exact decisions.

Every voter starts with ``b0`` (budget / voters). A project j costs c_j and
is paid by its supporters: voter g pays ``min(b_g, lam * w_gj)`` where
``w_gj`` is 1 for approval ballots (cost satisfaction: everybody pays the same
share) and the utility for points/Borda ballots. The price per unit of
satisfaction is ``rho = lam / c_j`` (approval) or ``rho = lam`` (points).
Each round funds the affordable project with the smallest rho.

Add1 (:func:`mes_add1`) skips the budget increments whose run provably has
the same outcome as the current one; see the lemma there.

Speed: budgets are float64 and projects are re-evaluated lazily (a project's
rho never decreases, so an old value is a lower bound). Exactness: every
exact budget is ``b0 - sum_r lam_r * w_g,sel_r`` (or 0 once a voter has paid
all it had), a linear form with integer coefficients in the exact prices of
earlier rounds. Whenever floats cannot decide a comparison with a wide margin
(two projects' rho, a voter's budget against its share, a project's
affordability), the exact values are computed from those linear forms with
:class:`fractions.Fraction`. The outcome is therefore the exact MES outcome.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

TOL = 1e-9
JUMP_TOL = 1e-9  # relative margin of the Add1 jump certificate (see mes_add1)
# Add1 refinement (see _refine): at most MAX_DOUBTS doubtful pairs per jump, each
# bisected into at most 2**REFINE_DEPTH pieces. Prices that fall together stay
# close over long stretches: depth 4 refused 271 of Budapest 2024's 865
# refinements, depth 12 none, and it needs fewer replays (each refused jump
# costs more MES runs than a deep refinement costs replays).
MAX_DOUBTS = 4
REFINE_DEPTH = 12
_NEVER = np.iinfo(np.int64).max
# OpenBLAS spreads a dot product of more than 10,000 elements over threads; on a
# busy machine the hand-off costs up to 100 times the arithmetic (Warszawa 2026
# Add1: 7.3 s instead of 2.3 s). Longer vectors are summed in chunks below that.
_CHUNK = 8192


def _dot(a, b):
    """``a @ b`` for 1-D float arrays, never multi-threaded."""
    n = len(a)
    if n <= _CHUNK:
        return float(a @ b)
    return float(sum(a[i:i + _CHUNK] @ b[i:i + _CHUNK] for i in range(0, n, _CHUNK)))


class Prepared:
    """Per-project supporter arrays, independent of the voters' budget."""

    def __init__(self, profile, *, cost_sat):
        self.profile = profile
        self.cost_sat = cost_sat
        self.mult = profile.mult
        self.multf = profile.mult.astype(float)
        util = profile.util
        self.util = util
        pattern = (util > 0).astype(np.int64)
        self.coef_t = (pattern if cost_sat else util).T.tocsr()
        csc = util.tocsc()
        self.groups, self.w, self.mw, self.wsum, self.m = [], [], [], [], []
        for j in range(profile.n_projects):
            lo, hi = csc.indptr[j], csc.indptr[j + 1]
            g = csc.indices[lo:hi].astype(np.int64)
            w = csc.data[lo:hi].astype(np.int64)
            if cost_sat:
                w = np.ones_like(w)
            self.groups.append(g)
            self.w.append(w.astype(float))
            self.m.append(self.multf[g])
            self.mw.append(self.multf[g] * w)
            self.wsum.append(int((profile.mult[g] * w).sum()))
        self.costs = [Fraction(c) for c in profile.costs]
        self.costf = [float(c) for c in profile.costs]
        support = profile.total_util()
        # with cost satisfaction a free project satisfies nobody (pabutools' Cost_Sat)
        self.zero_cost = [j for j in range(profile.n_projects)
                          if support[j] > 0 and self.costs[j] == 0 and not cost_sat]
        self.candidates = [j for j in range(profile.n_projects)
                           if support[j] > 0 and self.costs[j] > 0]
        # rho >= cost / (lam * sum of weights): a lower bound on a project's price in
        # any round (nobody pays more than an equal share lam * w), slightly lowered
        # so that rounding cannot lift it above the true value
        self.floor = {j: (1.0 / self.wsum[j] if cost_sat else self.costf[j] / self.wsum[j])
                      * (1 - 1e-12) for j in self.candidates}


class MESRun:
    """One run of MES with per-voter budget ``b0``; see :func:`run_mes`."""

    def __init__(self, prep, b0, key, excluded=()):
        self.p = prep
        self.b0 = Fraction(b0)
        self.key = key
        ngroups = len(prep.mult)
        self.f = np.full(ngroups, float(self.b0))
        self.zr = np.full(ngroups, _NEVER, dtype=np.int64)
        self.sel_round = np.full(prep.profile.n_projects, -1, dtype=np.int64)
        self.sel, self.lamf, self.lamx, self.rho = [], [], {}, []
        self.scale = float(self.b0) if self.b0 > 0 else 1.0
        self.excluded = set(excluded)
        # per-run supporter arrays, compacted as voters run out of money
        self.G = list(prep.groups)
        self.M = list(prep.m)
        self.W = list(prep.w)
        self.MW = list(prep.mw)

    # ---- exact side -------------------------------------------------------
    def _weights_row(self, g):
        util = self.p.util
        lo, hi = util.indptr[g], util.indptr[g + 1]
        cols = util.indices[lo:hi]
        vals = np.ones(hi - lo, dtype=np.int64) if self.p.cost_sat else util.data[lo:hi]
        return cols, vals

    def exact_budget(self, g, t):
        """Exact budget of group ``g`` before the payments of round ``t``."""
        if self.zr[g] < t:
            return Fraction(0)
        value = self.b0
        cols, vals = self._weights_row(g)
        for j, w in zip(cols, vals):
            r = self.sel_round[j]
            if 0 <= r < t:
                value -= int(w) * self.lam_exact(r)
        return value

    def exact_sum(self, groups, t):
        """Exact sum of ``mult * budget`` over ``groups`` (all alive at round ``t``)."""
        if len(groups) == 0:
            return Fraction(0)
        vec = np.zeros(len(self.p.mult), dtype=np.int64)
        vec[groups] = self.p.mult[groups]
        coef = self.p.coef_t @ vec
        total = self.b0 * int(vec.sum())
        for r in range(t):
            a = int(coef[self.sel[r]])
            if a:
                total -= a * self.lam_exact(r)
        return total

    def lam_exact(self, r):
        """Exact price factor of round ``r`` (memoised)."""
        if r in self.lamx:
            return self.lamx[r]
        j = self.sel[r]
        g = self.p.groups[j]
        zr = self.zr[g]
        poor = g[zr == r]
        rich = g[zr > r]
        denom = int((self.p.mult[rich] * self.p.w[j][zr > r].astype(np.int64)).sum())
        lam = (self.p.costs[j] - self.exact_sum(poor, r)) / denom if denom else None
        self.lamx[r] = lam
        return lam

    # ---- float side ---------------------------------------------------------
    def _alive(self, j, t):
        g = self.p.groups[j]
        mask = self.zr[g] >= t
        return g[mask], self.p.w[j][mask], self.p.mw[j][mask]

    def evaluate(self, j, t):
        """Float ``(rho, lam)`` of project ``j`` now, or None when unaffordable."""
        g = self.G[j]
        b = self.f[g]
        m = self.M[j]
        c = self.p.costf[j]
        total = _dot(b, m)
        if total < c * (1 - TOL):
            return None
        if total <= c * (1 + TOL) + TOL * self.scale:
            alive = self.p.groups[j][self.zr[self.p.groups[j]] >= t]
            if self.exact_sum(alive, t) < self.p.costs[j]:
                return None
        if np.count_nonzero(b) < len(b):
            # voters with nothing left never pay again: drop them for good in this run
            pos = b > 0
            self.G[j] = g = g[pos]
            self.M[j] = m = m[pos]
            self.W[j] = self.W[j][pos]
            self.MW[j] = self.MW[j][pos]
            b = b[pos]
        mw = self.MW[j]
        ratio = b if self.p.cost_sat else b / self.W[j]
        poor_money, rich_w = 0.0, mw.sum()
        lam = c / rich_w
        if ratio.min() >= lam:  # everybody can pay an equal share: the common case
            return (lam / c if self.p.cost_sat else lam), lam
        # poor/rich iteration: the price only rises as poor voters drop out
        rich = None
        while True:
            new_poor = ratio < lam if rich is None else rich & (ratio < lam)
            if not new_poor.any():
                break
            poor_money += _dot(b[new_poor], m[new_poor])
            rich_w -= mw[new_poor].sum()
            rich = ~new_poor if rich is None else rich & ~new_poor
            if rich_w <= 0:
                lam = ratio.max()
                break
            lam = (c - poor_money) / rich_w
        rho = lam / c if self.p.cost_sat else lam
        return rho, lam

    def exact_lam_now(self, j, t, lamf):
        """Exact price factor of project ``j`` at round ``t`` and the exact poor groups."""
        g, w, _ = self._alive(j, t)
        b = self.f[g]
        ratio = b / w
        band = TOL * max(lamf, 1e-300) + TOL * self.scale
        clear_poor = ratio < lamf - band
        amb = np.nonzero(np.abs(ratio - lamf) <= band)[0]
        amb_exact = sorted(((self.exact_budget(int(g[i]), t) / int(w[i]), int(i)) for i in amb))
        rich_mask = ~clear_poor
        c = self.p.costs[j]
        poor_sum = self.exact_sum(g[clear_poor], t)
        mult = self.p.mult
        rich_w = int((mult[g[rich_mask]] * w[rich_mask].astype(np.int64)).sum())
        for k in range(len(amb_exact) + 1):
            lam = (c - poor_sum) / rich_w if rich_w else None
            if k == len(amb_exact) or lam is None or lam <= amb_exact[k][0]:
                break
            ratio_k, i = amb_exact[k]
            poor_sum += mult[g[i]] * ratio_k * int(w[i])
            rich_w -= int(mult[g[i]] * int(w[i]))
        poor_exact = {i for r, i in amb_exact if lam is None or r <= lam}
        return lam, g, w, clear_poor, amb, poor_exact, amb_exact

    def rho_exact(self, j, t, lamf):
        lam = self.exact_lam_now(j, t, lamf)[0]
        return (lam / self.p.costs[j] if self.p.cost_sat else lam), lam

    def _above(self, ref, t, entry):
        """Exactly: does project ``entry`` cost more now than ``ref``'s round-``t`` choice
        paid, or as much while losing the tie-break to it?"""
        k, _, lamf = entry
        mine = self.rho_exact(k, t, lamf)[0]
        lam = ref.lam_exact(t)
        if mine is None or lam is None:
            return False
        theirs = lam / self.p.costs[ref.sel[t]] if self.p.cost_sat else lam
        return mine > theirs or (mine == theirs and self.key[ref.sel[t]] < self.key[k])

    def pay(self, j, t, lamf, lam_x=None):
        g, w, _ = self._alive(j, t)
        ratio = self.f[g] / w
        band = TOL * lamf + TOL * self.scale
        if np.any(np.abs(ratio - lamf) <= band):
            lam, g, w, clear_poor, amb, poor_exact, amb_exact = self.exact_lam_now(j, t, lamf)
            self.lamx[t] = lam
            exact_b = {i: r * int(w[i]) for r, i in amb_exact}
            poor = clear_poor.copy()
            for i in poor_exact:
                poor[i] = True
            rich = ~poor
            self.f[g[rich]] -= lamf * w[rich]
            for i in amb:
                if i not in poor_exact:
                    self.f[g[i]] = float(exact_b[i] - lam * int(w[i]))
        else:
            if lam_x is not None:
                self.lamx[t] = lam_x
            poor = ratio < lamf
            self.f[g[~poor]] -= lamf * w[~poor]
        self.f[g[poor]] = 0.0
        self.zr[g[poor]] = t

    def run(self, ref=None):
        """Run MES; with ``ref`` (an earlier run at a lower budget) also certify it.

        ``self.certified`` then tells whether every run with a per-voter budget
        between ``ref.b0`` and ``self.b0`` selects the same projects in the same
        order (the lemma in :func:`mes_add1`): besides the ordinary lazy
        evaluation, every project whose lower bound on the price is not clearly
        above the price ``ref`` paid in the same round is evaluated; each must be
        above it (compared exactly when close), else it is a doubt for
        :func:`_refine`.
        """
        p = self.p
        active = [j for j in p.candidates if j not in self.excluded]
        # lower bounds on every price: all supporters paying an equal share
        stale = {j: p.floor[j] for j in active}
        self.certified = ref is not None
        self.doubts = []  # (round, project, price here) not clearly above ref's price
        t = 0
        while active:
            active.sort(key=lambda j: stale[j])
            bar = -np.inf
            if self.certified and t < len(ref.rho):
                bar = ref.rho[t] * (1 + JUMP_TOL)
            best, evaluated, dropped = np.inf, [], []
            for j in active:
                if stale[j] > max(best * (1 + TOL), bar) + 1e-300:
                    break
                res = self.evaluate(j, t)
                if res is None:
                    dropped.append(j)
                    continue
                stale[j] = res[0]
                evaluated.append((j, res[0], res[1]))
                best = min(best, res[0])
            for j in dropped:
                active.remove(j)
            if not evaluated:
                break
            near = [e for e in evaluated if e[1] <= best * (1 + TOL)]
            lam_x = None
            if len(near) > 1:
                exact = [(*self.rho_exact(j, t, lamf), j, lamf) for j, _, lamf in near]
                exact.sort(key=lambda e: (e[0], self.key[e[2]]))
                rho_x, lam_x, j, lamf = exact[0]
                rho = float(rho_x)
            else:
                j, rho, lamf = near[0]
            if self.certified:
                self.certified = t < len(ref.sel) and j == ref.sel[t]
                low = ref.rho[t] * (1 - JUMP_TOL) if self.certified else 0.0
                for e in evaluated:
                    # exact comparison only where floats cannot tell (equal prices)
                    if self.certified and e[0] != j and e[1] <= bar and \
                            (e[1] < low or not self._above(ref, t, e)):
                        self.doubts.append((t, e[0], e[1]))
            self.sel.append(j)
            self.sel_round[j] = t
            self.rho.append(rho)
            self.lamf.append(lamf)
            self.pay(j, t, lamf, lam_x)
            active.remove(j)
            t += 1
        if self.certified and len(self.sel) != len(ref.sel):
            self.certified = False
        if self.certified and self.doubts:
            # each refinement costs replays; many doubts mean a change is near anyway
            # (a jump of one unit gains nothing from them: that run is made anyway)
            self.certified = len(self.doubts) <= MAX_DOUBTS and self.b0 - ref.b0 > 1 and \
                all(_refine(ref, self, *d) for d in self.doubts)
        return self.sel


def _price(p, j, b):
    """Float price factor and poor mask for project ``j``'s supporters with
    budgets ``b``; None if they cannot pay its cost."""
    m, mw, c = p.m[j], p.mw[j], p.costf[j]
    if _dot(b, m) < c:
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
        poor_money += _dot(b[new], m[new])
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


def _predict_change(run, probe, b0, k, c):
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


def _gap_after_change(old, new, k, last, refused):
    """First jump from step ``k`` (run ``new``, after ``old``): half the last
    certified jump; when the order changed, at least as far as the furthest
    refused probe with the new order (met while looking for the change: most
    likely the same stretch, and a refused guess costs one run)."""
    gap = max(1, last // 2)
    if new.sel != old.sel:
        ahead = [s - k for s, r in refused.items() if s > k and r.sel == new.sel]
        gap = max([gap] + ahead)
    return gap


def initial_selection(prep, key):
    """Supported projects that cost nothing: funded before MES starts."""
    return sorted(prep.zero_cost, key=lambda j: key[j])


def run_mes(prep, b0, key, ref=None):
    """One MES run; returns the :class:`MESRun` (selection in ``sel``)."""
    run = MESRun(prep, b0, key)
    run.run(ref)
    run.initial = initial_selection(prep, key)
    return run


def _cost(prep, selection):
    return sum((prep.costs[j] for j in selection), Fraction(0))


def mes_add1(prep, key, *, exhaustive_stop, max_runs=1_000_000, jump=True):
    """MES with the per-voter budget raised by one unit per run.

    Starts at budget / voters; returns the last outcome that fits the budget.
    With ``exhaustive_stop`` (pabutools' ``voter_budget_increment=1``) it also
    stops at the first outcome to which no candidate can be added. Returns the
    final :class:`MESRun` (``None`` if even the first run overspends; its
    ``mes_runs`` counts the MES runs actually made) and the number of runs the
    definition makes (``max_runs`` bounds it).

    With ``jump``, runs whose outcome provably equals the current one are
    skipped. Lemma: if the runs at per-voter budgets ``a < c`` select the same
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

    The run at ``c`` checks the condition as it goes (:meth:`MESRun.run` with
    ``ref``): prices in floats with the relative margin ``JUMP_TOL`` (far above
    their rounding error), equal prices exactly. When two prices fall together
    the condition can fail although the order never changes; such a doubtful
    pair is re-checked on sub-intervals of ``[a, c]`` (the lemma applied to each
    piece, see :func:`_refine`). Any remaining doubt refuses the jump.

    The skipped runs have the current selection, so they neither overspend nor
    end the loop. The jump length doubles after each certified jump; after a
    refused one the next try is guessed by :func:`_predict_change` (or halved);
    a refused jump of one unit is an ordinary step. Refused probes are kept
    while ahead: no probe goes at or beyond one with another order, one made at
    the next step is reused, and after a change of order the first jump reaches
    the furthest one with the new order. The run returned is always
    one made at the exact budget the definition returns, so prices and leftover
    money in the explanations are those of the definition.
    """
    budget = Fraction(prep.profile.budget)
    b0 = budget / prep.profile.voters
    cands = prep.candidates
    made = 0

    def at(k, ref=None):
        nonlocal made
        made += 1
        return run_mes(prep, b0 + k, key, ref)

    def finish(run, steps):
        if run is not None:
            run.mes_runs = made
        return run, steps

    previous, k, run, gap, last, predicted = None, 0, at(0), 1, 1, False
    refused = {}  # step -> refused probe ahead of k (real runs: reused at k + 1)
    while True:
        spent = _cost(prep, run.sel) + _cost(prep, run.initial)
        if spent > budget:
            if previous is not None and previous.b0 != b0 + k - 1:
                previous = at(k - 1)
            return finish(previous, k + 1)
        chosen = set(run.sel)
        rest = [j for j in cands if j not in chosen]
        if not rest:
            return finish(run, k + 1)
        if exhaustive_stop and all(spent + prep.costs[j] > budget for j in rest):
            return finish(run, k + 1)
        if k + 1 >= max_runs:
            return finish(run, max_runs)
        previous = run
        if not jump:
            k += 1
            run = at(k)
            continue
        while True:
            c = min(k + gap, max_runs - 1)
            # not at or beyond a probe already refused with another order
            c = max(k + 1, min([c] + [s - 1 for s, r in refused.items()
                                      if s > k and r.sel != run.sel]))
            if c == k + 1 and c in refused:
                new = refused.pop(c)
                k, run, gap = c, new, _gap_after_change(run, new, c, last, refused)
                break
            probe = at(c, ref=run)
            if probe.certified:
                last = c - k
                k, run = c, probe
                gap = 1 if predicted else 2 * gap
                predicted = False
                refused = {s: r for s, r in refused.items() if s > k}
                break  # same outcome: the checks above give the same answer
            if c == k + 1:
                gap = _gap_after_change(run, probe, c, last, refused)
                k, run, predicted = c, probe, False
                refused = {s: r for s, r in refused.items() if s > k}
                break
            refused[c] = probe
            guess = _predict_change(run, probe, b0, k, c)
            predicted = guess is not None
            gap = max(1, guess - k) if predicted else max(1, (c - k) // 2)
