"""Suite-wide fixtures: one private database per run (built by migrations), the app served
over HTTP, the fake Jira, and tables emptied after each test."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import requests
from sqlalchemy import text

from addon import create_app
from addon import migrate
from addon.db import EXTENSION_KEY as DB_KEY
from addon.models import Base

from .backend import BackendUnavailable
from .backend import drop_pg_database
from .backend import select_backend
from .live_server import LiveServer

pytest_plugins = ["tests.fakejira.fixtures", "tests.world"]

_backend = None


def pytest_configure(config):
    global _backend
    if hasattr(config, "workerinput") or _backend is not None:
        return
    try:
        _backend = select_backend(Path(tempfile.mkdtemp(prefix="ledgerline-test-")))
    except BackendUnavailable as exc:
        raise pytest.UsageError(f"CI backend check failed: {exc}") from exc
    migrate.upgrade(_backend.database_url)


def pytest_unconfigure(config):
    if _backend is not None and _backend.database_name:
        drop_pg_database(_backend.admin_url, _backend.database_name)


def pytest_report_header(config):
    return f"ledgerline backend: {_backend.notice}" if _backend else None


@pytest.fixture(scope="session")
def backend():
    return _backend


def app_config(backend, **overrides) -> dict:
    config = {
        "testing": True,
        "database_url": backend.database_url,
        "redis_url": backend.redis_url,
        "queue_prefix": backend.queue_prefix,
        "secret_key": "test-secret-key-1",
        "log_level": "WARNING",
        # Explicit, so a DEV_MODE in the caller's environment cannot change what a test sees.
        "dev_mode": False,
        # Tests start backfills themselves; one test covers the install hook.
        "backfill_on_install": False,
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def live_app(backend, atlassian_cloud):
    """The app on a real port, trusting the fake Atlassian cloud's install keys and OAuth."""
    server = LiveServer()
    app = create_app(app_config(
        backend,
        base_url=server.url,
        connect_install_keys_url=atlassian_cloud.keys_url,
        atlassian_oauth_url=atlassian_cloud.oauth_url,
        dev_mode=True,
    ))
    server.start(app)
    yield server
    server.stop()
    app.extensions[DB_KEY].dispose()


@pytest.fixture
def app(live_app):
    return live_app.app


@pytest.fixture
def database(app):
    return app.extensions[DB_KEY]


@pytest.fixture
def run_jobs(app, backend):
    """Run queued background jobs to completion (no-op when jobs already ran in-process)."""
    from rq import SimpleWorker

    from addon.jobs import EXTENSION_KEY as JOBS_KEY
    from addon.jobs import QUEUE_NAMES

    jobs = app.extensions[JOBS_KEY]

    def run() -> None:
        if jobs.inline:
            return
        with app.app_context():
            worker = SimpleWorker([jobs.queue(name) for name in QUEUE_NAMES],
                                  connection=jobs.redis)
            worker.work(burst=True)

    return run


@pytest.fixture
def http():
    with requests.Session() as session:
        yield session


@pytest.fixture
def installed_site(live_app, jira_site):
    """A fake Jira site with the app installed through the signed handshake."""
    site = jira_site("acme")
    response = site.install(live_app.url)
    assert response.status_code == 204, response.text
    return site


@pytest.fixture(autouse=True)
def _empty_tables(request):
    """Tests that touch the app's database leave it empty for the next one."""
    uses_db = {"live_app", "app", "database"} & set(request.fixturenames)
    database = request.getfixturevalue("database") if uses_db else None
    yield
    if database is None:
        return
    tables = list(reversed(Base.metadata.sorted_tables))
    with database.engine.begin() as conn:
        if database.dialect == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
    # The tenants went behind the store's back: its per-process cache must not outlive them.
    request.getfixturevalue("app").extensions["ledgerline.tenants"].forget_all()
