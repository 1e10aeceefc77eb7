"""pol.is-style opinion mapping: who is clustered, PCA, groups, statements.

The steps follow pol.is ``math`` (``conversation.clj``): latest votes,
moderated-out statements zeroed, PCA of the mean-imputed matrix, projections
scaled by sqrt(statements / own votes), k-means base clusters, then 2 to
``max_groups`` opinion groups over the base clusters chosen by silhouette,
and the repness / consensus statistics over the clustered participants.
pol.is's groups also depend on its history (cluster centres carried over
from earlier runs, k smoothed over runs); we cannot replay that, so several
base clusterings stand in for the updates the k smoother waits for, the
group k-means takes the best of many starts, and a final participant-level
Lloyd polish removes most of the dependence on the random base clusters.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.spatial.distance import cdist

from deliberatie.core.errors import InputError
from deliberatie.core.opinions import cluster, kmeans, stats
from deliberatie.core.opinions.io import Conversation

ALGORITHM = (
    "deliberatie-opinions/4 (pol.is math: moderated zeroed, mean-imputed PCA-2, sqrt(m/votes) "
    "scaling; 4 k-means base clusterings (pol.is group-k-buffer), weighted group k-means 2..max "
    "(16 k-means++ starts, at most 20 steps) scored by pol.is silhouette, k leaves 2 only when "
    "all 4 agree; participant-level Lloyd polish of the 8 best, lowest inertia, then Hartigan "
    "single-point moves; k-means stops when no centre moves 0.01; "
    "repness/consensus z-tests at 90%)"
)
GREEDY_MIN = 15  # pol.is clusters at least the 15 most active voters
GROUP_STARTS = 16  # k-means++ starts per group count and base clustering, side by side
POLISHED = 8  # distinct group solutions polished on the participants (side by side)
#: pol.is ``group-k-buffer``: a new group count must win the silhouette this many updates running.
#: Here: independent base clusterings that must all agree before the count leaves 2.
K_BUFFER = 4
GROUP_ITERS = 20  # pol.is: its group k-means runs kmeans' default of 20 steps
BIG = 5_000  # clustered participants above which fewer Lloyd iterations suffice


@dataclass(frozen=True)
class Parameters:
    """Everything needed to reproduce a run (with the same votes)."""

    min_votes: int = 7
    max_groups: int = 5
    base_clusters: int = 100
    seed: int = 0
    pick_max: int = 5
    confidence: float = 0.9
    keep: tuple = ()
    algorithm: str = ALGORITHM


@dataclass(frozen=True)
class StatementScore:
    """A statement's standing in a group (repness) or in the whole (consensus).

    ``direction`` is ``"agree"`` or ``"disagree"``; ``n_success`` votes in
    that direction out of ``n_trials``; ``p_success`` the smoothed share and
    ``p_test`` its z; for repness also ``repness`` (ratio to the rest) and
    ``repness_test`` (two-proportion z). ``agree_share`` is the raw share of
    agree votes among the group's votes on it.
    """

    statement: str
    direction: str
    agree_share: float
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float = None
    repness_test: float = None
    best_agree: bool = False


@dataclass(frozen=True)
class OpinionGroup:
    """One opinion group: its members and representative statements."""

    id: int
    members: tuple
    representative: tuple


@dataclass(frozen=True)
class OpinionMap:
    """Result of :func:`map_opinions`.

    Attributes
    ----------
    parameters : Parameters
        Options and algorithm version of the run.
    participants : tuple of str
        Every voter, in the order of ``coordinates`` and ``labels``.
    coordinates : tuple of (float, float)
        Each participant's scaled PCA position (the opinion map).
    labels : tuple of int
        Group id per participant; -1 when not clustered.
    clustered : tuple of str
        Participants that were clustered.
    groups : tuple of OpinionGroup
        Ordered by size, largest first (id = position).
    consensus : tuple of StatementScore
        Majority consensus, agrees first.
    group_aware_consensus : tuple of (str, float)
        Every eligible statement with its group-aware agree score, highest first.
    silhouettes : tuple of (int, float)
        Silhouette per candidate group count, mean over the ``K_BUFFER`` base
        clusterings (why ``len(groups)`` was chosen: a count other than 2 must
        win in every one of them).
    statements : tuple of str
        Statements with at least one vote (columns of ``components``).
    components : tuple of tuple of float
        The two PCA axes (loadings per statement).
    """

    parameters: Parameters
    participants: tuple
    coordinates: tuple
    labels: tuple
    clustered: tuple
    groups: tuple
    consensus: tuple
    group_aware_consensus: tuple
    silhouettes: tuple
    statements: tuple
    components: tuple


def _validate_options(conversation, min_votes, max_groups, base_clusters, pick_max, confidence):
    if not isinstance(conversation, Conversation):
        raise InputError("opinions.not_a_conversation", field="conversation")
    for name, value, low in (
        ("min_votes", min_votes, 1), ("max_groups", max_groups, 2),
        ("base_clusters", base_clusters, 2), ("pick_max", pick_max, 1),
    ):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise InputError("opinions.bad_option", field=name, value=value)
    if not 0.5 < confidence < 1:
        raise InputError("opinions.bad_option", field="confidence", value=confidence)
    if len(conversation.rows) == 0:
        raise InputError("opinions.no_votes", field="votes")


def in_conversation(n_votes, n_statements, *, min_votes=7, keep_mask=None):
    """Who is clustered: at least ``min(min_votes, statements)`` votes, plus ``keep``.

    When that leaves fewer than 15 people, pol.is adds the most active
    voters until 15 (ties by order) so small conversations still get groups.
    """
    mask = n_votes >= min(min_votes, max(n_statements, 1))
    if keep_mask is not None:
        mask |= keep_mask
    if mask.sum() < GREEDY_MIN:
        order = np.lexsort((np.arange(len(n_votes)), -n_votes))
        mask[order[: min(GREEDY_MIN, int((n_votes > 0).sum()))]] = True
    return mask


def map_opinions(
    conversation, *, min_votes=7, max_groups=5, base_clusters=100, seed=0,
    pick_max=5, confidence=0.9, keep=(),
):
    """Opinion groups, representative and consensus statements of a conversation.

    Parameters
    ----------
    conversation : Conversation
        Latest votes (see :func:`read_conversation`, :func:`from_votes`).
    min_votes : int
        Votes a participant needs to be clustered (pol.is: 7).
    max_groups : int
        Upper bound on the number of opinion groups (2..max_groups tried).
    base_clusters : int
        k-means base clusters the groups are built from (pol.is: 100).
    seed : int
        Seeds ``numpy.random.default_rng``; same seed, same result.
    pick_max : int
        Representative statements per group and consensus per direction.
    confidence : float
        One-sided confidence of the z-tests (pol.is: 0.9).
    keep : iterable of str
        Participants to cluster regardless of ``min_votes`` (pol.is keeps
        anyone it clustered before).

    Returns
    -------
    OpinionMap
    """
    _validate_options(conversation, min_votes, max_groups, base_clusters, pick_max, confidence)
    keep = tuple(sorted(str(k) for k in keep))
    params = Parameters(min_votes, max_groups, base_clusters, seed, pick_max, confidence, keep)
    rng = np.random.default_rng(seed)

    matrix, voted, zeroed = _prepared(conversation)
    n, m = matrix.shape
    n_votes = (np.diff(voted.indptr) + zeroed).astype(np.float64)  # incl. zeroed statements
    own_votes = np.bincount(conversation.rows, minlength=n).astype(np.float64)
    keep_set = set(keep)
    keep_mask = np.array([p in keep_set for p in conversation.participants]) if keep else None
    inconv = in_conversation(own_votes, m, min_votes=min_votes, keep_mask=keep_mask)
    rows = np.flatnonzero(inconv)

    # as pol.is: means and axes from everyone's votes, clustering of in-conv only
    centred, _ = cluster.centered(matrix, voted)
    comps = cluster.principal_components(centred, 2, rng, zeroed=zeroed)
    coords = cluster.project(centred, comps, n_votes, m)

    labels, silhouettes = _groups(coords[rows], max_groups, base_clusters, rng)
    all_labels = np.full(n, -1, dtype=np.int64)
    all_labels[rows] = labels
    n_groups = int(labels.max()) + 1 if len(labels) else 0

    # statements nobody voted on are not in the PCA and say nothing about groups
    has_votes = np.bincount(conversation.cols, minlength=len(conversation.statements)) > 0
    eligible = has_votes.copy()
    moderated = [i for i, s in enumerate(conversation.statements) if s in conversation.moderated_out]
    eligible[moderated] = False
    shape = conversation.shape
    cells = (conversation.rows, conversation.cols)
    vals = conversation.values
    agree = sp.csr_matrix(((vals > 0).astype(np.float64), cells), shape=shape)
    disagree = sp.csr_matrix(((vals < 0).astype(np.float64), cells), shape=shape)
    voted_raw = sp.csr_matrix((np.ones(len(vals)), cells), shape=shape)
    na, nd, ns = stats.counts(agree, disagree, voted_raw, all_labels, n_groups)
    group_st = stats.group_stats(na, nd, ns)
    reps = stats.representative(group_st, eligible, pick_max=pick_max, confidence=confidence)
    # majority consensus over everyone who voted, as pol.is
    m_all = shape[1]
    ta = np.bincount(conversation.cols, weights=vals > 0, minlength=m_all).astype(np.int64)
    td = np.bincount(conversation.cols, weights=vals < 0, minlength=m_all).astype(np.int64)
    ts = np.bincount(conversation.cols, minlength=m_all).astype(np.int64)
    cons = stats.consensus(ta, td, ts, eligible, pick_max=pick_max, confidence=confidence)
    gac_agree, _ = stats.group_aware(na, nd, ns)

    ids = conversation.statements
    groups = tuple(
        OpinionGroup(
            id=g,
            members=tuple(conversation.participants[i] for i in np.flatnonzero(all_labels == g)),
            representative=tuple(_score(e, ids) for e in reps[g]),
        )
        for g in range(n_groups)
    )
    gac_cols = np.flatnonzero(eligible)
    gac_cols = gac_cols[np.lexsort((gac_cols, -gac_agree[gac_cols]))]
    return OpinionMap(
        parameters=params,
        participants=conversation.participants,
        coordinates=tuple(map(tuple, coords.tolist())),
        labels=tuple(all_labels.tolist()),
        clustered=tuple(conversation.participants[i] for i in rows),
        groups=groups,
        consensus=tuple(_score(e, ids) for e in cons),
        group_aware_consensus=tuple((ids[c], float(gac_agree[c])) for c in gac_cols),
        silhouettes=tuple(silhouettes),
        statements=tuple(ids[c] for c in np.flatnonzero(has_votes)),
        components=tuple(tuple(float(v) for v in row) for row in comps),
    )


def _score(entry, ids):
    return StatementScore(
        statement=ids[entry["statement"]],
        direction=entry["direction"],
        agree_share=entry["agree_share"],
        n_success=entry["n_success"],
        n_trials=entry["n_trials"],
        p_success=entry["p_success"],
        p_test=entry["p_test"],
        repness=entry.get("repness"),
        repness_test=entry.get("repness_test"),
        best_agree=entry.get("best_agree", False),
    )


def _prepared(conversation):
    """Vote matrix for the PCA: moderated-out statements zeroed for everyone.

    pol.is keeps those columns but sets every cell to 0 (a pass), so they add
    no variance yet still count in sqrt(statements / own votes). Here such a
    column stays in the matrix but stores no cell: a stored 0 adds exactly
    nothing to any sum of the PCA, and on conversations with many moderated
    statements those zeros were most of the cells. Statements nobody voted on
    are left out. Returns CSR ``(votes, voted)`` with the same structure (a
    pass is a stored 0 in ``votes``) and the number of zeroed columns, each
    of which counts as a vote of everyone.
    """
    n, m = conversation.shape
    rows, cols, vals = conversation.rows, conversation.cols, conversation.values
    mod = np.array([s in conversation.moderated_out for s in conversation.statements], dtype=bool)
    has_votes = np.bincount(cols, minlength=m) > 0
    if mod.any():
        live = ~mod[cols]
        rows, cols, vals = rows[live], cols[live], vals[live]
    new_col = np.cumsum(has_votes) - 1
    shape = (n, int(has_votes.sum()))
    # COO -> CSR keeps stored zeros (passes); pairs are unique after io._latest
    votes = sp.csr_matrix((vals.astype(np.float64), (rows, new_col[cols])), shape=shape)
    votes.sort_indices()
    voted = sp.csr_matrix((np.ones(votes.nnz), votes.indices, votes.indptr), shape=shape)
    return votes, voted, int((mod & has_votes).sum())


def _groups(points, max_groups, base_clusters, rng):
    """Base clusters, opinion groups over them chosen by silhouette, then a participant polish.

    pol.is's groups depend on its history: centres carried over from earlier
    runs, and a group count that changes only after another count has won the
    silhouette ``group-k-buffer`` (4) updates running. From one snapshot we
    run ``K_BUFFER`` independent base clusterings instead, standing in for
    those updates: per clustering and candidate count, the lowest weighted
    inertia of ``GROUP_STARTS`` k-means++ starts on the (at most
    ``base_clusters``) base centres -- tiny, so all starts run side by side --
    is scored by pol.is's silhouette (base centres, unweighted; ties go to
    the larger count, as pol.is's ``max-key``). A count other than 2 (where
    every conversation starts) is taken only when it wins in every clustering.
    Finally Lloyd steps on the participants themselves, started from the
    group centres of the best distinct local optima for that count (from all
    clusterings), move people whose base cluster straddles a group boundary,
    and the lowest participant-level inertia wins; this makes the groups far
    less dependent on the random base clusters (and so on the seed). Last,
    Hartigan's single-point moves lower that inertia further where Lloyd's
    nearest-centre rule stops short of a local minimum.
    """
    n = len(points)
    if n == 0:
        return np.zeros(0, dtype=np.int64), []
    distinct = len(np.unique(np.round(points, 12), axis=0))
    k_base = min(base_clusters, distinct)
    big = n > BIG
    # the base clusterings run side by side (one Lloyd loop)
    all_labels, all_centers, _ = kmeans.kmeans(points, k_base, rng, n_init=K_BUFFER,
                                                max_iter=10 if big else 20, every=True)
    sets, draws = [], []
    for base_labels, centers in zip(all_labels, all_centers):
        weights = np.bincount(base_labels, minlength=k_base).astype(np.float64)
        centers, weights = centers[weights > 0], weights[weights > 0]
        k_max = min(max_groups, 2 + len(centers) // 12, len(centers))
        sets.append((centers, weights, k_max))
        draws.append({k: kmeans.plus_plus_draws(rng, len(centers), k, GROUP_STARTS)
                      for k in range(2, k_max + 1)})
    scores, starts = [{} for _ in sets], {}
    dists = [cdist(centers, centers) for centers, _, _ in sets]
    # pol.is stops the group k-means after 20 Lloyd steps; all base clusterings and counts side by side
    problems = [(i, k) for k in range(2, max((s[2] for s in sets), default=1) + 1)
                for i, s in enumerate(sets) if s[2] >= k]
    results = kmeans.kmeans_sets([sets[i][:2] for i, _ in problems], [k for _, k in problems],
                                  [draws[i][k] for i, k in problems],
                                  max_iter=GROUP_ITERS) if problems else []
    best = [{} for _ in sets]  # per base clustering and count: the labels of its best start
    for (i, k), (runs, run_centers, inertia) in zip(problems, results):
        # distinct local optima, lowest weighted inertia first
        _, first = np.unique(np.round(inertia, 9), return_index=True)
        best[i][k] = runs[first[0]]
        starts.setdefault(k, []).append(run_centers[first[: max(1, POLISHED // K_BUFFER)]])
    for i, labelings in enumerate(best):  # pol.is scores the base clusters unweighted
        scored = cluster.silhouettes(sets[i][0], list(labelings.values()), dist=dists[i])
        scores[i] = dict(zip(labelings, scored))
    # pol.is's max-key: the larger count on ties
    winners = [max(sorted(sc), key=lambda k: (sc[k], k)) for sc in scores if sc]
    silhouettes = [(k, float(np.mean([sc[k] for sc in scores if k in sc])))
                   for k in sorted({k for sc in scores for k in sc})]
    if not winners:
        labels = np.zeros(n, dtype=np.int64)
    else:
        k = winners[0] if winners.count(winners[0]) == len(winners) else 2
        init = np.concatenate(starts[k])
        runs, _, inertia = kmeans.kmeans(points, k, rng, init=init, max_iter=10 if big else 50,
                                          every=True)
        # k-means' own objective decides; single-point moves then take it to a lower inertia
        # where Lloyd's rule stops short (Hartigan)
        labels, _ = kmeans.hartigan(points, runs[int(np.argmin(inertia))], k)
    # groups by size, largest first; ties by first member
    sizes = np.bincount(labels)
    present = np.flatnonzero(sizes)
    first = np.array([np.flatnonzero(labels == g)[0] for g in present])
    order = present[np.lexsort((first, -sizes[present]))]
    relabel = np.empty(sizes.size, dtype=np.int64)
    relabel[order] = np.arange(len(order))
    return relabel[labels], silhouettes
