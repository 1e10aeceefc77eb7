"""The municipality, its wijken and their population figures."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Gemeente(db.Model):
    __tablename__ = "gemeente"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    cbs_code: Mapped[str] = mapped_column(sa.String(10), unique=True)  # e.g. GM9001

    wijken: Mapped[list[Wijk]] = relationship(
        back_populates="gemeente", order_by="Wijk.name", cascade="all, delete-orphan"
    )


class Wijk(db.Model):
    """A CBS wijk (neighbourhood) or kern (village) of the municipality."""

    __tablename__ = "wijk"
    __table_args__ = (sa.UniqueConstraint("gemeente_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    gemeente_id: Mapped[int] = mapped_column(sa.ForeignKey("gemeente.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(120))
    cbs_code: Mapped[str] = mapped_column(sa.String(10), unique=True)  # e.g. WK900101

    gemeente: Mapped[Gemeente] = relationship(back_populates="wijken")
    populatie: Mapped[list[WijkPopulatie]] = relationship(
        back_populates="wijk",
        order_by="(WijkPopulatie.variable, WijkPopulatie.id)",
        cascade="all, delete-orphan",
    )

    @property
    def inwoners(self) -> int:
        """Residents: the sum over the sex counts (every resident has one)."""
        return sum(row.count for row in self.populatie if row.variable == "geslacht")


class WijkPopulatie(db.Model):
    """One population count: residents of a wijk in one category of one variable.

    One-way counts per variable, as CBS "Kerncijfers wijken en buurten"
    publishes them (geslacht, leeftijd, opleiding, ...). ``base`` names the
    population the count refers to, because CBS counts age bands over all
    residents but education only for ages 15-74.
    """

    __tablename__ = "wijk_populatie"
    __table_args__ = (
        sa.UniqueConstraint("wijk_id", "variable", "category"),
        sa.CheckConstraint("count >= 0", name="count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wijk_id: Mapped[int] = mapped_column(sa.ForeignKey("wijk.id", ondelete="CASCADE"))
    variable: Mapped[str] = mapped_column(sa.String(40))
    category: Mapped[str] = mapped_column(sa.String(60))
    count: Mapped[int] = mapped_column(sa.Integer)
    base: Mapped[str] = mapped_column(sa.String(40), default="alle inwoners")

    wijk: Mapped[Wijk] = relationship(back_populates="populatie")
