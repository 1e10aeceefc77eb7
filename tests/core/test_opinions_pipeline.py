"""The opinion-mapping pipeline on generated conversations with planted opinion groups."""

import math

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliberatie.core.errors import InputError
from deliberatie.core.opinions import from_votes, in_conversation, map_opinions
from deliberatie.core.opinions import cluster, kmeans, stats
from deliberatie.core.opinions.pipeline import _prepared


def planted(rng, sizes, n_statements, density, agree=0.88):
    """Votes of groups that each agree with their own random half of the statements."""
    stance = rng.choice([-1, 1], size=(len(sizes), n_statements))
    truth, votes, t = {}, [], 0
    pid = 0
    for g, size in enumerate(sizes):
        for _ in range(size):
            person = f"p{pid}"
            truth[person] = g
            pid += 1
            seen = rng.random(n_statements) < density
            seen[rng.choice(n_statements, size=8, replace=False)] = True  # enough to be clustered
            for s in np.flatnonzero(seen):
                u = rng.random()
                vote = stance[g, s] if u < agree else (0 if u < agree + 0.04 else -stance[g, s])
                t += 1
                votes.append((t, person, f"s{s}", int(vote)))
    order = rng.permutation(len(votes))  # the export's row order is not the vote order
    return from_votes([votes[i] for i in order]), truth


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(200, 500),
    n_groups=st.integers(2, 3),
    n_statements=st.integers(40, 70),
    density=st.floats(0.5, 0.9),
)
def test_planted_groups_with_a_five_percent_minority_are_recovered(seed, n, n_groups, n_statements, density):
    """Each person votes on 20+ statements; each planted group is found, none merged or split."""
    rng = np.random.default_rng(seed)
    minority = max(10, round(0.05 * n))
    rest = n - minority
    sizes = [rest] if n_groups == 2 else [round(rest * 0.6), rest - round(rest * 0.6)]
    conversation, truth = planted(rng, sizes + [minority], n_statements, density)
    result = map_opinions(conversation, seed=seed % 1000)
    assert len(result.groups) == n_groups
    # 12% of each person's votes go against their group, so a boundary voter or two may land in
    # another group: for a 16-person minority 10% alone would allow only one of them (seed
    # 1632823341, n 317, 45 statements gives 16 + 2, with this and the earlier algorithm alike)
    strays = lambda size: max(0.1 * size, 2)  # noqa: E731
    for g in set(truth.values()):
        members = {p for p, t in truth.items() if t == g}
        best = max(result.groups, key=lambda h: len(members & set(h.members)))
        overlap = len(members & set(best.members))
        assert overlap >= 0.9 * len(members)  # not split
        assert len(best.members) - overlap <= strays(len(best.members))  # not merged
    assert all(label >= 0 for label in result.labels)
    smallest = min(result.groups, key=lambda g: len(g.members))
    assert abs(len(smallest.members) - minority) <= strays(minority)


def test_same_seed_same_result_and_seed_is_recorded():
    conversation, _ = planted(np.random.default_rng(3), [120, 60, 12], 30, 0.5)
    a = map_opinions(conversation, seed=11)
    assert a == map_opinions(conversation, seed=11)
    assert a.parameters.seed == 11 and a.parameters.min_votes == 7


def test_only_participants_with_min_votes_are_clustered():
    conversation, _ = planted(np.random.default_rng(4), [60, 40], 20, 0.2)
    extra = [(10**9 + i, f"few{i}", f"s{i}", 1) for i in range(3)]
    votes = [(0, conversation.participants[r], conversation.statements[c], int(v))
             for r, c, v in zip(conversation.rows, conversation.cols, conversation.values)]
    result = map_opinions(from_votes(votes + extra))
    counts = dict(zip(*np.unique([result.participants[r] for r in from_votes(votes + extra).rows],
                                 return_counts=True)))
    assert set(result.clustered) == {p for p, k in counts.items() if k >= 7}
    assert "few0" not in result.clustered
    assert result.labels[result.participants.index("few0")] == -1
    kept = map_opinions(from_votes(votes + extra), keep=["few1"])
    assert "few1" in kept.clustered and kept.parameters.keep == ("few1",)


