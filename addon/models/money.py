"""Rates (effective-dated, by scope) and exchange rates: what a worklog is priced with.

A rate row belongs to one scope (``scope_key`` names it, e.g. ``ACCOUNT_USER|ACME|<user>``) and
is either the scope's initial rate (``effective_date`` null, at most one) or a dated one (one
per day). The rate in force on a work day is the dated one with the latest date on or before
that day, else the initial one.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import Numeric
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from .base import Base
from .base import TenantScoped
from .base import Timestamps
from .base import UTCDateTime

BILLING = "BILLING"
COST = "COST"
RATE_CATEGORIES = (BILLING, COST)
SCOPE_TYPES = ("SITE", "ROLE", "USER", "ACCOUNT", "ACCOUNT_ROLE", "ACCOUNT_USER")


class ExchangeRate(TenantScoped, Timestamps, Base):
    """1 ``from_currency`` = ``rate`` ``to_currency`` from ``effective_date`` on."""

    __tablename__ = "exchange_rates"
    __table_args__ = (
        UniqueConstraint("tenant_id", "from_currency", "to_currency", "effective_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_currency: Mapped[str] = mapped_column(String(3), nullable=False)
    to_currency: Mapped[str] = mapped_column(String(3), nullable=False)
    rate: Mapped[Decimal] = mapped_column(Numeric(20, 10), nullable=False)
    effective_date: Mapped[date] = mapped_column(Date, nullable=False)


class Rate(TenantScoped, Timestamps, Base):
    __tablename__ = "rates"
    __table_args__ = (
        UniqueConstraint("tenant_id", "category", "scope_key", "effective_date"),
        Index("uq_rates_one_initial", "tenant_id", "category", "scope_key", unique=True,
              postgresql_where=text("effective_date IS NULL"),
              sqlite_where=text("effective_date IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(8), nullable=False)
    scope_type: Mapped[str] = mapped_column(String(16), nullable=False)
    scope_key: Mapped[str] = mapped_column(String(400), nullable=False)
    account_key: Mapped[str | None] = mapped_column(String(255))
    role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id", ondelete="RESTRICT"),
                                                index=True)
    user_account_id: Mapped[str | None] = mapped_column(String(128))
    value: Mapped[Decimal] = mapped_column(Numeric(18, 4), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    effective_date: Mapped[date | None] = mapped_column(Date)


def scope_key(scope_type: str, *, account_key: str | None = None, role_id: int | None = None,
              user_account_id: str | None = None) -> str:
    """The one string naming a scope (what uniqueness and look-ups key on)."""
    parts = {"SITE": (), "ROLE": (role_id,), "USER": (user_account_id,),
             "ACCOUNT": (account_key,), "ACCOUNT_ROLE": (account_key, role_id),
             "ACCOUNT_USER": (account_key, user_account_id)}[scope_type]
    return "|".join([scope_type, *(str(p) for p in parts)])


class Expense(TenantScoped, Timestamps, Base):
    """Money spent for an account (travel, licences…): cost, and revenue when billable.

    ``cost_base``/``revenue``/``revenue_base`` are priced like worklogs (converted on the
    expense's date; null with ``price_error`` when an exchange rate is missing).
    """

    __tablename__ = "expenses"
    __table_args__ = (Index("ix_expenses_tenant_account_date", "tenant_id", "account_key",
                            "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(255), nullable=False)
    issue_jira_id: Mapped[str | None] = mapped_column(String(32))
    project_jira_id: Mapped[str | None] = mapped_column(String(32))
    date: Mapped[date] = mapped_column(Date, nullable=False)
    category: Mapped[str] = mapped_column(String(64), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 3), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    billable: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    markup_percent: Mapped[Decimal] = mapped_column(Numeric(7, 2), nullable=False,
                                                    default=Decimal(0))
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    author_account_id: Mapped[str] = mapped_column(String(128), nullable=False)
    cost_base: Mapped[Decimal | None] = mapped_column(Numeric(18, 3))
    cost_currency: Mapped[str | None] = mapped_column(String(3))
    revenue: Mapped[Decimal | None] = mapped_column(Numeric(18, 3))
    revenue_currency: Mapped[str | None] = mapped_column(String(3))
    revenue_base: Mapped[Decimal | None] = mapped_column(Numeric(18, 3))
    price_error: Mapped[str | None] = mapped_column(Text)


class Milestone(TenantScoped, Timestamps, Base):
    """A fixed-fee account's milestone: an epic or issue whose value is recognized as revenue
    when its Jira status category becomes done."""

    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("tenant_id", "account_key", "issue_jira_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(255), nullable=False, index=True)
    issue_jira_id: Mapped[str] = mapped_column(String(32), nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    value: Mapped[Decimal] = mapped_column(Numeric(18, 3), nullable=False)


class BudgetAlert(TenantScoped, Base):
    """One budget threshold crossed, recorded once (per month for retainers): the unique
    constraint makes a second record impossible even when worklogs arrive concurrently."""

    __tablename__ = "budget_alerts"
    __table_args__ = (UniqueConstraint("tenant_id", "account_key", "period", "threshold"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(255), nullable=False)
    period: Mapped[str] = mapped_column(String(7), nullable=False)   # "" or "YYYY-MM"
    threshold: Mapped[int] = mapped_column(Integer, nullable=False)
    burn_percent: Mapped[Decimal] = mapped_column(Numeric(9, 2), nullable=False)
    crossed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
