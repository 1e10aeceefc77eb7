"""Resident pitches (initiatieven), public support, the jury and the combined ranking.

Personal data (AVG): a pitch names its initiator's account (to notify them)
and, in free text they write themselves, the dragers en doeners. Support
stores only which account, or which steuncode, supports which pitch, to keep
it one per resident. A steuncode row holds a salted hash and nothing else: who
got which letter is known only to the municipality's mail merge.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Traject, User, Wijk
from ..models.types import UTCDateTime, enum_column, utcnow


class PitchStatus(enum.Enum):
    ONTVANGEN = "ontvangen"
    IN_BEHANDELING = "in_behandeling"
    HAALBAARHEIDSTOETS = "haalbaarheidstoets"
    GESELECTEERD = "geselecteerd"
    AFGEWEZEN = "afgewezen"


class JuryKind(enum.Enum):
    INWONER = "inwoner"
    RAADSLID = "raadslid"
    AMBTENAAR = "ambtenaar"


class PitchRonde(db.Model):
    """The pitch round of a traject: threshold, published criteria and weights, the pitch event."""

    __tablename__ = "pitches_ronde"
    __table_args__ = (
        sa.CheckConstraint("support_threshold >= 1", name="threshold_positive"),
        sa.CheckConstraint("jury_weight >= 0 AND public_weight >= 0 AND jury_weight + public_weight > 0",
                           name="weights_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(sa.ForeignKey("traject.id", ondelete="CASCADE"), unique=True)
    support_threshold: Mapped[int] = mapped_column(default=25)
    jury_weight: Mapped[int] = mapped_column(default=60)  # percentages, published
    public_weight: Mapped[int] = mapped_column(default=40)
    event_on: Mapped[date | None]
    event_place: Mapped[str] = mapped_column(sa.String(200), default="")
    explanation: Mapped[str] = mapped_column(sa.Text, default="")  # published with the ranking
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the ranking as published (services.freeze_ranking): deleted accounts take their support and
    # scores with them, and a published ranking must not move
    ranking_json: Mapped[str | None] = mapped_column(sa.Text)
    code_salt: Mapped[str | None] = mapped_column(sa.String(32))  # set with the first steuncodes

    traject: Mapped[Traject] = relationship()
    criteria: Mapped[list[Criterium]] = relationship(
        back_populates="ronde", order_by="Criterium.position", cascade="all, delete-orphan")
    jury: Mapped[list[JuryLid]] = relationship(
        back_populates="ronde", order_by="JuryLid.id", cascade="all, delete-orphan")


class Criterium(db.Model):
    __tablename__ = "pitches_criterium"
    __table_args__ = (sa.UniqueConstraint("ronde_id", "position"),
                      sa.CheckConstraint("max_score >= 1", name="max_score_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    ronde_id: Mapped[int] = mapped_column(sa.ForeignKey("pitches_ronde.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(120))
    max_score: Mapped[int] = mapped_column(default=10)

    ronde: Mapped[PitchRonde] = relationship(back_populates="criteria")


class JuryLid(db.Model):
    __tablename__ = "pitches_jurylid"
    __table_args__ = (sa.UniqueConstraint("ronde_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ronde_id: Mapped[int] = mapped_column(sa.ForeignKey("pitches_ronde.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[JuryKind] = mapped_column(enum_column(JuryKind, "pitches_jury_kind"))

    ronde: Mapped[PitchRonde] = relationship(back_populates="jury")
    user: Mapped[User] = relationship()


class Pitch(db.Model):
    __tablename__ = "pitches_pitch"
    __table_args__ = (sa.CheckConstraint("cost_cents >= 0", name="cost_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(sa.ForeignKey("traject.id", ondelete="CASCADE"), index=True)
    initiator_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    problem: Mapped[str] = mapped_column(sa.Text)
    plan: Mapped[str] = mapped_column(sa.Text)
    cost_cents: Mapped[int] = mapped_column(sa.BigInteger)
    wijk_id: Mapped[int | None] = mapped_column(sa.ForeignKey("wijk.id", ondelete="SET NULL"))
    ask: Mapped[str] = mapped_column(sa.Text, default="")  # what they ask of the gemeente
    dragers: Mapped[str] = mapped_column(sa.Text, default="")  # dragers en doeners
    status: Mapped[PitchStatus] = mapped_column(
        enum_column(PitchStatus, "pitches_status"), default=PitchStatus.ONTVANGEN)
    status_reason: Mapped[str] = mapped_column(sa.Text, default="")  # public
    on_agenda_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # support threshold reached
    idee_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("thematafels_idee.id", ondelete="SET NULL"))  # born at a thematafel
    wijkbudget_project_id: Mapped[int | None]  # no FK: the wijkbudget component owns that table
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    traject: Mapped[Traject] = relationship()
    initiator: Mapped[User | None] = relationship()
    wijk: Mapped[Wijk | None] = relationship()
    images: Mapped[list[PitchImage]] = relationship(
        back_populates="pitch", order_by="PitchImage.id", cascade="all, delete-orphan")
    support: Mapped[list[Steun]] = relationship(back_populates="pitch", cascade="all, delete-orphan")
    updates: Mapped[list[PitchUpdate]] = relationship(
        back_populates="pitch", order_by="PitchUpdate.id.desc()", cascade="all, delete-orphan")
    scores: Mapped[list[JuryScore]] = relationship(back_populates="pitch", cascade="all, delete-orphan")


class PitchImage(db.Model):
    """An uploaded image, checked (PNG/JPEG, size, decodable) and kept in the database."""

    __tablename__ = "pitches_afbeelding"

    id: Mapped[int] = mapped_column(primary_key=True)
    pitch_id: Mapped[int] = mapped_column(sa.ForeignKey("pitches_pitch.id", ondelete="CASCADE"), index=True)
    content_type: Mapped[str] = mapped_column(sa.String(40))
    alt: Mapped[str] = mapped_column(sa.String(300), default="")
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)

    pitch: Mapped[Pitch] = relationship(back_populates="images")


class Steuncode(db.Model):
    """A personal code from a letter: a resident without an account supports pitches with it.

    Only ``HMAC-SHA256(ronde.code_salt, code)`` is kept (see :mod:`deliberatie.codes`).
    A code supports each pitch of its round at most once (the unique key on
    :class:`Steun`), like an account.
    """

    __tablename__ = "pitches_steuncode"
    __table_args__ = (sa.UniqueConstraint("ronde_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ronde_id: Mapped[int] = mapped_column(sa.ForeignKey("pitches_ronde.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(sa.String(64))


class Steun(db.Model):
    """Public support: one per resident account or steuncode per pitch, enforced by the database."""

    __tablename__ = "pitches_steun"
    __table_args__ = (
        sa.UniqueConstraint("pitch_id", "user_id"),
        sa.UniqueConstraint("pitch_id", "steuncode_id"),
        sa.CheckConstraint("(user_id IS NULL AND steuncode_id IS NOT NULL) "
                           "OR (user_id IS NOT NULL AND steuncode_id IS NULL)", name="one_supporter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pitch_id: Mapped[int] = mapped_column(sa.ForeignKey("pitches_pitch.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    steuncode_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("pitches_steuncode.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pitch: Mapped[Pitch] = relationship(back_populates="support")
    user: Mapped[User | None] = relationship()


class PitchUpdate(db.Model):
    """A public status change with its reason: the terugkoppeling for initiator and supporters."""

    __tablename__ = "pitches_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    pitch_id: Mapped[int] = mapped_column(sa.ForeignKey("pitches_pitch.id", ondelete="CASCADE"), index=True)
    status: Mapped[PitchStatus] = mapped_column(enum_column(PitchStatus, "pitches_status"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pitch: Mapped[Pitch] = relationship(back_populates="updates")


class JuryScore(db.Model):
    __tablename__ = "pitches_score"
    __table_args__ = (sa.UniqueConstraint("pitch_id", "jurylid_id", "criterium_id"),
                      sa.CheckConstraint("score >= 0", name="score_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    pitch_id: Mapped[int] = mapped_column(sa.ForeignKey("pitches_pitch.id", ondelete="CASCADE"))
    jurylid_id: Mapped[int] = mapped_column(sa.ForeignKey("pitches_jurylid.id", ondelete="CASCADE"), index=True)
    criterium_id: Mapped[int] = mapped_column(sa.ForeignKey("pitches_criterium.id", ondelete="CASCADE"), index=True)
    score: Mapped[int]

    pitch: Mapped[Pitch] = relationship(back_populates="scores")
    jurylid: Mapped[JuryLid] = relationship()
    criterium: Mapped[Criterium] = relationship()
