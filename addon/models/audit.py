"""The audit trail: append-only, hash-chained per tenant.

``seq`` orders a tenant's chain; each entry stores the previous entry's hash, and the chain
head (``audit_chain_heads``) is locked while new entries are sealed, so concurrent writers
never fork the chain. On PostgreSQL a trigger refuses UPDATE/DELETE of sealed entries
(migration 0004_approvals).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import BigInteger
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from .base import Base
from .base import TenantScoped
from .base import UTCDateTime
from .base import utcnow


class AuditEntry(TenantScoped, Base):
    __tablename__ = "audit_entries"
    index_tenant_id = False  # its unique key and time index lead with tenant_id
    __table_args__ = (
        UniqueConstraint("tenant_id", "seq"),
        Index("ix_audit_entries_tenant_at", "tenant_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int | None] = mapped_column(BigInteger)
    # When the change was recorded: stamped at insert, like every model's timestamps.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    actor_type: Mapped[str] = mapped_column(String(16), nullable=False)  # user|token|system
    actor_id: Mapped[str | None] = mapped_column(String(128))
    source: Mapped[str] = mapped_column(String(16), nullable=False)  # panel|api|webhook|job
    entity_type: Mapped[str] = mapped_column(String(32), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(128), nullable=False)
    parent_id: Mapped[str | None] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    changes: Mapped[list] = mapped_column(JSON, nullable=False)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditChainHead(TenantScoped, Base):
    """The last sealed entry of a tenant's chain; its row lock serializes sealing."""

    __tablename__ = "audit_chain_heads"

    tenant_id: Mapped[int] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    last_hash: Mapped[str | None] = mapped_column(String(64))
