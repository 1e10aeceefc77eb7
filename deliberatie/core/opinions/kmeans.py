"""k-means as pol.is uses it: k-means++ seeding, Lloyd steps (several runs and point sets side by side),
Hamerly's bounds for many centres, and Hartigan's single-point moves.

All functions are pure numpy/scipy; randomness comes in as a ``numpy.random.Generator``
(or draws made from one) so a run is reproducible from its seed.
"""

import numpy as np
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist


def _sq_dist(points, centers):
    """Squared distances, points (n, d) × centres (..., k, d) → (..., n, k)."""
    out = np.subtract(points[:, 0][:, None], centers[..., None, :, 0])
    out *= out
    for dim in range(1, points.shape[1]):
        diff = np.subtract(points[:, dim][:, None], centers[..., None, :, dim])
        diff *= diff
        out += diff
    return out


def plus_plus_draws(rng, n, k, n_init):
    """The random numbers a k-means++ seeding of ``n_init`` runs over ``n`` points uses, in order.

    They do not depend on the points, so drawing them first lets seedings of
    several point sets run side by side (:func:`kmeans_sets`) and still give
    what seeding each set in turn gives.
    """
    first = rng.random(n_init)
    draws = np.empty((max(k - 1, 0), n_init))
    fallback = np.empty((max(k - 1, 0), n_init), dtype=np.int64)
    for j in range(k - 1):
        draws[j] = rng.random(n_init)
        fallback[j] = rng.integers(0, n, size=n_init)
    return first, draws, fallback


def _sq_dist_sets(points, centers):
    """Squared distances per point set, points (b, p, d) × centres (b, s, k, d) → (b, s, p, k)."""
    out = np.subtract(points[:, None, :, None, 0], centers[:, :, None, :, 0])
    out *= out
    for dim in range(1, points.shape[2]):
        diff = np.subtract(points[:, None, :, None, dim], centers[:, :, None, :, dim])
        diff *= diff
        out += diff
    return out


def _sq_dist_t(coords, centers):
    """Squared distances, runs last: coordinates ``[(p, runs)] * d`` × one centre per run (d, runs) → (p, runs).

    Each run's centre broadcasts along the outer axis, which numpy handles
    without the buffered copy a centre broadcast along the inner axis costs.
    """
    out = np.subtract(coords[0], centers[0])
    out *= out
    for dim in range(1, len(coords)):
        diff = np.subtract(coords[dim], centers[dim])
        diff *= diff
        out += diff
    return out


def _nearest_t(coords, centers, counts):
    """Nearest centre and its squared distance, runs last: labels and distances (p, runs).

    ``coords`` ``[(p, runs)] * d``, ``centers`` (d, max(counts), runs);
    ``counts`` ascending: run ``r`` has ``counts[r]`` centres, the rest are
    spare and never looked at. The centres are taken one by one over the runs
    that have them (a suffix of the runs): the same sums as a distance array
    and its argmin (the first nearest on ties: only a strictly closer centre
    takes over, so the label is the last centre that did), without numpy's
    slow argmin along a short axis. Labels are ``uint8`` when they fit.
    """
    k_max, runs = centers.shape[1:]
    best = _sq_dist_t(coords, centers[:, 0])
    small = k_max < 256
    labels = np.zeros(best.shape, dtype=np.uint8 if small else np.int64)
    closer = np.empty(best.shape, dtype=bool)
    scaled = np.empty(best.shape, dtype=labels.dtype)
    starts = np.searchsorted(counts, np.arange(1, k_max), side="right").tolist()
    for j, s in enumerate(starts, start=1):
        if s == runs:
            break
        dist = _sq_dist_t([c[:, s:] for c in coords], centers[:, j, s:])
        near, lab, cl = best[:, s:], labels[:, s:], closer[:, s:]
        np.less(dist, near, out=cl)
        np.minimum(near, dist, out=near)
        if small:
            np.maximum(lab, np.multiply(cl.view(np.uint8), np.uint8(j), out=scaled[:, s:]), out=lab)
        else:
            np.maximum(lab, cl * j, out=lab)
    return labels, best


