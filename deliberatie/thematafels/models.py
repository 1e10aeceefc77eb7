"""Thematafel events: themes, tables, sign-ups, seating, and what each table produced.

Personal data (AVG): a sign-up keeps the name printed on the table list and,
only when the resident chose to answer, three statistics answers (geslacht,
leeftijdsgroep, wijk) used to mix the tables and to compare who took part
with the population. No contact details beyond the account.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Traject, User
from ..models.types import UTCDateTime, enum_column, utcnow


class EventKind(enum.Enum):
    BURGERTOP = "burgertop"
    BEGROTINGSDIALOOG = "begrotingsdialoog"
    KLIMAATTAFEL = "klimaattafel"
    WIJKWANDELING = "wijkwandeling"
    ANDERS = "anders"


class EventStatus(enum.Enum):
    AANMELDEN = "aanmelden"  # sign-up open
    INGEDEELD = "ingedeeld"  # seating done; walk-ins still possible
    AFGEROND = "afgerond"  # event over, the harvest is final


class Choice(enum.Enum):
    FIRST = "first"
    SECOND = "second"
    OTHER = "other"


class Side(enum.Enum):
    VOOR = "voor"
    TEGEN = "tegen"


class ThematafelEvent(db.Model):
    __tablename__ = "thematafels_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(sa.ForeignKey("traject.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind, "thematafels_event_kind"))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[EventStatus] = mapped_column(
        enum_column(EventStatus, "thematafels_event_status"), default=EventStatus.AANMELDEN)
    seed: Mapped[int | None] = mapped_column(sa.BigInteger)  # the seating's seed, for reproduction
    seated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    traject: Mapped[Traject] = relationship()
    themas: Mapped[list[Thema]] = relationship(
        back_populates="event", order_by="Thema.position", cascade="all, delete-orphan")
    aanmeldingen: Mapped[list[Aanmelding]] = relationship(
        back_populates="event", order_by="Aanmelding.id", cascade="all, delete-orphan")

    @property
    def tafels(self) -> list[Tafel]:
        return [tafel for thema in self.themas for tafel in thema.tafels]

    @property
    def capacity(self) -> int:
        return sum(t.capacity for t in self.tafels)


class Thema(db.Model):
    __tablename__ = "thematafels_thema"
    __table_args__ = (sa.UniqueConstraint("event_id", "name"), sa.UniqueConstraint("event_id", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("thematafels_event.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(120))

    event: Mapped[ThematafelEvent] = relationship(back_populates="themas")
    tafels: Mapped[list[Tafel]] = relationship(
        back_populates="thema", order_by="Tafel.number", cascade="all, delete-orphan")


class Tafel(db.Model):
    __tablename__ = "thematafels_tafel"
    __table_args__ = (sa.UniqueConstraint("thema_id", "number"),
                      sa.CheckConstraint("capacity > 0", name="capacity_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    thema_id: Mapped[int] = mapped_column(sa.ForeignKey("thematafels_thema.id", ondelete="CASCADE"))
    number: Mapped[int]
    capacity: Mapped[int]
    voorzitter_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)

    thema: Mapped[Thema] = relationship(back_populates="tafels")
    voorzitter: Mapped[User | None] = relationship()
    gasten: Mapped[list[Aanmelding]] = relationship(back_populates="tafel", order_by="Aanmelding.name")
    notities: Mapped[list[Notitie]] = relationship(
        back_populates="tafel", order_by="Notitie.id", cascade="all, delete-orphan")
    ideeen: Mapped[list[Idee]] = relationship(
        back_populates="tafel", order_by="Idee.id", cascade="all, delete-orphan")

    @property
    def label(self) -> str:
        return f"{self.thema.name} {self.number}"


class Aanmelding(db.Model):
    """A sign-up (or a walk-in on the day) and, after seating, its table."""

    __tablename__ = "thematafels_aanmelding"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "user_id"),  # NULLs (walk-ins) are distinct
        sa.CheckConstraint("second_thema_id IS NULL OR second_thema_id <> first_thema_id",
                           name="two_different_choices"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("thematafels_event.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(120))
    first_thema_id: Mapped[int] = mapped_column(sa.ForeignKey("thematafels_thema.id", ondelete="CASCADE"))
    second_thema_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("thematafels_thema.id", ondelete="SET NULL"))
    geslacht: Mapped[str | None] = mapped_column(sa.String(20))
    leeftijd: Mapped[str | None] = mapped_column(sa.String(20))
    wijk: Mapped[str | None] = mapped_column(sa.String(120))
    walk_in: Mapped[bool] = mapped_column(default=False)
    tafel_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("thematafels_tafel.id", ondelete="SET NULL"), index=True)
    choice: Mapped[Choice | None] = mapped_column(enum_column(Choice, "thematafels_choice"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[ThematafelEvent] = relationship(back_populates="aanmeldingen")
    user: Mapped[User | None] = relationship()
    first_thema: Mapped[Thema] = relationship(foreign_keys=[first_thema_id])
    second_thema: Mapped[Thema | None] = relationship(foreign_keys=[second_thema_id])
    tafel: Mapped[Tafel | None] = relationship(back_populates="gasten")


class Notitie(db.Model):
    __tablename__ = "thematafels_notitie"

    id: Mapped[int] = mapped_column(primary_key=True)
    tafel_id: Mapped[int] = mapped_column(sa.ForeignKey("thematafels_tafel.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tafel: Mapped[Tafel] = relationship(back_populates="notities")


class Idee(db.Model):
    """An idea from one table with its dot votes, plenary votes and the dissent at the table."""

    __tablename__ = "thematafels_idee"
    __table_args__ = (sa.CheckConstraint("votes >= 0", name="votes_not_negative"),
                      sa.CheckConstraint("plenary_votes >= 0", name="plenary_votes_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    tafel_id: Mapped[int] = mapped_column(sa.ForeignKey("thematafels_tafel.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    votes: Mapped[int] = mapped_column(default=0)  # dot votes at the table
    plenary_votes: Mapped[int] = mapped_column(default=0)
    dissent: Mapped[str] = mapped_column(sa.Text, default="")  # the minority view at the table
    stelling_id: Mapped[int | None]  # set once turned into a statement (minderheidsstandpunten owns that table)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tafel: Mapped[Tafel] = relationship(back_populates="ideeen")
    arguments: Mapped[list[Argument]] = relationship(
        back_populates="idee", order_by="Argument.id", cascade="all, delete-orphan")

    def side(self, side: Side) -> list[Argument]:
        return [a for a in self.arguments if a.side is side]


class Argument(db.Model):
    __tablename__ = "thematafels_argument"

    id: Mapped[int] = mapped_column(primary_key=True)
    idee_id: Mapped[int] = mapped_column(sa.ForeignKey("thematafels_idee.id", ondelete="CASCADE"), index=True)
    side: Mapped[Side] = mapped_column(enum_column(Side, "thematafels_side"))
    text: Mapped[str] = mapped_column(sa.Text)

    idee: Mapped[Idee] = relationship(back_populates="arguments")
