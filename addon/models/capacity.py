"""Capacity inputs and plans: teams, memberships, workload and holiday schemes, absences, plans.

Every date range here is inclusive at both ends (Tempo's exclusive membership ``to`` is converted
at the API edge). A plan's per-day figures are materialized in ``plan_days`` so the capacity
board and the utilization report are set-based sums; they are re-spread whenever the assignee's
schedule changes (``addon.domain.capacity.plans.respread_plans``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON
from sqlalchemy import BigInteger
from sqlalchemy import Boolean
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from .base import Base
from .base import TenantScoped
from .base import Timestamps
from .role import Role

WEEKDAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
ABSENCE_TYPES = ("VACATION", "SICK", "OTHER")
PLAN_ITEM_TYPES = ("ISSUE", "PROJECT", "ACCOUNT")
EFFORT_TYPES = ("SECONDS_PER_DAY", "TOTAL_SECONDS")


class Team(TenantScoped, Timestamps, Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    summary: Mapped[str | None] = mapped_column(Text)
    lead_account_id: Mapped[str | None] = mapped_column(String(128))


class TeamMembership(TenantScoped, Timestamps, Base):
    """A person in a team at a commitment, from ``from_date`` to ``to_date`` (inclusive; open)."""

    __tablename__ = "team_memberships"
    __table_args__ = (
        Index("ix_team_memberships_tenant_team", "tenant_id", "team_id"),
        Index("ix_team_memberships_tenant_account", "tenant_id", "account_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"),
                                         nullable=False)
    account_id: Mapped[str] = mapped_column(String(128), nullable=False)
    # The role the person plays in this team (Tempo's membership roleId); deleting the role
    # leaves the membership without one.
    role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id", ondelete="SET NULL"))
    role: Mapped[Role | None] = relationship(lazy="joined")
    commitment_percent: Mapped[int] = mapped_column(Integer, nullable=False, default=100)
    from_date: Mapped[date] = mapped_column(Date, nullable=False)
    to_date: Mapped[date | None] = mapped_column(Date)


class WorkloadScheme(TenantScoped, Timestamps, Base):
    __tablename__ = "workload_schemes"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    is_default: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Required seconds Monday..Sunday (index 0..6), exactly seven.
    day_seconds: Mapped[list] = mapped_column(JSON, nullable=False)


class WorkloadSchemeMember(TenantScoped, Base):
    """From ``effective_from`` on (until a later row), the person works to ``scheme_id``."""

    __tablename__ = "workload_scheme_members"
    __table_args__ = (UniqueConstraint("tenant_id", "account_id", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(128), nullable=False)
    scheme_id: Mapped[int] = mapped_column(
        ForeignKey("workload_schemes.id", ondelete="CASCADE"), nullable=False, index=True)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)


class HolidayScheme(TenantScoped, Timestamps, Base):
    __tablename__ = "holiday_schemes"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    is_default: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class Holiday(TenantScoped, Base):
    """A day off for the scheme's members; ``duration_seconds`` None = the whole day."""

    __tablename__ = "holidays"
    __table_args__ = (UniqueConstraint("scheme_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(
        ForeignKey("holiday_schemes.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    date: Mapped[date] = mapped_column(Date, nullable=False)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)


class HolidaySchemeMember(TenantScoped, Base):
    __tablename__ = "holiday_scheme_members"
    __table_args__ = (UniqueConstraint("tenant_id", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(128), nullable=False)
    scheme_id: Mapped[int] = mapped_column(
        ForeignKey("holiday_schemes.id", ondelete="CASCADE"), nullable=False, index=True)


class Absence(TenantScoped, Timestamps, Base):
    """Personal time off; ``seconds_per_day`` None = the whole of each day."""

    __tablename__ = "absences"
    __table_args__ = (Index("ix_absences_tenant_account", "tenant_id", "account_id",
                            "from_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(128), nullable=False)
    from_date: Mapped[date] = mapped_column(Date, nullable=False)
    to_date: Mapped[date] = mapped_column(Date, nullable=False)
    seconds_per_day: Mapped[int | None] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(16), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(128))


class Plan(TenantScoped, Timestamps, Base):
    """An allocation of a person to an issue, project or account over an inclusive range."""

    __tablename__ = "plans"
    __table_args__ = (Index("ix_plans_tenant_assignee", "tenant_id", "assignee_account_id",
                            "start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignee_account_id: Mapped[str] = mapped_column(String(128), nullable=False)
    plan_item_type: Mapped[str] = mapped_column(String(16), nullable=False)
    # Issue id, project id (Jira's numeric strings) or account key.
    plan_item_id: Mapped[str] = mapped_column(String(255), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    effort_type: Mapped[str] = mapped_column(String(16), nullable=False)
    seconds_per_day: Mapped[int | None] = mapped_column(BigInteger)
    total_seconds: Mapped[int | None] = mapped_column(BigInteger)
    include_non_working_days: Mapped[bool] = mapped_column(Boolean, nullable=False,
                                                           default=False)
    description: Mapped[str | None] = mapped_column(Text)
    billable: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_by: Mapped[str | None] = mapped_column(String(128))


class PlanDay(TenantScoped, Base):
    """One day of a plan as spread over the assignee's schedule (denormalized for sums)."""

    __tablename__ = "plan_days"
    __table_args__ = (Index("ix_plan_days_tenant_account_day", "tenant_id", "account_id",
                            "day"),)

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"),
                                         primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    account_id: Mapped[str] = mapped_column(String(128), nullable=False)
    planned_seconds: Mapped[int] = mapped_column(BigInteger, nullable=False)
