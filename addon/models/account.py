"""Customers, account categories, client accounts and their links to Jira projects.

An account is what time is billed to; Jira's app-owned Account field mirrors the open ones.
Whether time on an account bills by default follows its category's type (BILLABLE: yes).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import Numeric
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from .base import Base
from .base import TenantScoped
from .base import Timestamps

ACCOUNT_OPEN = "OPEN"
ACCOUNT_CLOSED = "CLOSED"
ACCOUNT_ARCHIVED = "ARCHIVED"
ACCOUNT_STATUSES = (ACCOUNT_OPEN, ACCOUNT_CLOSED, ACCOUNT_ARCHIVED)
CATEGORY_TYPES = ("BILLABLE", "CAPITALIZED", "INTERNAL", "OPERATIONAL")
CONTRACT_TYPES = ("TIME_AND_MATERIALS", "FIXED_FEE", "RETAINER")


class Customer(TenantScoped, Timestamps, Base):
    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False)


class AccountCategory(TenantScoped, Timestamps, Base):
    __tablename__ = "account_categories"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    type_name: Mapped[str] = mapped_column(String(16), nullable=False)


class Account(TenantScoped, Timestamps, Base):
    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=ACCOUNT_OPEN)
    # The option id of this account in Jira's app-owned Account field, once pushed there.
    jira_option_id: Mapped[str | None] = mapped_column(String(32))
    lead_account_id: Mapped[str | None] = mapped_column(String(128))
    contact_account_id: Mapped[str | None] = mapped_column(String(128))
    external_contact_name: Mapped[str | None] = mapped_column(String(255))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id",
                                                               ondelete="SET NULL"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("account_categories.id",
                                                               ondelete="SET NULL"))
    contract_type: Mapped[str] = mapped_column(String(32), nullable=False,
                                               default="TIME_AND_MATERIALS")
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="USD")
    # Tempo's monthlyBudget: estimated hours for a month (an integer in Tempo's API).
    monthly_budget: Mapped[int | None] = mapped_column(Integer)
    is_global: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Ours (billingRounding): billable time of each worklog rounded before it is priced.
    billing_rounding_mode: Mapped[str] = mapped_column(String(8), nullable=False,
                                                       default="NONE")
    billing_rounding_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # Ours: commercial terms (issue 8), money in the account's currency. TIME_AND_MATERIALS:
    # an optional cap in money and/or hours; FIXED_FEE: price, budgeted hours and how revenue
    # is recognized; RETAINER: monthly fee, included hours, months unused hours roll over.
    cap_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 3))
    cap_hours: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    fixed_price: Mapped[Decimal | None] = mapped_column(Numeric(18, 3))
    budgeted_hours: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    recognition: Mapped[str | None] = mapped_column(String(20))
    retainer_fee: Mapped[Decimal | None] = mapped_column(Numeric(18, 3))
    retainer_hours: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    rollover_months: Mapped[int | None] = mapped_column(Integer)
    budget_thresholds: Mapped[list | None] = mapped_column(JSON)

    customer: Mapped[Customer | None] = relationship(lazy="joined")
    category: Mapped[AccountCategory | None] = relationship(lazy="joined")

    @property
    def bills_by_default(self) -> bool:
        return self.category is not None and self.category.type_name == "BILLABLE"


class AccountLink(TenantScoped, Timestamps, Base):
    """An account usable on a Jira project; at most one link per project is the default."""

    __tablename__ = "account_links"
    __table_args__ = (
        UniqueConstraint("tenant_id", "account_id", "scope_id"),
        Index("uq_account_links_one_default", "tenant_id", "scope_id", unique=True,
              postgresql_where=text("is_default"), sqlite_where=text("is_default")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"),
                                            nullable=False)
    scope_type: Mapped[str] = mapped_column(String(16), nullable=False, default="PROJECT")
    scope_id: Mapped[str] = mapped_column(String(32), nullable=False)  # the Jira project id
    is_default: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    account: Mapped[Account] = relationship(lazy="joined")
