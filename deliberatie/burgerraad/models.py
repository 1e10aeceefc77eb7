"""Burgerraad tables: the panel's settings, questions and quotas, letters, registrations.

Personal data is minimised (AVG): of the address extract only the drawn
addresses are kept, as the municipality's address id and the wijk (needed to
tell household members apart and to count responses per wijk), with the
invitation code. A registration holds the stratification answers (needed for
the quotas), name, e-mail and telephone (needed to invite the selected
members) and when consent was given; all of it is deleted by the purge after
the panel's term, leaving only anonymous counts and the public draw record.
"""

from __future__ import annotations

import enum
import json
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Traject, Wijk
from ..models.types import UTCDateTime, enum_column, utcnow


class BurgerraadStatus(enum.Enum):
    OPZET = "opzet"  # settings and questions
    AANMELDEN = "aanmelden"  # letters sent, registration open
    VASTGELEGD = "vastgelegd"  # inputs frozen, commitment published, waiting for the seed
    GELOOT = "geloot"  # panel drawn and published
    GEWIST = "gewist"  # personal data purged


class DeelnemerStatus(enum.Enum):
    POOL = "pool"
    PANEL = "panel"
    RESERVE = "reserve"
    AFGEHAAKT = "afgehaakt"


class Burgerraad(db.Model):
    __tablename__ = "burgerraad"
    __table_args__ = (
        sa.CheckConstraint("panel_size >= 1", name="panel_size_positive"),
        sa.CheckConstraint("codes_per_letter BETWEEN 1 AND 4", name="codes_per_letter_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(sa.ForeignKey("traject.id", ondelete="CASCADE"), unique=True)
    status: Mapped[BurgerraadStatus] = mapped_column(
        enum_column(BurgerraadStatus, "burgerraad_status"), default=BurgerraadStatus.OPZET)
    panel_size: Mapped[int] = mapped_column(sa.Integer, default=30)
    algorithm: Mapped[str] = mapped_column(sa.String(20), default="leximin")
    one_per_household: Mapped[bool] = mapped_column(default=True)
    codes_per_letter: Mapped[int] = mapped_column(sa.Integer, default=2)
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    term_ends_on: Mapped[date]
    lottery_size: Mapped[int] = mapped_column(sa.Integer, default=1000)
    letters_seed: Mapped[int | None] = mapped_column(sa.BigInteger)
    letters_drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    inputs_json: Mapped[str | None] = mapped_column(sa.Text)  # frozen canonical inputs
    commitment: Mapped[str | None] = mapped_column(sa.String(64))
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    draw_seed: Mapped[int | None] = mapped_column(sa.BigInteger)
    record_json: Mapped[str | None] = mapped_column(sa.Text)  # the public RECORD.json
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stats_json: Mapped[str | None] = mapped_column(sa.Text)  # anonymous counts kept after purge
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    traject: Mapped[Traject] = relationship()
    vragen: Mapped[list[BurgerraadVraag]] = relationship(
        back_populates="burgerraad", order_by="BurgerraadVraag.position", cascade="all, delete-orphan")
    uitnodigingen: Mapped[list[BurgerraadUitnodiging]] = relationship(
        back_populates="burgerraad", order_by="BurgerraadUitnodiging.id", cascade="all, delete-orphan",
        passive_deletes=True)
    aanmeldingen: Mapped[list[BurgerraadAanmelding]] = relationship(
        back_populates="burgerraad", order_by="BurgerraadAanmelding.anon_id", cascade="all, delete-orphan",
        passive_deletes=True)

    @property
    def record(self):
        return None if self.record_json is None else json.loads(self.record_json)

    @property
    def stats(self):
        return None if self.stats_json is None else json.loads(self.stats_json)


class BurgerraadVraag(db.Model):
    """A stratification question (category) with its values in :class:`Quotum` rows."""

    __tablename__ = "burgerraad_vraag"
    __table_args__ = (sa.UniqueConstraint("burgerraad_id", "name"),
                      sa.UniqueConstraint("burgerraad_id", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    burgerraad_id: Mapped[int] = mapped_column(sa.ForeignKey("burgerraad.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(40))  # as in WijkPopulatie.variable

    burgerraad: Mapped[Burgerraad] = relationship(back_populates="vragen")
    waarden: Mapped[list[BurgerraadQuotum]] = relationship(
        back_populates="vraag", order_by="BurgerraadQuotum.position", cascade="all, delete-orphan")

    @property
    def from_address(self) -> bool:
        """The wijk is known from the letter's address, so it is not asked."""
        return self.name == "wijk"


class BurgerraadQuotum(db.Model):
    """One value of a question and the panel's bounds for it (unset: not yet chosen)."""

    __tablename__ = "burgerraad_quotum"
    __table_args__ = (
        sa.UniqueConstraint("vraag_id", "value"),
        sa.UniqueConstraint("vraag_id", "position"),
        sa.CheckConstraint("min_count IS NULL OR min_count >= 0", name="min_not_negative"),
        sa.CheckConstraint("min_count IS NULL OR max_count IS NULL OR max_count >= min_count",
                           name="max_not_below_min"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vraag_id: Mapped[int] = mapped_column(sa.ForeignKey("burgerraad_vraag.id", ondelete="CASCADE"))
    position: Mapped[int]
    value: Mapped[str] = mapped_column(sa.String(60))
    min_count: Mapped[int | None] = mapped_column(sa.Integer)
    max_count: Mapped[int | None] = mapped_column(sa.Integer)

    vraag: Mapped[BurgerraadVraag] = relationship(back_populates="waarden")


class BurgerraadUitnodiging(db.Model):
    """One invitation code on a letter to a drawn address (several codes per letter for a household)."""

    __tablename__ = "burgerraad_uitnodiging"
    __table_args__ = (sa.UniqueConstraint("burgerraad_id", "address_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    burgerraad_id: Mapped[int] = mapped_column(sa.ForeignKey("burgerraad.id", ondelete="CASCADE"))
    address_id: Mapped[str] = mapped_column(sa.String(64))
    slot: Mapped[int] = mapped_column(sa.Integer, default=1)
    wijk_id: Mapped[int] = mapped_column(sa.ForeignKey("wijk.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(24), unique=True)

    burgerraad: Mapped[Burgerraad] = relationship(back_populates="uitnodigingen")
    wijk: Mapped[Wijk] = relationship()
    aanmelding: Mapped[BurgerraadAanmelding | None] = relationship(back_populates="uitnodiging", uselist=False)


class BurgerraadAanmelding(db.Model):
    """A registration: one per invitation code, enforced by a unique key."""

    __tablename__ = "burgerraad_aanmelding"
    __table_args__ = (sa.UniqueConstraint("burgerraad_id", "anon_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    burgerraad_id: Mapped[int] = mapped_column(sa.ForeignKey("burgerraad.id", ondelete="CASCADE"))
    uitnodiging_id: Mapped[int] = mapped_column(
        sa.ForeignKey("burgerraad_uitnodiging.id", ondelete="CASCADE"), unique=True)
    anon_id: Mapped[str] = mapped_column(sa.String(12))  # public id in the draw record
    answers_json: Mapped[str] = mapped_column(sa.Text)  # {question name: value}
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254))
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    available: Mapped[bool] = mapped_column(default=True)
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[DeelnemerStatus] = mapped_column(
        enum_column(DeelnemerStatus, "deelnemer_status"), default=DeelnemerStatus.POOL)
    reserve_rank: Mapped[int | None] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    burgerraad: Mapped[Burgerraad] = relationship(back_populates="aanmeldingen")
    uitnodiging: Mapped[BurgerraadUitnodiging] = relationship(back_populates="aanmelding")

    @property
    def answers(self) -> dict:
        return json.loads(self.answers_json)


# Short names for this package (the class names are unique across components).
Vraag, Quotum, Uitnodiging, Aanmelding = BurgerraadVraag, BurgerraadQuotum, BurgerraadUitnodiging, BurgerraadAanmelding
