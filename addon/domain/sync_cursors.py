"""Where a backfill or a reconciliation stands: typed views of ``SyncState.cursor`` (JSON).

The stored JSON keeps these field names, so a state written before (or by hand in a test) reads
back; unknown keys are ignored and missing ones take their defaults. ``mark`` and ``counts`` are
shared with ``progress.progress_of``, which reads them for any kind of run.
"""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from dataclasses import fields
from typing import Any
from typing import TypeVar

Cursor = TypeVar("Cursor", "BackfillCursor", "ReconcileCursor")


def _from_json(cls: type[Cursor], data: dict[str, Any] | None) -> Cursor:
    known = {f.name for f in fields(cls)}
    return cls(**{name: value for name, value in (data or {}).items() if name in known})


@dataclass
class BackfillCursor:
    owner: str | None = None      # the run id that holds the backfill; None between slices
    mark: dict | None = None      # progress.mark of the current phase or resumed run
    counts: dict[str, int] = field(default_factory=dict)  # applied, per kind
    failures: int = 0             # failed runs since the last progress (the planner's backoff)
    project: str | None = None    # issues phase: the project being copied ...
    token: str | None = None      # ... Jira's nextPageToken for its next page,
    after: str | None = None      # ... or, once a token expired, search ids after this one,
    last: str | None = None       # ... and the last issue id applied.
    since: int = 0                # worklogs phase: the /worklog/updated position (epoch ms),
    first: int | None = None      # the feed's first change (for the estimate),
    end: int | None = None        # and the moment the phase began (the feed's end for now).

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> BackfillCursor:
        return _from_json(cls, data)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ReconcileCursor:
    """Each feed's position (epoch ms); a pass resumes from them, minus an overlap."""

    issues_ms: int | None = None    # issues updated since (JQL)
    worklogs_ms: int | None = None  # /worklog/updated
    deleted_ms: int | None = None   # /worklog/deleted
    full_ms: int | None = None      # the last full sweep
    mark: dict | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ReconcileCursor:
        return _from_json(cls, data)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
