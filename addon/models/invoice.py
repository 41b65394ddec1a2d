"""Invoices (issue 9): a DRAFT built from approved, not yet invoiced items, ISSUED with a
per-site number, or VOID.

``invoice_items`` says what an invoice bills (a worklog, an expense, a retainer month, a
fixed-fee share or a milestone, each named by ``item_key``); ``billed_key`` is set to that key
while the invoice is ISSUED and cleared when it is voided, so the unique constraint on it makes
billing one item twice impossible even if two issues raced. ``invoice_lines`` is what the
client reads. ``invoice_counters`` holds each site's last number; issuing locks that row, so
numbers are sequential, gap-free and never reused.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import Numeric
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from .base import Base
from .base import TenantScoped
from .base import Timestamps
from .base import UTCDateTime

INVOICE_DRAFT = "DRAFT"
INVOICE_ISSUED = "ISSUED"
INVOICE_VOID = "VOID"
INVOICE_STATES = (INVOICE_DRAFT, INVOICE_ISSUED, INVOICE_VOID)
GROUP_BYS = ("EPIC", "ISSUE", "ROLE", "PERSON")


class Invoice(TenantScoped, Timestamps, Base):
    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),
                      Index("ix_invoices_tenant_account", "tenant_id", "account_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(255), nullable=False)
    date_from: Mapped[date] = mapped_column(Date, nullable=False)
    date_to: Mapped[date] = mapped_column(Date, nullable=False)
    group_by: Mapped[str] = mapped_column(String(8), nullable=False)
    status: Mapped[str] = mapped_column(String(8), nullable=False, default=INVOICE_DRAFT)
    number: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    total: Mapped[Decimal] = mapped_column(Numeric(18, 3), nullable=False)
    created_by: Mapped[str | None] = mapped_column(String(128))
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    lines: Mapped[list[InvoiceLine]] = relationship(
        order_by="InvoiceLine.position", cascade="all, delete-orphan", lazy="selectin")
    # Loaded when issuing or voiding only (an invoice may bill thousands of worklogs).
    items: Mapped[list[InvoiceItem]] = relationship(cascade="all, delete-orphan")


class InvoiceLine(TenantScoped, Base):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"),
                                            nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Numeric(18, 2), nullable=False)
    hours: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    rate: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 3), nullable=False)


class InvoiceItem(TenantScoped, Base):
    __tablename__ = "invoice_items"
    __table_args__ = (UniqueConstraint("tenant_id", "billed_key"),
                      Index("ix_invoice_items_worklog", "tenant_id", "worklog_id"),
                      Index("ix_invoice_items_expense", "tenant_id", "expense_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"),
                                            nullable=False, index=True)
    item_key: Mapped[str] = mapped_column(String(128), nullable=False)
    worklog_id: Mapped[int | None] = mapped_column(Integer)
    expense_id: Mapped[int | None] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 3), nullable=False)
    billed_key: Mapped[str | None] = mapped_column(String(128))


class InvoiceCounter(TenantScoped, Base):
    """A site's last invoice number; its row lock serializes issuing."""

    __tablename__ = "invoice_counters"

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"),
                                           primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
