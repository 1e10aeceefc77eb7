"""Seating participants of a thematafel event at tables.

Objective (lexicographic, in this order):

1. as many participants as possible sit at a table of their **first** theme;
2. among those seatings, as many as possible get their **second** theme;
3. within each theme, every table mirrors the theme's pool: we minimise
   ``sum over tables t, traits a, categories c of (n[t,a,c] - size_t * share[a,c])**2``
   where ``share[a, c]`` is category ``c``'s share among the theme's
   participants (an unanswered question counts as its own category, so
   silent participants are spread too). Table sizes within a theme are as
   even as the capacities allow (proportional to capacity).

Step 1 and 2 are solved exactly (an assignment problem over seats, with
integer costs), ties between equal claims on a full theme are broken by
lot with the ``rng`` passed in. Step 3 starts from a stratified deal and
improves it with pairwise swaps until no swap helps, so it is a local
optimum, not a proven one. Mixing never costs anyone a preference.

Walk-ins are seated one by one with :func:`seat_walk_in`, without moving
anyone already seated.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from .errors import InputError

FIRST, SECOND, OTHER = "first", "second", "other"


@dataclass(frozen=True)
class Table:
    """A table of one theme with a number of seats."""

    theme: Hashable
    capacity: int


@dataclass(frozen=True)
class Participant:
    """Theme choices and statistics answers (``None`` where not answered)."""

    first: Hashable
    second: Hashable | None = None
    traits: tuple = ()


@dataclass(frozen=True)
class TableReport:
    table: int
    theme: Hashable
    size: int
    capacity: int
    diversity: float  # 1 = same mix as the whole pool, 0 = nothing in common


@dataclass(frozen=True)
class Seating:
    """Table index per participant, which choice they got, and how mixed each table is."""

    tables: tuple[int, ...]
    choice: tuple[str, ...]  # FIRST, SECOND or OTHER per participant
    first: int
    second: int
    other: int
    reports: tuple[TableReport, ...]
    mean_diversity: float
    mixing_cost: float  # term 3 of the objective (lower is better)


def _validate_seating(tables, participants, seated=None):
    if seated is not None and len(seated) != len(tables):
        raise InputError("seating.seated_length", field="seated", value=len(seated))
    if not tables:
        raise InputError("seating.no_tables")
    themes = set()
    for i, table in enumerate(tables):
        if not isinstance(table.capacity, (int, np.integer)) or table.capacity < 1:
            raise InputError("seating.bad_capacity", row=i, field="capacity", value=table.capacity)
        themes.add(table.theme)
    width = len(participants[0].traits) if participants else 0
    for i, p in enumerate(participants):
        if p.first not in themes:
            raise InputError("seating.unknown_theme", row=i, field="first", value=p.first)
        if p.second is not None and p.second not in themes:
            raise InputError("seating.unknown_theme", row=i, field="second", value=p.second)
        if len(p.traits) != width:
            raise InputError("seating.traits_length", row=i, field="traits", value=len(p.traits))
    seats = sum(int(t.capacity) for t in tables)
    if len(participants) > seats:
        raise InputError("seating.over_capacity", participants=len(participants), seats=seats)


def _encode(traits_rows, width):
    """Integer codes per trait column; ``None`` gets its own code. Returns (codes, n_categories)."""
    codes = np.zeros((len(traits_rows), width), dtype=np.int64)
    sizes = []
    for a in range(width):
        labels = {}
        for i, row in enumerate(traits_rows):
            codes[i, a] = labels.setdefault(row[a], len(labels))
        sizes.append(max(len(labels), 1))
    return codes, sizes


def diversity(members: Sequence[tuple], pool: Sequence[tuple]) -> float:
    """How closely a table's mix matches the pool, averaged over traits.

    Per trait ``1 - total variation distance`` between the table's and the
    pool's distributions over the answered categories; unanswered traits
    are left out. 1.0 for a table with no answered traits.
    """
    if not members or not pool or not pool[0]:
        return 1.0
    scores = []
    for a in range(len(pool[0])):
        p = _distribution([row[a] for row in pool])
        q = _distribution([row[a] for row in members])
        if p and q:
            scores.append(sum(min(p.get(c, 0.0), q.get(c, 0.0)) for c in p.keys() | q.keys()))
    return float(np.mean(scores)) if scores else 1.0


def _distribution(values):
    known = [v for v in values if v is not None]
    if not known:
        return {}
    out = {}
    for v in known:
        out[v] = out.get(v, 0) + 1
    return {k: n / len(known) for k, n in out.items()}


def _themes_stage(tables, participants, rng):
    """Theme per participant, lexicographically best on (first, second), ties by lot."""
    themes = list(dict.fromkeys(t.theme for t in tables))
    index = {theme: k for k, theme in enumerate(themes)}
    n = len(participants)
    capacity = np.zeros(len(themes), dtype=np.int64)
    for t in tables:
        capacity[index[t.theme]] += t.capacity
    # Exact integer costs: lot noise < scale, so it only ever breaks ties.
    lot = rng.integers(0, 1000, size=(n, len(themes)))
    scale = n * 1000 + 1
    big = n + 1
    cost = np.full((n, len(themes)), (big + 1) * scale, dtype=np.int64)
    for i, p in enumerate(participants):
        if p.second is not None and p.second != p.first:
            cost[i, index[p.second]] = big * scale
        cost[i, index[p.first]] = 0
    cost += lot
    # Never give a theme more seats than participants could use: n per theme is enough.
    columns = np.repeat(np.arange(len(themes)), np.minimum(capacity, n))
    rows, cols = linear_sum_assignment(cost[:, columns].astype(np.float64))
    theme_of = np.empty(n, dtype=np.int64)
    theme_of[rows] = columns[cols]
    return themes, theme_of


def _table_sizes(capacities, members):
    """Sizes proportional to capacity (largest remainder), never above capacity."""
    capacities = np.asarray(capacities, dtype=np.int64)
    raw = members * capacities / capacities.sum()
    sizes = np.minimum(np.floor(raw).astype(np.int64), capacities)
    while sizes.sum() < members:
        room = sizes < capacities
        gap = np.where(room, raw - sizes, -np.inf)
        sizes[int(np.argmax(gap))] += 1
    return sizes


def _mix_theme(codes, n_cats, sizes, rng, max_passes):
    """Table position (0..k-1) for each member of one theme; locally optimal swaps."""
    m, width = codes.shape
    k = len(sizes)
    if k == 1 or m == 0:
        return np.zeros(m, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(n_cats)[:-1]]).astype(np.int64)
    flat = codes + offsets  # (m, width) column indices into the count matrix
    total_cats = int(sum(n_cats))
    shares = np.zeros(total_cats)
    np.add.at(shares, flat.ravel(), 1.0)
    shares /= m
    target = sizes[:, None] * shares[None, :]  # (k, total_cats)
    # Stratified deal: similar members go to different tables.
    order = np.lexsort((rng.random(m),) + tuple(codes[:, a] for a in reversed(range(width))))
    table = np.empty(m, dtype=np.int64)
    filled = np.zeros(k, dtype=np.int64)
    for i in order:
        free = (sizes - filled) / np.maximum(sizes, 1)
        t = int(np.argmax(free))
        table[i] = t
        filled[t] += 1
    counts = np.zeros((k, total_cats))
    for a in range(width):
        np.add.at(counts, (table, flat[:, a]), 1.0)
    dev = counts - target
    for _ in range(max_passes):
        improved = False
        for i in rng.permutation(m):
            a_t = table[i]
            others = np.flatnonzero(table != a_t)
            if others.size == 0:
                continue
            b_t = table[others]
            delta = np.zeros(others.size)
            for a in range(width):
                ci, cj = flat[i, a], flat[others, a]
                diff = ci != cj
                # a loses ci gains cj; b loses cj gains ci; (x+d-T)^2-(x-T)^2 = 2d(x-T)+1
                d = (-2 * dev[a_t, ci] + 2 * dev[a_t, cj] - 2 * dev[b_t, cj] + 2 * dev[b_t, ci] + 4)
                delta += np.where(diff, d, 0.0)
            best = int(np.argmin(delta))
            if delta[best] < -1e-9:
                j, b = others[best], b_t[best]
                for a in range(width):
                    ci, cj = flat[i, a], flat[j, a]
                    if ci != cj:
                        dev[a_t, ci] -= 1
                        dev[a_t, cj] += 1
                        dev[b, cj] -= 1
                        dev[b, ci] += 1
                table[i], table[j] = b, a_t
                improved = True
        if not improved:
            break
    return table


def _mixing_cost(codes, n_cats, table_of, theme_of):
    cost = 0.0
    for theme in np.unique(theme_of):
        members = np.flatnonzero(theme_of == theme)
        for a in range(codes.shape[1]):
            share = np.bincount(codes[members, a], minlength=n_cats[a]) / members.size
            for t in np.unique(table_of[members]):
                at = members[table_of[members] == t]
                counts = np.bincount(codes[at, a], minlength=n_cats[a])
                cost += float(((counts - at.size * share) ** 2).sum())
    return cost


def seat(tables: Sequence[Table], participants: Sequence[Participant], *,
         rng: np.random.Generator, max_passes: int = 20) -> Seating:
    """Assign every participant to a table (see the module docstring for the objective).

    Parameters
    ----------
    tables : sequence of Table
    participants : sequence of Participant
        All with the same number of traits.
    rng : numpy.random.Generator
        Breaks ties by lot; the same seed gives the same seating.
    max_passes : int
        Upper bound on swap passes per theme.

    Raises
    ------
    InputError
        ``seating.over_capacity``, ``seating.unknown_theme``, ``seating.bad_capacity``,
        ``seating.traits_length``, ``seating.no_tables``.
    """
    tables, participants = list(tables), list(participants)
    _validate_seating(tables, participants)
    n = len(participants)
    width = len(participants[0].traits) if participants else 0
    themes, theme_of = _themes_stage(tables, participants, rng) if n else ([], np.zeros(0, np.int64))
    codes, n_cats = _encode([p.traits for p in participants], width)
    table_of = np.full(n, -1, dtype=np.int64)
    for k, theme in enumerate(themes):
        members = np.flatnonzero(theme_of == k)
        idx = [t for t, table in enumerate(tables) if table.theme == theme]
        sizes = _table_sizes([tables[t].capacity for t in idx], members.size)
        local = _mix_theme(codes[members], n_cats, sizes, rng, max_passes)
        table_of[members] = np.asarray(idx, dtype=np.int64)[local]
    choice = []
    for i, p in enumerate(participants):
        theme = tables[table_of[i]].theme
        choice.append(FIRST if theme == p.first else SECOND if theme == p.second else OTHER)
    pool = [p.traits for p in participants]
    reports = []
    for t, table in enumerate(tables):
        members = [pool[i] for i in np.flatnonzero(table_of == t)]
        reports.append(TableReport(t, table.theme, len(members), int(table.capacity),
                                   diversity(members, pool) if members else 0.0))
    used = [r.diversity for r in reports if r.size]
    return Seating(
        tables=tuple(int(t) for t in table_of), choice=tuple(choice),
        first=choice.count(FIRST), second=choice.count(SECOND), other=choice.count(OTHER),
        reports=tuple(reports), mean_diversity=float(np.mean(used)) if used else 1.0,
        mixing_cost=_mixing_cost(codes, n_cats, table_of, theme_of) if n else 0.0,
    )


@dataclass(frozen=True)
class WalkIn:
    table: int
    choice: str


def seat_walk_in(tables: Sequence[Table], seated: Sequence[Sequence[tuple]],
                 participant: Participant, *, rng: np.random.Generator) -> WalkIn:
    """A table for one walk-in, leaving everyone already seated where they are.

    The first theme if it has a free seat, else the second, else any free
    seat. Within that theme the table whose mix improves most (or worsens
    least) against the pool of everyone seated, then the emptiest, then by lot.

    Parameters
    ----------
    tables : sequence of Table
    seated : sequence of sequences of traits tuples
        Who sits at each table now (same order as ``tables``).
    participant : Participant
    rng : numpy.random.Generator

    Raises
    ------
    InputError
        ``seating.full`` when no table has a free seat.
    """
    tables = list(tables)
    _validate_seating(tables, [participant], seated)
    free = [t for t, table in enumerate(tables) if len(seated[t]) < table.capacity]
    if not free:
        raise InputError("seating.full", seats=sum(t.capacity for t in tables))
    pool = [row for members in seated for row in members] + [participant.traits]
    for choice, theme in ((FIRST, participant.first), (SECOND, participant.second), (OTHER, None)):
        if theme is None and choice != OTHER:
            continue
        options = [t for t in free if choice == OTHER or tables[t].theme == theme]
        if not options:
            continue
        lot = rng.random(len(options))

        def key(k):
            t = options[k]
            gain = diversity(list(seated[t]) + [participant.traits], pool) - diversity(list(seated[t]), pool)
            return (-round(gain, 12), len(seated[t]) / tables[t].capacity, lot[k])

        best = min(range(len(options)), key=key)
        return WalkIn(options[best], choice)
    raise AssertionError("unreachable: a free seat exists")  # pragma: no cover
