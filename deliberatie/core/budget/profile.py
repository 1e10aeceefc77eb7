"""Grouped ballots: the form every counting rule works on.

Identical ballots are merged into one group with a multiplicity, so the work
of the rules grows with the number of *distinct* ballots, not with voters.
Utilities are integers (points ballots with decimals are scaled by a common
denominator, which changes no outcome: every rule here is invariant under
multiplying all utilities by the same positive number).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import chain
from math import lcm

import numpy as np
from scipy import sparse

from deliberatie.core.errors import InputError

TIE_BREAKS = ("id", "cost", "votes")


@dataclass(frozen=True, eq=False)
class Profile:
    """Projects, exact costs and budget, and ballots grouped with multiplicities.

    ``util`` is a groups x projects CSR matrix of integer utilities
    (approval: 1 per approved project; cumulative/scoring: points; ordinal:
    Borda points), ``listed`` the same pattern including listed projects
    with zero points (they count as supporters for ``greedy-voters``).
    """

    ids: tuple[str, ...]
    costs: tuple[int | Fraction, ...]
    budget: int | Fraction
    approval: bool
    mult: np.ndarray
    util: sparse.csr_matrix
    listed: sparse.csr_matrix
    voters: int

    @property
    def n_projects(self):
        return len(self.ids)

    def supporters(self):
        """Voters per project with a positive utility."""
        return np.asarray((self.util > 0).T @ self.mult).ravel().astype(np.int64)

    def listed_voters(self):
        return np.asarray(self.listed.T @ self.mult).ravel().astype(np.int64)

    def total_util(self):
        """Total utility per project (approvals, points or Borda points)."""
        return np.asarray(self.util.T @ self.mult).ravel().astype(np.int64)


def borda_points(length, position):
    """Borda score of the project at ``position`` (0 = first) in a ranking of ``length``.

    As pabutools' ``Additive_Borda_Sat``: ``length - position - 1``, so the
    last-ranked project gets nothing.
    """
    return length - position - 1


def tie_key(profile, tie_break):
    """Sort key per project index: the smaller key wins a tie."""
    if tie_break not in TIE_BREAKS:
        raise InputError("budget.unknown_tie_break", field="tie_break", value=tie_break)
    if tie_break == "id":
        return [(pid,) for pid in profile.ids]
    if tie_break == "cost":
        return [(cost, pid) for cost, pid in zip(profile.costs, profile.ids)]
    votes = profile.listed_voters()
    return [(-int(v), pid) for v, pid in zip(votes, profile.ids)]


def build_profile(election):
    """Group an :class:`~deliberatie.core.budget.pabulib.Election`'s ballots."""
    ids = tuple(p.id for p in election.projects)
    index = {pid: i for i, pid in enumerate(ids)}
    vote_type = election.vote_type
    approval = vote_type in ("approval", "choose-1")
    counts = {}
    if approval:
        get = index.__getitem__
        for ballot in election.ballots:
            key = tuple(sorted(map(get, ballot.projects)))
            counts[key] = counts.get(key, 0) + 1
        keys = list(counts)
        lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
        cols = np.fromiter(chain.from_iterable(keys), dtype=np.int64, count=int(lengths.sum()))
        vals = np.ones(len(cols), dtype=np.int64)
    else:
        for ballot in election.ballots:
            if vote_type == "ordinal":
                n = len(ballot.projects)
                key = tuple(sorted((index[p], borda_points(n, pos))
                                   for pos, p in enumerate(ballot.projects)))
            else:
                key = tuple(sorted(zip((index[p] for p in ballot.projects), ballot.points)))
            counts[key] = counts.get(key, 0) + 1
        keys = list(counts)
        scale = lcm(1, *{Fraction(v).denominator for key in keys for _, v in key})
        lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
        cols = np.array([j for key in keys for j, _ in key], dtype=np.int64)
        vals = np.array([int(Fraction(v) * scale) for key in keys for _, v in key],
                        dtype=np.int64)
    rows = np.repeat(np.arange(len(keys), dtype=np.int64), lengths)
    shape = (len(keys), len(ids))
    listed = sparse.csr_matrix((np.ones(len(vals), dtype=np.int64), (rows, cols)), shape=shape)
    util = sparse.csr_matrix((vals, (rows, cols)), shape=shape)
    util.eliminate_zeros()
    mult = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))
    return Profile(ids=ids, costs=tuple(p.cost for p in election.projects),
                   budget=election.budget, approval=approval, mult=mult, util=util,
                   listed=listed, voters=len(election.ballots))


def make_profile(costs, budget, ballots, *, ids=None, approval=True):
    """Profile from plain data: ``ballots`` are sets (approval) or ``{index: points}``.

    Used by tests and by the web layer, which has no pabulib file.
    """
    from deliberatie.core.budget.pabulib import Ballot, Election, Project

    ids = tuple(ids) if ids is not None else tuple(str(i) for i in range(len(costs)))
    projects = tuple(Project(pid, c) for pid, c in zip(ids, costs))
    out = []
    for n, ballot in enumerate(ballots):
        if approval:
            out.append(Ballot(str(n), tuple(ids[i] for i in sorted(ballot))))
        else:
            items = sorted(ballot.items())
            out.append(Ballot(str(n), tuple(ids[i] for i, _ in items),
                              tuple(v for _, v in items)))
    meta = (("budget", str(budget) if isinstance(budget, int) else str(Fraction(budget))),
            ("vote_type", "approval" if approval else "cumulative"))
    election = Election(meta=meta, projects=projects, ballots=tuple(out))
    return build_profile(election)
