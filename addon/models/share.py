"""Client-shared reports (issue 9): a read-only link to one account's figures for one period.

Only the SHA-256 of the link's token is kept (``token_hash``), so the link cannot be shown again
or recovered from the database; opening it looks the hash up. Every open is a ``ShareAccess``.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from .base import Base
from .base import TenantScoped
from .base import UTCDateTime

SHARE_SECTIONS = ("hours_by_epic", "hours_by_issue", "hours_by_person", "amounts")
USER_AGENT_LIMIT = 200


class Share(TenantScoped, Base):
    __tablename__ = "shares"
    # Unique over every tenant: the token alone names the share (and so the tenant).
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    account_key: Mapped[str] = mapped_column(String(255), nullable=False)
    date_from: Mapped[date] = mapped_column(Date, nullable=False)
    date_to: Mapped[date] = mapped_column(Date, nullable=False)
    show: Mapped[list] = mapped_column(JSON, nullable=False)  # some of SHARE_SECTIONS
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    created_by: Mapped[str] = mapped_column(String(128), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(128))


class ShareAccess(TenantScoped, Base):
    """One opening of a share link: when, and (cut short) by which browser. No addresses."""

    __tablename__ = "share_accesses"
    __table_args__ = (Index("ix_share_accesses_share_at", "share_id", "accessed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    share_id: Mapped[int] = mapped_column(ForeignKey("shares.id", ondelete="CASCADE"),
                                          nullable=False)
    accessed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    user_agent: Mapped[str | None] = mapped_column(String(USER_AGENT_LIMIT))
