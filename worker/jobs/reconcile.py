"""Reconciliation jobs: repair what webhooks missed, one tenant per job, on a schedule."""

from __future__ import annotations

import logging

from addon.domain.reconcile import ReconcileResult
from addon.domain.reconcile import reconcile
from addon.domain.sync_plan import SyncPlan
from addon.domain.sync_plan import plan_sync
from addon.jobs import BACKFILL_JOB
from addon.jobs import EXTENSION_KEY as JOBS_KEY
from addon.jobs import RECONCILE_JOB
from addon.jobs import backfill_key
from addon.jobs import reconcile_key
from addon.models.base import utcnow

from ..runtime import database
from ..runtime import job_app
from .sync import jira_source

log = logging.getLogger(__name__)


def reconcile_tenant(tenant_id: int, full: bool = False) -> ReconcileResult | None:
    """One pass for one tenant (``full`` adds the issue-id sweep); None if nothing to do yet.

    The ``enqueue_once`` key is released only when the pass ends, so a tenant never has more
    than one reconciliation queued or running: that bounds the load each tenant puts on its
    Jira and keeps a slow tenant from filling the queue.
    """
    try:
        source = jira_source(tenant_id)
        if source is None:
            return None
        db = database()
        result = reconcile(lambda: db.transaction(tenant_id=tenant_id), source, full=full)
    finally:
        job_app().extensions[JOBS_KEY].release_once(reconcile_key(tenant_id))
    if result is not None and result.counts():
        log.info("reconciled", extra={"tenant_id": tenant_id, **result.counts()})
    return result


def reconcile_all() -> SyncPlan:
    """The periodic planner: queue each active tenant's reconciliation or due backfill."""
    with database().transaction(all_tenants=True) as session:
        plan = plan_sync(session, now=utcnow())
    jobs = job_app().extensions[JOBS_KEY]
    for tenant_id in plan.backfill:
        jobs.enqueue_once(backfill_key(tenant_id), BACKFILL_JOB, tenant_id, queue="sync")
    for tenant_id, full in plan.reconcile:
        jobs.enqueue_once(reconcile_key(tenant_id), RECONCILE_JOB, tenant_id, full, queue="sync")
    return plan
