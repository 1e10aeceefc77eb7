"""Projection and clustering: pol.is's PCA, base clusters and opinion groups.

All functions are pure numpy/scipy; randomness comes in as a
``numpy.random.Generator`` so a run is reproducible from its seed.
"""

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist


def centered(matrix, voted, rows):
    """Mean-imputed, column-centred vote matrix as a sparse matrix.

    Imputing a missing vote by the statement mean and then centring makes
    that cell exactly zero, so the centred matrix is as sparse as the votes:
    only voted cells hold ``vote - mean``. Means are taken over ``rows``.
    """
    sub, sub_voted = matrix[rows], voted[rows]
    counts = np.asarray(sub_voted.sum(axis=0)).ravel()
    sums = np.asarray(sub.sum(axis=0)).ravel()
    means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
    # same structure as ``matrix`` (passes are stored zeros), so shift its data
    data = matrix.data - means[matrix.indices]
    return sp.csr_matrix((data, matrix.indices, matrix.indptr), shape=matrix.shape), means


def principal_components(centred_rows, n_components, rng):
    """Top right singular vectors of the centred matrix (the PCA axes).

    Lanczos (ARPACK ``eigsh``, seeded start vector) on the statement × statement
    Gram matrix when forming it is cheap (few votes per participant), else
    ``svds`` on the sparse matrix itself: no dense participant matrix, and no
    multithreaded dense LAPACK call that stalls on a busy machine. Plain power
    iteration (pol.is ``powerit-pca``) converges to the same axes but needs
    two to three times more CPU here: the eigengap of real conversations is
    small. Signs are fixed so that the largest loading of each axis is positive.
    """
    n, m = centred_rows.shape
    k = min(n_components, n, m)
    if k == 0 or not np.any(centred_rows.data):
        # nothing varies (say, every vote the same): no axes, everyone at the centre
        return np.zeros((n_components, m))
    if min(n, m) <= 10:
        _, _, vt = np.linalg.svd(centred_rows.toarray(), full_matrices=False)
        comps = vt[:k]
    else:
        v0 = rng.standard_normal(m)
        row_nnz = np.diff(centred_rows.indptr).astype(np.float64)
        if m <= 2_000 and (row_nnz**2).sum() <= 50 * centred_rows.nnz:
            gram = (centred_rows.T @ centred_rows).toarray()
            try:
                vals, vecs = spla.eigsh(gram, k=k, v0=v0, tol=1e-10)
            except spla.ArpackError:  # rank below k and the like: the dense solver copes
                vals, vecs = np.linalg.eigh(gram)
                vals, vecs = vals[-k:], vecs[:, -k:]
            comps = vecs[:, np.argsort(-vals)].T
        else:
            _, s, vt = spla.svds(centred_rows, k=k, v0=v0, tol=1e-8, solver="arpack")
            comps = vt[np.argsort(-s)]
    signs = np.sign(comps[np.arange(k), np.argmax(np.abs(comps), axis=1)])
    signs[signs == 0] = 1
    comps = comps * signs[:, None]
    if k < n_components:
        comps = np.vstack([comps, np.zeros((n_components - k, m))])
    return comps


def project(centred_all, comps, n_votes, n_statements):
    """Participants' coordinates, scaled by sqrt(statements / own votes).

    The scaling (pol.is ``sparsity-aware-project-ptpt``) stops people who
    voted little from bunching up at the centre.
    """
    raw = centred_all @ comps.T
    scale = np.sqrt(n_statements / np.maximum(n_votes, 1))
    return raw * scale[:, None]


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


def _sq_dist_runs(coords, centers):
    """Squared distances per run, coordinates ``[(runs, p)] * d`` × centres (runs, k, d) → (runs, k, p).

    The same sums as :func:`_sq_dist_sets`, laid out with the points last: numpy
    runs this several times faster on the many tiny group k-means runs.
    """
    out = np.subtract(coords[0][:, None, :], centers[:, :, 0, None])
    out *= out
    for dim in range(1, len(coords)):
        diff = np.subtract(coords[dim][:, None, :], centers[:, :, dim, None])
        diff *= diff
        out += diff
    return out


def _plus_plus_sets(points, weights, sizes, k, draws):
    """k-means++ starts per point set, shape (b, n_init, k, d).

    ``points`` (b, p, d) and ``weights`` (b, p) hold each set's ``sizes[i]``
    points first, then finite padding of weight 0 (never picked: it adds
    nothing to the cumulative weights); ``draws`` is one
    :func:`plus_plus_draws` per set.
    """
    n_sets = len(points)
    first = np.stack([d[0] for d in draws])  # (b, n_init)
    n_init = first.shape[1]
    last = (np.asarray(sizes) - 1)[:, None]
    sets = np.arange(n_sets)[:, None]
    cum_w = np.cumsum(weights, axis=1)
    picked = np.stack([np.searchsorted(cum_w[i], first[i] * cum_w[i, -1], side="right")
                       for i in range(n_sets)])
    centers = np.empty((n_sets, n_init, k, points.shape[2]))
    centers[:, :, 0] = points[sets, np.minimum(picked, last)]
    closest = _sq_dist_sets(points, centers[:, :, :1])[..., 0]  # (b, n_init, p)
    for j in range(1, k):
        cum = np.cumsum(weights[:, None, :] * closest, axis=2)
        total = cum[..., -1]
        draw = np.stack([d[1][j - 1] for d in draws]) * total
        pick = (cum < draw[..., None]).sum(axis=2)
        fallback = np.stack([d[2][j - 1] for d in draws])
        pick = np.where(total > 0, np.minimum(pick, last), fallback)
        centers[:, :, j] = points[sets, pick]
        np.minimum(closest, _sq_dist_sets(points, centers[:, :, j : j + 1])[..., 0], out=closest)
    return centers


