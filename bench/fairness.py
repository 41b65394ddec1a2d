"""Fairness: two tenants' backlogs drained by one ``ledgerline worker`` at once.

Tenant A's inbox gets a large backlog, then tenant B's a smaller one; both drains are queued
(A's first), and one worker process (``ledgerline worker``, all queues, as in production)
applies them. A drain job applies at most ``BATCHES_PER_JOB`` batches and queues itself again
behind the other tenants' jobs, so B must not wait for A's whole backlog: while both have
events pending, each should get about half of the applies. The bench samples both inboxes
every 0.2 s and prints each tenant's drain time and its share of the applies while both were
pending. Needs Redis (the worker takes its jobs from the queue); exits with a notice without.
"""

from __future__ import annotations

import argparse
import time

from _harness import AtlassianCloud
from _harness import installed_app
from _harness import private_backend
from _harness import start_worker
from _harness import stop
from apply import check_applied_once
from apply import fill
from apply import known_issue_events
from sqlalchemy import func
from sqlalchemy import select

from addon.jobs import DRAIN_INBOX_JOB
from addon.jobs import EXTENSION_KEY as JOBS_KEY
from addon.jobs import drain_key
from addon.models import InboxEvent
from addon.models.sync import INBOX_DONE

SAMPLE_SECONDS = 0.2
TIMEOUT_SECONDS = 600


def _done(database, tenant_id: int) -> int:
    with database.transaction(tenant_id=tenant_id) as session:
        return session.scalar(select(func.count(InboxEvent.id))
                              .where(InboxEvent.status == INBOX_DONE))


def _watch(database, tenants: dict[str, tuple[int, int]]) -> list[tuple[float, dict]]:
    """(seconds, done per tenant) every SAMPLE_SECONDS until every backlog is applied."""
    started, samples = time.perf_counter(), []
    while time.perf_counter() - started < TIMEOUT_SECONDS:
        done = {name: _done(database, tenant_id) for name, (tenant_id, _) in tenants.items()}
        samples.append((time.perf_counter() - started, done))
        if all(done[name] >= size for name, (_, size) in tenants.items()):
            return samples
        time.sleep(SAMPLE_SECONDS)
    raise RuntimeError("the backlogs did not drain in time")


def _report(samples: list[tuple[float, dict]], sizes: dict[str, int]) -> None:
    finished = {name: next(t for t, done in samples if done[name] >= size)
                for name, size in sizes.items()}
    first = min(finished.values())
    both = [done for t, done in samples if t <= first]
    while_both = {name: both[-1][name] - both[0][name] for name in sizes}
    total = sum(while_both.values()) or 1
    for name, size in sizes.items():
        print(f"  tenant {name}: {size:5d} events, drained after {finished[name]:5.1f} s; "
              f"{while_both[name] / total:4.0%} of the applies while both had a backlog")
    rate = sum(sizes.values()) / max(finished.values())
    print(f"  B drained after {finished['B']:.1f} s; sharing the worker half and half: "
          f"{2 * sizes['B'] / rate:.1f} s; after all of A's backlog: "
          f"{max(finished.values()):.1f} s (overall {rate:.0f} events/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=800, help="tenant A's issues (x5 events)")
    args = parser.parse_args()
    with private_backend() as backend, AtlassianCloud() as cloud:
        if not backend.redis_url:
            print("fairness: needs Redis (CI=true with a reachable server); skipped")
            return
        with installed_app(backend, cloud, ["fairA", "fairB"]) as (config, app, database, sites):
            tenants = {}
            for name, issues, (site, tenant_id) in zip(
                    ("A", "B"), (args.issues, args.issues // 4), sites, strict=True):
                events = known_issue_events(site.model, issues, 4)
                fill(database, tenant_id, events)
                tenants[name] = (tenant_id, len(events))
            print(f"two tenants' backlogs, one worker ({backend.notice}):")
            worker = start_worker(config)
            try:
                time.sleep(5)  # the worker process imports and connects before the clock starts
                jobs = app.extensions[JOBS_KEY]
                for tenant_id, _ in tenants.values():  # A's drain first: ahead in the queue
                    jobs.enqueue_once(drain_key(tenant_id), DRAIN_INBOX_JOB, tenant_id,
                                      queue="sync")
                samples = _watch(database, tenants)
            finally:
                stop(worker)
            for tenant_id, size in tenants.values():
                check_applied_once(database, tenant_id, size)
            _report(samples, {name: size for name, (_, size) in tenants.items()})


if __name__ == "__main__":
    main()