def _plus_plus_sets(points, weights, sizes, k, draws):
    """k-means++ starts per point set, shape (b, n_init, max(k), d).

    ``points`` (b, p, d) and ``weights`` (b, p) hold each set's ``sizes[i]``
    points first, then finite padding of weight 0 (never picked: it adds
    nothing to the cumulative weights); ``draws`` is one
    :func:`plus_plus_draws` per set, ``k`` one count for all sets or one per
    set. A set with fewer than ``max(k)`` centres gets spare ones (from
    dummy draws) after its own; its own centres do not depend on them.
    """
    n_sets = len(points)
    ks = np.broadcast_to(np.asarray(k, dtype=np.int64), (n_sets,))
    k_max = int(ks.max())
    first = np.stack([d[0] for d in draws])  # (b, n_init)
    n_init = first.shape[1]
    # every set's draws for every step, zero (a harmless dummy) past its own k
    step_draws = np.zeros((k_max - 1, n_sets, n_init))
    step_fallback = np.zeros((k_max - 1, n_sets, n_init), dtype=np.int64)
    for i, d in enumerate(draws):
        step_draws[: ks[i] - 1, i] = d[1]
        step_fallback[: ks[i] - 1, i] = d[2]
    last = (np.asarray(sizes) - 1)[:, None]
    sets = np.arange(n_sets)[:, None]
    cum_w = np.cumsum(weights, axis=1)
    picked = np.stack([np.searchsorted(cum_w[i], first[i] * cum_w[i, -1], side="right")
                       for i in range(n_sets)])
    centers = np.empty((n_sets, n_init, k_max, points.shape[2]))
    centers[:, :, 0] = points[sets, np.minimum(picked, last)]
    closest = _sq_dist_sets(points, centers[:, :, :1])[..., 0]  # (b, n_init, p)
    weights = weights[:, None, :]
    for j in range(1, k_max):
        cum = np.cumsum(weights * closest, axis=2)
        total = cum[..., -1]
        draw = step_draws[j - 1] * total
        pick = (cum < draw[..., None]).sum(axis=2)
        pick = np.where(total > 0, np.minimum(pick, last), step_fallback[j - 1])
        centers[:, :, j] = points[sets, pick]
        np.minimum(closest, _sq_dist_sets(points, centers[:, :, j : j + 1])[..., 0], out=closest)
    return centers


PAIRWISE = 400_000  # up to this many point pairs, k-means++ seeding looks its distances up


def _plus_plus(points, weights, k, n_init, rng):
    """k-means++ starts for ``n_init`` runs at once, shape (n_init, k, d).

    What :func:`_plus_plus_sets` gives one set (the same arithmetic), laid
    out for one big set: every array (runs, points), the coordinates and
    weights repeated per run, as few numpy calls per step as will do (99 steps
    for the base clusters, each on small arrays); with many points a binary
    search per run counts the cumulative weights below the draw.
    """
    first, steps, fallback = plus_plus_draws(rng, len(points), k, n_init)
    n, dim = points.shape
    cum_w = np.cumsum(weights)
    picked = np.searchsorted(cum_w, first * cum_w[-1], side="right")
    chosen = np.minimum(picked, n - 1)
    centers = np.empty((n_init, k, dim))
    centers[:, 0] = points[chosen]
    tiled_w = np.tile(weights, (n_init, 1))
    if n * n <= PAIRWISE:  # few points: all their distances once, a row per step
        sq_dist = cdist(points, points, "sqeuclidean").__getitem__  # bit for bit: (a - b)^2 == (b - a)^2
    else:
        coords = [np.ascontiguousarray(points[:, d]) for d in range(dim)]
        tiled = [np.tile(c, (n_init, 1)) for c in coords]

        def sq_dist(pick):  # (n_init, n): as _sq_dist_sets, to the points ``pick`` (one per run)
            out = np.subtract(tiled[0], coords[0][pick][:, None])
            out *= out
            for d in range(1, dim):
                diff = np.subtract(tiled[d], coords[d][pick][:, None])
                diff *= diff
                out += diff
            return out

    closest = sq_dist(chosen)
    cum = np.empty((n_init, n))
    for j in range(1, k):
        np.multiply(tiled_w, closest, out=cum)
        cum.cumsum(axis=1, out=cum)
        total = cum[:, -1]
        draw = steps[j - 1] * total
        if n < 1_000:
            pick = (cum < draw[:, None]).sum(axis=1)
        else:  # the same count: cumulative weights never decrease
            pick = np.array([row.searchsorted(x) for row, x in zip(cum, draw)])
        if min(total.tolist()) > 0:  # (cheaper than a numpy reduction on a few runs)
            pick = np.minimum(pick, n - 1)
        else:
            pick = np.where(total > 0, np.minimum(pick, n - 1), fallback[j - 1])
        centers[:, j] = points[pick]
        np.minimum(closest, sq_dist(pick), out=closest)
    return centers


