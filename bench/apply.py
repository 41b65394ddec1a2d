"""Inbox apply rate: events applied per second by one worker and by two, known and unknown issue.

The inbox of an installed tenant is filled directly (``receive_webhook``, as the webhook route
stores them); then ``--workers`` separate worker processes drain it at once, each running the
drain job's body (``process_due_events`` in batches of ``BATCH_SIZE``, one transaction each,
claims with ``SKIP LOCKED``). PostgreSQL when reachable (a private database, dropped afterwards).

- known issues: issue_created events, then worklog_created events on those issues: database work
  only, no Jira call;
- unknown issues: worklog_created events for issues the app has never seen, fetched from the
  (local, fake) Jira — many per search.

After each run the bench checks that every event is done exactly once and that each worklog
exists once. ``--quick`` runs a tenth of the sizes. Target (issue 11): ≥ 2,000 events/s known.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time

from _harness import AtlassianCloud
from _harness import installed_app
from _harness import private_backend
from sqlalchemy import func
from sqlalchemy import select

from addon import create_app
from addon.db import EXTENSION_KEY as DB_KEY
from addon.db import Database
from addon.domain.inbox import receive_webhook
from addon.models import InboxEvent
from addon.models import Worklog
from addon.models.base import utcnow

FILL_CHUNK = 1000


def known_issue_events(model, issues: int, per_issue: int,
                       project_key: str = "KNOWN") -> list[tuple[str, dict]]:
    user = model.add_user("Ada")
    project = model.add_project(project_key)
    created = [model.add_issue(project, f"Issue {n}") for n in range(issues)]
    events = [("jira:issue_created", model.issue_event_payload(i, "jira:issue_created"))
              for i in created]
    for n in range(per_issue):
        events += [("worklog_created", model.worklog_event_payload(
            model.add_worklog(issue, user.account_id, 900 + n), "worklog_created"))
            for issue in created]
    return events


def _unknown_issue_events(model, issues: int) -> list[tuple[str, dict]]:
    user = model.add_user("Grace")
    project = model.add_project(f"UNSEEN{issues}")
    return [("worklog_created", model.worklog_event_payload(
        model.add_worklog(model.add_issue(project, f"Unseen {n}"), user.account_id, 600),
        "worklog_created")) for n in range(issues)]


def fill(database, tenant_id: int, events: list[tuple[str, dict]]) -> None:
    for start in range(0, len(events), FILL_CHUNK):
        with database.transaction(tenant_id=tenant_id) as session:
            for event_type, payload in events[start:start + FILL_CHUNK]:
                assert receive_webhook(session, event_type=event_type, identifier=None,
                                       payload=payload, now=utcnow())


def _worker(config: dict, tenant_id: int, start: multiprocessing.Event) -> None:
    """One worker process: what ``drain_inbox`` does, batch after batch, until nothing is due."""
    from addon.domain.inbox import process_due_events
    from worker.jobs.sync import BATCH_SIZE
    from worker.jobs.sync import jira_source
    from worker.runtime import tune_gc_for_batches

    app = create_app(config)
    tune_gc_for_batches()  # as `ledgerline worker` does before it takes jobs
    with app.app_context():
        database = app.extensions[DB_KEY]
        source = jira_source(tenant_id)
        start.wait()
        while True:
            with database.transaction(tenant_id=tenant_id) as session:
                result = process_due_events(session, source, now=utcnow(), limit=BATCH_SIZE)
            if result.claimed == 0:  # nothing due, or the rest held by the other worker
                break
        database.dispose()


def drain(config: dict, tenant_id: int, workers: int) -> float:
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    processes = [context.Process(target=_worker, args=(config, tenant_id, start))
                 for _ in range(workers)]
    for process in processes:
        process.start()
    time.sleep(3)  # let each process import and build its app before the clock starts
    started = time.perf_counter()
    start.set()
    for process in processes:
        process.join()
        assert process.exitcode == 0, process.exitcode
    return time.perf_counter() - started


def check_applied_once(database: Database, tenant_id: int, expected_done: int) -> None:
    with database.transaction(tenant_id=tenant_id) as session:
        done = session.scalar(select(func.count(InboxEvent.id))
                              .where(InboxEvent.status == "done", InboxEvent.attempts == 1))
        dupes = session.scalar(select(func.count()).select_from(
            select(Worklog.tenant_id, Worklog.jira_worklog_id)
            .group_by(Worklog.tenant_id, Worklog.jira_worklog_id)
            .having(func.count() > 1).subquery()))
    assert done == expected_done, (done, expected_done)
    assert dupes == 0, dupes


def _run(cloud, backend, name: str, sizes: dict, workers: int) -> list[float]:
    with installed_app(backend, cloud, [name], redis_url=None) as (config, _, database, sites):
        (site, tenant_id), = sites
        lines, rates = [], []
        known = known_issue_events(site.model, sizes["issues"], sizes["per_issue"])
        fill(database, tenant_id, known)
        seconds = drain(config, tenant_id, workers)
        check_applied_once(database, tenant_id, len(known))
        rates.append(len(known) / seconds)
        lines.append(f"  {workers} worker(s), known issues:   {len(known) / seconds:6.0f} "
                     f"events/s ({len(known)} in {seconds:.1f} s)")
        unknown = _unknown_issue_events(site.model, sizes["unknown"])
        fill(database, tenant_id, unknown)
        seconds = drain(config, tenant_id, workers)
        check_applied_once(database, tenant_id, len(known) + len(unknown))
        lines.append(f"  {workers} worker(s), unknown issues: {len(unknown) / seconds:6.0f} "
                     f"events/s ({len(unknown)} in {seconds:.1f} s, issues fetched from Jira)")
    print("\n".join(lines), flush=True)
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--workers", default="1,2", help="worker counts to run, e.g. 1,2")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    sizes = {"issues": 2000 // scale, "per_issue": 4, "unknown": 2000 // scale}
    with private_backend() as backend, AtlassianCloud() as cloud:
        print(f"inbox apply ({backend.notice}):")
        rates = {}
        for workers in (int(n) for n in args.workers.split(",")):
            rates[workers] = _run(cloud, backend, f"bench{workers}", sizes, workers)
        if 1 in rates and 2 in rates:
            print(f"  two workers / one, known issues: {rates[2][0] / rates[1][0]:.2f}x "
                  "(target 1.7x); nothing applied twice (checked)")


if __name__ == "__main__":
    main()
