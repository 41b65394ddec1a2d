"""Client accounts: what time is billed to. Jira's Account issue field mirrors the open ones."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from .base import Base
from .base import TenantScoped
from .base import Timestamps

ACCOUNT_OPEN = "OPEN"
ACCOUNT_CLOSED = "CLOSED"
ACCOUNT_ARCHIVED = "ARCHIVED"
ACCOUNT_STATUSES = (ACCOUNT_OPEN, ACCOUNT_CLOSED, ACCOUNT_ARCHIVED)


class Account(TenantScoped, Timestamps, Base):
    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=ACCOUNT_OPEN)
    # The option id of this account in Jira's app-owned Account field, once pushed there.
    jira_option_id: Mapped[str | None] = mapped_column(String(32))
