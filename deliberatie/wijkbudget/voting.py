"""Casting a ballot: read the form, check it with the core, store it secretly."""

import secrets
import uuid
from dataclasses import dataclass
from fractions import Fraction

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, insert, select

from ..core.budget.ballots import BallotRules, check_ballot
from ..core.errors import InputError
from ..database import read_once
from ..extensions import db
from . import codes
from .models import BallotType, Phase, Wijkbudget, WijkbudgetBallot, WijkbudgetChoice, WijkbudgetReceipt
from .money import cents_to_fraction

_BALLOTS = WijkbudgetBallot.__table__
_CHOICES = WijkbudgetChoice.__table__
_RECEIPTS = WijkbudgetReceipt.__table__
# Built once, so SQLAlchemy reuses their compiled form (the busiest statements of a voting peak).
_INSERT_BALLOT, _INSERT_CHOICES, _INSERT_RECEIPT = insert(_BALLOTS), insert(_CHOICES), insert(_RECEIPTS)
_RECEIPT = select(_RECEIPTS.c.id, _RECEIPTS.c.issued_on).where(_RECEIPTS.c.id == bindparam("id"),
                                                              _RECEIPTS.c.wijkbudget_id == bindparam("wb"))

GESLACHT = (("man", _l("Man")), ("vrouw", _l("Vrouw")), ("anders", _l("Anders")))
LEEFTIJD = (("0-14", _l("Jonger dan 15")), ("15-24", _l("15 tot en met 24")), ("25-44", _l("25 tot en met 44")),
            ("45-64", _l("45 tot en met 64")), ("65+", _l("65 of ouder")))


class VotingClosed(Exception):
    """Outside the voting period or phase."""


@dataclass(frozen=True)
class Choice:
    """A checked ballot: project ids with their value (1, points, or rank), plus the statistics answers."""

    values: tuple[tuple[int, int], ...]
    geslacht: str | None = None
    leeftijd: str | None = None

    def as_fields(self, ballot_type):
        """Form fields that reproduce this ballot (for the confirm step)."""
        if ballot_type is BallotType.CUMULATIVE:
            fields = [(f"points-{pid}", str(v)) for pid, v in self.values]
        elif ballot_type is BallotType.RANKING:
            fields = [(f"rank-{pid}", str(v)) for pid, v in self.values]
        else:
            fields = [("project", str(pid)) for pid, _ in self.values]
        fields += [("geslacht", self.geslacht or ""), ("leeftijd", self.leeftijd or "")]
        return fields


def ballot_rules(wijkbudget) -> BallotRules:
    kind = wijkbudget.ballot_type
    return BallotRules(
        kind=kind.value,
        min_count=(wijkbudget.min_choices or 0) if kind in (BallotType.APPROVAL, BallotType.RANKING) else 0,
        max_count=wijkbudget.max_choices if kind in (BallotType.APPROVAL, BallotType.RANKING) else None,
        min_share=Fraction(wijkbudget.min_share_percent or 0, 100) if kind is BallotType.KNAPSACK else Fraction(0),
        points=wijkbudget.points if kind is BallotType.CUMULATIVE else None,
    )


def voting_is_open(wijkbudget, today) -> bool:
    return (wijkbudget.phase is Phase.STEMMEN
            and wijkbudget.voting_starts_on <= today <= wijkbudget.voting_ends_on)


def _int(text, *, code="ballot.bad_points", field="points"):
    text = (text or "").strip()
    if not text:
        return 0
    if text.isdigit():
        try:
            return int(text)
        except ValueError:  # isdigit() also passes "²", and more digits than int() reads
            pass
    raise InputError(code, field=field, value=text)


