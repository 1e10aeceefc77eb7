"""Stellingen, votes, opinion runs and deep democracy sessions of a traject.

Personal data (AVG): a participant (:class:`Deelnemer`) is a random
pseudonym. Only in the "account" mode is it linked to the account, so that a
resident can come back on another device; a stemcode is stored as a hash.
The optional statistics answers (leeftijd, geslacht) are stored only to
compare who took part with the population; nothing else is kept.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models.types import UTCDateTime, enum_column, utcnow


class Deelname(enum.Enum):
    """How residents take part, as the organiser chooses."""

    ACCOUNT = "account"
    STEMCODE = "stemcode"
    PSEUDONIEM = "pseudoniem"  # anonymous: a random id in the signed session cookie


class StellingStatus(enum.Enum):
    VOORGESTELD = "voorgesteld"  # proposed by a resident, waiting for moderation
    ZICHTBAAR = "zichtbaar"
    AFGEWEZEN = "afgewezen"


class SessieSoort(enum.Enum):
    BIJEENKOMST = "bijeenkomst"
    THEMATAFEL = "thematafel"


class VoorwaardeSoort(enum.Enum):
    """The answer to "wat is ervoor nodig om mee te gaan?"."""

    TIMING = "timing"
    BEWIJS = "bewijs"
    MITIGATIE = "mitigatie"
    COMPENSATIE = "compensatie"
    HERSTEMMING = "herstemming"


class Afhandeling(enum.Enum):
    """What was done with a condition."""

    OPEN = "open"
    OVERGENOMEN = "overgenomen"
    DEELS = "deels"
    NIET = "niet"


class Ronde(db.Model):
    """The stellingen settings of one traject, and whether its report is public."""

    __tablename__ = "minderheidsstandpunten_ronde"

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(sa.ForeignKey("traject.id", ondelete="CASCADE"), unique=True)
    deelname: Mapped[Deelname] = mapped_column(enum_column(Deelname, "mhs_deelname"), default=Deelname.PSEUDONIEM)
    open: Mapped[bool] = mapped_column(default=False)
    voorstellen_toegestaan: Mapped[bool] = mapped_column(default=True)
    verslag_openbaar: Mapped[bool] = mapped_column(default=False)



class Stemcode(db.Model):
    """A personal code for one traject; only its SHA-256 is stored."""

    __tablename__ = "minderheidsstandpunten_stemcode"

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(sa.ForeignKey("traject.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Deelnemer(db.Model):
    """A pseudonymous participant; ``pseudonym`` is what opinion runs store."""

    __tablename__ = "minderheidsstandpunten_deelnemer"
    __table_args__ = (sa.UniqueConstraint("traject_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(sa.ForeignKey("traject.id", ondelete="CASCADE"), index=True)
    pseudonym: Mapped[str] = mapped_column(sa.String(32), unique=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    stemcode_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("minderheidsstandpunten_stemcode.id", ondelete="SET NULL"), unique=True)
    leeftijd: Mapped[str | None] = mapped_column(sa.String(20))
    geslacht: Mapped[str | None] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Stelling(db.Model):
    __tablename__ = "minderheidsstandpunten_stelling"

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(sa.ForeignKey("traject.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.String(300))
    status: Mapped[StellingStatus] = mapped_column(
        enum_column(StellingStatus, "mhs_stelling_status"), default=StellingStatus.ZICHTBAAR)
    voorgesteld_door_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("minderheidsstandpunten_deelnemer.id", ondelete="SET NULL"))
    reden: Mapped[str] = mapped_column(sa.Text, default="")  # why it was turned down
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Stem(db.Model):
    """The latest vote of one participant on one statement (1 eens, -1 oneens, 0 overslaan)."""

    __tablename__ = "minderheidsstandpunten_stem"
    __table_args__ = (
        sa.UniqueConstraint("stelling_id", "deelnemer_id"),
        sa.CheckConstraint("value IN (-1, 0, 1)", name="value_is_vote"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stelling_id: Mapped[int] = mapped_column(
        sa.ForeignKey("minderheidsstandpunten_stelling.id", ondelete="CASCADE"), index=True)
    deelnemer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("minderheidsstandpunten_deelnemer.id", ondelete="CASCADE"), index=True)
    value: Mapped[int] = mapped_column(sa.SmallInteger)
    voted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Analyse(db.Model):
    """One stored opinion-mapping run: parameters, algorithm and result (JSON)."""

    __tablename__ = "minderheidsstandpunten_analyse"

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(sa.ForeignKey("traject.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    algorithm: Mapped[str] = mapped_column(sa.Text)
    parameters: Mapped[str] = mapped_column(sa.Text)  # canonical JSON
    result: Mapped[str] = mapped_column(sa.Text)  # JSON, see services.run_to_json
    participants: Mapped[int] = mapped_column(sa.Integer)
    groups: Mapped[int] = mapped_column(sa.Integer)


standpunt_stelling = sa.Table(
    "minderheidsstandpunten_standpunt_stelling",
    db.metadata,
    sa.Column("standpunt_id", sa.ForeignKey("minderheidsstandpunten_standpunt.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("stelling_id", sa.ForeignKey("minderheidsstandpunten_stelling.id", ondelete="CASCADE"),
              primary_key=True),
)


class Sessie(db.Model):
    """A deep democracy session: proposal, perspectives, the vote."""

    __tablename__ = "minderheidsstandpunten_sessie"
    __table_args__ = (
        sa.CheckConstraint("voor >= 0 AND tegen >= 0 AND onthouding >= 0", name="counts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(sa.ForeignKey("traject.id", ondelete="CASCADE"), index=True)
    soort: Mapped[SessieSoort] = mapped_column(enum_column(SessieSoort, "mhs_sessie_soort"))
    title: Mapped[str] = mapped_column(sa.String(200))
    held_on: Mapped[date]
    voorstel: Mapped[str] = mapped_column(sa.Text)
    perspectieven: Mapped[str] = mapped_column(sa.Text, default="")
    voor: Mapped[int] = mapped_column(sa.Integer, default=0)
    tegen: Mapped[int] = mapped_column(sa.Integer, default=0)
    onthouding: Mapped[int] = mapped_column(sa.Integer, default=0)
    besluit: Mapped[str] = mapped_column(sa.Text, default="")

    standpunten: Mapped[list[Standpunt]] = relationship(
        back_populates="sessie", order_by="deliberatie.minderheidsstandpunten.models.Standpunt.id", cascade="all, delete-orphan")

    @property
    def present(self) -> int:
        """Those present at the vote (0: no vote recorded)."""
        return self.voor + self.tegen + self.onthouding


class Standpunt(db.Model):
    """A minority view ("nee"), its reasons in own words and how many recognise it."""

    __tablename__ = "minderheidsstandpunten_standpunt"
    __table_args__ = (sa.CheckConstraint("herkend_door >= 0", name="herkend_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sessie_id: Mapped[int] = mapped_column(
        sa.ForeignKey("minderheidsstandpunten_sessie.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    redenen: Mapped[str] = mapped_column(sa.Text)
    herkend_door: Mapped[int] = mapped_column(sa.Integer, default=0)
    analyse_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("minderheidsstandpunten_analyse.id", ondelete="SET NULL"))
    groep: Mapped[int | None] = mapped_column(sa.Integer)  # opinion group id in that run

    sessie: Mapped[Sessie] = relationship(back_populates="standpunten")
    stellingen: Mapped[list[Stelling]] = relationship(secondary=standpunt_stelling, order_by="deliberatie.minderheidsstandpunten.models.Stelling.id")
    voorwaarden: Mapped[list[Voorwaarde]] = relationship(
        back_populates="standpunt", order_by="deliberatie.minderheidsstandpunten.models.Voorwaarde.id", cascade="all, delete-orphan")


class Voorwaarde(db.Model):
    """What the minority needs to go along, and what was done with it."""

    __tablename__ = "minderheidsstandpunten_voorwaarde"

    id: Mapped[int] = mapped_column(primary_key=True)
    standpunt_id: Mapped[int] = mapped_column(
        sa.ForeignKey("minderheidsstandpunten_standpunt.id", ondelete="CASCADE"), index=True)
    soort: Mapped[VoorwaardeSoort] = mapped_column(enum_column(VoorwaardeSoort, "mhs_voorwaarde_soort"))
    text: Mapped[str] = mapped_column(sa.Text)
    afhandeling: Mapped[Afhandeling] = mapped_column(
        enum_column(Afhandeling, "mhs_afhandeling"), default=Afhandeling.OPEN)
    toelichting: Mapped[str] = mapped_column(sa.Text, default="")

    standpunt: Mapped[Standpunt] = relationship(back_populates="voorwaarden")
