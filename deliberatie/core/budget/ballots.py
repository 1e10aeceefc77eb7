"""Checking one resident's ballot before it is stored (the voting form's server side).

The web layer shows live feedback with JavaScript, but this check is the one
that counts: it runs on every submission, also without JavaScript, and its
error codes and parameters are turned into Dutch messages in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from deliberatie.core.errors import InputError

KINDS = ("approval", "knapsack", "cumulative", "ranking")


@dataclass(frozen=True)
class BallotRules:
    """What a valid ballot looks like.

    Parameters
    ----------
    kind : {"approval", "knapsack", "cumulative", "ranking"}
    min_count, max_count : int, optional
        Number of projects chosen (approval, knapsack, ranking; ``max_count``
        is *k* for a top-k ranking).
    min_share : Fraction, optional
        Knapsack: the chosen projects must cost at least this share of the budget.
    points : int, optional
        Cumulative: points to divide; ``max_points_per_project`` caps one project.
    """

    kind: str
    min_count: int = 0
    max_count: int | None = None
    min_share: Fraction = Fraction(0)
    points: int | None = None
    max_points_per_project: int | None = None


@dataclass(frozen=True)
class CheckedBallot:
    """A valid ballot in canonical form: ids (sorted, or in rank order) and points."""

    projects: tuple[str, ...]
    points: tuple[int, ...] | None
    total_cost: int | Fraction


def _validate_rules(rules):
    if rules.kind not in KINDS:
        raise InputError("ballot.unknown_kind", field="kind", value=rules.kind)
    if rules.kind == "cumulative" and (rules.points is None or rules.points <= 0):
        raise InputError("ballot.rules_without_points", field="points")
    if rules.max_count is not None and rules.max_count < rules.min_count:
        raise InputError("ballot.bad_limits", field="max_count", min=rules.min_count,
                         max=rules.max_count)
    if not 0 <= Fraction(rules.min_share) <= 1:
        raise InputError("ballot.bad_limits", field="min_share", value=str(rules.min_share))


def check_ballot(choice, *, rules, costs, budget):
    """Validate a ballot and return it in canonical form.

    Parameters
    ----------
    choice : iterable of str, or mapping str -> int
        Project ids (approval, knapsack), ids in order of preference
        (ranking), or points per project id (cumulative).
    rules : BallotRules
    costs : mapping str -> int or Fraction
        Cost per project id of this wijkbudget.
    budget : int or Fraction

    Raises
    ------
    InputError
        ``ballot.unknown_project``, ``ballot.duplicate_project``,
        ``ballot.too_many``, ``ballot.too_few``, ``ballot.over_budget``,
        ``ballot.under_minimum``, ``ballot.bad_points``,
        ``ballot.too_many_points``, ``ballot.too_many_points_project``.
    """
    _validate_rules(rules)
    if rules.kind == "cumulative":
        if not hasattr(choice, "items"):
            raise InputError("ballot.bad_points", field="points")
        items = list(choice.items())
        ids = [pid for pid, _ in items]
    else:
        items = None
        ids = list(choice)
    seen = set()
    for pid in ids:
        if pid not in costs:
            raise InputError("ballot.unknown_project", field="project", project=pid)
        if pid in seen:
            raise InputError("ballot.duplicate_project", field="project", project=pid)
        seen.add(pid)
    points = None
    if items is not None:
        for pid, value in items:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InputError("ballot.bad_points", field="points", project=pid, value=value)
            if rules.max_points_per_project is not None and value > rules.max_points_per_project:
                raise InputError("ballot.too_many_points_project", field="points", project=pid,
                                 value=value, max=rules.max_points_per_project)
        total_points = sum(v for _, v in items)
        if total_points > rules.points:
            raise InputError("ballot.too_many_points", field="points", total=total_points,
                             max=rules.points)
        items = sorted((pid, v) for pid, v in items if v > 0)
        ids = [pid for pid, _ in items]
        points = tuple(v for _, v in items)
    count = len(ids)
    if rules.max_count is not None and count > rules.max_count:
        raise InputError("ballot.too_many", field="projects", count=count, max=rules.max_count)
    if count < rules.min_count:
        raise InputError("ballot.too_few", field="projects", count=count, min=rules.min_count)
    total = sum((Fraction(costs[pid]) for pid in ids), Fraction(0))
    if rules.kind == "knapsack":
        if total > Fraction(budget):
            raise InputError("ballot.over_budget", field="projects", total=str(total),
                             budget=str(budget), over=str(total - Fraction(budget)))
        minimum = Fraction(rules.min_share) * Fraction(budget)
        if total < minimum:
            raise InputError("ballot.under_minimum", field="projects", total=str(total),
                             minimum=str(minimum))
    canonical = tuple(ids) if rules.kind == "ranking" else tuple(sorted(ids))
    total = total.numerator if total.denominator == 1 else total
    return CheckedBallot(projects=canonical, points=points, total_cost=total)
