"""Sync progress as one plain value, shown alike by the admin page, the REST API and the CLI.

A ``SyncState`` row (one per tenant and kind) keeps a status, the current phase, counters and a
JSON cursor. ``progress_of`` turns it into done/total, a rate and an ETA without the caller
knowing the cursor's layout. The rate is measured from the ``mark`` a running job leaves in the
cursor (when its phase or its resumed run began), so a backfill resumed hours after a crash
does not count the idle hours as slowness.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..models import SyncState

BACKFILL = "backfill"
RECONCILE = "reconcile"
IDLE = "idle"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
# Every committed page bumps ``SyncState.updated_at``. A job's timeout (RQ's, 10 minutes) is shorter
# than this, so a running state this quiet belongs to a worker that died.
STALE_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class SyncProgress:
    """Where one tenant's backfill or reconciliation stands.

    ``done``/``total`` count the items of the current phase (``total`` is Jira's approximate
    count, or an estimate, and None when unknown); ``counts`` holds the items copied per kind
    (projects, issues, worklogs, …) over the whole run.
    """

    kind: str
    status: str
    phase: str | None = None
    done: int = 0
    total: int | None = None
    rate_per_second: float | None = None
    eta_seconds: float | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    heartbeat_at: datetime | None = None
    last_error: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return min(1.0, self.done / self.total)

    def summary(self) -> str:
        """One line for people, e.g. ``backfill running · issues 1,200/10,000 (12%) · 850/s``."""
        parts = [f"{self.kind} {self.status}"]
        if self.status == RUNNING and self.phase:
            amount = f"{self.done:,}" if self.total is None else f"{self.done:,}/{self.total:,}"
            if self.fraction is not None:
                amount += f" ({self.fraction:.0%})"
            parts.append(f"{self.phase} {amount}")
            if self.rate_per_second is not None:
                parts.append(f"{self.rate_per_second:,.0f}/s")
            if self.eta_seconds is not None:
                parts.append(f"ETA {format_seconds(self.eta_seconds)}")
        if self.counts:
            parts.append(", ".join(f"{n:,} {name}" for name, n in self.counts.items()))
        if self.finished_at is not None:
            parts.append(f"finished {self.finished_at:%Y-%m-%d %H:%M:%S} UTC")
        elif self.heartbeat_at is not None and self.status == RUNNING:
            parts.append(f"last heartbeat {self.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC")
        if self.last_error:
            parts.append(f"last error: {self.last_error}")
        return " · ".join(parts)


def format_seconds(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def mark(done: int, now: datetime) -> dict:
    """The cursor entry a job writes when it (re)starts a phase, for ``progress_of``'s rate."""
    return {"ms": int(now.timestamp() * 1000), "done": done}


def progress_of(state: SyncState | None, kind: str, *, now: datetime) -> SyncProgress:
    """The progress a state row describes; a missing row is an idle sync that never ran."""
    if state is None:
        return SyncProgress(kind=kind, status=IDLE)
    rate = eta = None
    started = (state.cursor or {}).get("mark")
    if state.status == RUNNING and started:
        elapsed = now.timestamp() - started["ms"] / 1000
        progressed = state.done - started["done"]
        if elapsed >= 1 and progressed > 0:
            rate = progressed / elapsed
            if state.total is not None and state.total > state.done:
                eta = (state.total - state.done) / rate
    return SyncProgress(
        kind=kind, status=state.status, phase=state.phase, done=state.done, total=state.total,
        rate_per_second=rate, eta_seconds=eta, started_at=state.started_at,
        finished_at=state.finished_at, heartbeat_at=state.updated_at,
        last_error=state.last_error, counts=dict((state.cursor or {}).get("counts", {})),
    )


def heartbeat_fresh(state: SyncState, now: datetime) -> bool:
    """Whether the state's last commit is recent enough that its run is presumed alive."""
    return state.updated_at > now - STALE_AFTER


def sync_progress(session: Session, kind: str, *, now: datetime) -> SyncProgress:
    """The tenant's progress for ``kind`` (``BACKFILL`` or ``RECONCILE``)."""
    state = session.scalar(select(SyncState).where(SyncState.kind == kind))
    return progress_of(state, kind, now=now)


def sync_state(session: Session, kind: str, *, for_update: bool = False) -> SyncState:
    """The tenant's state row for ``kind``, created idle when missing.

    With ``for_update`` the row is locked until the transaction ends (PostgreSQL; SQLite
    serialises writers anyway), which is how concurrent runs take turns. The insert tolerates
    a concurrent twin instead of failing on the unique (tenant, kind) constraint.
    """
    query = select(SyncState).where(SyncState.kind == kind)
    if for_update:
        query = query.with_for_update()
    state = session.scalar(query)
    if state is None:
        insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(SyncState.__table__).values(
            tenant_id=session.tenant_id, kind=kind, status=IDLE, cursor={}, done=0,
        ).on_conflict_do_nothing())
        state = session.scalar(query)
    return state
