"""Sync bookkeeping: the durable webhook inbox and the per-tenant sync cursors."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import BigInteger
from sqlalchemy import ColumnElement
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import literal
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from .base import Base
from .base import TenantScoped
from .base import Timestamps
from .base import UTCDateTime

INBOX_PENDING = "pending"
INBOX_DONE = "done"
INBOX_PARKED = "parked"


class InboxEvent(TenantScoped, Base):
    """A webhook as Jira delivered it, stored before anything is done with it.

    ``webhook_identifier`` (Jira's ``X-Atlassian-Webhook-Identifier``) and ``dedupe_key`` (event,
    entity and version) make a redelivery a no-op. Processing marks the row done in the same
    transaction that applies it, so a crash never applies an event twice or loses it.

    The indexes by status are partial (below the class), each holding the rows of one status,
    and ``tenant_id`` has no index of its own (both unique constraints and the claim index lead
    with it, and serve the tenant cascade). Storing an event writes five index entries, not
    seven; marking it done, an UPDATE that moves the row, writes four, not seven.
    """

    __tablename__ = "inbox_events"
    __table_args__ = (
        UniqueConstraint("tenant_id", "webhook_identifier"),
        UniqueConstraint("tenant_id", "dedupe_key"),
    )
    index_tenant_id = False

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    event_type: Mapped[str] = mapped_column(String(64), nullable=False)
    webhook_identifier: Mapped[str | None] = mapped_column(String(128))
    dedupe_key: Mapped[str | None] = mapped_column(String(255))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    payload: Mapped[dict] = mapped_column(JSON, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=INBOX_PENDING)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def _status_is(status: str) -> ColumnElement[bool]:
    """``status = '<status>'`` with the status written into the SQL, never a bound parameter.

    A planner uses a partial index only when it can prove the query's WHERE implies the index's.
    psycopg prepares a statement once it has run five times, and PostgreSQL may then plan it
    once for any parameters (a generic plan), which cannot prove that of ``status = $1``; SQLite
    cannot of ``status = ?``. The index predicates below are these same expressions.
    """
    return InboxEvent.status == literal(status, String, literal_execute=True)


IS_PENDING = _status_is(INBOX_PENDING)
IS_DONE = _status_is(INBOX_DONE)
IS_PARKED = _status_is(INBOX_PARKED)


def _partial_index(name: str, *columns, where: ColumnElement[bool]) -> Index:
    return Index(name, *columns, postgresql_where=where, sqlite_where=where)


# A claim reads one tenant's earliest due events in index order, stopping at its batch. It
# serves the sweeper's ``tenants_with_due_events`` too: that reads every due event either way.
_partial_index("ix_inbox_events_claim", InboxEvent.tenant_id, InboxEvent.next_attempt_at,
               InboxEvent.id, where=IS_PENDING)
# Retention deletes the oldest done events (issue 11).
_partial_index("ix_inbox_events_done", InboxEvent.processed_at, where=IS_DONE)
# The admin's parked events; parking is rare, so this costs nothing on the webhook path.
_partial_index("ix_inbox_events_parked", InboxEvent.tenant_id, InboxEvent.next_attempt_at,
               InboxEvent.id, where=IS_PARKED)


class SyncState(TenantScoped, Timestamps, Base):
    """One row per tenant and sync kind ("backfill", "reconcile"): cursor and progress."""

    __tablename__ = "sync_states"
    __table_args__ = (UniqueConstraint("tenant_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="idle")
    phase: Mapped[str | None] = mapped_column(String(32))
    cursor: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    done: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    total: Mapped[int | None] = mapped_column(BigInteger)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
