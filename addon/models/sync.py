"""Sync bookkeeping: the durable webhook inbox and the per-tenant sync cursors."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import BigInteger
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
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
    """

    __tablename__ = "inbox_events"
    __table_args__ = (
        UniqueConstraint("tenant_id", "webhook_identifier"),
        UniqueConstraint("tenant_id", "dedupe_key"),
        Index("ix_inbox_events_due", "status", "next_attempt_at"),
        # A claim reads one tenant's earliest due events in index order, stopping at its batch.
        Index("ix_inbox_events_claim", "tenant_id", "status", "next_attempt_at", "id"),
        # Retention deletes the oldest done events (issue 11).
        Index("ix_inbox_events_done", "status", "processed_at"),
    )

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
