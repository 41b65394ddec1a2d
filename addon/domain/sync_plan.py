"""The periodic planner: which tenants need a backfill (re)started, which a reconciliation."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import SyncState
from ..models import Tenant
from .progress import BACKFILL
from .progress import DONE
from .progress import IDLE
from .progress import RECONCILE
from .progress import RUNNING
from .progress import heartbeat_fresh
from .sync_cursors import BackfillCursor
from .sync_cursors import ReconcileCursor
from .sync_runs import epoch_ms

FULL_SWEEP_EVERY_MS = 86_400_000
# A failed backfill is retried by the periodic planner after 5 min, 10, 20, … at most 6 h.
RETRY_BASE = timedelta(minutes=5)
RETRY_MAX = timedelta(hours=6)


@dataclass(frozen=True)
class SyncPlan:
    """What the periodic planner queues: backfills to (re)start, reconciliations to run."""

    backfill: tuple[int, ...] = ()
    reconcile: tuple[tuple[int, bool], ...] = ()  # (tenant id, full sweep due)


def plan_sync(session: Session, *, now: datetime) -> SyncPlan:
    """Decide, for every active tenant, whether it needs a backfill or a reconciliation.

    A backfill is due when none ever ran (the install hook's job was lost), when a running one
    went quiet (its worker died), or when a failed one has waited out its backoff. Tenants
    whose backfill is done get a reconciliation, with the full sweep once a day. Needs a
    session opened with ``all_tenants=True``.
    """
    tenants = session.scalars(select(Tenant.id).where(
        Tenant.installed.is_(True), Tenant.enabled.is_(True), Tenant.is_demo.is_(False),
    ).order_by(Tenant.id)).all()
    states = {(state.tenant_id, state.kind): state for state in session.scalars(
        select(SyncState).where(SyncState.kind.in_((BACKFILL, RECONCILE))))}
    backfill: list[int] = []
    reconcile_plan: list[tuple[int, bool]] = []
    for tenant_id in tenants:
        state = states.get((tenant_id, BACKFILL))
        if state is None or state.status != DONE:
            if _backfill_due(state, now):
                backfill.append(tenant_id)
            continue
        current = states.get((tenant_id, RECONCILE))
        if current is not None and current.status == RUNNING and heartbeat_fresh(current, now):
            continue
        reconcile_plan.append((tenant_id, _full_sweep_due(current, now)))
    return SyncPlan(tuple(backfill), tuple(reconcile_plan))


def _backfill_due(state: SyncState | None, now: datetime) -> bool:
    if state is None or state.status == IDLE:
        return True
    if state.status == RUNNING:
        return not heartbeat_fresh(state, now)
    failures = max(1, BackfillCursor.from_json(state.cursor).failures)
    wait = min(RETRY_MAX, RETRY_BASE * 2 ** (failures - 1))
    # Jitter, so tenants that failed together (a Jira outage) do not all retry on one tick.
    return now >= state.updated_at + wait * random.uniform(0.5, 1.0)  # noqa: S311 - not crypto


def _full_sweep_due(state: SyncState | None, now: datetime) -> bool:
    full_ms = ReconcileCursor.from_json(state.cursor if state is not None else None).full_ms
    return full_ms is None or epoch_ms(now) - full_ms >= FULL_SWEEP_EVERY_MS
