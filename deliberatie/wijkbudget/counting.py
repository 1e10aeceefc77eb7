"""Counting through the core, comparing rules, the frozen result, and the pabulib export."""

import json
from collections import Counter, defaultdict
from dataclasses import replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import audit
from ..core.budget import Ballot, Election, Project, write_pb
from ..core.budget.rules import count
from ..extensions import db
from .messages import rules_for
from .models import BallotType, Phase, WijkbudgetBallot, WijkbudgetChoice
from .money import cents_to_fraction, fraction_to_cents
from .services import PhaseError

TIE_BREAK = "votes"  # a tie goes to the project with more supporters, then the lower id
VOTE_TYPES = {BallotType.APPROVAL: "approval", BallotType.KNAPSACK: "approval",
              BallotType.CUMULATIVE: "cumulative", BallotType.RANKING: "ordinal"}


def _ballots(wijkbudget):
    """Ballot contents as lists of (project id, value), without ballot ids, in a content order."""
    rows = db.session.execute(
        select(WijkbudgetChoice.ballot_id, WijkbudgetChoice.project_id, WijkbudgetChoice.value)
        .join(WijkbudgetBallot, WijkbudgetBallot.id == WijkbudgetChoice.ballot_id)
        .where(WijkbudgetBallot.wijkbudget_id == wijkbudget.id)).all()
    grouped = defaultdict(list)
    for ballot_id, project_id, value in rows:
        grouped[ballot_id].append((project_id, value))
    empty = db.session.scalar(
        select(db.func.count()).select_from(WijkbudgetBallot).where(
            WijkbudgetBallot.wijkbudget_id == wijkbudget.id,
            ~WijkbudgetBallot.choices.any()))
    ballots = [sorted(items) for items in grouped.values()] + [[] for _ in range(empty or 0)]
    return sorted(ballots)


def election_for(wijkbudget) -> Election:
    """The wijkbudget as a pabulib election: euros as exact numbers, anonymous voters."""
    kind = wijkbudget.ballot_type
    vote_type = VOTE_TYPES[kind]
    projects = tuple(Project(str(p.id), cents_to_fraction(p.cost_cents), name=p.title,
                             categories=(), extra=(("wijk", p.wijk.name if p.wijk else ""),))
                     for p in wijkbudget.projects)
    ballots = []
    for n, items in enumerate(_ballots(wijkbudget), start=1):
        if kind is BallotType.RANKING:
            items = sorted(items, key=lambda item: item[1])
            ballots.append(Ballot(str(n), tuple(str(pid) for pid, _ in items),
                                  place_points(ranking_places(wijkbudget), len(items))))
        elif kind is BallotType.CUMULATIVE:
            ballots.append(Ballot(str(n), tuple(str(pid) for pid, _ in items), tuple(v for _, v in items)))
        else:
            ballots.append(Ballot(str(n), tuple(str(pid) for pid, _ in items)))
    meta = [("description", wijkbudget.title), ("country", "Netherlands"),
            ("unit", ", ".join(w.name for w in wijkbudget.wijken) or wijkbudget.traject.gemeente.name),
            ("instance", str(wijkbudget.voting_starts_on.year)),
            ("budget", _decimal(wijkbudget.budget_cents)), ("currency", "EUR"),
            ("vote_type", vote_type), ("rule", wijkbudget.rule),
            ("date_begin", wijkbudget.voting_starts_on.strftime("%d.%m.%Y")),
            ("date_end", wijkbudget.voting_ends_on.strftime("%d.%m.%Y")), ("language", "dutch")]
    if kind in (BallotType.APPROVAL, BallotType.RANKING):
        if wijkbudget.min_choices:
            meta.append(("min_length", str(wijkbudget.min_choices)))
        if wijkbudget.max_choices:
            meta.append(("max_length", str(wijkbudget.max_choices)))
    if kind is BallotType.CUMULATIVE:
        meta.append(("max_sum_points", str(wijkbudget.points)))
    return Election(meta=tuple(meta), projects=projects, ballots=tuple(ballots),
                    project_columns=("project_id", "cost", "name", "wijk"))


def ranking_places(wijkbudget):
    """How many places a ranking ballot has: the top k set, else every project (as the ballot shows)."""
    return wijkbudget.max_choices or len(wijkbudget.projects)


def place_points(places, ranked):
    """Points for the first ``ranked`` places of a ranking with ``places`` places: ``places`` for the
    first, one less for each next place, 1 for the last place there is.

    As Kraków counts its 3-2-1 ballots. pabutools' Borda (the core's default for ordinal ballots)
    would score a ranking by its own length, so a resident's last choice, and a ballot with one
    project only, would count for nothing.
    """
    return tuple(range(places, places - ranked, -1))


