"""Rates (effective-dated, by scope) and exchange rates: what a worklog is priced with.

A rate row belongs to one scope (``scope_key`` names it, e.g. ``ACCOUNT_USER|ACME|<user>``) and
is either the scope's initial rate (``effective_date`` null, at most one) or a dated one (one
per day). The rate in force on a work day is the dated one with the latest date on or before
that day, else the initial one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Numeric
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from .base import Base
from .base import TenantScoped
from .base import Timestamps

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
