"""Freshness: a client sends webhooks at a steady rate; how soon is each worklog in the API?

The app runs under gunicorn (``-w 2 --threads 4``) with one ``ledgerline worker``. A fake Jira
site sends ``--rate`` worklog_created webhooks per second for ``--seconds`` seconds (paced, from
``CLIENTS`` threads, one connection each as Jira does) on issues the app already knows. A poller
reads ``GET /api/4/worklogs?updatedFrom=…&orderBy=UPDATED`` as an integrator would and notes
when each Jira worklog id first shows. Prints the send rate achieved, p50/p95/max of
webhook-sent → visible, and lost / duplicated worklogs (must be 0/0). Issue 11: 200/s for 60 s,
p95 < 5 s.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC
from datetime import datetime
from datetime import timedelta

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

from addon import create_app
from addon.db import EXTENSION_KEY as DB_KEY
from addon.models import Worklog
from connect.context import mint_context_token

CLIENTS = 16
POLL_SECONDS = 0.25


class Poller(threading.Thread):
    """Notes the first time each Jira worklog id is listed by the REST API."""

    def __init__(self, base_url: str, token: str):
        super().__init__(daemon=True)
        self.url = f"{base_url}/api/4/worklogs"
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"JWT {token}"
        self.seen: dict[str, float] = {}
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            self.poll()
            self.halt.wait(POLL_SECONDS)

    def poll(self) -> None:
        since = (datetime.now(UTC) - timedelta(seconds=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
        offset = 0
        while True:
            answer = self.http.get(self.url, params={
                "updatedFrom": since, "orderBy": "UPDATED", "offset": offset, "limit": 1000},
                timeout=30)
            answer.raise_for_status()
            body = answer.json()
            now = time.perf_counter()
            for worklog in body["results"]:
                self.seen.setdefault(str(worklog["jiraWorklogId"]), now)
            if not body.get("metadata", {}).get("next"):
                return
            offset += 1000


def _send_paced(site, payloads: list[dict], rate: float) -> tuple[dict[str, float], float]:
    sent: dict[str, float] = {}
    start = time.perf_counter() + 0.5

    def send(numbered: tuple[int, dict]) -> None:
        n, payload = numbered
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        sent[str(payload["worklog"]["id"])] = time.perf_counter()
        response = site.send_webhook("worklog_created", payload)
        assert response.status_code == 204, response.status_code

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(send, enumerate(payloads)))
    return sent, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    with private_backend() as backend, AtlassianCloud() as cloud:
        port = free_port()
        config = app_config(backend, cloud, f"http://127.0.0.1:{port}")
        local = create_app(config)
        server = serve("addon:create_app()", port, environment(config))
        worker = start_worker(config)
        try:
            site = cloud.new_site("bench")
            assert site.install(config["base_url"]).status_code == 204
            model = site.model
            user = model.add_user("Fresh")
            issues = [model.add_issue(model.add_project(f"F{n}"), f"Fresh {n}") for n in range(50)]
            for issue in issues:  # the app learns the issues first: "known issue" traffic
                site.send_webhook("jira:issue_created",
                                  model.issue_event_payload(issue, "jira:issue_created"))
            total = int(args.rate * args.seconds)
            payloads = [model.worklog_event_payload(model.add_worklog(
                issues[n % len(issues)], user.account_id, 60 + n), "worklog_created")
                for n in range(total)]
            tenant = local.extensions["ledgerline.tenants"].find(site.client_key)
            poller = Poller(config["base_url"], mint_context_token(tenant, user.account_id,
                                                                  ttl=3600))
            poller.start()
            sent, seconds = _send_paced(site, payloads, args.rate)
            deadline = time.perf_counter() + 120
            while len(set(sent) & set(poller.seen)) < len(sent) and time.perf_counter() < deadline:
                time.sleep(0.5)
            poller.halt.set()
            poller.join()
            with local.extensions[DB_KEY].transaction(tenant_id=tenant.tenant_id) as session:
                duplicated = session.scalar(select(func.count()).select_from(
                    select(Worklog.jira_worklog_id).group_by(Worklog.jira_worklog_id)
                    .having(func.count() > 1).subquery()))
        finally:
            stop(worker)
            stop(server)
            local.extensions[DB_KEY].dispose()
        site.close()
    delays = sorted(poller.seen[i] - sent[i] for i in sent if i in poller.seen)
    lost = len(sent) - len(delays)
    print(f"freshness ({backend.notice}); gunicorn {' '.join(GUNICORN)} + one worker:")
    print(f"  sent {len(sent)} webhooks at {len(sent) / seconds:.0f}/s "
          f"(asked {args.rate:.0f}/s for {args.seconds:.0f} s)")
    if delays:
        print(f"  webhook → visible in /api/4/worklogs: p50 {statistics.median(delays):.2f} s  "
              f"p95 {percentile(delays, 0.95):.2f} s  max {delays[-1]:.2f} s (target p95 < 5 s)")
    print(f"  lost {lost}, duplicated {duplicated} (must be 0/0)")


if __name__ == "__main__":
    main()
