"""Housekeeping jobs."""

from __future__ import annotations

import logging

from addon.domain.tenants import purge_expired_tenants
from addon.models.base import utcnow

from ..runtime import database

log = logging.getLogger(__name__)


def purge_uninstalled_tenants() -> list[str]:
    """Remove tenants whose post-uninstall retention period has ended."""
    with database().transaction(all_tenants=True) as session:
        purged = purge_expired_tenants(session, now=utcnow())
    if purged:
        log.info("purged uninstalled tenants", extra={"count": len(purged)})
    return purged