def _assign(points, centers, with_dist=True):
    """Nearest centre and (``with_dist``) squared distance for each run: (n_init, n) each."""
    n, k = len(points), centers.shape[1]
    if centers.size * n <= 400_000:
        d = _sq_dist(points, centers)  # small: one broadcast beats a call per run
        labels = d.argmin(axis=2)
        if not with_dist:
            return labels, None
        return labels, np.take_along_axis(d, labels[..., None], axis=2)[..., 0]
    # big: one run at a time, never the whole (runs, n, k) array
    labels = np.empty((len(centers), n), dtype=np.int64)
    dist = np.empty((len(centers), n))
    for run, c in enumerate(centers):
        if n * k > 500_000:
            near, labels[run] = cKDTree(c).query(points)  # a k-d tree is faster
            dist[run] = near * near
        else:
            d = cdist(points, c, "sqeuclidean")
            labels[run] = d.argmin(axis=1)
            dist[run] = d[np.arange(n), labels[run]]
    return labels, dist


SETTLED = 0.01  # pol.is: k-means stops when no centre moves this far (map units)
PRUNE_K = 16  # from this many centres on, k-means keeps Hamerly's bounds (see _Bounds)
MARGIN = 1e-9  # relative room the bounds leave for rounding (which is about 1e-13 at most)


class _Bounds:
    """Hamerly's bounds: the nearest centre of most points, without computing its distances.

    Per run and point: the label, an upper bound on the distance to its centre
    and a lower bound on the distance to every other centre. When centres
    move, the upper bound grows by its centre's move and the lower one shrinks
    by the largest move; while upper < lower (with room for rounding) the
    label cannot change, as no other centre can be as near (a tie included).
    Every other point gets all its distances, exactly as :func:`_assign`
    computes them, and the first nearest: the labels are :func:`_assign`'s.
    """

    def __init__(self, n_runs, n):
        self.labels = np.zeros((n_runs, n), dtype=np.int64)
        self.upper = np.full((n_runs, n), np.inf)  # nothing known yet: every point is looked at
        self.lower = np.zeros((n_runs, n))
        self.slack = np.zeros(n_runs)  # sum of the largest moves: the scale of the bounds' rounding

    def assign(self, points, centers, runs):
        """Labels (len(runs), n) of the points for ``centers`` (one row per run in ``runs``)."""
        out = np.empty((len(runs), len(points)), dtype=np.int64)
        for i, run in enumerate(runs):
            upper, lower, labels = self.upper[run], self.lower[run], self.labels[run]
            slack = self.slack[run]
            need = np.flatnonzero(~(upper + MARGIN * (upper + np.abs(lower) + slack) < lower))
            if len(need):  # first the exact distance to the own centre: often enough
                own = points[need] - centers[i][labels[need]]
                upper[need] = np.sqrt((own * own).sum(axis=1))
                up, low = upper[need], lower[need]
                need = need[~(up + MARGIN * (up + np.abs(low) + slack) < low)]
            if len(need):
                dist = cdist(points[need], centers[i], "sqeuclidean")  # bit for bit _sq_dist's
                best = dist.argmin(axis=1)
                labels[need] = best
                rows = np.arange(len(need))
                upper[need] = np.sqrt(dist[rows, best])
                dist[rows, best] = np.inf
                lower[need] = np.sqrt(dist.min(axis=1))
            out[i] = labels
        return out

    def moved(self, runs, centers, before):
        """The centres of ``runs`` moved from ``before`` to ``centers``: loosen their bounds."""
        shift = np.sqrt(np.sum((centers - before) ** 2, axis=2))  # (runs, k)
        for i, run in enumerate(runs):
            self.upper[run] += shift[i][self.labels[run]]
            top = shift[i].max()
            self.lower[run] -= top
            self.slack[run] += top