def _plus_plus(points, weights, k, n_init, rng):
    """k-means++ starts for ``n_init`` runs at once, shape (n_init, k, d)."""
    draws = plus_plus_draws(rng, len(points), k, n_init)
    return _plus_plus_sets(points[None], weights[None], [len(points)], k, [draws])[0]


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


def _reseed(live, mass, own, points_of):
    """Put each empty group's centre on the point farthest from its own centre (``own``: (runs, n))."""
    for run, cl in zip(*np.nonzero(mass == 0)):
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
    for _ in range(max_iter):
        live = centers[alive]
        before = live.copy()
        new, _ = _assign(points, live, with_dist=False)
        runs = len(alive)
        mass = _weighted_means(live, new, tiled_w[: runs * n], [t[: runs * n] for t in tiled_wp])
        if (mass == 0).any():  # rare: distances to the centres the points were assigned to
            own = np.take_along_axis(_sq_dist(points, before), new[..., None], axis=2)[..., 0]
            _reseed(live, mass, own, lambda run: points)
        centers[alive] = live
        alive = alive[_moving(live, before)]
        if len(alive) == 0:
            break
    labels, dist = _assign(points, centers)
    inertia = (weights[None, :] * dist).sum(axis=1)
    if every:
        return labels, centers, inertia
    best = int(np.argmin(inertia))
    return labels[best], centers[best].copy(), float(inertia[best])


def kmeans_sets(sets, k, draws, *, max_iter=100):
    """:func:`kmeans` with ``every`` on several small weighted point sets at once.

    ``sets`` is a list of ``(points, weights)``, ``draws`` one
    :func:`plus_plus_draws` per set. Each set gets exactly what
    ``kmeans(points, k, rng, weights=weights, n_init=..., every=True)``
    would give it with those random numbers (the same arithmetic, in the same
    order), but all runs of all sets share one Lloyd loop: the group k-means
    over a few base clusterings is a great many tiny problems, where numpy's
    per-call overhead is much of the cost. Returns a list of
    ``(labels, centers, inertia)``, one per set.
    """
    sizes = [len(p) for p, _ in sets]
    n_sets, width, dim = len(sets), max(sizes), sets[0][0].shape[1]
    points = np.zeros((n_sets, width, dim))  # padding: finite, weight 0
    weights = np.zeros((n_sets, width))
    for i, (p, w) in enumerate(sets):
        points[i, : sizes[i]] = p
        weights[i, : sizes[i]] = w
    padded = np.arange(width)[None, :] >= np.asarray(sizes)[:, None]  # (b, p)
    centers = _plus_plus_sets(points, weights, sizes, k, draws)
    n_init = centers.shape[1]
    centers = centers.reshape(n_sets * n_init, k, dim)
    set_of = np.repeat(np.arange(n_sets), n_init)
    weighted = [weights * points[..., d] for d in range(dim)]
    coords = [np.ascontiguousarray(points[..., d]) for d in range(dim)]  # (b, p) each
    alive = np.arange(len(centers))
    for _ in range(max_iter):
        live = centers[alive]
        before = live.copy()
        of = set_of[alive]
        dist = _sq_dist_runs([c[of] for c in coords], live)  # (runs, k, p)
        new = dist.argmin(axis=1)
        mass = _weighted_means(live, new, weights[of].ravel(), [w[of].ravel() for w in weighted])
        if (mass == 0).any():
            own = np.take_along_axis(dist, new[:, None, :], axis=1)[:, 0]
            own[padded[of]] = -np.inf  # padding is never a new centre
            _reseed(live, mass, own, lambda run: points[of[run]])
        centers[alive] = live
        alive = alive[_moving(live, before)]
        if len(alive) == 0:
            break
    dist = _sq_dist_runs([c[set_of] for c in coords], centers)
    labels = dist.argmin(axis=1)
    own = np.take_along_axis(dist, labels[:, None, :], axis=1)[:, 0]
    out = []
    for i, size in enumerate(sizes):
        runs = slice(i * n_init, (i + 1) * n_init)
        inertia = (weights[i, None, :size] * own[runs, :size]).sum(axis=1)
        out.append((labels[runs, :size], centers[runs].copy(), inertia))
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


def silhouette(points, labels, weights=None, dist=None):
    """Mean silhouette coefficient, each point weighted (base-cluster sizes).

    With weights every base cluster counts as that many participants at its
    centre, so the score equals the participant-level silhouette on the
    base-cluster positions.
    """
    n = len(points)
    weights = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    groups = np.unique(labels)
    if len(groups) < 2:
        return -1.0
    if dist is None:  # (callers scoring several labelings of the same points pass it)
        dist = cdist(points, points)
    onehot = (labels[:, None] == groups[None, :]).astype(np.float64) * weights[:, None]
    sums = dist @ onehot
    mass = onehot.sum(axis=0)
    own = np.searchsorted(groups, labels)
    own_mass = mass[own] - 1.0  # copies at a base centre are at distance 0
    a = np.divide(sums[np.arange(n), own], own_mass, out=np.zeros(n), where=own_mass > 0)
    other = sums / np.where(mass > 0, mass, np.inf)[None, :]
    other[np.arange(n), own] = np.inf
    b = other.min(axis=1)
    s = np.where(np.maximum(a, b) > 0, (b - a) / np.maximum(np.maximum(a, b), 1e-300), 0.0)
    s[own_mass <= 0] = 0.0  # singleton groups score 0, as in the usual definition
    return float((weights * s).sum() / weights.sum())
