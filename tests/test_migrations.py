"""Migrations: one head, and `upgrade` from empty gives exactly the models' schema."""

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from deliberatie import create_app
from deliberatie.config import TestConfig
from deliberatie.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def test_single_head():
    script = ScriptDirectory.from_config(_alembic_config())
    assert len(script.get_heads()) == 1


def _alembic_config():
    config = AlembicConfig(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def test_upgrade_from_empty_matches_models(database, tmp_path):
    from flask_migrate import upgrade

    url, options, schema = database
    if schema is None:
        url = f"sqlite:///{tmp_path / 'migrate.sqlite'}"
    else:
        # A schema of its own, so the other tests' create_all() does not interfere.
        schema = schema + "_mig"
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        options = {"connect_args": {"options": f"-csearch_path={schema}"}}
    app = create_app(TestConfig(url, options))
    try:
        with app.app_context():
            upgrade(directory=str(MIGRATIONS))
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                diff = compare_metadata(context, db.metadata)
            tables = set(sa.inspect(db.engine).get_table_names())
            db.engine.dispose()
        assert diff == []
        assert {t.name for t in db.metadata.sorted_tables} <= tables
    finally:
        if schema is not None:
            with engine.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()
