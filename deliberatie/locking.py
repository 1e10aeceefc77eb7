"""Row locks that make concurrent requests on one row take turns."""

from .extensions import db


def lock(row):
    """Lock ``row``'s database row for this transaction (PostgreSQL) and reread it; returns ``row``.

    A concurrent request that locks the same row waits until this transaction
    ends, then sees what it did; what the caller loaded earlier is refreshed,
    so decide only on what is read after the lock.
    """
    return db.session.get(type(row), row.id, with_for_update=True, populate_existing=True)
