"""Inbox apply rate: how many webhook events one worker applies per second.

The inbox of a freshly installed tenant is filled directly (``receive_webhook``, as the webhook
route stores them) and then drained by one worker process running the drain job's body
(``worker.jobs.sync.drain_inbox``, batches of 100 in one transaction each) back to back, on
PostgreSQL when reachable (a private database, dropped afterwards; else SQLite). Two mixes:

- known issues: issue_created events followed by worklog_created events on those issues, so
  applying needs no Jira call (database work only);
- unknown issues: worklog_created events for issues the app has never seen, so each event
  fetches its issue from the (local, fake) Jira first.
"""

from __future__ import annotations

import time

from _harness import AtlassianCloud
from _harness import app_config
from _harness import private_backend
from sqlalchemy import func
from sqlalchemy import select

from addon import create_app
from addon.db import EXTENSION_KEY as DB_KEY
from addon.domain.inbox import receive_webhook
from addon.models import InboxEvent
from addon.models.base import utcnow
from tests.live_server import LiveServer
from worker.jobs.sync import drain_inbox

KNOWN_ISSUES = 1000
WORKLOGS_PER_ISSUE = 4
UNKNOWN_ISSUES = 1000
FILL_CHUNK = 500


def _known_issue_events(model) -> list[tuple[str, dict]]:
    user = model.add_user("Ada")
    project = model.add_project("KNOWN")
    issues = [model.add_issue(project, f"Issue {n}") for n in range(KNOWN_ISSUES)]
    events = [("jira:issue_created", model.issue_event_payload(i, "jira:issue_created"))
              for i in issues]
    for n in range(WORKLOGS_PER_ISSUE):
        events += [("worklog_created", model.worklog_event_payload(
            model.add_worklog(issue, user.account_id, 900 + n), "worklog_created"))
            for issue in issues]
    return events


def _unknown_issue_events(model) -> list[tuple[str, dict]]:
    user = model.add_user("Grace")
    project = model.add_project("UNSEEN")
    return [("worklog_created", model.worklog_event_payload(
        model.add_worklog(model.add_issue(project, f"Unseen {n}"), user.account_id, 600),
        "worklog_created")) for n in range(UNKNOWN_ISSUES)]


def _fill(database, tenant_id: int, events: list[tuple[str, dict]]) -> None:
    for start in range(0, len(events), FILL_CHUNK):
        with database.transaction(tenant_id=tenant_id) as session:
            for event_type, payload in events[start:start + FILL_CHUNK]:
                assert receive_webhook(session, event_type=event_type, identifier=None,
                                       payload=payload, now=utcnow())


def _drain(app, database, tenant_id: int, expected: int) -> float:
    started = time.perf_counter()
    with app.app_context():
        drain_inbox(tenant_id)
    seconds = time.perf_counter() - started
    with database.transaction(tenant_id=tenant_id) as session:
        done = session.scalar(select(func.count(InboxEvent.id))
                              .where(InboxEvent.status == "done"))
    assert done == expected, (done, expected)
    return seconds


def main() -> None:
    with private_backend() as backend, AtlassianCloud() as cloud:
        server = LiveServer()
        # In-process jobs: the drain job runs in this process, continuing itself until empty.
        app = create_app(app_config(backend, cloud, server.url, redis_url=None))
        server.start(app)
        database = app.extensions[DB_KEY]
        try:
            site = cloud.new_site("bench")
            response = site.install(server.url)
            assert response.status_code == 204, response.text
            tenant_id = app.extensions["ledgerline.tenants"].find(site.client_key).tenant_id
            known = _known_issue_events(site.model)
            _fill(database, tenant_id, known)
            known_seconds = _drain(app, database, tenant_id, len(known))
            unknown = _unknown_issue_events(site.model)
            _fill(database, tenant_id, unknown)
            unknown_seconds = _drain(app, database, tenant_id, len(known) + len(unknown))
            site.close()
        finally:
            server.stop()
            database.dispose()
    print(f"inbox apply, one worker ({backend.notice}):")
    print(f"  known issues:   {len(known) / known_seconds:.0f} events applied/s "
          f"({len(known)} events in {known_seconds:.1f} s, no Jira calls)")
    print(f"  unknown issues: {len(unknown) / unknown_seconds:.0f} events applied/s "
          f"({len(unknown)} events in {unknown_seconds:.1f} s, one Jira issue fetch each)")


if __name__ == "__main__":
    main()
