"""Engine, sessions and the request-scoped session (closed on teardown)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask import current_app
from flask import g
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from .models import AppSession

EXTENSION_KEY = "ledgerline.db"


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # FKs are off by default in SQLite; WAL lets the threaded dev server read while writing.
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
            # pysqlite begins transactions lazily and so turns a SAVEPOINT's RELEASE into a
            # commit: a rolled-back request kept what a begin_nested() wrote (found by the
            # no-write-on-4xx fuzz). SQLAlchemy's recipe: autocommit driver, explicit BEGIN,
            # IMMEDIATE so two writers wait (busy_timeout) instead of deadlocking on upgrade.
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # hide_parameters: a failing statement's error (and so a 500's log line) never carries the
    # bound values, which can be megabytes of client input or personal data.
    # No pre-ping: it cost a round trip per checkout, i.e. per request (issue 11). A connection
    # the server dropped fails one statement, and SQLAlchemy then invalidates the whole pool;
    # recycling bounds how old an idle connection can get.
    return create_engine(url, pool_size=10, max_overflow=10, pool_recycle=1800,
                         hide_parameters=True)


class Database:
    """Owns the engine; hands out sessions opened for one tenant (or, explicitly, for all)."""

    def __init__(self, url: str):
        self.url = url
        self.engine = _make_engine(url)
        self._sessions = sessionmaker(self.engine, class_=AppSession, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self, *, tenant_id: int | None = None, all_tenants: bool = False) -> AppSession:
        session = self._sessions()
        session.info["tenant_id"] = tenant_id
        session.info["all_tenants"] = all_tenants
        return session

    @contextmanager
    def transaction(self, *, tenant_id: int | None = None,
                    all_tenants: bool = False) -> Iterator[AppSession]:
        """One unit of work: commit on success, roll back on any error, always close."""
        session = self.session(tenant_id=tenant_id, all_tenants=all_tenants)
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def init_app(app: Flask, database: Database) -> None:
    app.extensions[EXTENSION_KEY] = database
    app.teardown_appcontext(_close_request_session)


def get_database() -> Database:
    return current_app.extensions[EXTENSION_KEY]


def request_session(tenant_id: int) -> AppSession:
    """The session for this request, opened for the request's tenant."""
    session = g.get("_db_session")
    if session is None:
        session = get_database().session(tenant_id=tenant_id)
        g._db_session = session
    elif session.tenant_id != tenant_id:
        raise RuntimeError("one request cannot serve two tenants")
    return session


def _close_request_session(_exc) -> None:
    session = g.pop("_db_session", None)
    if session is not None:
        session.close()
