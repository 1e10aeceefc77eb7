"""The audit log: append-only, each entry chained to the previous by a hash.

Every organiser or beheerder action that changes an outcome (open, close,
count or publish a vote; draw a panel; edit quotas; moderate) is recorded
with who and when. ``flask audit verify`` recomputes the chain, so an
edited or deleted entry is detected.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(sa.Integer)  # no FK: the log outlives accounts
    actor: Mapped[str] = mapped_column(sa.String(254))  # e-mail at the time, or "system"
    action: Mapped[str] = mapped_column(sa.String(80))  # e.g. "wijkbudget.publish"
    traject_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    subject: Mapped[str] = mapped_column(sa.String(120))  # e.g. "wijkbudget:3"
    details: Mapped[str] = mapped_column(sa.Text, default="{}")  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    def compute_hash(self) -> str:
        payload = json.dumps(
            [self.prev_hash, self.at.astimezone(timezone.utc).isoformat(), self.actor_id, self.actor, self.action,
             self.traject_id, self.subject, self.details],
            separators=(",", ":"), ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode()).hexdigest()
