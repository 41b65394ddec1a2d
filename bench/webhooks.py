"""Webhook intake: how many signed Jira webhooks the app acknowledges per second.

The app runs as in production, ``gunicorn "addon:create_app()"`` (2 workers x 8 threads, a
separate process), on PostgreSQL + Redis when reachable (else SQLite and in-process jobs; the
first line says which). A fake Jira site installs it and POSTs ``WEBHOOKS`` distinct
worklog_created webhooks, signed like Jira's, from ``CLIENTS`` threads, one connection per
delivery as Jira does. No worker runs: this measures store-and-acknowledge only.
"""

from __future__ import annotations

import os
import resource
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from _harness import AtlassianCloud
from _harness import app_config
from _harness import environment
from _harness import percentile
from _harness import private_backend
from sqlalchemy import func
from sqlalchemy import select

from addon.db import Database
from addon.models import InboxEvent

WEBHOOKS = 5000
WARMUP = 200
CLIENTS = 8
GUNICORN = ["--workers", "2", "--threads", "8", "--worker-class", "gthread"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(config: dict, port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"),
           "DEV_MODE": "0", **environment(config)}
    server = subprocess.Popen([str(gunicorn), *GUNICORN, "--bind", f"127.0.0.1:{port}",
                               "--log-level", "warning", "addon:create_app()"], env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{config['base_url']}/healthz", timeout=5).ok:
                return server
        except requests.RequestException:
            time.sleep(0.2)
    _stop(server)
    raise RuntimeError("gunicorn did not come up")


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _payloads(model, count: int) -> list[dict]:
    user = model.add_user("Ada")
    issues = [model.add_issue(model.add_project(f"B{n}"), f"Issue {n}") for n in range(50)]
    return [model.worklog_event_payload(
        model.add_worklog(issues[n % len(issues)], user.account_id, 60 + n), "worklog_created")
        for n in range(count)]


def _deliver(site, payloads: list[dict]) -> tuple[float, list[float]]:
    def send(payload: dict) -> float:
        started = time.perf_counter()
        response = site.send_webhook("worklog_created", payload)
        elapsed = time.perf_counter() - started
        if response.status_code != 204:
            raise RuntimeError(f"webhook answered {response.status_code}: {response.text}")
        return elapsed * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        latencies = list(pool.map(send, payloads))
    return time.perf_counter() - started, latencies


def main() -> None:
    with private_backend() as backend, AtlassianCloud() as cloud:
        port = _free_port()
        config = app_config(backend, cloud, f"http://127.0.0.1:{port}")
        server = _serve(config, port)
        try:
            site = cloud.new_site("bench")
            response = site.install(config["base_url"])
            assert response.status_code == 204, response.text
            payloads = _payloads(site.model, WARMUP + WEBHOOKS)
            _deliver(site, payloads[:WARMUP])
            seconds, latencies = _deliver(site, payloads[WARMUP:])
        finally:
            _stop(server)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(
            resource.RUSAGE_SELF)
        database = Database(config["database_url"])
        with database.transaction(all_tenants=True) as session:
            stored = session.scalar(select(func.count(InboxEvent.id)))
        database.dispose()
        site.close()
    assert stored == WARMUP + WEBHOOKS, stored
    latencies.sort()
    print(f"webhook intake ({backend.notice}); gunicorn {' '.join(GUNICORN)}, "
          f"{CLIENTS} client threads on this machine ({os.cpu_count()} CPUs):")
    print(f"  {WEBHOOKS / seconds:.0f} webhooks acknowledged/s ({WEBHOOKS} in {seconds:.1f} s)")
    server_cpu, client_cpu = (u.ru_utime + u.ru_stime for u in usage)
    print(f"  CPU seconds: app {server_cpu:.1f}, Jira clients {client_cpu:.1f} "
          "(both on this machine: the figure is a floor for a dedicated app host)")
    print(f"  latency p50 {statistics.median(latencies):.1f} ms  "
          f"p99 {percentile(latencies, 0.99):.1f} ms  max {latencies[-1]:.1f} ms")


if __name__ == "__main__":
    main()
