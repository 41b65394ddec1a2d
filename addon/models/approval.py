"""Timesheet approvals (Tempo's user approvals), admin period closures, the approval history,
and discrepancies between an approved/submitted record and what Jira says now.

Approvals and closures store their own ``period_from``/``period_to``: changing the site's
approval period later never moves an existing lock.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import BigInteger
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from .base import Base
from .base import TenantScoped
from .base import UTCDateTime

APPROVAL_OPEN = "OPEN"
APPROVAL_IN_REVIEW = "IN_REVIEW"
APPROVAL_APPROVED = "APPROVED"
LOCKING_APPROVAL_STATES = (APPROVAL_IN_REVIEW, APPROVAL_APPROVED)

PERIOD_OPEN = "OPEN"
PERIOD_CLOSED_FOR_USERS = "CLOSED_FOR_USERS"
PERIOD_CLOSED = "CLOSED"
PERIOD_STATES = (PERIOD_OPEN, PERIOD_CLOSED_FOR_USERS, PERIOD_CLOSED)

DISCREPANCY_OPEN = "OPEN"
DISCREPANCY_RESOLVED = "RESOLVED"


class PeriodClosure(TenantScoped, Base):
    """An admin's status for one period, for everyone (Tempo's Period Management)."""

    __tablename__ = "period_closures"
    __table_args__ = (UniqueConstraint("tenant_id", "period_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_from: Mapped[date] = mapped_column(Date, nullable=False)
    period_to: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    updated_by: Mapped[str | None] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class TimesheetApproval(TenantScoped, Base):
    """One person's timesheet for one period. No row means OPEN with nothing submitted."""

    __tablename__ = "timesheet_approvals"
    __table_args__ = (
        UniqueConstraint("tenant_id", "account_id", "period_from"),
        Index("ix_timesheet_approvals_tenant_reviewer_status", "tenant_id",
              "reviewer_account_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(128), nullable=False)
    period_from: Mapped[date] = mapped_column(Date, nullable=False)
    period_to: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=APPROVAL_OPEN)
    reviewer_account_id: Mapped[str | None] = mapped_column(String(128))
    submitted_by: Mapped[str | None] = mapped_column(String(128))
    comment: Mapped[str | None] = mapped_column(Text)
    actor_account_id: Mapped[str | None] = mapped_column(String(128))
    required_seconds_at_submit: Mapped[int | None] = mapped_column(BigInteger)
    time_spent_seconds_at_submit: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class ApprovalLog(TenantScoped, Base):
    """Every transition, kept for ``/timesheet-approvals/logs/search``."""

    __tablename__ = "approval_logs"
    __table_args__ = (Index("ix_approval_logs_tenant_account_at", "tenant_id", "account_id",
                            "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    approval_id: Mapped[int] = mapped_column(
        ForeignKey("timesheet_approvals.id", ondelete="CASCADE"), nullable=False, index=True)
    account_id: Mapped[str] = mapped_column(String(128), nullable=False)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    from_status: Mapped[str] = mapped_column(String(16), nullable=False)
    to_status: Mapped[str] = mapped_column(String(16), nullable=False)
    actor_account_id: Mapped[str | None] = mapped_column(String(128))
    reviewer_account_id: Mapped[str | None] = mapped_column(String(128))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class Discrepancy(TenantScoped, Base):
    """Jira changed or deleted a worklog of a locked period; the locked record was kept."""

    __tablename__ = "discrepancies"
    __table_args__ = (Index("ix_discrepancies_tenant_status", "tenant_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worklog_id: Mapped[int] = mapped_column(
        ForeignKey("worklogs.id", ondelete="CASCADE"), nullable=False, index=True)
    approval_id: Mapped[int] = mapped_column(
        ForeignKey("timesheet_approvals.id", ondelete="CASCADE"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # CHANGED | DELETED
    recorded: Mapped[dict] = mapped_column(JSON, nullable=False)
    jira: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=DISCREPANCY_OPEN)
    resolution: Mapped[str | None] = mapped_column(String(16))
    resolved_by: Mapped[str | None] = mapped_column(String(128))
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
