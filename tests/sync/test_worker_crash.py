"""A worker SIGKILLed in the middle of a batch, then restarted: no event lost, none applied twice.

A real ``ledgerline worker`` process drains a private queue. Every worklog event names an issue
the app has not seen, so applying it calls Jira; a gate in front of the fake site holds one of
those calls, which pins the worker inside an open batch transaction when it is killed. After a
new worker starts, the periodic sweep (as in production) queues whatever drain is missing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from contextlib import contextmanager
from pathlib import Path

import pytest
from rq.job import Job
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from addon.db import EXTENSION_KEY as DB_KEY
from addon.domain.sync_batch import SEARCH_CHUNK
from addon.jobs import EXTENSION_KEY as JOBS_KEY
from addon.jobs import QUEUE_NAMES
from addon.models import InboxEvent
from addon.models import JiraWorklog
from tests.world import tenant_id_of
from worker.jobs.sync import BATCH_SIZE
from worker.jobs.sync import sweep_inbox

from .gated_jira import GatedJira
from .helpers import Webhook
from .helpers import assert_converged
from .helpers import inbox_statuses
from .helpers import private_app

EVENTS = 2 * BATCH_SIZE + BATCH_SIZE // 2
# Jira calls let through before the gate holds one: a batch claims at most BATCH_SIZE events and
# fetches the issues it has not seen with one search per SEARCH_CHUNK, so at least one batch has
# committed by then and the held call is inside another, uncommitted one.
HELD_AFTER = -(-BATCH_SIZE // SEARCH_CHUNK) + 1
LEDGERLINE = Path(sys.executable).parent / "ledgerline"
# Rows of the tenant's pending events that another transaction has locked, i.e. claimed by a
# worker batch that has not committed.
CLAIMED_BY_OPEN_BATCH = text("""
    SELECT e.id FROM inbox_events e WHERE e.tenant_id = :tenant AND e.status = 'pending'
    AND NOT EXISTS (SELECT 1 FROM inbox_events f WHERE f.id = e.id FOR UPDATE SKIP LOCKED)