def test_greedy_minimum_of_fifteen():
    n_votes = np.array([1, 9, 3, 2, 8, 0] + [1] * 20, dtype=float)
    mask = in_conversation(n_votes, 50, min_votes=7)
    assert mask.sum() == 15 and mask[1] and mask[4] and mask[2] and not mask[5]
    assert in_conversation(np.array([3.0, 2.0] * 20), 3).sum() == 20  # min(7, statements)


def test_projection_is_mean_imputed_pca_scaled_by_vote_sparsity():
    """Dense reference: impute the statement mean, centre, SVD, scale sqrt(m / own votes)."""
    conversation, _ = planted(np.random.default_rng(5), [50, 30], 15, 0.5)
    matrix, voted, zeroed = _prepared(conversation)
    assert zeroed == 0
    dense = np.where(voted.toarray() > 0, matrix.toarray(), np.nan)
    assert_dense_projection(dense, map_opinions(conversation))


def assert_dense_projection(dense, result):
    """``result``'s coordinates are the mean-imputed PCA of ``dense`` (nan: no vote), scaled."""
    means = np.nanmean(dense, axis=0)
    centred = np.where(np.isnan(dense), means, dense) - means
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    n_votes = (~np.isnan(dense)).sum(axis=1)
    expected = centred @ vt[:2].T * np.sqrt(dense.shape[1] / n_votes)[:, None]
    got = np.array(result.coordinates)
    for axis in range(2):
        sign = np.sign(expected[:, axis] @ got[:, axis])
        np.testing.assert_allclose(got[:, axis], sign * expected[:, axis], atol=1e-6)


def test_moderated_statement_is_zeroed_and_never_reported():
    conversation, _ = planted(np.random.default_rng(6), [80, 40], 20, 0.6)
    votes = [(0, conversation.participants[r], conversation.statements[c], int(v))
             for r, c, v in zip(conversation.rows, conversation.cols, conversation.values)]
    cut = from_votes(votes, moderated_out={"s0", "s1"})
    result = map_opinions(cut)
    reported = {s.statement for g in result.groups for s in g.representative}
    reported |= {s.statement for s in result.consensus} | {s for s, _ in result.group_aware_consensus}
    assert not reported & {"s0", "s1"}
    matrix, voted, zeroed = _prepared(cut)
    col = cut.statements.index("s0")
    # the zeroed columns store no cell but count as a vote of everyone
    assert zeroed == 2 and voted[:, col].sum() == 0 and abs(matrix[:, col]).sum() == 0


def test_moderated_statements_count_as_everyones_pass_in_the_projection():
    """Dense reference: moderated columns are a 0 (a pass) of everyone, before imputing."""
    conversation, _ = planted(np.random.default_rng(8), [60, 40], 16, 0.5)
    votes = [(0, conversation.participants[r], conversation.statements[c], int(v))
             for r, c, v in zip(conversation.rows, conversation.cols, conversation.values)]
    cut = from_votes(votes, moderated_out={"s0", "s3", "s7"})
    dense = np.full(cut.shape, np.nan)
    dense[cut.rows, cut.cols] = cut.values
    dense[:, [cut.statements.index(s) for s in ("s0", "s3", "s7")]] = 0.0
    assert_dense_projection(dense, map_opinions(cut))


def test_z_tests_match_the_formulas():
    assert stats.prop_test(9, 10) == pytest.approx(2 * math.sqrt(11) * (10 / 11 - 0.5))
    p1, p2, p = 8 / 11, 3 / 21, 11 / 32
    z = (p1 - p2) / math.sqrt(p * (1 - p) * (1 / 11 + 1 / 21))
    assert stats.two_prop_test(7, 2, 10, 20) == pytest.approx(z)
    assert stats.z_for(0.95) == pytest.approx(1.6448536, abs=1e-6)