def _sq_dist_own(points, centers, labels):
    """Squared distance of each point to its own centre per run, (runs, n): the sums of :func:`_sq_dist`."""
    own = np.take_along_axis(centers, labels[..., None], axis=1)  # (runs, n, d)
    out = np.subtract(points[:, 0], own[..., 0])
    out *= out
    for dim in range(1, points.shape[1]):
        diff = np.subtract(points[:, dim], own[..., dim])
        diff *= diff
        out += diff
    return out


def _weighted_means(live, labels, weights, weighted):
    """Move each run's centres (``live``, in place) to the weighted means of their points.

    ``labels`` (runs, n); ``weights`` and ``weighted`` (weight × coordinate,
    one per dimension) flattened run after run. Returns the masses (runs, k);
    a centre with none stays where it was.
    """
    runs, k = live.shape[:2]
    flat = (labels + (np.arange(runs) * k)[:, None]).ravel()
    mass = np.bincount(flat, weights=weights, minlength=runs * k).reshape(runs, k)
    for d, wp in enumerate(weighted):
        sums = np.bincount(flat, weights=wp, minlength=runs * k).reshape(runs, k)
        np.divide(sums, mass, out=live[:, :, d], where=mass > 0)
    return mass


def _reseed(live, empty, own, points_of):
    """Put each ``empty`` group's centre on the point farthest from its own centre (``own``: (runs, n))."""
    for run, cl in zip(*np.nonzero(empty)):
        far = int(np.argmax(own[run]))
        live[run, cl] = points_of(run)[far]
        own[run, far] = 0.0


def _moving(live, before):
    """pol.is (clusters.clj ``same-clustering?``): a run has settled once no centre moves 0.01."""
    return (np.sum((live - before) ** 2, axis=2) >= SETTLED**2).any(axis=1)


def kmeans(points, k, rng, *, weights=None, n_init=1, max_iter=100, init=None, every=False):
    """Weighted Lloyd k-means, ``n_init`` k-means++ runs side by side; lowest inertia wins.

    ``init`` (shape ``(k, d)``, or ``(runs, k, d)``) gives the starting centres
    instead of k-means++. Returns ``(labels, centers, inertia)`` of the best run,
    or of every run (arrays with a leading run axis) when ``every``; an empty
    cluster is re-seeded with the point farthest from its centre, so ``k``
    clusters come back whenever there are ``k`` distinct points.
    """
    points = np.asarray(points, dtype=np.float64)
    n, dim = points.shape
    weights = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    if init is None:
        centers = _plus_plus(points, weights, k, n_init, rng)
    else:
        centers = np.array(init, dtype=np.float64).reshape(-1, k, dim)
        n_init = len(centers)
    # per-run copies of the weights for bincount; runs alike, so any first ``runs * n`` will do
    tiled_w = np.tile(weights, n_init)
    tiled_wp = [np.tile(weights * points[:, d], n_init) for d in range(dim)]
    alive = np.arange(n_init)  # runs still moving; a settled run is left alone
    # many centres (the base clusters): bounds spare most distances; not where _assign uses a
    # k-d tree, whose distances are rounded otherwise
    bounds = _Bounds(n_init, n) if k >= PRUNE_K and n * k <= 500_000 else None
    for _ in range(max_iter):
        live = centers[alive]
        before = live.copy()
        if bounds is None:
            new, _ = _assign(points, live, with_dist=False)
        else:
            new = bounds.assign(points, live, alive)
        runs = len(alive)
        mass = _weighted_means(live, new, tiled_w[: runs * n], [t[: runs * n] for t in tiled_wp])
        if (mass == 0).any():  # rare: distances to the centres the points were assigned to
            own = np.take_along_axis(_sq_dist(points, before), new[..., None], axis=2)[..., 0]
            _reseed(live, mass == 0, own, lambda run: points)
        centers[alive] = live
        if bounds is not None:
            bounds.moved(alive, live, before)
        alive = alive[_moving(live, before)]
        if len(alive) == 0:
            break
    if bounds is None:
        labels, dist = _assign(points, centers)
    else:
        labels = bounds.assign(points, centers, np.arange(n_init))
        dist = _sq_dist_own(points, centers, labels)
    inertia = (weights[None, :] * dist).sum(axis=1)
    if every:
        return labels, centers, inertia
    best = int(np.argmin(inertia))
    return labels[best], centers[best].copy(), float(inertia[best])


