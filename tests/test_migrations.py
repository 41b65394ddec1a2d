"""Migrations are the only way the schema is built, so they must match the models."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy import inspect

from addon import migrate
from addon.models import Base

from .backend import _create_pg_database
from .backend import drop_pg_database


def test_migrations_have_a_single_head():
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


@pytest.fixture
def scratch_databases(backend, tmp_path):
    """Makes empty databases on the suite's backend, dropped afterwards."""
    names: list[str] = []

    def make() -> str:
        name = f"ledgerline_mig_{uuid.uuid4().hex[:8]}"
        names.append(name)
        if backend.is_postgres:
            return _create_pg_database(backend.admin_url, name)
        return f"sqlite:///{tmp_path / name}.db"

    yield make
    if backend.is_postgres:
        for name in names:
            drop_pg_database(backend.admin_url, name)


@pytest.fixture
def scratch_database_url(scratch_databases):
    return scratch_databases()


def test_upgrade_downgrade_upgrade_round_trips(scratch_database_url):
    migrate.upgrade(scratch_database_url)
    migrate.downgrade(scratch_database_url, "base")
    engine = create_engine(scratch_database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    migrate.upgrade(scratch_database_url)


def test_models_match_the_migrated_schema(scratch_database_url):
    migrate.upgrade(scratch_database_url)
    engine = create_engine(scratch_database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def _indexes(url: str) -> dict[tuple[str, str], tuple]:
    """Every index's columns, uniqueness and partial-index predicate, as the database has it."""
    engine = create_engine(url)
    inspector = inspect(engine)
    found = {}
    for table in inspector.get_table_names():
        for index in inspector.get_indexes(table):
            options = index.get("dialect_options", {})
            where = options.get("postgresql_where", options.get("sqlite_where"))
            found[table, index["name"]] = (tuple(index["column_names"]), bool(index["unique"]),
                                           None if where is None else str(where))
    engine.dispose()
    return found


def test_migrated_indexes_have_the_models_predicates(scratch_databases):
    # compare_metadata above does not compare a partial index's WHERE: build the schema both
    # ways and let the database say what each index covers.
    migrated, from_models = scratch_databases(), scratch_databases()
    migrate.upgrade(migrated)
    engine = create_engine(from_models)
    Base.metadata.create_all(engine)
    engine.dispose()
    assert _indexes(migrated) == _indexes(from_models)
