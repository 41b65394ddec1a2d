"""Which real servers this test run uses, and a private database / queue prefix for it.

CI=true: PostgreSQL and Redis are required (TEST_DATABASE_URL / TEST_REDIS_URL override the
defaults) and an unreachable one fails the run. Otherwise they are used when reachable, and the
suite falls back to a SQLite file and in-process jobs with a notice. LEDGERLINE_TEST_BACKEND=sqlite
forces the fallback, so the newcomer path can be checked on a machine that has the servers.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis
from sqlalchemy.engine import make_url

from addon.config import normalize_database_url

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


class BackendUnavailable(RuntimeError):
    pass


@dataclass
class Backend:
    database_url: str
    redis_url: str | None
    queue_prefix: str
    notice: str
    admin_url: str | None = None
    database_name: str | None = None

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")


def _is_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _psycopg_dsn(url: str) -> str:
    return make_url(normalize_database_url(url)).set(drivername="postgresql").render_as_string(
        hide_password=False
    )


def _create_pg_database(admin_url: str, name: str) -> str:
    with psycopg.connect(_psycopg_dsn(admin_url), autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(normalize_database_url(admin_url)).set(database=name).render_as_string(
        hide_password=False
    )


def drop_pg_database(admin_url: str, name: str) -> None:
    with psycopg.connect(_psycopg_dsn(admin_url), autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _redis_ok(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def select_backend(tmp_dir: Path) -> Backend:
    run_id = uuid.uuid4().hex[:10]
    prefix = f"test-{run_id}:"
    forced_sqlite = os.environ.get("LEDGERLINE_TEST_BACKEND") == "sqlite"
    pg_admin = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)
    redis_url = os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS)
    if _is_ci() and forced_sqlite:
        raise BackendUnavailable("CI=true runs against PostgreSQL and Redis, not SQLite")
    if not forced_sqlite:
        name = f"ledgerline_test_{run_id}"
        try:
            database_url = _create_pg_database(pg_admin, name)
        except psycopg.Error as exc:
            if _is_ci():
                raise BackendUnavailable(f"PostgreSQL unreachable at {pg_admin}: {exc}") from exc
        else:
            if _redis_ok(redis_url):
                return Backend(database_url, redis_url, prefix,
                               f"PostgreSQL database {name} + Redis (queue prefix {prefix})",
                               admin_url=pg_admin, database_name=name)
            drop_pg_database(pg_admin, name)
            if _is_ci():
                raise BackendUnavailable(f"Redis unreachable at {redis_url}")
    sqlite_url = f"sqlite:///{tmp_dir / 'ledgerline-test.db'}"
    return Backend(sqlite_url, None, prefix,
                   "NOTICE: PostgreSQL/Redis not used: SQLite + in-process jobs "
                   "(CI=true runs the suite on the real servers)")
