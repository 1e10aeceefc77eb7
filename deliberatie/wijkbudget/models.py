"""Wijkbudget tables: the vote, its projects, the stemcodes and the secret ballots.

Secret ballot by construction:

* ``wijkbudget_code`` is the voter roll. It keeps a keyed hash of each code
  (never the code), its status and the *day* it was used. It holds no choices.
* ``wijkbudget_ballot`` holds the choices. It has no column that refers to a
  code, a voter or an account, a random UUID as primary key (so the key order
  says nothing about the order of voting) and only the day it was cast.
* ``wijkbudget_receipt`` holds the receipt ids given to voters, again random
  and dated by day only, with no link to a ballot or a code.
* Storage order: on SQLite these three tables are ``WITHOUT ROWID`` (stored in
  the order of their random keys); on PostgreSQL closing the vote rewrites the
  ballot and code tables in key order (``CLUSTER``), so neither the order of
  the rows on disk nor the order in which codes were used survives.

One code, one ballot: submitting runs ``UPDATE wijkbudget_code SET status =
'used' WHERE code_hash = ? AND status = 'unused'`` in the same transaction as
the ballot insert, and inserts only when exactly one row changed. The
database serialises concurrent updates of the row, so a second submission
with the same code changes nothing and is refused.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Traject, Wijk
from ..models.types import UTCDateTime, enum_column, utcnow


class Phase(enum.Enum):
    VOORBEREIDING = "voorbereiding"
    STEMMEN = "stemmen"
    GESLOTEN = "gesloten"
    GEPUBLICEERD = "gepubliceerd"


class BallotType(enum.Enum):
    APPROVAL = "approval"  # choose projects, optionally at least / at most N
    KNAPSACK = "knapsack"  # choose projects within the budget
    CUMULATIVE = "cumulative"  # divide N points
    RANKING = "ranking"  # rank your top k


class CodeStatus(enum.Enum):
    UNUSED = "unused"
    USED = "used"
    REVOKED = "revoked"


wijkbudget_wijk = sa.Table(
    "wijkbudget_wijk",
    db.metadata,
    sa.Column("wijkbudget_id", sa.ForeignKey("wijkbudget.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("wijk_id", sa.ForeignKey("wijk.id", ondelete="CASCADE"), primary_key=True),
)


class Wijkbudget(db.Model):
    """One vote on a budget; money in integer cents."""

    __tablename__ = "wijkbudget"
    __table_args__ = (
        sa.CheckConstraint("budget_cents > 0", name="budget_positive"),
        sa.CheckConstraint("voting_ends_on >= voting_starts_on", name="period_ordered"),
        sa.CheckConstraint("min_age >= 0", name="min_age_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(sa.ForeignKey("traject.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    budget_cents: Mapped[int] = mapped_column(sa.BigInteger)
    voting_starts_on: Mapped[date]
    voting_ends_on: Mapped[date]
    min_age: Mapped[int] = mapped_column(default=16)
    ballot_type: Mapped[BallotType] = mapped_column(enum_column(BallotType, "wijkbudget_ballot_type"))
    min_choices: Mapped[int | None]  # approval: at least N projects
    max_choices: Mapped[int | None]  # approval: at most N; ranking: top k
    min_share_percent: Mapped[int | None]  # knapsack: spend at least this share of the budget
    points: Mapped[int | None]  # cumulative: points to divide
    rule: Mapped[str] = mapped_column(sa.String(40), default="greedy")
    explanation: Mapped[str] = mapped_column(sa.Text, default="")  # the rule in plain Dutch
    ask_statistics: Mapped[bool] = mapped_column(default=True)  # optional geslacht/leeftijd
    phase: Mapped[Phase] = mapped_column(enum_column(Phase, "wijkbudget_phase"), default=Phase.VOORBEREIDING)
    code_salt: Mapped[str] = mapped_column(sa.String(64))  # per-vote key part for the code hashes
    result_json: Mapped[str | None] = mapped_column(sa.Text)  # the counted outcome, frozen at counting
    counted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    traject: Mapped[Traject] = relationship()
    wijken: Mapped[list[Wijk]] = relationship(secondary=wijkbudget_wijk, order_by="Wijk.name")
    projects: Mapped[list[WijkbudgetProject]] = relationship(
        back_populates="wijkbudget", order_by="(WijkbudgetProject.position, WijkbudgetProject.id)",
        cascade="all, delete-orphan",
    )


class WijkbudgetProject(db.Model):
    __tablename__ = "wijkbudget_project"
    __table_args__ = (sa.CheckConstraint("cost_cents >= 0", name="cost_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wijkbudget_id: Mapped[int] = mapped_column(sa.ForeignKey("wijkbudget.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    cost_cents: Mapped[int] = mapped_column(sa.BigInteger)
    wijk_id: Mapped[int | None] = mapped_column(sa.ForeignKey("wijk.id", ondelete="SET NULL"))
    image: Mapped[str | None] = mapped_column(sa.String(80))  # file name under instance/uploads/wijkbudget

    wijkbudget: Mapped[Wijkbudget] = relationship(back_populates="projects")
    wijk: Mapped[Wijk | None] = relationship()


class WijkbudgetCode(db.Model):
    """The voter roll: a keyed hash per stemcode, its status and the day it was used.

    The platform never knows who holds a code; the municipality keeps the
    address list. ``used_on`` is a day, not a time, so it cannot be matched
    with a ballot (which also records only its day).
    """

    __tablename__ = "wijkbudget_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    wijkbudget_id: Mapped[int] = mapped_column(sa.ForeignKey("wijkbudget.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    status: Mapped[CodeStatus] = mapped_column(enum_column(CodeStatus, "wijkbudget_code_status"),
                                               default=CodeStatus.UNUSED)
    used_on: Mapped[date | None]


class WijkbudgetBallot(db.Model):
    """One ballot. Deliberately no reference to a code, voter or account.

    ``geslacht`` and ``leeftijd`` are optional answers for the statistics
    (who took part compared with the population); they are asked on the
    ballot itself so they can never be tied to a code.
    """

    __tablename__ = "wijkbudget_ballot"
    __table_args__ = {"sqlite_with_rowid": False}  # no hidden rowid keeping the order of voting

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    wijkbudget_id: Mapped[int] = mapped_column(sa.ForeignKey("wijkbudget.id", ondelete="CASCADE"), index=True)
    cast_on: Mapped[date]
    paper: Mapped[bool] = mapped_column(default=False)
    geslacht: Mapped[str | None] = mapped_column(sa.String(20))
    leeftijd: Mapped[str | None] = mapped_column(sa.String(20))

    choices: Mapped[list[WijkbudgetChoice]] = relationship(cascade="all, delete-orphan")


class WijkbudgetChoice(db.Model):
    """One project on a ballot: 1 for approval, the points, or the rank (1 = first)."""

    __tablename__ = "wijkbudget_choice"
    __table_args__ = (sa.CheckConstraint("value >= 0", name="value_not_negative"), {"sqlite_with_rowid": False})

    ballot_id: Mapped[str] = mapped_column(sa.ForeignKey("wijkbudget_ballot.id", ondelete="CASCADE"),
                                           primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("wijkbudget_project.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)
    value: Mapped[int] = mapped_column(default=1)


class WijkbudgetReceipt(db.Model):
    """A receipt id a voter can check later: random, dated by day, tied to nothing else."""

    __tablename__ = "wijkbudget_receipt"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    wijkbudget_id: Mapped[int] = mapped_column(sa.ForeignKey("wijkbudget.id", ondelete="CASCADE"), index=True)
    issued_on: Mapped[date]
