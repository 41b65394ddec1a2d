"""Housekeeping jobs."""

from __future__ import annotations

import logging
from datetime import timedelta

from addon.domain.inbox import purge_done_events
from addon.domain.tenants import purge_expired_tenants
from addon.models.base import utcnow

from ..runtime import database
from ..runtime import job_app

log = logging.getLogger(__name__)


def purge_uninstalled_tenants() -> list[str]:
    """Remove tenants whose post-uninstall retention period has ended."""
    with database().transaction(all_tenants=True) as session:
        purged = purge_expired_tenants(session, now=utcnow())
    if purged:
        log.info("purged uninstalled tenants", extra={"count": len(purged)})
    return purged


PURGE_BATCH = 5000
PURGE_MAX_BATCHES = 200  # a run deletes at most 1M rows; the next hourly run continues


def purge_done_inbox_events() -> int:
    """Delete done inbox events older than ``INBOX_RETENTION_DAYS``, one short transaction per
    ``PURGE_BATCH`` rows so neither locks nor WAL pile up. Returns how many were deleted."""
    days = job_app().extensions["ledgerline.settings"].inbox_retention_days
    before = utcnow() - timedelta(days=days)
    total = 0
    for _ in range(PURGE_MAX_BATCHES):
        with database().transaction(all_tenants=True) as session:
            deleted = purge_done_events(session, before=before, limit=PURGE_BATCH)
        total += deleted
        if deleted < PURGE_BATCH:
            break
    if total:
        log.info("purged done inbox events", extra={"count": total})
    return total
