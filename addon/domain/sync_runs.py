"""What backfill and reconciliation share: units of work, Jira-time positions, tolerant applies.

Both copy Jira page by page, each page committed with the position that follows it; both stamp
REST reads with a version a little in the past; both skip (and log) a payload they cannot read
instead of failing a whole run on it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import datetime

from sqlalchemy.orm import Session

from .sync import SyncDataError

# REST reads carry no version of their own; stamp them a little in the past so a webhook for a
# change made just after the read still wins even if Jira's clock is somewhat behind ours.
READ_VERSION_MARGIN_MS = 60_000

log = logging.getLogger(__name__)
# Opens one unit of work (a session in a transaction) for the tenant being synced.
Transaction = Callable[[], AbstractContextManager[Session]]


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def read_version(now: datetime) -> int:
    """The ``version_ms`` for state read over REST at ``now`` (see READ_VERSION_MARGIN_MS)."""
    return epoch_ms(now) - READ_VERSION_MARGIN_MS


def apply_each(items: Iterable[dict], apply: Callable[[dict], object]) -> int:
    """Apply each item; one Jira payload we cannot read is logged and skipped, not fatal."""
    applied = 0
    for data in items:
        try:
            apply(data)
        except SyncDataError as exc:
            log.warning("sync skipped an unreadable item",
                        extra={"item": data.get("id"), "error": str(exc)})
            continue
        applied += 1
    return applied
