"""What a new invoice bills and the lines it shows (issue 9).

Time and materials: the approved worklogs' frozen amounts, one line per group (EPIC, ISSUE,
ROLE or PERSON) and billing rate, so each line reads hours × rate = amount, and what goes over
the account's ``capAmount`` taken off in one line. Under a RETAINER
the month's fee is billed once per calendar month of the period, plus the hours over the
month's allowance at the month's average rate, and under a FIXED_FEE the
price is billed as its milestones are done (MILESTONES) or as the share of the budgeted hours
logged so far, less what earlier issued invoices billed (PERCENT_COMPLETE); the work itself is
then listed with its hours at no charge, and still marked invoiced. Billable expenses are one
line each under every contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from decimal import ROUND_HALF_UP
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Invoice
from ..models import InvoiceItem
from ..models import JiraIssue
from ..models import Milestone
from ..models import Worklog
from .billing import HOUR
from .billing import HOURS_PLACES
from .billing import BillableLine
from .billing import BillingPeriod
from .billing import billable_expenses
from .billing import billable_worklogs
from .billing import hours
from .billing import invoiced
from .budgets import month_bounds
from .budgets import retainer_allowance
from .errors import FieldProblem
from .errors import PolicyViolation
from .money import RATE_PLACES
from .money import format_amount
from .money import round_money
from .reports.financials import percent_complete

ZERO = Decimal(0)
ONE = Decimal(1)


@dataclass
class DraftLine:
    kind: str   # WORK | EXPENSE | CAP | RETAINER | OVERAGE | MILESTONE | FIXED_FEE
    description: str
    quantity: Decimal
    hours: Decimal | None
    rate: Decimal | None
    amount: Decimal


@dataclass
class Draft:
    lines: list[DraftLine] = field(default_factory=list)
    # (item_key, worklog_id, expense_id, amount)
    items: list[tuple[str, int | None, int | None, Decimal]] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


def build_draft(session: Session, period: BillingPeriod, group_by: str) -> Draft:
    """Lines and items for a new invoice. Raises PolicyViolation (422) when a billable line has
    no price (a missing rate or exchange rate) or is priced in another currency."""
    account = period.account
    # Non-billable time is exported, but an invoice line of 0 h at no charge says nothing.
    work = [line for line in billable_worklogs(session, period) if line.billable_seconds != 0]
    expenses = billable_expenses(session, period)
    _check_priced(work + expenses, account.currency)
    draft = Draft()
    by_contract = _contract_lines(session, period, work, draft)
    _work_lines(work, group_by, draft, charged=not by_contract)
    if not by_contract and account.cap_amount is not None:
        _cap(session, period, work, draft)
    for line in expenses:
        draft.lines.append(DraftLine("EXPENSE", line.description, ONE, None, line.amount,
                                     line.amount))
        draft.items.append((line.item_key, None, line.expense_id, line.amount))
    return draft


def _check_priced(lines: list[BillableLine], currency: str) -> None:
    unpriced = [line for line in lines if line.amount is None]
    foreign = [line for line in lines if line.amount is not None and line.currency != currency]
    problems = []
    if unpriced:
        problems.append(FieldProblem("accountKey", f"{len(unpriced)} approved line(s) have no "
                                     "price (a rate or exchange rate is missing)", "unpriced"))
    if foreign:
        problems.append(FieldProblem("accountKey", f"{len(foreign)} line(s) are priced in "
                                     f"another currency than the account's {currency}",
                                     "currency_mismatch"))
    if problems:
        raise PolicyViolation(problems[0].message, problems)


def _group(line: BillableLine, group_by: str) -> tuple[str, str]:
    if group_by == "EPIC":
        ref = line.epic
        return (ref.jira_id or "", f"{ref.key} {ref.summary}" if ref.key else "No epic")
    if group_by == "ISSUE":
        ref = line.issue
        return (ref.jira_id or "", f"{ref.key} {ref.summary}" if ref.key else "No issue")
    if group_by == "ROLE":
        return (line.role or "", line.role or "No role")
    return (line.author, line.person)


def _work_lines(work: list[BillableLine], group_by: str, draft: Draft, *,
                charged: bool) -> None:
    groups: dict[tuple, list[BillableLine]] = {}
    for line in work:
        key, name = _group(line, group_by)
        groups.setdefault((name, key, line.rate if charged else None), []).append(line)
    for (name, _key, rate), lines in sorted(groups.items(), key=lambda g: (
            g[0][0].lower(), g[0][1], g[0][2] or ZERO)):
        seconds = sum(line.billable_seconds or 0 for line in lines)
        amount = sum((line.amount for line in lines), ZERO) if charged else ZERO
        description = name if charged else f"{name} (included in the contract)"
        draft.lines.append(DraftLine("WORK", description, hours(seconds), hours(seconds),
                                     rate, amount))
    for line in work:
        draft.items.append((line.item_key, line.worklog_id, None,
                            line.amount if charged else ZERO))


def _cap(session: Session, period: BillingPeriod, work: list[BillableLine],
         draft: Draft) -> None:
    """Time and materials with a ``capAmount``: work is billed up to the cap over all issued
    invoices (as ``financials`` recognizes it), the excess taken off in one line. Every draft
    of a capped account carries a key naming the work billed before it, so two drafts computed
    from the same state cannot both be issued."""
    account = period.account
    mine = sum((line.amount for line in work), ZERO)
    before = Decimal(session.scalar(
        select(func.coalesce(func.sum(InvoiceItem.amount), 0))
        .join(Invoice, Invoice.id == InvoiceItem.invoice_id)
        .where(Invoice.account_key == account.key, InvoiceItem.worklog_id.is_not(None),
               InvoiceItem.billed_key.is_not(None))))
    cap = account.cap_amount
    excess = mine - (min(cap, before + mine) - min(cap, before))
    if excess > 0:
        draft.lines.append(DraftLine("CAP", f"Capped at {format_amount(cap, account.currency)}",
                                     ONE, None, None, -excess))
    draft.items.append((f"cap:{account.key}:{before}", None, None, -excess))


def _contract_lines(session: Session, period: BillingPeriod, work: list[BillableLine],
                    draft: Draft) -> bool:
    """Add the retainer or fixed-fee lines; True when the contract replaces hourly billing."""
    account = period.account
    if account.contract_type == "RETAINER" and account.retainer_fee is not None:
        for month in _months(period.date_from, period.date_to):
            _once(session, draft, DraftLine(
                "RETAINER", f"Retainer {month:%Y-%m}", ONE, None, account.retainer_fee,
                account.retainer_fee), f"retainer:{account.key}:{month:%Y-%m}")
            _overage(session, period, month, work, draft)
        return True
    if account.contract_type == "FIXED_FEE" and account.fixed_price is not None:
        if account.recognition == "MILESTONES":
            _milestones(session, period, draft)
        else:
            _fixed_share(session, period, draft)
        return True
    return False


def _overage(session: Session, period: BillingPeriod, month: date, work: list[BillableLine],
             draft: Draft) -> None:
    """The month's billable hours above its allowance (included + rolled over), at the
    average rate of this invoice's hours of the month, as ``financials`` recognizes them.
    Hours of the month on issued invoices use the allowance first; the item key carries them,
    so two drafts computed from the same state cannot both be issued."""
    account = period.account
    start, end = month_bounds(month)
    mine = [line for line in work if start <= line.day <= end]
    seconds = sum(line.billable_seconds for line in mine)
    if not seconds:
        return
    before = _billed_seconds(session, account.key, start, end)
    allowance = retainer_allowance(session, account, month)
    over = max(ZERO, (before + seconds) / HOUR - allowance) - \
        max(ZERO, Decimal(before) / HOUR - allowance)
    if over <= 0:
        return
    rate = sum((line.amount for line in mine), ZERO) / (Decimal(seconds) / HOUR)
    amount = round_money(over * rate, account.currency)
    quantity = over.quantize(HOURS_PLACES, rounding=ROUND_HALF_UP)
    draft.lines.append(DraftLine("OVERAGE", f"Hours over the retainer {month:%Y-%m}",
                                 quantity, quantity, rate.quantize(RATE_PLACES), amount))
    draft.items.append((f"retainer-over:{account.key}:{month:%Y-%m}:{before}", None, None,
                        amount))


def _billed_seconds(session: Session, account_key: str, start: date, end: date) -> int:
    """Billable seconds of the account's worklogs in [start, end] on issued invoices."""
    return int(session.scalar(select(func.coalesce(func.sum(Worklog.priced_billable_seconds),
                                                   0)).where(
        Worklog.account_key == account_key, Worklog.start_date >= start,
        Worklog.start_date <= end, Worklog.deleted_at.is_(None),
        invoiced(InvoiceItem.worklog_id == Worklog.id))))


