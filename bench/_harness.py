"""What the sync benchmarks share: a private backend, the app on a port, a fake Jira site.

The backend is the test suite's choice (tests/backend.py): a fresh PostgreSQL database and a
private queue prefix on Redis when both are reachable, else SQLite; everything is dropped when
the benchmark ends. The fake Jira is the suite's (tests/fakejira), installed over HTTP.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis  # noqa: E402
import requests  # noqa: E402

from addon import migrate  # noqa: E402
from addon.jobs import QUEUE_NAMES  # noqa: E402
from addon.jobs import JobRunner  # noqa: E402
from tests.backend import Backend  # noqa: E402
from tests.backend import drop_pg_database  # noqa: E402
from tests.backend import select_backend  # noqa: E402
from tests.fakejira.cloud import AtlassianCloud  # noqa: E402

SECRET_KEY = "bench-secret-key"


@contextmanager
def private_backend() -> Iterator[Backend]:
    """A migrated private database (and queue prefix), removed afterwards."""
    backend = select_backend(Path(tempfile.mkdtemp(prefix="ledgerline-bench-")))
    try:
        migrate.upgrade(backend.database_url)
        yield backend
    finally:
        if backend.redis_url:
            _forget_queues(backend.redis_url, backend.queue_prefix)
        if backend.database_name:
            drop_pg_database(backend.admin_url, backend.database_name)


def _forget_queues(redis_url: str, prefix: str) -> None:
    jobs = JobRunner(redis_url, queue_prefix=prefix)
    for name in QUEUE_NAMES:
        jobs.queue(name).delete(delete_jobs=True)
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


def app_config(backend: Backend, cloud: AtlassianCloud, base_url: str, **overrides) -> dict:
    config = {
        "database_url": backend.database_url, "redis_url": backend.redis_url,
        "queue_prefix": backend.queue_prefix, "secret_key": SECRET_KEY, "base_url": base_url,
        "connect_install_keys_url": cloud.keys_url, "atlassian_oauth_url": cloud.oauth_url,
        "log_level": "WARNING", "backfill_on_install": False,
    }
    config.update(overrides)
    return config


@contextmanager
def installed_app(backend: Backend, cloud: AtlassianCloud, site_names: list[str],
                  **overrides) -> Iterator[tuple[dict, object, object, list[tuple]]]:
    """The app served from this process, with one fake Jira site installed per name.

    Yields ``(config, app, database, [(site, tenant_id), ...])``; the server, the sites and the
    database connections are closed afterwards. ``overrides`` go into the app's settings.
    """
    from addon import create_app
    from addon.db import EXTENSION_KEY as DB_KEY
    from tests.live_server import LiveServer

    server = LiveServer()
    config = app_config(backend, cloud, server.url, **overrides)
    app = create_app(config)
    server.start(app)
    database = app.extensions[DB_KEY]
    sites = [cloud.new_site(name) for name in site_names]
    try:
        installed = []
        for site in sites:
            assert site.install(server.url).status_code == 204
            installed.append((site, app.extensions["ledgerline.tenants"]
                              .find(site.client_key).tenant_id))
        yield config, app, database, installed
    finally:
        server.stop()
        for site in sites:
            site.close()
        database.dispose()


def environment(config: dict) -> dict[str, str]:
    """The same settings as environment variables, for a separate server process."""
    names = {"database_url": "DATABASE_URL", "redis_url": "REDIS_URL",
             "queue_prefix": "QUEUE_PREFIX", "secret_key": "SECRET_KEY", "base_url": "BASE_URL",
             "connect_install_keys_url": "CONNECT_INSTALL_KEYS_URL",
             "atlassian_oauth_url": "ATLASSIAN_OAUTH_URL", "log_level": "LOG_LEVEL",
             "backfill_on_install": "BACKFILL_ON_INSTALL"}
    return {names[k]: str(int(v) if isinstance(v, bool) else v)
            for k, v in config.items() if v is not None}


def percentile(sorted_values: list[float], fraction: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * fraction))]


GUNICORN = ["--workers", "2", "--threads", "4", "--worker-class", "gthread"]
BENCH_DIR = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(app_spec: str, port: int, env: dict[str, str] | None = None) -> subprocess.Popen:
    """``gunicorn <app_spec>`` with the issue's arguments on ``port``, once it answers."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    full_env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"),
                "DEV_MODE": "0", "PYTHONPATH": _pythonpath(), **(env or {})}
    server = subprocess.Popen([str(gunicorn), *GUNICORN, "--bind", f"127.0.0.1:{port}",
                               "--log-level", "warning", app_spec], env=full_env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok:
                return server
        except requests.RequestException:
            time.sleep(0.2)
    stop(server)
    raise RuntimeError(f"gunicorn {app_spec} did not come up")


def start_worker(config: dict) -> subprocess.Popen:
    """``ledgerline worker`` (all queues) with the app's settings."""
    ledgerline = Path(sys.executable).parent / "ledgerline"
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"),
           "DEV_MODE": "0", "PYTHONPATH": _pythonpath(), **environment(config)}
    return subprocess.Popen([str(ledgerline), "worker"], env=env)


def _pythonpath() -> str:
    """This checkout's code (not whichever one is pip-installed), and the baseline app."""
    return os.pathsep.join((str(BENCH_DIR.parent), str(BENCH_DIR)))


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