def kmeans_sets(sets, k, draws, *, max_iter=100):
    """:func:`kmeans` with ``every`` on several small weighted point sets at once.

    ``sets`` is a list of ``(points, weights)``, ``k`` one group count for all
    of them or one per set, ``draws`` one :func:`plus_plus_draws` per set.
    Each set gets exactly what ``kmeans(points, k, rng, weights=weights,
    n_init=..., every=True)`` would give it with those random numbers (the
    same arithmetic, in the same order), but all runs of all sets share one
    Lloyd loop: the group k-means over a few base clusterings and group
    counts is a great many tiny problems, where numpy's per-call overhead is
    much of the cost. The arrays keep the runs last (see :func:`_nearest_t`);
    a set with a smaller ``k`` carries spare centres that are never looked at
    (they stay at 0). Returns a list of ``(labels, centers, inertia)``, one per set.
    """
    n_sets = len(sets)
    ks_given = np.broadcast_to(np.asarray(k, dtype=np.int64), (n_sets,))
    order = np.argsort(ks_given, kind="stable")  # by count: the runs with a centre j are a suffix
    sets, draws, ks = [sets[i] for i in order], [draws[i] for i in order], ks_given[order]
    sizes = [len(p) for p, _ in sets]
    width, dim = max(sizes), sets[0][0].shape[1]
    points = np.zeros((n_sets, width, dim))  # padding: finite, weight 0
    weights = np.zeros((n_sets, width))
    for i, (p, w) in enumerate(sets):
        points[i, : sizes[i]] = p
        weights[i, : sizes[i]] = w
    seeds = _plus_plus_sets(points, weights, sizes, ks, draws)  # (b, n_init, k, d)
    n_init, k_max = seeds.shape[1], seeds.shape[2]
    n_runs = n_sets * n_init
    set_of = np.repeat(np.arange(n_sets), n_init)
    k_of = ks[set_of]
    # per run, runs last: coordinates (d), weights, weight × coordinate (d), each (width, runs)
    per_set = np.concatenate([points.T, weights.T[None], (weights[..., None] * points).T])
    data = np.ascontiguousarray(per_set[..., set_of])
    padded = np.arange(width)[:, None] >= np.asarray(sizes)[set_of]  # (width, runs)
    centers = np.ascontiguousarray(seeds.reshape(n_runs, k_max, dim).T)  # (d, k, runs)
    spare = np.arange(k_max)[:, None] >= k_of  # (k, runs)
    centers[:, spare] = 0.0  # a spare centre gets no mass, so it stays at 0 and never moves
    offsets = np.arange(n_runs) * k_max  # bins run after run, as kmeans
    # ``work``: the runs whose points are gathered, ``active`` those of them still moving; the
    # points of settled runs are dropped only once half have settled (gathering costs as much)
    work, active, points_of = np.arange(n_runs), np.ones(n_runs, dtype=bool), data
    for _ in range(max_iter):
        n_work = len(work)
        live = np.take(centers, work, axis=2)  # (d, k, runs)
        labels, dist = _nearest_t(points_of[:dim], live, k_of[work])
        flat = (labels + offsets[:n_work]).ravel()
        n_bins = n_work * k_max
        mass = np.bincount(flat, weights=points_of[dim].ravel(), minlength=n_bins).reshape(n_work, k_max)
        share = np.where(mass > 0, mass, 1.0)  # a centre without mass: re-seeded below, or spare
        moved = np.empty_like(live)
        for d in range(dim):
            sums = np.bincount(flat, weights=points_of[dim + 1 + d].ravel(), minlength=n_bins)
            moved[d] = (sums.reshape(n_work, k_max) / share).T
        n_spare = n_bins - int(k_of[work].sum())
        if np.count_nonzero(mass) + n_spare < n_bins:  # rare: a real group lost all its points
            empty = (mass == 0) & ~spare[:, work].T  # (runs, k)
            own = dist.copy()
            own[padded[:, work]] = -np.inf  # padding is never a new centre
            for run, cl in zip(*np.nonzero(empty)):  # as _reseed: run by run
                far = int(np.argmax(own[:, run]))
                moved[:, cl, run] = points_of[:dim, far, run]
                own[far, run] = 0.0
        # as _moving: a run has settled once no centre moves 0.01
        step = moved - live
        step *= step
        shift = step[0]
        for d in range(1, dim):
            shift = shift + step[d]
        centers[..., work[active]] = moved[..., active]
        active &= (shift >= SETTLED**2).any(axis=0)
        n_active = int(np.count_nonzero(active))
        if n_active == 0:
            break
        if 2 * n_active <= n_work:
            work = work[active]
            points_of = np.take(data, work, axis=2)
            active = np.ones(n_active, dtype=bool)
    labels, own = _nearest_t(data[:dim], centers, k_of)
    out = [None] * n_sets
    for i, size in enumerate(sizes):
        runs = slice(i * n_init, (i + 1) * n_init)
        inertia = (weights[i, None, :size] * np.ascontiguousarray(own[:size, runs].T)).sum(axis=1)
        out[order[i]] = (np.ascontiguousarray(labels[:size, runs].T, dtype=np.int64),
                         np.ascontiguousarray(centers[:, : ks[i], runs].T), inertia)
    return out