def _months(date_from: date, date_to: date) -> list[date]:
    months, current = [], date_from.replace(day=1)
    while current <= date_to:
        months.append(current)
        current = date.fromordinal(month_bounds(current)[1].toordinal() + 1)
    return months


def _billed_keys(session: Session, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    return set(session.scalars(select(InvoiceItem.billed_key).where(
        InvoiceItem.billed_key.in_(keys))))


def _once(session: Session, draft: Draft, line: DraftLine, key: str) -> None:
    """Add ``line`` unless an issued invoice already bills ``key``."""
    if key in _billed_keys(session, [key]):
        return
    draft.lines.append(line)
    draft.items.append((key, None, None, line.amount))


def _milestones(session: Session, period: BillingPeriod, draft: Draft) -> None:
    done = session.scalars(select(Milestone).join(
        JiraIssue, JiraIssue.jira_id == Milestone.issue_jira_id).where(
        Milestone.account_key == period.account.key, JiraIssue.status_category == "done")
        .order_by(Milestone.name, Milestone.id))
    for milestone in done:
        _once(session, draft, DraftLine("MILESTONE", f"Milestone: {milestone.name}", ONE, None,
                                        milestone.value, milestone.value),
              f"milestone:{milestone.id}")


def _fixed_share(session: Session, period: BillingPeriod, draft: Draft) -> None:
    """The price × share complete by the period's end, less what issued invoices billed.

    The item key carries the amount billed so far, so two drafts computed from the same state
    cannot both be issued (the second's key is taken), and a void frees the key again.
    """
    account = period.account
    prefix = f"fixedfee:{account.key}:"
    billed = session.scalar(select(func.coalesce(func.sum(InvoiceItem.amount), 0)).where(
        InvoiceItem.billed_key.startswith(prefix, autoescape=True)))
    billed = Decimal(billed)
    done = percent_complete(session, account, period.date_to)
    due = round_money(account.fixed_price * done, account.currency) - billed
    if due <= 0:
        return
    draft.lines.append(DraftLine("FIXED_FEE", f"Fixed fee: {done * 100:.0f}% complete", ONE,
                                 None, due, due))
    draft.items.append((f"{prefix}{billed}", None, None, due))