def test_group_aware_consensus_is_the_product_over_groups():
    na = np.array([[3, 0], [5, 1]])
    nd = np.array([[1, 4], [0, 3]])
    ns = np.array([[4, 4], [6, 5]])
    agree, disagree = stats.group_aware(na, nd, ns)
    assert agree[0] == pytest.approx((4 / 6) * (6 / 8))
    assert disagree[1] == pytest.approx((5 / 6) * (4 / 7))


def test_silhouette_matches_sklearn_and_kmeans_finds_blobs():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(7)
    points = np.vstack([rng.normal(c, 0.3, size=(40, 2)) for c in ((0, 0), (4, 0), (0, 4))])
    labels, centers, _ = kmeans.kmeans(points, 3, rng, n_init=3)
    assert sorted(np.bincount(labels)) == [40, 40, 40]
    assert cluster.silhouette(points, labels) == pytest.approx(metrics.silhouette_score(points, labels))
    # a weight w counts as w participants at that point
    weights = rng.integers(1, 4, size=len(points))
    repeated = np.repeat(points, weights, axis=0)
    assert cluster.silhouette(points, labels, weights) == pytest.approx(
        metrics.silhouette_score(repeated, np.repeat(labels, weights)))


def test_kmeans_from_given_starts_runs_each_start_and_reaches_lloyd_fixed_points():
    rng = np.random.default_rng(3)
    points = np.vstack([rng.normal(c, 0.4, size=(30, 2)) for c in ((0, 0), (5, 0))])
    starts = np.array([[[0.0, 0.0], [5.0, 0.0]], [[5.0, 0.0], [0.0, 0.0]], [[2.0, 0.0], [2.1, 0.0]]])
    labels, centers, inertia = kmeans.kmeans(points, 2, rng, init=starts, every=True)
    assert labels.shape == (3, 60) and centers.shape == (3, 2, 2) and inertia.shape == (3,)
    for run in range(3):  # each run is a fixed point: centres are the means of their members
        for g in range(2):
            assert centers[run, g] == pytest.approx(points[labels[run] == g].mean(axis=0))
    assert (labels[0] == labels[0][0]).sum() == 30 and (labels[0] != labels[1]).all()
    best = kmeans.kmeans(points, 2, rng, init=starts)
    assert best[2] == pytest.approx(inertia.min())


def test_hartigan_moves_a_point_that_lloyd_leaves_and_keeps_clear_groups():
    # {0, 2} and {3.3, 3.3, 3.3}: each point is nearest its own centre (1 and 3.3), a Lloyd fixed
    # point of inertia 2, yet moving 2 to the right group costs 3/4 * 1.3^2 and saves 2 * 1^2
    points = np.array([[0.0, 0.0], [2.0, 0.0], [3.3, 0.0], [3.3, 0.0], [3.3, 0.0]])
    rng = np.random.default_rng(0)
    lloyd, _, inertia = kmeans.kmeans(points, 2, rng, init=[[1.0, 0.0], [3.3, 0.0]])
    assert list(lloyd) == [0, 0, 1, 1, 1] and inertia == pytest.approx(2.0)
    labels, moved = kmeans.hartigan(points, lloyd, 2)
    assert list(labels) == [0, 1, 1, 1, 1]
    assert moved == pytest.approx(0.975**2 + 3 * 0.325**2)
    # the result is still a Lloyd fixed point
    centers = np.array([points[labels == g].mean(axis=0) for g in range(2)])
    assert list(kmeans.kmeans(points, 2, rng, init=centers)[0]) == list(labels)
    # well-separated groups are already Hartigan-optimal: nothing moves, no group is emptied
    blobs = np.vstack([rng.normal(c, 0.3, size=(25, 2)) for c in ((0, 0), (5, 0), (0, 5))])
    start = kmeans.kmeans(blobs, 3, rng, n_init=4)[0]
    assert (kmeans.hartigan(blobs, start, 3)[0] == start).all()
    single = np.array([1] + [0] * 9)
    assert kmeans.hartigan(np.vstack([[9.0, 9.0], rng.normal(size=(9, 2))]), single, 2)[0][0] == 1


