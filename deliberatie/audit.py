"""Recording and verifying the hash-chained audit log."""

import json

from sqlalchemy import func, select

from .extensions import db
from .models.audit import AuditEntry
from .models.types import utcnow

GENESIS = "0" * 64


def record(actor, action: str, subject: str, *, traject_id=None, **details) -> AuditEntry:
    """Append one entry in the caller's transaction.

    On PostgreSQL the table is locked for the append, so two concurrent
    writers cannot both chain onto the same previous entry.
    """
    if db.engine.dialect.name == "postgresql":
        db.session.execute(db.text("LOCK TABLE audit_entry IN EXCLUSIVE MODE"))
    last = db.session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    entry = AuditEntry(
        at=utcnow().replace(microsecond=0),
        actor_id=getattr(actor, "id", None),
        actor=getattr(actor, "email", None) or "system",
        action=action,
        traject_id=traject_id,
        subject=subject,
        details=json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str),
        prev_hash=last or GENESIS,
    )
    entry.hash = entry.compute_hash()
    db.session.add(entry)
    db.session.flush()
    return entry


def verify() -> list[str]:
    """Problems found in the chain (empty when intact)."""
    problems = []
    previous = GENESIS
    for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        if entry.prev_hash != previous:
            problems.append(f"entry {entry.id}: previous entry missing or changed")
        if entry.compute_hash() != entry.hash:
            problems.append(f"entry {entry.id}: contents changed after it was written")
        previous = entry.hash
    return problems


def head() -> tuple[int, str | None]:
    """(number of entries, hash of the last one): what :func:`verify` cannot check by itself.

    The chain shows an edited or removed entry in the middle, not a cut-off tail
    or a wiped log; comparing these with the values noted at an earlier check does.
    """
    count = db.session.scalar(select(func.count()).select_from(AuditEntry))
    last = db.session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    return count, last


def entries_for(traject_id: int):
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.traject_id == traject_id).order_by(AuditEntry.id)
    ).all()