def hartigan(points, labels, k):
    """Move single points while that lowers the k-means inertia (Hartigan & Wong's criterion).

    A Lloyd fixed point can still lose inertia by moving one point: moving
    ``x`` from group A (``n_A`` points) to B changes the inertia by
    ``n_B / (n_B + 1) |x - c_B|^2 - n_A / (n_A - 1) |x - c_A|^2``, which Lloyd,
    comparing only ``|x - c_B|`` with ``|x - c_A|``, does not see. The best
    such move is made until none lowers the inertia; every Hartigan optimum
    is also a Lloyd fixed point. Returns ``(labels, inertia)``.
    """
    points = np.asarray(points, dtype=np.float64)
    labels = np.array(labels, dtype=np.int64)
    n = len(points)
    size = np.bincount(labels, minlength=k).astype(np.float64)
    centers = np.zeros((k, points.shape[1]))
    np.divide(np.stack([np.bincount(labels, weights=points[:, d], minlength=k)
                        for d in range(points.shape[1])], axis=1),
              size[:, None], out=centers, where=size[:, None] > 0)
    dist = _sq_dist(points, centers)  # (n, k)
    rows = np.arange(n)
    for _ in range(n):  # bounds the work; from a Lloyd fixed point only a few points move
        own = labels
        leave = np.full(n, -np.inf)  # what leaving its group saves; a group is never emptied
        movable = size[own] > 1
        own_size = size[own[movable]]
        leave[movable] = own_size / (own_size - 1) * dist[rows[movable], own[movable]]
        gain = size / (size + 1) * dist - leave[:, None]
        gain[rows, own] = np.inf
        best = int(np.argmin(gain))
        i, to = divmod(best, k)
        # a relative margin keeps rounding noise from moving points back and forth
        if gain[i, to] >= -1e-12 * max(dist[i, own[i]], 1.0):
            break
        src = own[i]
        centers[src] = (centers[src] * size[src] - points[i]) / (size[src] - 1)
        centers[to] = (centers[to] * size[to] + points[i]) / (size[to] + 1)
        size[src] -= 1
        size[to] += 1
        labels[i] = to
        dist[:, [src, to]] = _sq_dist(points, centers[[src, to]])
    return labels, float(dist[rows, labels].sum())