@pytest.mark.parametrize("n, m, density", [(300, 40, 0.3), (120, 60, 0.9)])
def test_principal_components_match_a_dense_svd(n, m, density):
    """Both the Gram-matrix (few votes per person) and the sparse-SVD path give the dense axes."""
    rng = np.random.default_rng(n)
    dense = np.where(rng.random((n, m)) < density, rng.normal(size=(n, m)), 0.0)
    dense[:, :3] += rng.normal(size=(n, 1)) * 3  # a clear first axis
    comps = cluster.principal_components(sp.csr_matrix(dense), 2, rng)
    _, _, vt = np.linalg.svd(dense, full_matrices=False)
    for got, want in zip(comps, vt[:2]):
        assert abs(got @ want) == pytest.approx(1.0, abs=1e-8)
        assert got[np.argmax(np.abs(got))] > 0


@pytest.mark.parametrize("option, value", [
    ("min_votes", 0), ("max_groups", 1), ("pick_max", 0), ("confidence", 1.5), ("base_clusters", "x"),
])
def test_bad_options(option, value):
    conversation, _ = planted(np.random.default_rng(8), [20, 20], 10, 0.5)
    with pytest.raises(InputError) as info:
        map_opinions(conversation, **{option: value})
    assert info.value.params["field"] == option


def test_not_a_conversation():
    with pytest.raises(InputError) as info:
        map_opinions({"votes": []})
    assert info.value.code == "opinions.not_a_conversation"


def test_tiny_and_unanimous_conversations_give_one_group():
    unanimous = from_votes([(1, p, s, 1) for p in "abcdefgh" for s in "stuvwxyz"])
    result = map_opinions(unanimous)
    assert len(result.groups) == 1 and set(result.labels) == {0}
    assert [s.direction for s in result.consensus] == ["agree"] * 5
    split = from_votes([(1, p, s, 1 if p < "e" else -1) for p in "abcdefgh" for s in "stuvwxyz"])
    result = map_opinions(split)
    assert sorted(len(g.members) for g in result.groups) == [4, 4]
    assert {s.direction for s in result.groups[0].representative} in ({"agree"}, {"agree", "disagree"})


@pytest.mark.parametrize("dissent", [0, 1])
def test_unanimous_or_rank_one_conversation_beyond_the_dense_path(dissent):
    """30 × 15 votes take the sparse eigensolver: no variance (or one dissenter) must not crash it."""
    votes = [(1, f"p{p:02d}", f"s{s:02d}", -1 if p < dissent else 1) for p in range(30) for s in range(15)]
    result = map_opinions(from_votes(votes))
    sizes = sorted(len(g.members) for g in result.groups)
    assert sizes == ([30] if dissent == 0 else [1, 29])
    if dissent == 0:
        assert all(v == 0.0 for axis in result.components for v in axis)



def test_kmeans_sets_gives_each_set_what_kmeans_gives_it_alone():
    """Side by side is only faster: the same starts, steps and inertia as one set at a time."""
    rng = np.random.default_rng(11)
    sets = []
    for size in (30, 7, 18, 1, 25):  # sizes differ, so the shorter sets are padded
        points = np.vstack([rng.normal(c, 0.5, size=(size, 2)) for c in ((0, 0), (3, 1))])[:size]
        sets.append((points, rng.integers(1, 5, size=size).astype(float)))
    # 7 steps: a size-1 set with k = 3 keeps re-seeding empty groups; were the padding ever
    # picked, its centres would differ after an odd number of steps
    for k in (1, 2, 3):
        seed = int(rng.integers(1 << 30))
        alone = []
        one_by_one = np.random.default_rng(seed)
        for points, weights in sets:
            alone.append(kmeans.kmeans(points, k, one_by_one, weights=weights, n_init=6, max_iter=7,
                                        every=True))
        together = np.random.default_rng(seed)
        draws = [kmeans.plus_plus_draws(together, len(points), k, 6) for points, _ in sets]
        batched = kmeans.kmeans_sets(sets, k, draws, max_iter=7)
        for (labels, centers, inertia), (b_labels, b_centers, b_inertia) in zip(alone, batched):
            assert (labels == b_labels).all()
            assert np.array_equal(centers, b_centers) and np.array_equal(inertia, b_inertia)


