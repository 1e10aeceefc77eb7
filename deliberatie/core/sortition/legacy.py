"""LEGACY: the Sortition Foundation's greedy stratified draw, for comparison.

Repeatedly take the feature value whose unmet minimum is largest relative to
the people still available in it, select a uniformly random available person
with that value, and drop everyone in values that became full (and the
person's household). Its selection probabilities are not known in closed
form; :func:`legacy_distribution` estimates them from repeated draws.
"""

import time

import numpy as np

from deliberatie.core.sortition.optimise import _summary


class LegacyFailed(RuntimeError):
    """No attempt produced a panel that meets the quotas."""


def legacy_panel(model, rng, *, max_attempts=100):
    """One LEGACY panel as sorted person indices (``rng``: numpy Generator)."""
    for _ in range(max_attempts):
        panel = _attempt(model, rng)
        if panel is not None:
            return panel
    raise LegacyFailed()


def _attempt(model, rng):
    types = model.types
    quotas = model.quotas
    incidence = [set(ts) for ts in types.incidence]
    type_quotas = [[] for _ in types.sizes]
    for r, ts in enumerate(types.incidence):
        for t in ts:
            type_quotas[t].append(r)
    household_of = {}
    for group in types.household_groups:
        for t in group:
            household_of[t] = group
    available = [list(m) for m in types.members]
    remaining = np.array([sum(len(available[t]) for t in ts) for ts in incidence])
    selected = np.zeros(len(quotas), dtype=int)
    chosen = []

    def remove_type(t):
        for r in type_quotas[t]:
            remaining[r] -= len(available[t])
        available[t] = []

    for r, q in enumerate(quotas):
        if q.max == 0:
            for t in incidence[r]:
                remove_type(t)
    for _ in range(model.k):
        best, best_ratio = None, -1.0
        for r, q in enumerate(quotas):
            needed = max(q.min - selected[r], 0)
            if remaining[r] < needed:
                return None
            if remaining[r] == 0 or q.max == 0:
                continue
            ratio = needed / remaining[r]
            if ratio > best_ratio:
                best, best_ratio = r, ratio
        if best is None:
            return None
        pick = int(rng.integers(remaining[best]))
        for t in sorted(incidence[best]):
            if pick < len(available[t]):
                break
            pick -= len(available[t])
        person = available[t].pop(pick)
        chosen.append(person)
        for r in type_quotas[t]:
            remaining[r] -= 1
            selected[r] += 1
        for u in household_of.get(t, ()):
            if u != t:
                remove_type(u)
        for r in type_quotas[t]:
            if selected[r] == quotas[r].max:
                for u in list(incidence[r]):
                    remove_type(u)
    counts = np.zeros(len(types.sizes), dtype=np.int64)
    type_of = {p: t for t, members in enumerate(types.members) for p in members}
    for p in chosen:
        counts[type_of[p]] += 1
    if not model.is_panel(counts):
        return None
    return tuple(sorted(chosen))


def legacy_distribution(model, rng, *, samples=1000):
    """Empirical LEGACY distribution from ``samples`` draws (panels kept in draw order)."""
    start = time.perf_counter()
    n = model.instance.n
    hits = np.zeros(n)
    type_of = np.zeros(n, dtype=np.int64)
    for t, members in enumerate(model.types.members):
        type_of[list(members)] = t
    panels, tally = [], {}
    for _ in range(samples):
        panel = legacy_panel(model, rng)
        panels.append(panel)
        hits[list(panel)] += 1
        key = tuple(np.bincount(type_of[list(panel)], minlength=len(model.sizes)))
        tally[key] = tally.get(key, 0) + 1
    keys = sorted(tally)
    columns = [np.asarray(k) for k in keys]
    weights = np.array([tally[k] for k in keys], dtype=float) / samples
    diagnostics = {"types": len(model.sizes), "samples": samples, "support": len(keys),
                   "seconds": time.perf_counter() - start}
    return _summary("legacy", model, columns, weights, None, diagnostics,
                    panels=tuple(panels), person_probs=hits / samples)
