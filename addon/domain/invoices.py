"""Invoices (issue 9): DRAFT –issue→ ISSUED –void→ VOID; a DRAFT may be deleted.

Issuing gives the invoice the site's next number and marks its items billed, in one
transaction that first locks the site's counter row (SELECT … FOR UPDATE): issues on one site
are serialized, so numbers run 1, 2, 3… with no gap and no duplicate (a rolled-back issue
rolls its number back too), and an item billed meanwhile by another invoice is seen and
refused (409). Voiding keeps the number (numbers are never reused) and frees the items.
Site admins and the account's lead may do all of this (``MoneyAccess.may_bill``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm import aliased

from ..models import Invoice
from ..models import InvoiceCounter
from ..models import InvoiceItem
from ..models import InvoiceLine
from ..models.invoice import GROUP_BYS
from ..models.invoice import INVOICE_DRAFT
from ..models.invoice import INVOICE_ISSUED
from ..models.invoice import INVOICE_STATES
from ..models.invoice import INVOICE_VOID
from .access import MoneyAccess
from .billing import billing_period
from .errors import Conflict
from .errors import FieldProblem
from .errors import Forbidden
from .errors import InvalidInput
from .errors import NotFound
from .invoice_lines import build_draft

DISPLAY_PREFIX = "INV-"
FORBIDDEN = "invoices are for site administrators and the account's lead"


@dataclass(frozen=True)
class InvoiceRequest:
    account_key: object
    date_from: date | None
    date_to: date | None
    group_by: object
    problems: tuple[FieldProblem, ...] = ()   # fields the HTTP layer already found bad


def display_number(invoice: Invoice) -> str | None:
    """``INV-000042`` once issued."""
    return None if invoice.number is None else f"{DISPLAY_PREFIX}{invoice.number:06d}"


def create_draft(session: Session, access: MoneyAccess, request: InvoiceRequest, *,
                 now: datetime) -> Invoice:
    """A DRAFT from the account's approved, not yet invoiced items. Raises InvalidInput naming
    every bad field (an unknown account too), Forbidden, PolicyViolation (unpriced lines)."""
    if not access.sees_any_costs:
        raise Forbidden(FORBIDDEN)
    problems = []
    if request.group_by not in GROUP_BYS:
        problems.append(FieldProblem("groupBy", f"groupBy must be one of {', '.join(GROUP_BYS)}",
                                     "required" if request.group_by is None else "invalid"))
    period = billing_period(session, request.account_key, request.date_from, request.date_to,
                            problems=[*request.problems, *problems])
    if not access.may_bill(period.account.key):
        raise Forbidden(FORBIDDEN)
    draft = build_draft(session, period, request.group_by)
    invoice = Invoice(account_key=period.account.key, date_from=period.date_from,
                      date_to=period.date_to, group_by=request.group_by, status=INVOICE_DRAFT,
                      currency=period.account.currency, total=draft.total,
                      created_by=access.caller, created_at=now, updated_at=now)
    invoice.lines = [InvoiceLine(position=i, kind=line.kind, description=line.description,
                                 quantity=line.quantity, hours=line.hours, rate=line.rate,
                                 amount=line.amount)
                     for i, line in enumerate(draft.lines, start=1)]
    invoice.items = [InvoiceItem(item_key=key, worklog_id=worklog_id, expense_id=expense_id,
                                 amount=amount)
                     for key, worklog_id, expense_id, amount in draft.items]
    session.add(invoice)
    session.flush()
    return invoice


def get_invoice(session: Session, access: MoneyAccess, invoice_id: int, *,
                lock: bool = False) -> Invoice:
    """The invoice, re-read (and row-locked when ``lock``). Raises NotFound, Forbidden."""
    statement = select(Invoice).where(Invoice.id == invoice_id)
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    invoice = session.scalar(statement)
    if invoice is None:
        raise NotFound(f"invoice {invoice_id} not found")
    if not access.may_bill(invoice.account_key):
        raise Forbidden(FORBIDDEN)
    return invoice


def list_invoices(session: Session, access: MoneyAccess, *, account_key: str | None,
                  status: str | None, offset: int, limit: int) -> tuple[list[Invoice], bool]:
    """Newest first; only the accounts the caller may bill (Forbidden for a caller who may
    bill none). Returns (page, has more)."""
    if not access.sees_any_costs:
        raise Forbidden(FORBIDDEN)
    if status is not None and status not in INVOICE_STATES:
        raise InvalidInput("unknown status", [FieldProblem(
            "status", f"status must be one of {', '.join(INVOICE_STATES)}")])
    statement = select(Invoice).order_by(Invoice.created_at.desc(), Invoice.id.desc())
    if account_key:
        statement = statement.where(Invoice.account_key == account_key)
    if status:
        statement = statement.where(Invoice.status == status)
    accounts = access.report_accounts()
    if accounts is not None:
        statement = statement.where(Invoice.account_key.in_(sorted(accounts)))
    rows = list(session.scalars(statement.offset(offset).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def _require_state(invoice: Invoice, wanted: str, action: str) -> None:
    if invoice.status != wanted:
        message = f"cannot {action}: invoice {invoice.id} is {invoice.status}"
        raise Conflict(message, [FieldProblem("status", message, "wrong_state")])


def _next_number(session: Session, tenant_id: int) -> int:
    """Lock the site's counter row (creating it once) and return the number after it."""
    conn = session.connection()
    table = InvoiceCounter.__table__
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(table).values(tenant_id=tenant_id, last_number=0)
                 .on_conflict_do_nothing(index_elements=["tenant_id"]))
    last = conn.execute(select(table.c.last_number).where(table.c.tenant_id == tenant_id)
                        .with_for_update()).scalar_one()
    conn.execute(table.update().where(table.c.tenant_id == tenant_id)
                 .values(last_number=last + 1))
    return last + 1


