"""Webhook intake: signed Jira webhooks acknowledged per second, beside a minimal Flask app.

Both run under the same gunicorn arguments (``-w 2 --threads 4``, gthread) on this machine:
the app (``addon:create_app()``, PostgreSQL + Redis when reachable) and the minimal Flask app
of ``_baseline.py`` (parse the JSON body, answer 204). A fake Jira site installs the app and
POSTs distinct worklog_created webhooks, signed like Jira's, from ``CLIENTS`` threads, one
connection per delivery as Jira does; the baseline gets the same signed requests. Rounds
alternate baseline / app so the machine's noise (other processes) hits both alike; the ratio
is printed per phase: without a worker, then with one ``ledgerline worker`` applying what
arrives. Target (issue 11): app ≥ 0.6 × baseline with the worker running.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from _harness import GUNICORN
from _harness import AtlassianCloud
from _harness import app_config
from _harness import environment
from _harness import free_port
from _harness import percentile
from _harness import private_backend
from _harness import serve
from _harness import start_worker
from _harness import stop
from sqlalchemy import func
from sqlalchemy import select

from addon.db import Database
from addon.models import InboxEvent

CLIENTS = 8


def _payloads(model, count: int) -> list[dict]:
    user = model.add_user("Ada")
    issues = [model.add_issue(model.add_project(f"B{n}"), f"Issue {n}") for n in range(20)]
    return [model.worklog_event_payload(
        model.add_worklog(issues[n % len(issues)], user.account_id, 60 + n), "worklog_created")
        for n in range(count)]


def _deliver(send, payloads: list[dict]) -> tuple[float, list[float]]:
    def timed(payload: dict) -> float:
        started = time.perf_counter()
        response = send(payload)
        if response.status_code != 204:
            raise RuntimeError(f"webhook answered {response.status_code}: {response.text}")
        return (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        latencies = list(pool.map(timed, payloads))
    return time.perf_counter() - started, sorted(latencies)


def _baseline_sender(site, url: str):
    """The same signed request Jira sends, made the same way, to the baseline's route: the
    client's own work (signing, serializing) costs both sides alike on this machine."""
    def send(payload: dict) -> requests.Response:
        _, body, headers = site.webhook_request("worklog_created", payload)
        return requests.post(url, data=json.dumps(body), headers=headers, timeout=30)
    return send


def _phase(name: str, site, baseline_url: str, payloads: list[dict], rounds: int) -> float:
    per_round = len(payloads) // rounds
    app_rates, base_rates, app_latency = [], [], []
    for n in range(rounds):
        chunk = payloads[n * per_round:(n + 1) * per_round]
        seconds, _ = _deliver(_baseline_sender(site, baseline_url), chunk)
        base_rates.append(len(chunk) / seconds)
        seconds, latencies = _deliver(lambda p: site.send_webhook("worklog_created", p), chunk)
        app_rates.append(len(chunk) / seconds)
        app_latency += latencies
    app_latency.sort()
    ratio = statistics.median(a / b for a, b in zip(app_rates, base_rates, strict=True))
    print(f"  {name}: app {statistics.median(app_rates):.0f}/s, baseline "
          f"{statistics.median(base_rates):.0f}/s, ratio {ratio:.2f} (median of {rounds} "
          f"alternating rounds); app ack p50 {statistics.median(app_latency):.1f} ms "
          f"p95 {percentile(app_latency, 0.95):.1f} ms", flush=True)
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--webhooks", type=int, default=2000, help="per phase and side")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    with private_backend() as backend, AtlassianCloud() as cloud:
        port, baseline_port = free_port(), free_port()
        config = app_config(backend, cloud, f"http://127.0.0.1:{port}")
        server = serve("addon:create_app()", port, environment(config))
        baseline = serve("_baseline:create_app()", baseline_port)
        worker = None
        try:
            site = cloud.new_site("bench")
            assert site.install(config["base_url"]).status_code == 204
            payloads = _payloads(site.model, 2 * args.webhooks + 100)
            _deliver(lambda p: site.send_webhook("worklog_created", p), payloads[:100])
            print(f"webhook intake ({backend.notice}); gunicorn {' '.join(GUNICORN)}, "
                  f"{CLIENTS} client threads on this machine:")
            url = f"http://127.0.0.1:{baseline_port}/webhooks/jira"
            _phase("no worker  ", site, url, payloads[100:100 + args.webhooks], args.rounds)
            if backend.redis_url:
                worker = start_worker(config)
                _phase("with worker", site, url, payloads[100 + args.webhooks:], args.rounds)
        finally:
            for process in (worker, server, baseline):
                if process is not None:
                    stop(process)
        database = Database(config["database_url"])
        with database.transaction(all_tenants=True) as session:
            stored = session.scalar(select(func.count(InboxEvent.id)))
        database.dispose()
        site.close()
    assert stored == len(payloads), (stored, len(payloads))
    print(f"  all {stored} deliveries stored once (checked)")


if __name__ == "__main__":
    main()
