"""Method of Equal Shares on grouped ballots: fast floats, exact decisions.

Every voter starts with ``b0`` (budget / voters). A project j costs c_j and
is paid by its supporters: voter g pays ``min(b_g, lam * w_gj)`` where
``w_gj`` is 1 for approval ballots (cost satisfaction: everybody pays the same
share) and the utility for points/Borda ballots. The price per unit of
satisfaction is ``rho = lam / c_j`` (approval) or ``rho = lam`` (points).
Each round funds the affordable project with the smallest rho.

Add1 (:func:`mes_add1`) skips the budget increments whose run provably has
the same outcome as the current one; the certificate, its lemma and the float
replays it needs are in :mod:`.mes_jump`.

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

from deliberatie.core.budget.mes_jump import check_round, dot, gap_after_change, jump_bar, predict_change, settle

TOL = 1e-9
_NEVER = np.iinfo(np.int64).max


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
        total = dot(b, m)
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
            poor_money += dot(b[new_poor], m[new_poor])
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

    def priced_above(self, ref, t, entry):
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
        order (the lemma in :mod:`.mes_jump`): besides the ordinary lazy
        evaluation, every project whose lower bound on the price is not clearly
        above the price ``ref`` paid in the same round is evaluated; each must be
        above it (compared exactly when close), else it is a doubt for
        :func:`.mes_jump._refine`.
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
            bar = jump_bar(self, ref, t)
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
                check_round(self, ref, t, j, evaluated, bar)
            self.sel.append(j)
            self.sel_round[j] = t
            self.rho.append(rho)
            self.lamf.append(lamf)
            self.pay(j, t, lamf, lam_x)
            active.remove(j)
            t += 1
        if self.certified:
            settle(self, ref)
        return self.sel


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
    skipped: the run at the next probe is made with the current one as ``ref``
    and certifies it (the lemma and its checks are in :mod:`.mes_jump`).

    The skipped runs have the current selection, so they neither overspend nor
    end the loop. The jump length doubles after each certified jump; after a
    refused one the next try is guessed by :func:`.mes_jump.predict_change` (or halved);
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
                k, run, gap = c, new, gap_after_change(run, new, c, last, refused)
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
                gap = gap_after_change(run, probe, c, last, refused)
                k, run, predicted = c, probe, False
                refused = {s: r for s, r in refused.items() if s > k}
                break
            refused[c] = probe
            guess = predict_change(run, probe, b0, k, c)
            predicted = guess is not None
            gap = max(1, guess - k) if predicted else max(1, (c - k) // 2)
