"""Inbox processing jobs: drain one tenant's inbox, and sweep for inboxes nobody is draining."""

from __future__ import annotations

import logging
import time

from addon.domain.inbox import process_due_events
from addon.domain.inbox import tenants_with_due_events
from addon.jira import JiraRestSource
from addon.jira import app_source
from addon.jobs import DRAIN_INBOX_JOB
from addon.jobs import DRAIN_THROTTLE_SECONDS
from addon.jobs import EXTENSION_KEY as JOBS_KEY
from addon.jobs import drain_key
from addon.models.base import utcnow
from connect import get_connect

from ..runtime import database
from ..runtime import job_app

log = logging.getLogger(__name__)
# Events per transaction. A batch's fixed cost (claim, prefetch, pricing context, audit seal,
# commit) was ~30 ms in the apply bench: at 100 events it was a third of the apply time.
BATCH_SIZE = 500
# Batches before the job queues itself again behind other tenants' drains (~1,000 events).
BATCHES_PER_JOB = 2


def jira_source(tenant_id: int) -> JiraRestSource | None:
    """The tenant's Jira, signed as the app; None when the tenant cannot be served."""
    app = job_app()
    tenant = app.extensions["ledgerline.tenants"].get(tenant_id)
    if tenant is None or not tenant.active:
        return None
    return app_source(get_connect(app), tenant)


def drain_inbox(tenant_id: int) -> int:
    """Apply the tenant's due events, a bounded number of batches per job.

    When more remain, the job queues itself again behind other tenants' jobs, so one noisy
    tenant cannot starve the rest. Returns the number of events applied.
    """
    jobs = job_app().extensions[JOBS_KEY]
    jobs.release_once(drain_key(tenant_id))
    started = time.monotonic()
    source = jira_source(tenant_id)
    if source is None:
        return 0
    applied = 0
    for _ in range(BATCHES_PER_JOB):
        with database().transaction(tenant_id=tenant_id) as session:
            result = process_due_events(session, source, now=utcnow(), limit=BATCH_SIZE)
        applied += result.applied
        if result.parked:
            log.warning("inbox events parked", extra={"tenant_id": tenant_id,
                                                      "count": result.parked})
        if result.claimed == 0 and result.remaining:
            return applied  # another worker holds the due events and drains on (SKIP LOCKED)
        if result.remaining == 0:
            # Web processes skip asking for a drain this long after they last asked
            # (DRAIN_THROTTLE_SECONDS): look once more after that, then stop.
            wait = DRAIN_THROTTLE_SECONDS - (time.monotonic() - started)
            if wait <= 0 or jobs.inline:
                return applied
            time.sleep(wait)
            started -= DRAIN_THROTTLE_SECONDS  # one more look, not another wait
    if not jobs.inline:
        jobs.enqueue_once(drain_key(tenant_id), DRAIN_INBOX_JOB, tenant_id, queue="sync")
    else:
        return applied + drain_inbox(tenant_id)
    return applied


def sweep_inbox() -> list[int]:
    """Queue a drain for every tenant with due events (covers Redis outages and retries)."""
    with database().transaction(all_tenants=True) as session:
        tenant_ids = tenants_with_due_events(session, utcnow())
    jobs = job_app().extensions[JOBS_KEY]
    for tenant_id in tenant_ids:
        jobs.enqueue_once(drain_key(tenant_id), DRAIN_INBOX_JOB, tenant_id, queue="sync")
    return tenant_ids