def _counted(election):
    """The election as the rules count it: only projects someone chose, ranking ballots by their places' points.

    The rules fill the budget as pabutools does, so money left over would otherwise go to a
    project nobody voted for; no municipality funds that from a vote.
    """
    chosen = {pid for ballot in election.ballots for pid in ballot.projects}
    meta = tuple((key, "scoring" if key == "vote_type" and value == "ordinal" else value)
                 for key, value in election.meta)
    return replace(election, meta=meta, projects=tuple(p for p in election.projects if p.id in chosen))


def _decimal(cents):
    euros, rest = divmod(int(cents), 100)
    return f"{euros}.{rest:02d}" if rest else str(euros)


def outcome_dict(wijkbudget, election, outcome) -> dict:
    """The outcome as plain JSON data (cents as integers) with per-project explanations."""
    voters = Counter(pid for b in election.ballots for pid in b.projects)
    by_id = {str(p.id): p for p in wijkbudget.projects}
    projects = []
    for e in outcome.explanations:
        p = by_id[e.project]
        projects.append({
            "id": p.id, "title": p.title, "cost_cents": p.cost_cents, "voters": voters.get(e.project, 0),
            "support": e.support, "selected": e.selected, "reason": e.reason, "rank": e.rank,
            "budget_left_cents": None if e.budget_left is None else fraction_to_cents(e.budget_left),
            "effective_support": e.effective_support,
        })
    explained = {e.project for e in outcome.explanations}
    projects += [{"id": p.id, "title": p.title, "cost_cents": p.cost_cents, "voters": 0, "support": 0,
                  "selected": False, "reason": "no_support", "rank": None, "budget_left_cents": None,
                  "effective_support": None}
                 for p in wijkbudget.projects if str(p.id) not in explained]  # left out of the count
    projects.sort(key=lambda row: (not row["selected"], row["rank"] if row["rank"] is not None else 0,
                                   -row["voters"], row["title"]))
    return {"rule": outcome.rule, "tie_break": outcome.tie_break, "voters": outcome.voters,
            "budget_cents": wijkbudget.budget_cents, "total_cost_cents": fraction_to_cents(outcome.total_cost),
            "selected": [int(pid) for pid in outcome.selection_order], "projects": projects,
            "ballot_type": wijkbudget.ballot_type.value}


def compare_rules(wijkbudget) -> list[dict]:
    """Every rule that fits the ballot type, counted on the same ballots (organisers only)."""
    election = election_for(wijkbudget)
    if not election.ballots:
        return []
    return [outcome_dict(wijkbudget, election, count(_counted(election), rule=rule, tie_break=TIE_BREAK))
            for rule in rules_for(wijkbudget.ballot_type)]


def count_votes(wijkbudget, actor, *, rule, now) -> dict:
    """Count with ``rule`` after voting closed and freeze the result (not yet public)."""
    if wijkbudget.phase is not Phase.GESLOTEN:
        raise PhaseError(_l("Sluit eerst het stemmen; daarna kunt u tellen."))
    if rule not in rules_for(wijkbudget.ballot_type):
        raise PhaseError(_l("Deze telregel past niet bij dit stembiljet."))
    election = election_for(wijkbudget)
    if not election.ballots:
        raise PhaseError(_l("Er zijn geen stemmen uitgebracht; er valt niets te tellen."))
    result = outcome_dict(wijkbudget, election, count(_counted(election), rule=rule, tie_break=TIE_BREAK))
    result["paper"] = db.session.scalar(select(db.func.count()).select_from(WijkbudgetBallot).where(
        WijkbudgetBallot.wijkbudget_id == wijkbudget.id, WijkbudgetBallot.paper.is_(True)))
    wijkbudget.rule = rule
    wijkbudget.result_json = json.dumps(result, sort_keys=True)
    wijkbudget.counted_at = now
    db.session.flush()
    audit.record(actor, "wijkbudget.count", f"wijkbudget:{wijkbudget.id}", traject_id=wijkbudget.traject_id,
                 rule=rule, tie_break=TIE_BREAK, voters=result["voters"], selected=result["selected"],
                 total_cost_cents=result["total_cost_cents"])
    return result


def result_of(wijkbudget) -> dict | None:
    return json.loads(wijkbudget.result_json) if wijkbudget.result_json else None


def export_pb(wijkbudget, path=None) -> str:
    """The ballots as a pabulib file with anonymous voter ids (the core's writer sorts them)."""
    return write_pb(election_for(wijkbudget), path, anonymous=True)


def ballot_count(wijkbudget) -> dict:
    """Ballots cast so far, online and on paper (numbers only)."""
    rows = db.session.execute(select(WijkbudgetBallot.paper, db.func.count()).where(
        WijkbudgetBallot.wijkbudget_id == wijkbudget.id).group_by(WijkbudgetBallot.paper)).all()
    counts = {bool(paper): n for paper, n in rows}
    return {"online": counts.get(False, 0), "paper": counts.get(True, 0),
            "total": counts.get(False, 0) + counts.get(True, 0)}
