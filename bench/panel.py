"""Issue panel: client-side p50/p95 with a worker applying a backlog, beside a minimal Flask page.

The app runs under gunicorn (``-w 2 --threads 4``) with one ``ledgerline worker`` applying a
backlog of ``--backlog`` webhook events for the same site while the panel is loaded; the issue
has ``WORKLOGS`` worklogs by ``PEOPLE`` people. The minimal Flask app of ``_baseline.py`` serves
a small page under the same arguments; requests alternate between the two so the machine's
noise hits both alike. Targets (issue 11): p95 < 50 ms, and ≤ 20 × the minimal page's p95.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date
from datetime import time as clock

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

from addon import create_app
from addon.db import EXTENSION_KEY as DB_KEY
from addon.domain.inbox import receive_webhook
from addon.domain.worklogs import local_to_utc
from addon.jobs import DRAIN_INBOX_JOB
from addon.jobs import drain_key
from addon.models import InboxEvent
from addon.models import JiraIssue
from addon.models import JiraProject
from addon.models import JiraUser
from addon.models import Worklog
from addon.models.base import utcnow
from addon.models.worklog import PUSH_SYNCED
from connect import jwt as connect_jwt

WORKLOGS = 500
PEOPLE = 25
ISSUE_ID, ISSUE_KEY, PROJECT_ID = "900001", "PANEL-1", "900000"


def _seed_issue(session) -> None:
    session.add(JiraProject(jira_id=PROJECT_ID, key="PANEL", name="Panel", version_ms=0))
    session.add(JiraIssue(jira_id=ISSUE_ID, key=ISSUE_KEY, project_jira_id=PROJECT_ID,
                          summary="Busy issue", version_ms=0))
    for person in range(PEOPLE):
        session.add(JiraUser(account_id=f"user-{person}", display_name=f"Person {person}",
                             time_zone="Europe/Berlin"))
    for n in range(WORKLOGS):
        day = date(2026, 11, 1 + n % 28)
        session.add(Worklog(
            jira_worklog_id=str(950000 + n), issue_jira_id=ISSUE_ID, project_jira_id=PROJECT_ID,
            author_account_id=f"user-{n % PEOPLE}", start_date=day, start_time=clock(9),
            time_zone="Europe/Berlin", started_at=local_to_utc(day, clock(9), "Europe/Berlin"),
            time_spent_seconds=1800 + n, billable_seconds=1800 if n % 3 else 0,
            description=f"Work item {n}", attributes={}, push_state=PUSH_SYNCED))


def _backlog(session, model, size: int) -> None:
    user = model.add_user("Busy")
    issues = [model.add_issue(model.add_project(f"BL{n}"), f"Backlog {n}") for n in range(20)]
    for issue in issues:
        receive_webhook(session, event_type="jira:issue_created", identifier=None, now=utcnow(),
                        payload=model.issue_event_payload(issue, "jira:issue_created"))
    for n in range(size):
        payload = model.worklog_event_payload(
            model.add_worklog(issues[n % 20], user.account_id, 60 + n), "worklog_created")
        receive_webhook(session, event_type="worklog_created", identifier=None, now=utcnow(),
                        payload=payload)


def _panel_url(base_url: str, tenant) -> str:
    params = [("issueId", ISSUE_ID), ("issueKey", ISSUE_KEY), ("projectId", PROJECT_ID)]
    now = int(time.time())
    token = connect_jwt.encode_hs256({
        "iss": tenant.client_key, "sub": "user-1", "iat": now, "exp": now + 600,
        "qsh": connect_jwt.compute_qsh("GET", "/panels/issue", params)}, tenant.shared_secret)
    query = "&".join(f"{k}={v}" for k, v in params)
    return f"{base_url}/panels/issue?{query}&jwt={token}"


def _timed_get(http: requests.Session, url: str) -> float:
    started = time.perf_counter()
    response = http.get(url, timeout=30)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed


def _pending(database, tenant_id: int) -> int:
    from sqlalchemy import func
    from sqlalchemy import select
    with database.transaction(tenant_id=tenant_id) as session:
        return session.scalar(select(func.count(InboxEvent.id))
                              .where(InboxEvent.status == "pending"))


def _wait_until_applying(database, tenant_id: int) -> None:
    """Renders start once the worker is applying the backlog, not while it still starts up."""
    first = _pending(database, tenant_id)
    deadline = time.monotonic() + 60
    while _pending(database, tenant_id) >= first and time.monotonic() < deadline:
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--backlog", type=int, default=20000)
    args = parser.parse_args()
    with private_backend() as backend, AtlassianCloud() as cloud:
        port, baseline_port = free_port(), free_port()
        config = app_config(backend, cloud, f"http://127.0.0.1:{port}")
        local = create_app(config)
        database = local.extensions[DB_KEY]
        server = serve("addon:create_app()", port, environment(config))
        baseline = serve("_baseline:create_app()", baseline_port)
        worker = None
        try:
            site = cloud.new_site("bench")
            assert site.install(config["base_url"]).status_code == 204
            tenant = local.extensions["ledgerline.tenants"].find(site.client_key)
            with database.transaction(tenant_id=tenant.tenant_id) as session:
                _seed_issue(session)
                _backlog(session, site.model, args.backlog)
            if backend.redis_url:
                worker = start_worker(config)
                local.extensions["ledgerline.jobs"].enqueue_once(
                    drain_key(tenant.tenant_id), DRAIN_INBOX_JOB, tenant.tenant_id, queue="sync")
                _wait_until_applying(database, tenant.tenant_id)
            http = requests.Session()
            url = _panel_url(config["base_url"], tenant)
            base_url = f"http://127.0.0.1:{baseline_port}/panels/issue?issueKey={ISSUE_KEY}"
            for _ in range(10):
                _timed_get(http, url), _timed_get(http, base_url)
            before = _pending(database, tenant.tenant_id)
            app_ms, base_ms = [], []
            for _ in range(args.renders):
                app_ms.append(_timed_get(http, url))
                base_ms.append(_timed_get(http, base_url))
            after = _pending(database, tenant.tenant_id)
        finally:
            for process in (worker, server, baseline):
                if process is not None:
                    stop(process)
            database.dispose()
        site.close()
    app_ms.sort()
    base_ms.sort()
    if backend.redis_url and after == 0:
        print("  (the backlog ran out during the renders: raise --backlog)")
    print(f"issue panel, {WORKLOGS} worklogs by {PEOPLE} people ({backend.notice}); "
          f"gunicorn {' '.join(GUNICORN)}; worker applied {before - after} backlog events "
          f"during the {args.renders} renders ({after} still pending):")
    for name, values in (("app panel   ", app_ms), ("minimal page", base_ms)):
        print(f"  {name}: p50 {statistics.median(values):.1f} ms  "
              f"p95 {percentile(values, 0.95):.1f} ms  max {values[-1]:.1f} ms")
    print(f"  p95 ratio app / minimal page: "
          f"{percentile(app_ms, 0.95) / percentile(base_ms, 0.95):.1f} (target ≤ 20, p95 < 50 ms)")


if __name__ == "__main__":
    main()
