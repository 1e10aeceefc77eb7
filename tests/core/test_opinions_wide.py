"""Conversations with fewer participants than statements (the PCA's sparse solver)."""

import numpy as np

from deliberatie.core.opinions import cluster, from_arrays, map_opinions


def test_fewer_participants_than_statements_who_vote_on_many_are_mapped():
    """20 people voting on all of 100 statements: the solver's start vector has the short side's length.

    scipy's ``svds`` wants a start vector as long as the shorter side of the matrix; with the
    statements' length it raised ValueError whenever participants < statements and people
    voted on more than ~50 statements each (the Gram-matrix path is skipped then).
    """
    rng = np.random.default_rng(0)
    n, m = 20, 100
    rows, cols = np.divmod(np.arange(n * m), m)
    stance = np.where(np.arange(n) < 12, 1, -1)
    noise = rng.random(n * m) < 0.1
    values = np.where(noise, -stance[rows], stance[rows])
    result = map_opinions(from_arrays([str(i) for i in range(n)], [str(j) for j in range(m)],
                                      rows, cols, values))
    assert len(result.clustered) == n
    assert {frozenset(g.members) for g in result.groups} == {
        frozenset(str(i) for i in range(12)), frozenset(str(i) for i in range(12, 20))}


def test_axes_of_a_wide_matrix_are_the_dense_svd_axes():
    rng = np.random.default_rng(3)
    import scipy.sparse as sp

    dense = rng.standard_normal((30, 120))
    dense -= dense.mean(axis=0)
    comps = cluster.principal_components(sp.csr_matrix(dense), 2, rng)
    _, _, vt = np.linalg.svd(dense, full_matrices=False)
    for axis, ref in zip(comps, vt[:2]):
        assert abs(abs(float(axis @ ref)) - 1) < 1e-8
