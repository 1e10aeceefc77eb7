"""The transparent draw: a uniform lottery over m panels, a seeded draw, a record, reserves.

Following Flanigan, Kehne and Procaccia ("Fair Sortition Made Transparent",
NeurIPS 2021) the optimal distribution is rounded to ``m`` equally likely
panels: composition probabilities are rounded to multiples of ``1/m`` by a
small integer program that keeps each type's marginal as close as possible
(discrepancy-style), and members of a type take turns over the panels, so a
person's lottery marginal differs from the optimum by little (reported as
``max_deviation``). The panel index is ``sha256(inputs, algorithm, seed) mod m``;
nothing depends on ``PYTHONHASHSEED`` or dict order, so the draw can be re-run
anywhere (:func:`verify`).
"""

import hashlib
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Lottery:
    """``m`` equally likely panels (tuples of sorted person ids)."""

    m: int
    panels: tuple
    marginals: tuple  # per person (Instance order): share of panels containing them
    max_deviation: float  # max |lottery marginal - distribution probability|


def _hash_int(*parts):
    text = "\x1f".join(str(p) for p in parts)
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16)


def draw_index(inputs_sha256, algorithm, seed, m):
    """Index of the drawn panel: deterministic in its arguments, uniform over ``range(m)``."""
    return _hash_int("deliberatie-sortition-draw", inputs_sha256, algorithm, seed) % m


def _round_counts(weights, columns, sizes, m):
    """Integers ``a_j`` (sum ``m``) near ``m * weights`` keeping type marginals close.

    Each ``m * w_j`` is rounded down or up; the choices are made one at a time
    (largest fractional part first) so that the running error of every type's
    marginal stays smallest, a deterministic discrepancy-style rounding.
    """
    scaled = np.asarray(weights, dtype=float) * m
    floor = np.floor(scaled + 1e-9).astype(np.int64)
    frac = np.clip(scaled - floor, 0.0, 1.0)
    missing = int(m - floor.sum())
    order = sorted(np.flatnonzero(frac > 1e-9), key=lambda j: (-frac[j], j))
    if missing < 0 or missing > len(order):  # only by float noise: put it on the heaviest
        floor[int(np.argmax(scaled))] += missing
        return floor
    a = np.column_stack(columns) / sizes[:, None]
    error = np.zeros(len(sizes))
    for position, j in enumerate(order):
        left = len(order) - position
        if missing == 0:
            choice = 0
        elif missing == left:
            choice = 1
        else:
            up = np.abs(error + (1 - frac[j]) * a[:, j]).max()
            down = np.abs(error - frac[j] * a[:, j]).max()
            choice = 1 if up <= down else 0
        error += (choice - frac[j]) * a[:, j]
        floor[j] += choice
        missing -= choice
    return floor


def make_lottery(distribution, *, m=1000, seed=0):
    """Round ``distribution`` to a uniform lottery over ``m`` panels.

    Members of each type are put in a seed-dependent order (sha256, not
    ``random``) and assigned to the panels cyclically, so each appears in
    ``floor`` or ``ceil`` of its type's share of panels.
    """
    ids = distribution.ids
    probs = np.asarray(distribution.probabilities)
    if distribution.panels is not None:  # sampled panels (LEGACY): the sample is the lottery
        panels = [tuple(sorted(ids[p] for p in panel)) for panel in distribution.panels[:m]]
        m = len(panels)
    else:
        types = distribution.types
        sizes = np.asarray(types.sizes, dtype=float)
        order = sorted(range(len(distribution.compositions)), key=lambda j: distribution.compositions[j])
        columns = [np.asarray(distribution.compositions[j]) for j in order]
        counts = _round_counts([distribution.weights[j] for j in order], columns, sizes, m)
        queues = [sorted(members, key=lambda p: (_hash_int("member", seed, ids[p]), ids[p]))
                  for members in types.members]
        cursor = [0] * len(queues)
        panels = []
        for column, repeat in zip(columns, counts):
            for _ in range(int(repeat)):
                chosen = []
                for t in np.flatnonzero(column):
                    size = len(queues[t])
                    chosen += [queues[t][(cursor[t] + i) % size] for i in range(int(column[t]))]
                    cursor[t] = (cursor[t] + int(column[t])) % size
                panels.append(tuple(sorted(ids[p] for p in chosen)))
    position = {pid: i for i, pid in enumerate(ids)}
    hits = np.zeros(len(ids))
    for panel in panels:
        hits[[position[p] for p in panel]] += 1
    marginals = hits / m
    return Lottery(m=m, panels=tuple(panels), marginals=tuple(float(x) for x in marginals),
                   max_deviation=float(np.abs(marginals - probs).max()) if len(ids) else 0.0)


