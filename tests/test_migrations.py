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
def scratch_database_url(backend, tmp_path):
    if backend.is_postgres:
        name = f"ledgerline_mig_{uuid.uuid4().hex[:8]}"
        url = _create_pg_database(backend.admin_url, name)
        yield url
        drop_pg_database(backend.admin_url, name)
    else:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"


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
