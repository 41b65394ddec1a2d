"""The ``ledgerline`` command, run as a real process the way ``make run`` runs it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine
from sqlalchemy import inspect
from sqlalchemy import text

LEDGERLINE = str(Path(sys.executable).with_name("ledgerline"))


def _run(args, tmp_path, **env):
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", **env}
    environment.pop("REDIS_URL", None)
    return subprocess.run([LEDGERLINE, *args], env=environment, capture_output=True, text=True,
                          timeout=120, check=False)


def test_migrate_builds_the_schema(tmp_path):
    result = _run(["migrate"], tmp_path, DEV_MODE="1")
    assert result.returncode == 0, result.stderr
    engine = create_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    assert {"tenants", "jira_projects", "alembic_version"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_demo_seeds_one_demo_tenant_idempotently(tmp_path):
    assert _run(["migrate"], tmp_path, DEV_MODE="1").returncode == 0
    for _ in range(2):
        result = _run(["demo"], tmp_path, DEV_MODE="1")
        assert result.returncode == 0, result.stderr
        assert "/dev" in result.stdout
    engine = create_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT client_key, is_demo FROM tenants")).all() == [
            ("ledgerline-demo", True)]
    engine.dispose()


def test_demo_is_refused_outside_dev_mode(tmp_path):
    result = _run(["demo"], tmp_path, DEV_MODE="0", SECRET_KEY="k" * 32)
    assert result.returncode != 0
    assert "DEV_MODE" in result.stderr


def test_the_app_refuses_to_start_without_a_secret_key_in_production(tmp_path):
    result = _run(["migrate"], tmp_path, DEV_MODE="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("command", ["worker", "scheduler"])
def test_queue_commands_explain_that_redis_is_needed(tmp_path, command):
    result = _run([command], tmp_path, DEV_MODE="1")
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


def test_serve_answers_http_on_the_given_port(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert _run(["migrate"], tmp_path, DEV_MODE="1").returncode == 0
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
                   "DEV_MODE": "1"}
    environment.pop("REDIS_URL", None)
    server = subprocess.Popen([LEDGERLINE, "serve", "--port", str(port)], env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.2)
        assert response.json() == {"status": "ok"}
    finally:
        server.terminate()
        server.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            assert time.monotonic() < deadline, "the server never answered"
            time.sleep(0.2)


def test_token_create_prints_a_token_once_that_works(tmp_path):
    assert _run(["migrate"], tmp_path, DEV_MODE="1").returncode == 0
    assert _run(["demo"], tmp_path, DEV_MODE="1").returncode == 0
    created = _run(["token", "create", "--tenant", "ledgerline-demo", "--user", "demo-user-0001",
                    "--name", "billing script"], tmp_path, DEV_MODE="1")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("llt_") and "shown only now" in created.stderr
    missing = _run(["token", "create", "--tenant", "nope", "--user", "u", "--name", "n"],
                   tmp_path, DEV_MODE="1")
    assert missing.returncode != 0 and "nope" in missing.stderr


def test_page_links_work_on_a_port_base_url_does_not_name(tmp_path):
    """``ledgerline serve --port`` with the default BASE_URL: a client follows ``next``."""
    secret = {"SECRET_KEY": "k" * 32}
    assert _run(["migrate"], tmp_path, DEV_MODE="1", **secret).returncode == 0
    assert _run(["demo"], tmp_path, DEV_MODE="1", **secret).returncode == 0
    token = _run(["token", "create", "--tenant", "ledgerline-demo", "--user", "demo-user-0001",
                  "--name", "pager"], tmp_path, DEV_MODE="1", **secret).stdout.strip()
    port = _free_port()
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
                   "DEV_MODE": "0", "BASE_URL": "http://localhost:8000", **secret}
    environment.pop("REDIS_URL", None)
    server = subprocess.Popen([LEDGERLINE, "serve", "--port", str(port)], env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz")
        headers = {"Authorization": f"Bearer {token}"}
        first = requests.get(f"http://127.0.0.1:{port}/api/4/accounts?limit=1",
                             headers=headers, timeout=10)
        assert first.status_code == 200, first.text
        assert first.json()["self"].startswith(f"http://127.0.0.1:{port}/")
        second = requests.get(first.json()["metadata"]["next"], headers=headers, timeout=10)
        assert second.status_code == 200
        assert second.json()["metadata"]["offset"] == 1 and second.json()["results"]
        forged = requests.get(f"http://127.0.0.1:{port}/api/4/accounts?limit=1", timeout=10,
                              headers={**headers, "X-Forwarded-Host": "evil.example"})
        assert "evil.example" not in forged.text  # no proxy is configured: not trusted
    finally:
        server.terminate()
        server.wait(timeout=10)
