"""The only way to start background work, and the one place job paths and dedup keys are named.

With ``REDIS_URL`` set, jobs go to named RQ queues *after* the surrounding transaction commits,
so a job never sees rows that were rolled back. Without Redis they run in-process, right after
the commit. ``addon`` names jobs by dotted path and never imports ``worker``.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from datetime import timedelta

from flask import Flask
from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
EXTENSION_KEY = "ledgerline.jobs"
QUEUE_NAMES = ("default", "sync", "maintenance")
# Every job, by dotted path: the one place they are named (tests/worker checks each resolves).
BACKFILL_JOB = "worker.jobs.backfill.backfill_tenant"
DRAIN_INBOX_JOB = "worker.jobs.sync.drain_inbox"
PUSH_WORKLOG_JOB = "worker.jobs.worklogs.push_worklog"
RECONCILE_JOB = "worker.jobs.reconcile.reconcile_tenant"
OPTIONS_SYNC_JOB = "worker.jobs.accounts.sync_account_options"
REPRICE_JOB = "worker.jobs.money.reprice_tenant"
ALL_JOBS = (BACKFILL_JOB, DRAIN_INBOX_JOB, PUSH_WORKLOG_JOB, RECONCILE_JOB, OPTIONS_SYNC_JOB,
            REPRICE_JOB)
DEFAULT_TIMEOUT = 600
# A web process asks Redis for a drain at most this often per tenant; a drain job keeps looking
# for new events until this long after it started, so none committed meanwhile waits for the
# sweep (issue 11: one enqueue per burst instead of one Redis call per webhook).
DRAIN_THROTTLE_SECONDS = 0.5


# ``enqueue_once`` keys: at most one job per (kind, tenant) waits in the queue.
def drain_key(tenant_id: int) -> str:
    return f"drain:{tenant_id}"


def backfill_key(tenant_id: int) -> str:
    return f"backfill:{tenant_id}"


def reconcile_key(tenant_id: int) -> str:
    return f"reconcile:{tenant_id}"


class JobRunner:
    def __init__(self, redis_url: str | None, *, queue_prefix: str = ""):
        self.redis_url = redis_url
        self.queue_prefix = queue_prefix
        self._redis = Redis.from_url(redis_url) if redis_url else None
        self._asked: dict[str, float] = {}

    @property
    def inline(self) -> bool:
        return self._redis is None

    @property
    def redis(self) -> Redis | None:
        return self._redis

    def queue_name(self, name: str) -> str:
        return f"{self.queue_prefix}{name}"

    def queue(self, name: str = "default") -> Queue:
        if name not in QUEUE_NAMES:
            raise ValueError(f"unknown queue {name!r}")
        return Queue(self.queue_name(name), connection=self._redis)

    def enqueue(self, path: str, *args, queue: str = "default", job_id: str | None = None,
                session: Session | None = None, timeout: int = DEFAULT_TIMEOUT) -> None:
        """Run ``path(*args)`` in the background once ``session`` (if given) commits."""
        if session is not None and session.in_transaction():
            event.listen(session, "after_commit",
                         lambda _s: self._dispatch(path, args, queue, job_id, timeout), once=True)
            return
        self._dispatch(path, args, queue, job_id, timeout)

    def enqueue_once(self, key: str, path: str, *args, queue: str = "default",
                     ttl_seconds: int = 600, throttle_seconds: float = 0) -> None:
        """Enqueue unless a job for ``key`` is already waiting (e.g. one inbox drain per tenant).

        The job calls ``release_once(key)`` when it starts, so work that arrives while it runs
        queues a fresh one. If Redis is down nothing is queued; the periodic sweep catches up.
        With ``throttle_seconds`` this process skips Redis when it asked for ``key`` that
        recently; the job must then look for work until that long after it started.
        """
        if self.inline:
            run_inline(path, args)
            return
        if throttle_seconds:
            now = time.monotonic()
            if now - self._asked.get(key, -throttle_seconds) < throttle_seconds:
                return
            self._asked[key] = now
        try:
            if self._redis.set(self._once_key(key), "1", nx=True, ex=ttl_seconds):
                self._dispatch(path, args, queue, None, DEFAULT_TIMEOUT)
        except RedisError:
            log.warning("could not enqueue job", extra={"job": path}, exc_info=True)

    def enqueue_in(self, delay_seconds: float, path: str, *args, queue: str = "default",
                   app: Flask | None = None) -> None:
        """Run ``path(*args)`` after a delay: RQ's scheduler with Redis, a timer thread without."""
        if self.inline:
            target = app or current_app._get_current_object()

            def run() -> None:
                with target.app_context():
                    run_inline(path, args)

            timer = threading.Timer(delay_seconds, run)
            timer.daemon = True
            timer.start()
            return
        try:
            self.queue(queue).enqueue_in(timedelta(seconds=delay_seconds), path, *args,
                                         job_timeout=DEFAULT_TIMEOUT)
        except RedisError:
            log.warning("could not schedule job", extra={"job": path}, exc_info=True)

    def release_once(self, key: str) -> None:
        if self._redis is not None:
            self._redis.delete(self._once_key(key))

    def _once_key(self, key: str) -> str:
        return f"{self.queue_prefix}ledgerline:once:{key}"

    def _dispatch(self, path, args, queue, job_id, timeout) -> None:
        if self.inline:
            run_inline(path, args)
            return
        try:
            self.queue(queue).enqueue_call(
                path, args=args, job_id=job_id, timeout=timeout,
                result_ttl=3600, failure_ttl=7 * 24 * 3600,
            )
        except RedisError:
            # The caller's data is committed; periodic sweeps pick up what was not enqueued.
            log.warning("could not enqueue job", extra={"job": path}, exc_info=True)

    def ping(self) -> None:
        if self._redis is not None:
            self._redis.ping()


def run_inline(path: str, args) -> None:
    module_name, _, func_name = path.rpartition(".")
    func = getattr(importlib.import_module(module_name), func_name)
    try:
        func(*args)
    except Exception:
        log.exception("in-process job failed", extra={"job": path})


def init_app(app: Flask, runner: JobRunner) -> None:
    app.extensions[EXTENSION_KEY] = runner


def get_jobs() -> JobRunner:
    return current_app.extensions[EXTENSION_KEY]
