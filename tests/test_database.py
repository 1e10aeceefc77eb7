"""deliberatie/database.py: idle connections are checked before use, single reads skip the transaction."""

import pytest
import sqlalchemy as sa

from deliberatie import create_app
from deliberatie.config import TestConfig
from deliberatie.database import read_once
from deliberatie.extensions import db
from tests.helpers import postgres_only

PROBE = sa.text("SELECT 1 AS one")


def _app(database, **settings):
    url, options, _ = database
    # the production engine options: no pool_pre_ping, the idle check instead
    options = {k: v for k, v in options.items() if k != "pool_pre_ping"}
    return create_app(TestConfig(url, options, **settings))


def _kill_backend(connection):
    """Terminate ``connection``'s PostgreSQL backend from another session, as a restart would."""
    pid = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    connection.commit()  # back in the pool idle, as after a finished request
    killer = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool)  # not from the pool under test
    with killer.connect() as other:
        # with a timeout, pg_terminate_backend waits until the backend has gone
        assert other.execute(sa.text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}).scalar()
        other.commit()


def test_a_connection_used_a_moment_ago_is_not_pinged(database, monkeypatch):
    app = _app(database, DATABASE_IDLE_PING_SECONDS=3600)
    with app.app_context():
        pings = []
        monkeypatch.setattr(db.engine.dialect, "do_ping", lambda conn: pings.append(conn) or True)
        for _ in range(3):
            with db.engine.connect() as connection:
                assert connection.execute(PROBE).scalar() == 1
        assert pings == []
        db.engine.dispose()


def test_an_idle_connection_is_pinged(database, monkeypatch):
    app = _app(database, DATABASE_IDLE_PING_SECONDS=0)
    with app.app_context():
        pings = []
        real = db.engine.dialect.do_ping
        monkeypatch.setattr(db.engine.dialect, "do_ping", lambda conn: pings.append(conn) or real(conn))
        with db.engine.connect() as connection:  # a new connection: nothing to check
            connection.execute(PROBE)
        with db.engine.connect() as connection:  # back from the pool: checked
            connection.execute(PROBE)
        assert len(pings) == 1
        db.engine.dispose()


@pytest.mark.parametrize("idle_seconds, first_use_fails", [(0, False), (3600, True)],
                         ids=["idle-checked", "used-a-moment-ago"])
def test_a_dead_connection_in_the_pool(database, idle_seconds, first_use_fails):
    """An idle connection whose backend died is replaced before use; one used a moment ago is not
    checked (the trade-off), so its first use fails, and SQLAlchemy then replaces it."""
    postgres_only(database)
    app = _app(database, DATABASE_IDLE_PING_SECONDS=idle_seconds)
    with app.app_context():
        with db.engine.connect() as connection:
            _kill_backend(connection)
        if first_use_fails:
            with pytest.raises(sa.exc.OperationalError), db.engine.connect() as connection:
                connection.execute(PROBE)
        with db.engine.connect() as connection:
            assert connection.execute(PROBE).scalar() == 1
        db.engine.dispose()


def _autocommit_seen(app):
    """Run read_once and report whether the DBAPI connection was in autocommit when it read."""
    seen = []

    def before(conn, cursor, statement, *args):
        seen.append(getattr(conn.connection.dbapi_connection, "autocommit", None))

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        assert [tuple(row) for row in read_once(PROBE)] == [(1,)]
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)
    return seen


def test_read_once_outside_a_transaction_is_one_autocommit_statement(app, database):
    postgres_only(database)
    assert _autocommit_seen(app) == [True]
    assert not db.session().in_transaction()


def test_read_once_joins_the_request_transaction_and_sees_its_writes(app):
    from tests.factories import make_user

    user = make_user(email="lees@example.org")  # flushed, not committed
    assert db.session().in_transaction()
    rows = read_once(sa.text("SELECT email FROM user_account WHERE id = :id"), {"id": user.id})
    assert [row.email for row in rows] == ["lees@example.org"]
    assert _autocommit_seen(app) in ([False], [None])  # PostgreSQL: in the transaction; SQLite: no such flag
    db.session.rollback()
