"""Projection and clustering: pol.is's PCA, base clusters and opinion groups.

All functions are pure numpy/scipy; randomness comes in as a
``numpy.random.Generator`` so a run is reproducible from its seed.
"""

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla


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

    Small matrices go through a dense SVD (exact); large ones through
    ``scipy.sparse.linalg.svds`` with a seeded start vector. Signs are fixed
    so that the largest loading of each axis is positive.
    """
    n, m = centred_rows.shape
    k = min(n_components, min(n, m))
    if k == 0:
        return np.zeros((n_components, m))
    if min(n, m) <= 400 or k >= min(n, m) - 1:
        _, _, vt = np.linalg.svd(centred_rows.toarray(), full_matrices=False)
        comps = vt[:k]
    else:
        v0 = rng.standard_normal(min(n, m))
        _, s, vt = spla.svds(centred_rows, k=k, v0=v0, tol=1e-8, random_state=rng)
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
    d = (
        (points**2).sum(axis=1)[:, None]
        - 2.0 * points @ centers.T
        + (centers**2).sum(axis=1)[None, :]
    )
    return np.maximum(d, 0.0)


def _plus_plus(points, weights, k, rng):
    n = len(points)
    centers = np.empty((k, points.shape[1]))
    first = rng.choice(n, p=weights / weights.sum())
    centers[0] = points[first]
    closest = _sq_dist(points, centers[:1]).ravel()
    for i in range(1, k):
        prob = weights * closest
        total = prob.sum()
        if total <= 0:
            pick = rng.choice(n)
        else:
            pick = rng.choice(n, p=prob / total)
        centers[i] = points[pick]
        closest = np.minimum(closest, _sq_dist(points, centers[i : i + 1]).ravel())
    return centers


def kmeans(points, k, rng, *, weights=None, n_init=1, max_iter=100):
    """Weighted Lloyd k-means with k-means++ starts; the lowest inertia wins.

    Returns ``(labels, centers, inertia)``; empty clusters are re-seeded with
    the farthest point so exactly ``k`` clusters come back when possible.
    """
    points = np.asarray(points, dtype=np.float64)
    n = len(points)
    weights = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    best = None
    for _ in range(n_init):
        centers = _plus_plus(points, weights, k, rng)
        labels = None
        for _ in range(max_iter):
            dist = _sq_dist(points, centers)
            new = dist.argmin(axis=1)
            if labels is not None and np.array_equal(new, labels):
                break
            labels = new
            mass = np.bincount(labels, weights=weights, minlength=k)
            for dim in range(points.shape[1]):
                sums = np.bincount(labels, weights=weights * points[:, dim], minlength=k)
                centers[:, dim] = np.divide(sums, mass, out=centers[:, dim].copy(), where=mass > 0)
            empty = np.flatnonzero(mass == 0)
            if len(empty):
                far = np.argsort(-dist[np.arange(n), labels])[: len(empty)]
                centers[empty] = points[far]
        dist = _sq_dist(points, centers)
        labels = dist.argmin(axis=1)
        inertia = float((weights * dist[np.arange(n), labels]).sum())
        if best is None or inertia < best[2] - 1e-12:
            best = (labels, centers.copy(), inertia)
    return best


def silhouette(points, labels, weights=None):
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
    dist = np.sqrt(_sq_dist(points, points))
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
