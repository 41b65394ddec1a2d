"""Backfill jobs: copy a tenant's Jira after install, on resync, or to resume a stalled copy.

A queued backfill works in slices of ``SLICE_SECONDS`` and then queues its continuation behind
the other tenants' jobs, so one big site cannot hold a worker for hours; the cursor makes every
slice (and every crash) resume exactly where the last commit left off.
"""

from __future__ import annotations

import logging

from addon.domain.backfill import BackfillBusy
from addon.domain.backfill import ProgressCallback
from addon.domain.backfill import run_backfill
from addon.jobs import BACKFILL_JOB
from addon.jobs import EXTENSION_KEY as JOBS_KEY
from addon.jobs import backfill_key

from ..runtime import database
from ..runtime import job_app
from .sync import jira_source

log = logging.getLogger(__name__)
SLICE_SECONDS = 120
SKIPPED = "skipped"
BUSY = "busy"


def backfill_tenant(tenant_id: int, restart: bool = False) -> str:
    """The queued job. ``restart`` (the admin's resync) starts over instead of resuming.

    Returns "done", "paused" (its continuation is queued), "busy" (another run holds the
    backfill) or "skipped" (the tenant is not active). Jira errors propagate after being
    recorded, so RQ keeps the failure; the periodic planner retries with backoff.
    """
    jobs = job_app().extensions[JOBS_KEY]
    jobs.release_once(backfill_key(tenant_id))
    try:
        outcome = backfill_now(tenant_id, restart=restart,
                               time_budget=None if jobs.inline else SLICE_SECONDS)
    except BackfillBusy as exc:
        log.info("backfill already running", extra={"tenant_id": tenant_id, "reason": str(exc)})
        return BUSY
    if outcome == "paused":
        jobs.enqueue_once(backfill_key(tenant_id), BACKFILL_JOB, tenant_id, queue="sync")
    return outcome


def backfill_now(tenant_id: int, *, restart: bool = False, time_budget: float | None = None,
                 on_progress: ProgressCallback | None = None) -> str:
    """Run the backfill in this process (the job, and ``ledgerline resync``)."""
    source = jira_source(tenant_id)
    if source is None:
        return SKIPPED
    db = database()
    return run_backfill(lambda: db.transaction(tenant_id=tenant_id), source,
                        addon_key=job_app().extensions["ledgerline.settings"].addon_key,
                        restart=restart, time_budget=time_budget, on_progress=on_progress)
