"""Database round trips on the hot paths: a liveness check only where it can matter, single reads in autocommit.

A request that reads one row through the ORM session costs four round trips
on PostgreSQL: SQLAlchemy's ``pool_pre_ping``, ``BEGIN``, the query and the
``ROLLBACK`` that ends the request's transaction. At a voting peak those
cheap statements are a fair share of the app's and the database's work.

- A pooled connection is checked (``SELECT 1``) only when it has been idle
  for ``DATABASE_IDLE_PING_SECONDS``: after a quiet spell is when a restarted
  or failed-over database leaves dead connections behind. A connection that
  was used a moment ago is handed out as it is; should the database go away
  under load, the first statement fails, SQLAlchemy throws the pool's older
  connections away, and the request is refused whole (one transaction).
- :func:`read_once` runs one read in autocommit on PostgreSQL: one round trip.
"""

import time

from sqlalchemy import event, exc

from .extensions import db

DEFAULT_IDLE_PING_SECONDS = 10.0


def init_app(app):
    idle = float(app.config.get("DATABASE_IDLE_PING_SECONDS", DEFAULT_IDLE_PING_SECONDS))
    with app.app_context():
        for engine in db.engines.values():
            _ping_when_idle(engine, idle)


def _ping_when_idle(engine, idle_seconds):
    def checkin(dbapi_connection, record):
        record.info["checked_in_at"] = time.monotonic()

    def checkout(dbapi_connection, record, proxy):
        since = record.info.get("checked_in_at")
        if since is None or time.monotonic() - since < idle_seconds:
            return  # just connected, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # the pool discards this connection and hands out a fresh one
            raise exc.DisconnectionError(f"idle connection is gone: {error}") from error

    event.listen(engine.pool, "checkin", checkin)
    event.listen(engine.pool, "checkout", checkout)


def read_once(statement, params=None):
    """All rows of one read; on PostgreSQL outside any transaction (autocommit: one round trip).

    Only while the request's session holds no transaction (else the read joins
    it, so it sees what the request has written). A single statement sees one
    consistent snapshot either way.
    """
    if db.session().in_transaction() or db.engine.dialect.name != "postgresql":
        return db.session.execute(statement, params).all()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return connection.execute(statement, params).all()
