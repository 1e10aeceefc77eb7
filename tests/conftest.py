"""Fixtures shared by the whole suite (modelled on Flask's flaskr tutorial).

Every test that uses ``app`` runs twice: on SQLite (a fresh in-memory
database per test) and on PostgreSQL when ``TEST_DATABASE_URL`` is set
(schema created once per run in a private PostgreSQL schema, tables
emptied after each test). Without ``TEST_DATABASE_URL`` the PostgreSQL
leg is skipped with a visible reason; with ``CI_REQUIRE_POSTGRES=1`` an
unreachable server fails the run instead.
"""

import contextvars
import os
import sqlite3
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

SHARED = Path(__file__).resolve().parents[2] / "shared"

# The app's days are the gemeente's (deliberatie.clock: Europe/Amsterdam); tests compute dates
# with date.today(), so they run in that timezone too, or the two would differ for an hour or
# two every night on a machine that runs on UTC.
os.environ["TZ"] = "Europe/Amsterdam"
time.tzset()


# The app hashes passwords with werkzeug's scrypt at full cost: about 0.1 s a hash, by design. The
# suite makes and checks thousands of them, so in tests the same scrypt runs with a tiny work factor.
# tests/test_auth.py::test_passwords_are_hashed_at_production_cost checks the app's own parameters.
TEST_SCRYPT = "scrypt:128:8:1"


def _cheap_password_hash(password, method="scrypt", salt_length=16):
    return generate_password_hash(password, method=TEST_SCRYPT if method == "scrypt" else method,
                                  salt_length=salt_length)


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes():
    from deliberatie.auth import services
    from deliberatie.models import user

    with pytest.MonkeyPatch.context() as patch:
        for module in (user, services):
            patch.setattr(module, "generate_password_hash", _cheap_password_hash)
        services._dummy_hash.cache_clear()
        yield
    services._dummy_hash.cache_clear()


@pytest.fixture(scope="session")
def shared_dir():
    """The ``shared/`` folder beside the clone, or a visible skip when it is absent."""
    if not (SHARED / "data").is_dir():
        pytest.skip(f"shared data not found at {SHARED}: a fresh clone has no ../shared")
    return SHARED


def _postgres_url():
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("PostgreSQL leg skipped: TEST_DATABASE_URL is not set (.ci/run sets it)")
    engine = sa.create_engine(url)
    try:
        engine.connect().close()
    except sa.exc.OperationalError as error:
        if os.environ.get("CI_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL at TEST_DATABASE_URL is unreachable: {error}")
        pytest.skip(f"PostgreSQL leg skipped: cannot connect to TEST_DATABASE_URL ({error})")
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(request):
    """(url, engine options, schema) for one backend; PostgreSQL gets a private schema."""
    if request.param == "sqlite":
        yield ("sqlite://", {}, None)
        return
    url = _postgres_url()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    options = {"connect_args": {"options": f"-csearch_path={schema}"}, "pool_pre_ping": True}
    try:
        yield (url, options, schema)
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(scope="session")
def _created_schemas():
    return set()


@pytest.fixture(scope="session")
def _sqlite_schema():
    """An in-memory SQLite database holding the empty schema, once ``create_all`` has made it.

    Each SQLite test gets a copy (sqlite3's backup API, well under a millisecond) instead of
    running ``create_all`` again (about 20 ms).
    """
    template = {}
    yield template
    if template:
        template["connection"].close()


def _create_sqlite_schema(db, template):
    raw = db.engine.raw_connection()  # StaticPool: the one connection every session of this app uses
    try:
        if template:
            template["connection"].backup(raw.driver_connection)
        else:
            db.create_all()
            template["connection"] = sqlite3.connect(":memory:")
            raw.driver_connection.backup(template["connection"])
    finally:
        raw.close()


@pytest.fixture
def app(database, _created_schemas, _sqlite_schema):
    from deliberatie import create_app
    from deliberatie.config import TestConfig
    from deliberatie.extensions import db

    url, options, schema = database
    app = create_app(TestConfig(url, options))
    app.test_client_class = IsolatedClient
    with app.app_context():
        if schema is None:
            _create_sqlite_schema(db, _sqlite_schema)
        elif schema not in _created_schemas:
            db.create_all()
            _created_schemas.add(schema)
        yield app
        db.session.remove()
        if schema is None:
            db.engine.dispose()
        else:
            _empty_tables(db.engine, db.metadata.sorted_tables, schema)
            db.engine.dispose()


def _empty_tables(engine, tables, schema):
    """Every table empty and every sequence restarted, as ``TRUNCATE ... RESTART IDENTITY`` leaves them.

    TRUNCATE of all the tables costs about 0.1 s however few rows they hold (each table gets a new
    file); deleting the rows of the tables that have any, children first, takes a few milliseconds.
    """
    probe = " UNION ALL ".join(f'SELECT {i} WHERE EXISTS (SELECT 1 FROM "{t.name}")' for i, t in enumerate(tables))
    with engine.begin() as conn:
        for i in sorted(conn.execute(sa.text(probe)).scalars(), reverse=True):
            conn.execute(sa.text(f'DELETE FROM "{tables[i].name}"'))
        used = conn.execute(sa.text("SELECT sequencename FROM pg_sequences"
                                    " WHERE schemaname = :schema AND last_value IS NOT NULL"), {"schema": schema})
        for name in used.scalars().all():
            conn.execute(sa.text(f'ALTER SEQUENCE "{schema}"."{name}" RESTART'))


class IsolatedClient(FlaskClient):
    """Runs each request in an empty context, as a real server does.

    Without this, requests would reuse the test's app context and so its
    database session: a view that forgot to commit would still look right.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def guarded_app(database, **settings):
    """An app with rate limits and/or CSRF switched on (``settings``), on the SQLite leg only.

    Neither depends on the database, so the PostgreSQL leg skips instead of repeating them.
    """
    from deliberatie import create_app
    from deliberatie.config import TestConfig

    url, options, schema = database
    if schema is not None:
        pytest.skip("rate limits and CSRF do not depend on the database")
    app = create_app(TestConfig(url, options, **settings))
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email, password="wachtwoord-123"):
        return self._client.post("/auth/inloggen", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/auth/uitloggen")


@pytest.fixture
def auth(client):
    return AuthActions(client)
