"""Projection and cluster quality: pol.is's PCA and the silhouette (k-means itself is in kmeans.py).

All functions are pure numpy/scipy; randomness comes in as a
``numpy.random.Generator`` so a run is reproducible from its seed.
"""

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.spatial.distance import cdist


def centered(matrix, voted, rows=None):
    """Mean-imputed, column-centred vote matrix as a sparse matrix.

    Imputing a missing vote by the statement mean and then centring makes
    that cell exactly zero, so the centred matrix is as sparse as the votes:
    only voted cells hold ``vote - mean``. Means are taken over ``rows``
    (default: all).
    """
    sub, sub_voted = (matrix, voted) if rows is None else (matrix[rows], voted[rows])
    counts = np.asarray(sub_voted.sum(axis=0)).ravel()
    sums = np.asarray(sub.sum(axis=0)).ravel()
    means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
    # same structure as ``matrix`` (passes are stored zeros), so shift its data
    data = matrix.data - means[matrix.indices]
    return sp.csr_matrix((data, matrix.indices, matrix.indptr), shape=matrix.shape), means


def principal_components(centred_rows, n_components, rng, *, zeroed=0):
    """Top right singular vectors of the centred matrix (the PCA axes).

    Lanczos (ARPACK ``eigsh``, seeded start vector) on the statement × statement
    Gram matrix when forming it is cheap (few votes per participant), else
    ``svds`` on the sparse matrix itself: no dense participant matrix, and no
    multithreaded dense LAPACK call that stalls on a busy machine. Plain power
    iteration (pol.is ``powerit-pca``) converges to the same axes but needs
    two to three times more CPU here: the eigengap of real conversations is
    small. Signs are fixed so that the largest loading of each axis is positive.
    ``zeroed``: columns that are 0 for everyone but not stored (moderated
    statements); they change no product, but the choice between the two
    solvers counts them as stored cells, as it always has.
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
        row_nnz = (np.diff(centred_rows.indptr) + zeroed).astype(np.float64)
        if m <= 2_000 and (row_nnz**2).sum() <= 50 * (centred_rows.nnz + n * zeroed):
            gram = (centred_rows.T @ centred_rows).toarray()
            try:
                vals, vecs = spla.eigsh(gram, k=k, v0=v0, tol=1e-10)
            except spla.ArpackError:  # rank below k and the like: the dense solver copes
                vals, vecs = np.linalg.eigh(gram)
                vals, vecs = vals[-k:], vecs[:, -k:]
            comps = vecs[:, np.argsort(-vals)].T
        else:
            # svds starts from a vector as long as the shorter side (participants < statements)
            _, s, vt = spla.svds(centred_rows, k=k, v0=v0[: min(n, m)], tol=1e-8, solver="arpack")
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


def silhouette(points, labels, weights=None, dist=None):
    """Mean silhouette coefficient, each point weighted (base-cluster sizes).

    With weights every base cluster counts as that many participants at its
    centre, so the score equals the participant-level silhouette on the
    base-cluster positions.
    """
    return silhouettes(points, [labels], weights, dist)[0]


def silhouettes(points, labelings, weights=None, dist=None):
    """:func:`silhouette` of several labelings of the same points, a list of floats.

    All labelings share the distances and one pass of each step (their
    one-hot columns side by side); every score is the same arithmetic as
    scoring that labeling alone. One group scores -1. Each labeling's
    distance sums come from a matrix product of their own: BLAS blocks a
    product by its shape, so one product over all columns may round a sum
    differently (seen on some CPUs) and the scores would hang on which
    labelings were scored together.
    """
    n = len(points)
    weights = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    labelings = [np.asarray(labels) for labels in labelings]
    groups = [np.unique(labels) for labels in labelings]
    scores = [-1.0] * len(labelings)
    live = [i for i, g in enumerate(groups) if len(g) >= 2]
    if not live:
        return scores
    if dist is None:  # (callers scoring several labelings of the same points pass it)
        dist = cdist(points, points)
    blocks = [(labelings[i][:, None] == groups[i][None, :]) * weights[:, None] for i in live]
    onehot = np.concatenate(blocks, axis=1)  # (n, all groups)
    sums = np.concatenate([dist @ block for block in blocks], axis=1)
    mass = onehot.sum(axis=0)
    starts = np.cumsum([0] + [len(groups[i]) for i in live[:-1]])
    own = np.stack([np.searchsorted(groups[i], labelings[i]) for i in live]) + starts[:, None]
    own_mass = mass[own] - 1.0  # (labelings, n); copies at a base centre are at distance 0
    cells = np.arange(n)[None, :], own
    a = np.divide(sums.T[own, cells[0]], own_mass, out=np.zeros(own.shape), where=own_mass > 0)
    other = sums / np.where(mass > 0, mass, np.inf)[None, :]
    other[cells[0], own] = np.inf
    b = np.minimum.reduceat(other, starts, axis=1).T  # nearest other group, per labeling
    s = np.where(np.maximum(a, b) > 0, (b - a) / np.maximum(np.maximum(a, b), 1e-300), 0.0)
    s[own_mass <= 0] = 0.0  # singleton groups score 0, as in the usual definition
    totals = (weights[None, :] * s).sum(axis=1) / weights.sum()
    for i, total in zip(live, totals.tolist()):
        scores[i] = total
    return scores