""")


@contextmanager
def worker_process(app, log_path: Path):
    """``ledgerline worker --queue sync`` with the app's settings, in its own process group."""
    settings = app.extensions["ledgerline.settings"]
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"),
           "DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url,
           "QUEUE_PREFIX": settings.queue_prefix, "BASE_URL": settings.base_url,
           "SECRET_KEY": settings.secret_key, "ADDON_KEY": settings.addon_key,
           "DEV_MODE": "0", "LOG_LEVEL": "WARNING"}
    with open(log_path, "ab") as log:
        process = subprocess.Popen([str(LEDGERLINE), "worker", "--queue", "sync"], env=env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _process_tree(pid: int) -> list[int]:
    """The pid and its descendants (RQ's work-horse calls setsid, so it has its own group)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        tree.append(todo.pop())
        todo += children.get(tree[-1], [])
    return tree


def _kill_tree(process: subprocess.Popen) -> None:
    """SIGKILL the worker and its work-horse at once: nothing gets to clean up."""
    for pid in _process_tree(process.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=10)


def _wait_for(condition, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
    return result


@contextmanager
def private_queues(app):
    """Remove the app's queues, registries and their jobs from the shared Redis afterwards."""
    try:
        yield
    finally:
        jobs = app.extensions[JOBS_KEY]
        for name in QUEUE_NAMES:
            queue = jobs.queue(name)
            for registry in (queue.started_job_registry, queue.finished_job_registry,
                             queue.failed_job_registry):
                for job_id in registry.get_job_ids():
                    jobs.redis.delete(Job.key_for(job_id))
            queue.delete(delete_jobs=True)
        for key in jobs.redis.scan_iter(f"*{jobs.queue_prefix}*"):
            jobs.redis.delete(key)


def _worklogs_for_unseen_issues(model) -> list[Webhook]:
    """A project and EVENTS worklogs, each on its own issue whose events never arrive."""
    project = model.add_project("CRASH")
    user = model.add_user("Ada")
    webhooks = [Webhook("project_created", model.project_event_payload(project,
                                                                       "project_created"))]
    for n in range(EVENTS):
        issue = model.add_issue(project, f"Issue {n}")
        worklog = model.add_worklog(issue, user.account_id, 60 * (n + 1))
        webhooks.append(Webhook("worklog_created",
                                model.worklog_event_payload(worklog, "worklog_created")))
    return webhooks


def _claimed_by_open_batch(database, tenant_id: int) -> dict[int, str]:
    """Event id → worklog id of the events an uncommitted batch holds."""
    with database.transaction(tenant_id=tenant_id) as session:
        ids = session.scalars(CLAIMED_BY_OPEN_BATCH, {"tenant": tenant_id}).all()
        events = session.scalars(select(InboxEvent).where(InboxEvent.id.in_(ids)))
        return {event.id: event.payload["worklog"]["id"] for event in events}


def _deliver(site, webhooks: list[Webhook]) -> None:
    with ThreadPoolExecutor(4) as pool:
        statuses = set(pool.map(lambda h: site.send_webhook(h.event, h.payload).status_code,
                                webhooks))
    assert statuses == {204}


def _kill_mid_batch(app, site, gate, webhooks, log: Path, *, deliver_first: bool):
    """Run a worker until the gate holds it inside a batch, then SIGKILL it.

    Returns the events that batch held and how many events were done before the kill.
    """
    database, tenant_id = app.extensions[DB_KEY], tenant_id_of(app, site)
    gate.hold_after(HELD_AFTER)
    if deliver_first:
        _deliver(site, webhooks)
    with worker_process(app, log) as worker:
        if not deliver_first:
            _deliver(site, webhooks)
        assert gate.holding.wait(60), log.read_text()
        in_flight = _claimed_by_open_batch(database, tenant_id)
        with database.transaction(tenant_id=tenant_id) as session:
            done = inbox_statuses(session).get("done", 0)
        _kill_tree(worker)
    gate.release()
    assert in_flight and done, "the kill must land inside a batch, after a committed one"
    return in_flight, done


def _assert_rolled_back(database, tenant_id: int, in_flight: dict[int, str], done: int) -> None:
    """The killed batch left nothing: its events pending and untried, its worklogs absent."""
    _wait_for(lambda: not _claimed_by_open_batch(database, tenant_id),
              "PostgreSQL to roll back the killed batch", timeout=20)
    with database.transaction(tenant_id=tenant_id) as session:
        assert inbox_statuses(session).get("done", 0) == done
        killed = session.scalars(select(InboxEvent).where(InboxEvent.id.in_(in_flight)))
        assert {(event.status, event.attempts) for event in killed} == {("pending", 0)}
        assert not session.scalar(select(func.count(JiraWorklog.id)).where(
            JiraWorklog.jira_id.in_(in_flight.values())))


def _restart_and_drain(app, tenant_id: int, expected: int, log: Path) -> None:
    """A new worker plus the periodic sweep, as production recovers, until all are done."""
    database = app.extensions[DB_KEY]

    def drained() -> bool:
        with database.transaction(tenant_id=tenant_id) as session:
            return inbox_statuses(session) == {"done": expected}

    with worker_process(app, log):
        with app.app_context():
            sweep_inbox()
        _wait_for(drained, f"the restarted worker to drain the inbox (log: {log})")


@pytest.mark.parametrize("deliver_first", [True, False],
                         ids=["delivered-before-the-worker-starts", "delivered-while-it-drains"])
def test_worker_killed_mid_batch_loses_nothing_and_applies_nothing_twice(
        backend, atlassian_cloud, jira_site, database, tmp_path, deliver_first):
    """Before the kill, the queued drain was either taken (the sweep must queue a new one) or
    queued again by later webhooks (the new worker takes it); both must end the same way.
    (``database`` is requested so the shared tables are emptied afterwards.)"""
    if backend.redis_url is None or not backend.is_postgres:
        pytest.skip("needs PostgreSQL and Redis (the SQLite fallback runs jobs in-process)")
    site = jira_site("crash")
    prefix = f"{backend.queue_prefix}crash-{uuid.uuid4().hex[:8]}:"
    with private_app(backend, atlassian_cloud, queue_prefix=prefix) as server, \
            closing(GatedJira(site.url)) as gate, private_queues(server.app):
        app, log = server.app, tmp_path / "worker.log"
        response = site.install(server.url, body_overrides={"baseUrl": gate.url})
        assert response.status_code == 204, response.text
        tenant_id, app_db = tenant_id_of(app, site), app.extensions[DB_KEY]
        webhooks = _worklogs_for_unseen_issues(site.model)
        in_flight, done = _kill_mid_batch(app, site, gate, webhooks, log,
                                          deliver_first=deliver_first)
        _assert_rolled_back(app_db, tenant_id, in_flight, done)
        _restart_and_drain(app, tenant_id, len(webhooks), log)
        with app_db.transaction(tenant_id=tenant_id) as session:
            assert set(session.scalars(select(InboxEvent.attempts).distinct())) == {1}
            assert_converged(session, site.model)
