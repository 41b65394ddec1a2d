"""Re-pricing unapproved work after rates, roles, exchange rates or account terms change."""

from __future__ import annotations

from addon.domain.repricing import reprice
from addon.models.base import utcnow

from ..runtime import database


def reprice_tenant(tenant_id: int) -> int:
    """Bring every unfrozen worklog of the tenant to the current rate table (idempotent)."""
    with database().transaction(tenant_id=tenant_id) as session:
        return reprice(session, tenant_id, now=utcnow())
