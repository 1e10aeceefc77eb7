"""Per-statement statistics: pol.is repness, consensus and group-aware consensus.

Counts come from sparse products (group indicator × agree/disagree/voted
matrices), so this stays fast for 20,000 × 1,000 conversations.
"""

import math

import numpy as np
import scipy.sparse as sp

# one-sided 90% critical value of the standard normal (pol.is ``z-90``)
Z90 = 1.2815515655446004


def z_for(confidence):
    """One-sided critical z for ``confidence`` (scipy-free inverse via erf bisection)."""
    if abs(confidence - 0.9) < 1e-12:
        return Z90
    lo, hi = -10.0, 10.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if 0.5 * (1 + math.erf(mid / math.sqrt(2))) < confidence:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def prop_test(succ, n):
    """pol.is one-proportion z-test against 1/2, with +1 smoothing."""
    succ, n = np.asarray(succ, float) + 1, np.asarray(n, float) + 1
    return 2 * np.sqrt(n) * (succ / n - 0.5)


def two_prop_test(succ_in, succ_out, n_in, n_out):
    """pol.is two-proportion z-test (group vs rest), with +1 smoothing."""
    s1, s2 = np.asarray(succ_in, float) + 1, np.asarray(succ_out, float) + 1
    n1, n2 = np.asarray(n_in, float) + 1, np.asarray(n_out, float) + 1
    p1, p2, p = s1 / n1, s2 / n2, (s1 + s2) / (n1 + n2)
    den = np.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (p1 - p2) / den
    return np.where(den > 0, z, 0.0)


def counts(agree, disagree, voted, labels, n_groups):
    """Agree, disagree and vote counts per group × statement (int arrays).

    ``agree``/``disagree``/``voted`` are CSR 0/1 matrices (participant ×
    statement); ``labels`` gives each participant's group, -1 for none.
    """
    n = voted.shape[0]
    member = labels >= 0
    ind = sp.csr_matrix(
        (np.ones(member.sum()), (labels[member], np.flatnonzero(member))), shape=(n_groups, n)
    )
    to_int = lambda m: np.rint(m.toarray()).astype(np.int64)  # noqa: E731
    return to_int(ind @ agree), to_int(ind @ disagree), to_int(ind @ voted)


def group_stats(na, nd, ns):
    """Repness statistics per group and statement (pol.is ``comment-stats``).

    Parameters
    ----------
    na, nd, ns : numpy.ndarray, shape (groups, statements)
        Agree, disagree and total (incl. pass) votes of the group's members.
    """
    out_na, out_nd, out_ns = na.sum(0) - na, nd.sum(0) - nd, ns.sum(0) - ns
    pa, pd = (na + 1) / (ns + 2), (nd + 1) / (ns + 2)
    pa_out, pd_out = (out_na + 1) / (out_ns + 2), (out_nd + 1) / (out_ns + 2)
    return {
        "na": na, "nd": nd, "ns": ns, "pa": pa, "pd": pd,
        "pat": prop_test(na, ns), "pdt": prop_test(nd, ns),
        "ra": pa / pa_out, "rd": pd / pd_out,
        "rat": two_prop_test(na, out_na, ns, out_ns),
        "rdt": two_prop_test(nd, out_nd, ns, out_ns),
    }


def _entry(st, g, c, direction):
    a = direction == "agree"
    return {
        "statement": c,
        "direction": direction,
        "n_success": int(st["na" if a else "nd"][g, c]),
        "n_trials": int(st["ns"][g, c]),
        "p_success": float(st["pa" if a else "pd"][g, c]),
        "p_test": float(st["pat" if a else "pdt"][g, c]),
        "repness": float(st["ra" if a else "rd"][g, c]),
        "repness_test": float(st["rat" if a else "rdt"][g, c]),
        "agree_share": float(st["na"][g, c] / st["ns"][g, c]) if st["ns"][g, c] else 0.0,
    }


