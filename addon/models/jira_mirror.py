"""The synced copy of each tenant's Jira: Jira stays the source of truth for these rows.

Every row carries the Jira-side version it reflects (``version_ms``: Jira's ``updated`` time, or
the event time where Jira has none) so an older event never overwrites a newer state, and a
``deleted_at`` tombstone so a late update cannot resurrect what Jira deleted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy import Boolean
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


class Mirrored:
    version_ms: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


class JiraProject(Mirrored, TenantScoped, Timestamps, Base):
    __tablename__ = "jira_projects"
    index_tenant_id = False  # its unique key leads with tenant_id
    __table_args__ = (UniqueConstraint("tenant_id", "jira_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jira_id: Mapped[str] = mapped_column(String(32), nullable=False)
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    lead_account_id: Mapped[str | None] = mapped_column(String(128))


class JiraIssue(Mirrored, TenantScoped, Timestamps, Base):
    __tablename__ = "jira_issues"
    index_tenant_id = False  # its unique key leads with tenant_id
    __table_args__ = (
        UniqueConstraint("tenant_id", "jira_id"),
        Index("ix_jira_issues_tenant_key", "tenant_id", "key"),
        Index("ix_jira_issues_tenant_parent", "tenant_id", "parent_jira_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    jira_id: Mapped[str] = mapped_column(String(32), nullable=False)
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    project_jira_id: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    summary: Mapped[str] = mapped_column(Text, nullable=False, default="")
    issue_type: Mapped[str | None] = mapped_column(String(255))
    hierarchy_level: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    status: Mapped[str | None] = mapped_column(String(255))
    # Jira's status category key (new, indeterminate, done): milestones are met when done.
    status_category: Mapped[str | None] = mapped_column(String(32))
    parent_jira_id: Mapped[str | None] = mapped_column(String(32))
    # The raw option of the app's Account issue field (an account key once accounts exist).
    account_field_value: Mapped[str | None] = mapped_column(String(255))
    original_estimate_seconds: Mapped[int | None] = mapped_column(BigInteger)
    remaining_estimate_seconds: Mapped[int | None] = mapped_column(BigInteger)


class JiraWorklog(Mirrored, TenantScoped, Timestamps, Base):
    __tablename__ = "jira_worklogs"
    index_tenant_id = False  # its unique key leads with tenant_id
    __table_args__ = (
        UniqueConstraint("tenant_id", "jira_id"),
        Index("ix_jira_worklogs_tenant_issue", "tenant_id", "issue_jira_id"),
        Index("ix_jira_worklogs_tenant_author_started", "tenant_id", "author_account_id",
              "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    jira_id: Mapped[str] = mapped_column(String(32), nullable=False)
    issue_jira_id: Mapped[str] = mapped_column(String(32), nullable=False)
    author_account_id: Mapped[str | None] = mapped_column(String(128))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # The offset Jira reported with ``started``: the author's wall clock, for display.
    started_offset_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    time_spent_seconds: Mapped[int] = mapped_column(BigInteger, nullable=False)
    comment: Mapped[str | None] = mapped_column(Text)


class JiraUser(TenantScoped, Timestamps, Base):
    __tablename__ = "jira_users"
    index_tenant_id = False  # its unique key leads with tenant_id
    __table_args__ = (UniqueConstraint("tenant_id", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(128), nullable=False)
    display_name: Mapped[str | None] = mapped_column(String(255))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    account_type: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