def reserve_order(instance, panel, seed):
    """Everyone not on ``panel``, in a seed-determined order (sha256 of seed and id)."""
    on_panel = set(panel)
    rest = [pid for pid in instance.ids if pid not in on_panel]
    return tuple(sorted(rest, key=lambda pid: (_hash_int("reserve", seed, pid), pid)))


def _tally(instance, position, members):
    """Members per (category, value) among ``members``."""
    tally = {}
    for pid in members:
        for key in zip(instance.categories, instance.features[position[pid]]):
            tally[key] = tally.get(key, 0) + 1
    return tally


def meets_quotas(instance, members, *, households=True):
    """Whether a set of person ids satisfies every quota (and the household rule)."""
    position = {pid: i for i, pid in enumerate(instance.ids)}
    if households:
        homes = [instance.households[position[pid]] for pid in members]
        homes = [h for h in homes if h is not None]
        if len(set(homes)) < len(homes):
            return False
    tally = _tally(instance, position, members)
    return all(q.min <= tally.get((q.category, q.value), 0) <= q.max for q in instance.quotas)


def replacement(instance, panel, dropout, reserves, *, households=True):
    """First reserve who can take ``dropout``'s seat with every quota still met.

    Returns the reserve's id, or ``None`` when nobody on the list fits.
    """
    remaining = [p for p in panel if p != dropout]
    if len(remaining) == len(panel):
        raise KeyError(dropout)
    for candidate in reserves:
        if candidate in panel:
            continue
        if meets_quotas(instance, remaining + [candidate], households=households):
            return candidate
    return None


@dataclass(frozen=True)
class QuotaMiss:
    """A quota the panel would not meet: ``count`` members have ``value``, the bounds are ``min..max``."""

    category: str
    value: str
    count: int
    min: int
    max: int


@dataclass(frozen=True)
class ClosestReplacement:
    """The reserve whose seat breaks the quotas least (see :func:`closest_replacement`)."""

    id: str
    deviation: int  # seats outside [min, max], summed over quotas; 0: every quota holds
    off: tuple  # QuotaMiss per quota that would not hold, in quota order


def closest_replacement(instance, panel, reserves, *, households=True):
    """The reserve whose addition to ``panel`` breaks the quotas least.

    For a panel with an empty seat when no reserve keeps every quota. The
    deviation of a quota is how many seats its count lies outside
    ``[min, max]``; a candidate's deviation is the sum over all quotas.
    The smallest deviation wins and ties go to the earlier reserve. With
    ``households`` nobody whose household already has a seat is considered;
    people already on the panel are skipped.

    Parameters
    ----------
    instance : Instance
    panel : sequence of str
        The current members (fewer than the panel size).
    reserves : sequence of str
        The reserve list, in order.
    households : bool, optional
        Apply the one-per-household rule.

    Returns
    -------
    ClosestReplacement or None
        ``None`` when no reserve may take the seat.

    Examples
    --------
    >>> from deliberatie.core.sortition import Quota, make_instance
    >>> inst = make_instance(["a", "b", "c"], [{"g": "m"}, {"g": "m"}, {"g": "v"}],
    ...                      [Quota("g", "m", 0, 1), Quota("g", "v", 1, 1)])
    >>> best = closest_replacement(inst, ["c"], ["a", "b"])
    >>> best.id, best.deviation, best.off
    ('a', 0, ())
    >>> best = closest_replacement(inst, ["a"], ["b"])
    >>> best.deviation, [(m.value, m.count, m.min, m.max) for m in best.off]
    (2, [('m', 2, 0, 1), ('v', 0, 1, 1)])
    """
    position = {pid: i for i, pid in enumerate(instance.ids)}
    seated = set(panel)
    taken = {instance.households[position[p]] for p in panel} if households else set()
    taken.discard(None)
    base = _tally(instance, position, panel)
    best = None
    for candidate in reserves:
        i = position[candidate]
        if candidate in seated or instance.households[i] in taken:
            continue
        tally = dict(base)
        for key in zip(instance.categories, instance.features[i]):
            tally[key] = tally.get(key, 0) + 1
        off = tuple(QuotaMiss(q.category, q.value, tally.get((q.category, q.value), 0), q.min, q.max)
                    for q in instance.quotas
                    if not q.min <= tally.get((q.category, q.value), 0) <= q.max)
        deviation = sum(max(m.min - m.count, 0) + max(m.count - m.max, 0) for m in off)
        if best is None or deviation < best.deviation:
            best = ClosestReplacement(id=candidate, deviation=deviation, off=off)
            if deviation == 0:
                break
    return best
