"""What an admin sees of the sync: both runs' progress, the inbox backlog, the parked events.

One read model for the API (``GET /api/4/sync/status``), the admin page and the CLI, so they
never disagree about what "parked" or "waiting" means.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ..models import InboxEvent
from .inbox import InboxStats
from .inbox import inbox_stats
from .inbox import parked_events
from .progress import BACKFILL
from .progress import RECONCILE
from .progress import SyncProgress
from .progress import sync_progress


@dataclass(frozen=True)
class SyncOverview:
    backfill: SyncProgress
    reconcile: SyncProgress
    inbox: InboxStats
    parked: list[InboxEvent]


def sync_overview(session: Session, *, now: datetime, parked_limit: int = 50) -> SyncOverview:
    return SyncOverview(backfill=sync_progress(session, BACKFILL, now=now),
                        reconcile=sync_progress(session, RECONCILE, now=now),
                        inbox=inbox_stats(session),
                        parked=parked_events(session, limit=parked_limit))
