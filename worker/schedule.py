"""Periodic work as data. RQ's cron scheduler runs it with Redis; a thread runs it without."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from redis import Redis
from rq.cron import CronScheduler

from .jobs import maintenance
from .jobs import reconcile
from .jobs import sync
from .jobs import worklogs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: object
    interval_seconds: int
    queue: str = "maintenance"


PERIODIC_JOBS = (
    PeriodicJob("purge-uninstalled-tenants", maintenance.purge_uninstalled_tenants, 3600),
    PeriodicJob("sweep-inbox", sync.sweep_inbox, 60, queue="sync"),
    PeriodicJob("purge-done-inbox-events", maintenance.purge_done_inbox_events, 3600),
    # Convergence: each tenant reconciled (daily with a full sweep) or its backfill resumed.
    PeriodicJob("reconcile-tenants", reconcile.reconcile_all, 300, queue="sync"),
    PeriodicJob("push-pending-worklogs", worklogs.push_pending_worklogs, 60, queue="sync"),
)


def cron_scheduler(connection: Redis, queue_prefix: str) -> CronScheduler:
    scheduler = CronScheduler(connection=connection, name=f"{queue_prefix}ledgerline-cron")
    for job in PERIODIC_JOBS:
        scheduler.register(job.func, f"{queue_prefix}{job.queue}", interval=job.interval_seconds,
                           name=job.name, job_timeout=1800)
    return scheduler


def run_inline_scheduler(app, stop: threading.Event, tick_seconds: float = 5.0) -> None:
    """Dev-mode stand-in for the cron scheduler: each job on its interval, in this process."""
    next_run = dict.fromkeys((job.name for job in PERIODIC_JOBS), 0.0)
    clock = 0.0
    while not stop.is_set():
        for job in PERIODIC_JOBS:
            if clock >= next_run[job.name]:
                with app.app_context():
                    try:
                        job.func()
                    except Exception:
                        log.exception("periodic job failed", extra={"job": job.name})
                next_run[job.name] = clock + job.interval_seconds
        stop.wait(tick_seconds)
        clock += tick_seconds