def representative(st, eligible, *, pick_max=5, confidence=0.9):
    """Representative statements per group, as pol.is ``select-rep-comments``.

    A statement is representative for a group when both its in-group
    proportion and its difference from the rest are significant (agree or
    disagree); ranked by ``repness × repness-test × p × p-test``. The
    group's best-agreed statement goes first so every group shows what it
    supports, then agrees before disagrees.
    """
    z = z_for(confidence)
    result = []
    for g in range(st["na"].shape[0]):
        cols = np.flatnonzero(eligible)
        sig_a = (st["pat"][g, cols] > z) & (st["rat"][g, cols] > z)
        sig_d = (st["pdt"][g, cols] > z) & (st["rdt"][g, cols] > z)
        chosen = []
        for c, ok in zip(cols, sig_a | sig_d):
            if ok:
                d = "agree" if st["rat"][g, c] > st["rdt"][g, c] else "disagree"
                e = _entry(st, g, c, d)
                e["_metric"] = e["repness"] * e["repness_test"] * e["p_success"] * e["p_test"]
                chosen.append(e)
        chosen.sort(key=lambda e: (-e["_metric"], e["statement"]))
        head = _best_agree(st, g, cols, z)
        if head is None and not chosen:
            head = _best_overall(st, g, cols)
        if head is not None:
            chosen = [e for e in chosen if e["statement"] != head["statement"]]
            head["_metric"] = 0.0
            chosen = [head] + chosen
        chosen = chosen[:pick_max]
        chosen.sort(key=lambda e: e["direction"])  # stable: agrees before disagrees
        for e in chosen:
            e.pop("_metric")
        result.append(chosen)
    return result


def _best_agree(st, g, cols, z):
    best = None
    for c in cols:
        if st["na"][g, c] == 0 and st["nd"][g, c] == 0:
            continue
        ra, rat, pa, pat = st["ra"][g, c], st["rat"][g, c], st["pa"][g, c], st["pat"][g, c]
        if best is None:
            if pat > z or (ra > 1.0 and pa > 0.5):
                best = c
            continue
        b = best
        if st["ra"][g, b] > 1.0:
            better = ra * rat * pa * pat > st["ra"][g, b] * st["rat"][g, b] * st["pa"][g, b] * st["pat"][g, b]
        else:
            better = pa * pat > st["pa"][g, b] * st["pat"][g, b]
        if better:
            best = c
    return None if best is None else _entry(st, g, best, "agree") | {"best_agree": True}


def _best_overall(st, g, cols):
    if len(cols) == 0:
        return None
    score = np.maximum(st["rat"][g, cols], st["rdt"][g, cols])
    c = cols[int(np.argmax(score))]
    d = "agree" if st["rat"][g, c] > st["rdt"][g, c] else "disagree"
    return _entry(st, g, c, d)


def consensus(na, nd, ns, eligible, *, pick_max=5, confidence=0.9):
    """Majority consensus (pol.is ``consensus``): up to ``pick_max`` per direction.

    Statements most participants agree (or disagree) with, significant by
    the one-proportion test, ranked by ``p × p-test``.
    """
    z = z_for(confidence)
    out = []
    for direction, n_dir in (("agree", na), ("disagree", nd)):
        p = (n_dir + 1) / (ns + 2)
        t = prop_test(n_dir, ns)
        ok = eligible & (p > 0.5) & (t > z)
        cols = np.flatnonzero(ok)
        cols = cols[np.lexsort((cols, -(p[cols] * t[cols])))][:pick_max]
        for c in cols:
            out.append({
                "statement": int(c), "direction": direction,
                "n_success": int(n_dir[c]), "n_trials": int(ns[c]),
                "p_success": float(p[c]), "p_test": float(t[c]),
                "agree_share": float(na[c] / ns[c]) if ns[c] else 0.0,
            })
    return out


def group_aware(na, nd, ns):
    """Group-aware consensus: product over groups of (agree + 1) / (votes + 2)."""
    return np.prod((na + 1) / (ns + 2), axis=0), np.prod((nd + 1) / (ns + 2), axis=0)
