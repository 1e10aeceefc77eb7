"""k-means++ draws taken from PCG64's raw words are exactly what the Generator's calls give."""

import numpy as np
import pytest

from deliberatie.core.opinions import cluster


reference = cluster.generator_draws


@pytest.mark.parametrize("n", [1, 2, 3, 100, 138, 3_000_000_000, 2**32 - 1, 2**32, 2**40])
@pytest.mark.parametrize("k,n_init", [(1, 4), (2, 1), (5, 16), (13, 3), (14, 16), (100, 4)])
@pytest.mark.parametrize("seed", [0, 7])
def test_plus_plus_draws_match_the_generator_calls_and_leave_the_same_state(n, k, n_init, seed):
    for before in (0, 1, 3):  # an odd count of 32-bit draws leaves half a word buffered
        fast, slow = np.random.default_rng(seed), np.random.default_rng(seed)
        for rng in (fast, slow):
            rng.integers(0, 5, size=before)
        got, want = cluster.plus_plus_draws(fast, n, k, n_init), reference(slow, n, k, n_init)
        for g, w in zip(got, want):
            assert g.dtype == w.dtype and g.shape == w.shape and np.array_equal(g, w)
        assert fast.bit_generator.state == slow.bit_generator.state
        assert np.array_equal(fast.integers(0, 9, size=5), slow.integers(0, 9, size=5))


def test_plus_plus_draws_of_another_bit_generator_are_the_generator_calls():
    fast, slow = np.random.Generator(np.random.Philox(3)), np.random.Generator(np.random.Philox(3))
    for g, w in zip(cluster.plus_plus_draws(fast, 50, 6, 4), reference(slow, 50, 6, 4)):
        assert np.array_equal(g, w)
