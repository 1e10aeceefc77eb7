"""Accounts and their roles."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .types import UTCDateTime, enum_column, utcnow


class Role(enum.Enum):
    INWONER = "inwoner"
    ORGANISATOR = "organisator"
    RAADSLID = "raadslid"
    BEHEERDER = "beheerder"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), default=Role.INWONER)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def set_password(self, password: str) -> None:
        # scrypt (werkzeug's default): a memory-hard KDF with a per-hash salt.
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def session_fingerprint(self) -> str:
        """Changes with the password (each hash has its own salt)."""
        return hashlib.sha256(b"session:" + self.password_hash.encode()).hexdigest()[:16]

    def get_id(self) -> str:
        """What the session and the "stay signed in" cookie hold: the id bound to the password.

        A new password (a reset) so signs the account out on every other device;
        ``load_user`` refuses an id whose fingerprint no longer matches.
        """
        return f"{self.id}.{self.session_fingerprint()}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def display_name(self) -> str:
        return self.name or self.email