def test_kmeans_sets_with_a_count_per_set_gives_each_set_what_kmeans_gives_it_alone():
    """Sets of different group counts share one Lloyd loop; the smaller counts' spare centres never count."""
    rng = np.random.default_rng(12)
    sets, ks = [], (4, 2, 3, 2, 5, 3)
    for size in (30, 12, 25, 1, 40, 9):
        points = rng.normal(0, 1, size=(size, 2))
        points[: size // 3] = points[0]  # coincident points: ties between centres
        sets.append((points, rng.integers(1, 5, size=size).astype(float)))
    seed = int(rng.integers(1 << 30))
    one_by_one, together = np.random.default_rng(seed), np.random.default_rng(seed)
    alone = [kmeans.kmeans(p, k, one_by_one, weights=w, n_init=5, max_iter=9, every=True)
             for (p, w), k in zip(sets, ks)]
    draws = [kmeans.plus_plus_draws(together, len(p), k, 5) for (p, _), k in zip(sets, ks)]
    batched = kmeans.kmeans_sets(sets, list(ks), draws, max_iter=9)
    for (labels, centers, inertia), (b_labels, b_centers, b_inertia) in zip(alone, batched):
        assert b_labels.dtype == np.int64 and (labels == b_labels).all()
        assert np.array_equal(centers, b_centers) and np.array_equal(inertia, b_inertia)


@pytest.mark.parametrize("n", [300, 1500])  # below and above the binary-search cut-over
def test_plus_plus_on_one_big_set_is_plus_plus_sets(n):
    rng = np.random.default_rng(n)
    points = np.round(rng.normal(0, 1, size=(n, 2)), 1)  # many duplicates
    weights = rng.integers(1, 4, size=n).astype(float)
    single = kmeans._plus_plus(points, weights, 40, 4, np.random.default_rng(5))
    draws = kmeans.plus_plus_draws(np.random.default_rng(5), n, 40, 4)
    sets = kmeans._plus_plus_sets(points[None], weights[None], [n], 40, [draws])[0]
    assert np.array_equal(single, sets)


def test_nearest_centre_runs_last_is_argmin_first_on_ties():
    rng = np.random.default_rng(4)
    points = np.round(rng.normal(0, 1, size=(50, 2)), 1)
    centers = np.round(rng.normal(0, 1, size=(6, 4, 2)), 1)
    centers[:, 2] = centers[:, 1]  # a duplicated centre: the first of the two wins
    centers[0, 3] = points[7]
    counts = np.array([2, 3, 4, 4, 4, 4])  # the first runs have spare centres
    labels, dist = kmeans._nearest_t([np.tile(points[:, d, None], (1, 6)) for d in range(2)],
                                      np.ascontiguousarray(centers.T), counts)
    for run, count in enumerate(counts):
        d = kmeans._sq_dist(points, centers[run, :count])
        assert (labels[:, run] == d.argmin(axis=1)).all()
        assert np.array_equal(dist[:, run], d.min(axis=1))


def test_kmeans_with_bounds_gives_what_kmeans_without_them_gives(monkeypatch):
    """Hamerly's bounds (many centres) only skip distances: the same labels, centres and inertia."""
    rng = np.random.default_rng(9)
    points = np.vstack([rng.normal(c, 0.5, size=(120, 2)) for c in ((0, 0), (3, 1), (1, 4))])
    points[:40] = np.round(points[:40], 0)  # coincident points and tied distances
    weights = rng.integers(1, 4, size=len(points)).astype(float)
    assert 30 >= kmeans.PRUNE_K
    bounded = kmeans.kmeans(points, 30, np.random.default_rng(1), weights=weights, n_init=4, every=True)
    monkeypatch.setattr(kmeans, "PRUNE_K", 10**9)
    plain = kmeans.kmeans(points, 30, np.random.default_rng(1), weights=weights, n_init=4, every=True)
    for got, want in zip(bounded, plain):
        assert np.array_equal(got, want)
