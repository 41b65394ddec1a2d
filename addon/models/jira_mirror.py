"""The synced copy of each tenant's Jira: Jira stays the source of truth for these rows."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from .base import Base
from .base import TenantScoped
from .base import Timestamps


class JiraProject(TenantScoped, Timestamps, Base):
    __tablename__ = "jira_projects"
    __table_args__ = (UniqueConstraint("tenant_id", "jira_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jira_id: Mapped[str] = mapped_column(String(32), nullable=False)
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    lead_account_id: Mapped[str | None] = mapped_column(String(128))