def read_choice(wijkbudget, form) -> Choice:
    """Parse and check the ballot in ``form`` (a MultiDict); raises ``InputError`` with the core's codes."""
    kind = wijkbudget.ballot_type
    projects = {str(p.id): p for p in wijkbudget.projects}
    costs = {pid: cents_to_fraction(p.cost_cents) for pid, p in projects.items()}
    if kind is BallotType.CUMULATIVE:
        raw = {pid: _int(form.get(f"points-{pid}")) for pid in projects}
        choice = {pid: v for pid, v in raw.items() if v}
    elif kind is BallotType.RANKING:
        ranks = {pid: _int(form.get(f"rank-{pid}"), code="ballot.bad_rank", field="rank") for pid in projects}
        ranks = {pid: r for pid, r in ranks.items() if r}
        if len(set(ranks.values())) != len(ranks):
            raise InputError("ballot.duplicate_rank", field="rank")
        if sorted(ranks.values()) != list(range(1, len(ranks) + 1)):
            raise InputError("ballot.gap_in_ranking", field="rank")
        choice = sorted(ranks, key=ranks.get)
    else:
        choice = form.getlist("project")
    checked = check_ballot(choice, rules=ballot_rules(wijkbudget), costs=costs,
                           budget=cents_to_fraction(wijkbudget.budget_cents))
    if kind is BallotType.CUMULATIVE:
        values = tuple((int(pid), v) for pid, v in zip(checked.projects, checked.points))
    elif kind is BallotType.RANKING:
        values = tuple((int(pid), rank) for rank, pid in enumerate(checked.projects, start=1))
    else:
        values = tuple((int(pid), 1) for pid in checked.projects)
    stats = {}
    if wijkbudget.ask_statistics:
        stats = {"geslacht": form.get("geslacht") if form.get("geslacht") in dict(GESLACHT) else None,
                 "leeftijd": form.get("leeftijd") if form.get("leeftijd") in dict(LEEFTIJD) else None}
    return Choice(values=values, **stats)


def new_receipt_id() -> str:
    return codes.format_code("".join(secrets.choice(codes.ALPHABET) for _ in range(12)))


def submit_ballot(wijkbudget, digest, choice: Choice, *, today, paper=False) -> str:
    """Use the code with hash ``digest`` and store the ballot in the same transaction; returns the receipt id.

    Raises :class:`codes.CodeRejected` when the code is not an unused code of
    this wijkbudget (also when a concurrent submission used it first) and
    :class:`VotingClosed` outside the voting period. Paper ballots are entered
    by the organiser after the period too, until voting is closed.

    ``wijkbudget`` may be a page's earlier read (an ORM object or the voting
    pages' copy, :mod:`.snapshot`): the phase and the period are checked again
    in the database by the statement that uses the code. The rows are written
    with plain INSERTs (no ORM objects: this is the busiest write of a voting peak).
    """
    if not (voting_is_open(wijkbudget, today) or (paper and wijkbudget.phase is Phase.STEMMEN)):
        raise VotingClosed()
    try:
        codes.mark_used(wijkbudget, digest, today=today, open_on=None if paper else today)
    except codes.CodeRejected:
        if not _open_in_database(wijkbudget.id, None if paper else today):
            raise VotingClosed() from None
        raise
    ballot_id = uuid.uuid4().hex  # random: the key order says nothing about the order of voting
    receipt_id = new_receipt_id()
    session = db.session
    session.execute(_INSERT_BALLOT, dict(id=ballot_id, wijkbudget_id=wijkbudget.id, cast_on=today, paper=paper,
                                         geslacht=choice.geslacht, leeftijd=choice.leeftijd))
    if choice.values:
        session.execute(_INSERT_CHOICES, [dict(ballot_id=ballot_id, project_id=pid, value=v)
                                          for pid, v in choice.values])
    session.execute(_INSERT_RECEIPT, dict(id=receipt_id, wijkbudget_id=wijkbudget.id, issued_on=today))
    return receipt_id


def _open_in_database(wijkbudget_id, today) -> bool:
    """Whether the wijkbudget is in the voting phase (and ``today`` in its period) as stored now."""
    wb = Wijkbudget.__table__
    row = db.session.execute(select(wb.c.phase, wb.c.voting_starts_on, wb.c.voting_ends_on)
                             .where(wb.c.id == wijkbudget_id)).first()
    return row is not None and row.phase is Phase.STEMMEN and (
        today is None or row.voting_starts_on <= today <= row.voting_ends_on)


def find_receipt(wijkbudget, receipt_id):
    """The receipt (``id``, ``issued_on``) if it belongs to this wijkbudget, else None."""
    found = read_once(_RECEIPT, {"id": codes.format_code(receipt_id), "wb": wijkbudget.id})
    return found[0] if found else None
