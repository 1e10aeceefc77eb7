"""Trajecten: participation processes, their phases and the terugkoppeling."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .gemeente import Gemeente, Wijk
from .types import UTCDateTime, enum_column, utcnow
from .user import User


class LadderRung(enum.Enum):
    """The participatieladder, from least to most say for residents."""

    INFORMEREN = "informeren"
    RAADPLEGEN = "raadplegen"
    ADVISEREN = "adviseren"
    COPRODUCEREN = "coproduceren"
    MEEBESLISSEN = "meebeslissen"

    @property
    def step(self) -> int:
        return list(LadderRung).index(self) + 1


class TrajectStatus(enum.Enum):
    CONCEPT = "concept"  # visible only to its organisers and beheerders
    OPEN = "open"
    AFGEROND = "afgerond"


traject_wijk = sa.Table(
    "traject_wijk",
    db.metadata,
    sa.Column("traject_id", sa.ForeignKey("traject.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("wijk_id", sa.ForeignKey("wijk.id", ondelete="CASCADE"), primary_key=True),
)

traject_organisator = sa.Table(
    "traject_organisator",
    db.metadata,
    sa.Column("traject_id", sa.ForeignKey("traject.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)


class Traject(db.Model):
    __tablename__ = "traject"

    id: Mapped[int] = mapped_column(primary_key=True)
    gemeente_id: Mapped[int] = mapped_column(sa.ForeignKey("gemeente.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200))
    opgave: Mapped[str] = mapped_column(sa.Text, default="")
    ladder: Mapped[LadderRung] = mapped_column(enum_column(LadderRung, "ladder_rung"))
    kaders: Mapped[str] = mapped_column(sa.Text, default="")
    belofte: Mapped[str] = mapped_column(sa.Text, default="")  # "wat gebeurt er met je inbreng"
    status: Mapped[TrajectStatus] = mapped_column(
        enum_column(TrajectStatus, "traject_status"), default=TrajectStatus.CONCEPT
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    gemeente: Mapped[Gemeente] = relationship()
    wijken: Mapped[list[Wijk]] = relationship(secondary=traject_wijk, order_by="Wijk.name")
    organisatoren: Mapped[list[User]] = relationship(secondary=traject_organisator)
    fasen: Mapped[list[TrajectFase]] = relationship(
        back_populates="traject", order_by="TrajectFase.position", cascade="all, delete-orphan"
    )
    terugkoppelingen: Mapped[list[Terugkoppeling]] = relationship(
        back_populates="traject",
        order_by="Terugkoppeling.published_on.desc()",
        cascade="all, delete-orphan",
    )

    def current_fase(self, today: date) -> TrajectFase | None:
        return next((f for f in self.fasen if f.starts_on <= today <= f.ends_on), None)


class TrajectFase(db.Model):
    __tablename__ = "traject_fase"
    __table_args__ = (
        sa.UniqueConstraint("traject_id", "position"),
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(sa.ForeignKey("traject.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]

    traject: Mapped[Traject] = relationship(back_populates="fasen")


class Terugkoppeling(db.Model):
    """The response to residents' input: what was done with it, and why."""

    __tablename__ = "terugkoppeling"

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(sa.ForeignKey("traject.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    published_on: Mapped[date]
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )

    traject: Mapped[Traject] = relationship(back_populates="terugkoppelingen")
    author: Mapped[User | None] = relationship()