def _billed_elsewhere(session: Session, invoice: Invoice) -> int:
    mine, other = aliased(InvoiceItem), aliased(InvoiceItem)
    return session.scalar(select(func.count()).select_from(mine).join(
        other, other.billed_key == mine.item_key).where(mine.invoice_id == invoice.id))


def issue_invoice(session: Session, access: MoneyAccess, invoice_id: int, *,
                  now: datetime) -> Invoice:
    """DRAFT → ISSUED with the next number; its items become billed. Raises Conflict (not a
    DRAFT, or an item was invoiced meanwhile)."""
    get_invoice(session, access, invoice_id)
    number = _next_number(session, session.tenant_id)
    invoice = get_invoice(session, access, invoice_id, lock=True)
    _require_state(invoice, INVOICE_DRAFT, "issue")
    taken = _billed_elsewhere(session, invoice)
    if taken:
        message = (f"cannot issue: {taken} of invoice {invoice.id}'s items were invoiced "
                   "meanwhile by another invoice; create a new draft")
        raise Conflict(message, [FieldProblem("items", message, "already_invoiced")])
    invoice.number, invoice.status, invoice.issued_at = number, INVOICE_ISSUED, now
    for item in invoice.items:
        item.billed_key = item.item_key
    session.flush()
    return invoice


def void_invoice(session: Session, access: MoneyAccess, invoice_id: int, *,
                 now: datetime) -> Invoice:
    """ISSUED → VOID: the number stays, the items may be billed again. Raises Conflict."""
    invoice = get_invoice(session, access, invoice_id, lock=True)
    _require_state(invoice, INVOICE_ISSUED, "void")
    invoice.status, invoice.voided_at = INVOICE_VOID, now
    for item in invoice.items:
        item.billed_key = None
    session.flush()
    return invoice


def delete_invoice(session: Session, access: MoneyAccess, invoice_id: int) -> None:
    """Only a DRAFT may be deleted (an issued number must stay accounted for)."""
    invoice = get_invoice(session, access, invoice_id, lock=True)
    _require_state(invoice, INVOICE_DRAFT, "delete")
    session.delete(invoice)
    session.flush()
