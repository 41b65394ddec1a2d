"""Expenses: money spent for an account. They add to cost, to revenue when billable (with
markup), and to budget burn, and appear in reports and exports.

An expense is priced like a worklog line: its cost converted into the base currency and its
billable value (amount × (1 + markup)) into the account's currency, each on the expense's date
and rounded half-up at the line; a missing exchange rate leaves it unpriced with an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Account
from ..models import Expense
from ..models import JiraIssue
from ..models.account import ACCOUNT_OPEN
from .billing import require_expense_not_invoiced
from .budgets import record_crossings
from .errors import FieldProblem
from .errors import InvalidInput
from .errors import NotFound
from .exchange_rates import MissingExchangeRate
from .money import check_currency
from .money import parse_decimal
from .money import round_money
from .policy import WorklogPolicy
from .pricing import PricingContext

CATEGORY_MAX = 64


@dataclass(frozen=True)
class ExpenseInput:
    account_key: object
    issue_id: object
    day: date | None
    category: object
    amount: object
    currency: object
    billable: object
    markup_percent: object
    description: object
    author_account_id: str


def get_expense(session: Session, expense_id: int) -> Expense:
    row = session.get(Expense, expense_id)
    if row is None or row.tenant_id != session.tenant_id:
        raise NotFound(f"expense {expense_id} not found")
    return row


def list_expenses(session: Session, *, account_keys=None, author=None, date_from=None,
                  date_to=None) -> list[Expense]:
    query = select(Expense).order_by(Expense.date, Expense.id)
    if account_keys is not None:
        query = query.where(Expense.account_key.in_(account_keys))
    if author is not None:
        query = query.where(Expense.author_account_id == author)
    if date_from is not None:
        query = query.where(Expense.date >= date_from)
    if date_to is not None:
        query = query.where(Expense.date <= date_to)
    return list(session.scalars(query))


def save_expense(session: Session, data: ExpenseInput, *, policy: WorklogPolicy, today: date,
                 now: datetime, expense_id: int | None = None) -> Expense:
    """Create (``expense_id`` None) or replace an expense. Raises InvalidInput naming every bad
    field (zero or negative amount, unknown currency, closed account, a date outside the
    periods open for logging…), NotFound, Conflict (on an issued invoice); nothing is written
    on error."""
    row = Expense()
    if expense_id is not None:
        row = get_expense(session, expense_id)
        require_expense_not_invoiced(session, expense_id)
    problems: list = []
    account = _open_account(session, data.account_key, problems)
    issue = _issue(session, data.issue_id, problems)
    _check_day(data.day, policy, today, problems)
    category = data.category.strip() if isinstance(data.category, str) else ""
    if not category or len(category) > CATEGORY_MAX:
        problems.append(FieldProblem("category", f"category is required (at most "
                                     f"{CATEGORY_MAX} characters)", "required"))
    amount = parse_decimal(data.amount, "amount.value", problems, positive=True, places=3)
    currency = check_currency(data.currency, "amount.currencyCode", problems)
    markup = parse_decimal(data.markup_percent if data.markup_percent is not None else 0,
                           "markupPercent", problems, places=2)
    if markup is not None and markup < 0:
        problems.append(FieldProblem("markupPercent", "markupPercent must not be negative"))
    if not isinstance(data.billable, bool):
        problems.append(FieldProblem("billable", "billable must be true or false"))
    if not isinstance(data.description or "", str):
        problems.append(FieldProblem("description", "description must be text"))
    if problems:
        raise InvalidInput(problems[0].message if len(problems) == 1 else "invalid expense",
                           problems)
    row.account_key, row.date, row.category = account.key, data.day, category
    row.issue_jira_id = issue.jira_id if issue else None
    row.project_jira_id = issue.project_jira_id if issue else None
    row.amount, row.currency, row.billable = amount, currency, data.billable
    row.markup_percent, row.description = markup, data.description or ""
    row.author_account_id = data.author_account_id
    price_expense(PricingContext.load(session), row)
    session.add(row)
    session.flush()
    record_crossings(session, row.account_key, day=row.date, now=now)
    return row


def delete_expense(session: Session, expense_id: int) -> None:
    row = get_expense(session, expense_id)
    require_expense_not_invoiced(session, expense_id)
    session.delete(row)
    session.flush()


def price_expense(ctx: PricingContext, row: Expense) -> None:
    """Cost in the base currency, billable value with markup in the account's currency."""
    terms = ctx.terms.get(row.account_key)
    currency = terms.currency if terms else ctx.base
    row.revenue_currency, row.cost_currency = currency, ctx.base
    row.cost_base = row.revenue = row.revenue_base = row.price_error = None
    try:
        row.cost_base = round_money(row.amount * ctx.fx.rate(row.currency, ctx.base, row.date),
                                    ctx.base)
        value = row.amount * (1 + Decimal(row.markup_percent) / 100) if row.billable \
            else Decimal(0)
        row.revenue = round_money(value * ctx.fx.rate(row.currency, currency, row.date),
                                  currency)
        row.revenue_base = round_money(row.revenue * ctx.fx.rate(currency, ctx.base, row.date),
                                       ctx.base)
    except MissingExchangeRate as exc:
        row.price_error = str(exc)


def reprice_expenses(session: Session, ctx: PricingContext) -> int:
    rows = list(session.scalars(select(Expense)))
    for row in rows:
        price_expense(ctx, row)
    return len(rows)


def _open_account(session: Session, key, problems: list) -> Account | None:
    account = session.scalar(select(Account).where(Account.key == key)) \
        if isinstance(key, str) and key else None
    if account is None:
        problems.append(FieldProblem("accountKey", f"account {key!r} not found", "not_found"))
    elif account.status != ACCOUNT_OPEN:
        problems.append(FieldProblem("accountKey", f"account {key} is {account.status.lower()}",
                                     "account_closed"))
    return account


def _issue(session: Session, issue_id, problems: list) -> JiraIssue | None:
    if issue_id is None:
        return None
    issue = session.scalar(select(JiraIssue).where(JiraIssue.jira_id == str(issue_id),
                                                  JiraIssue.deleted_at.is_(None)))
    if issue is None:
        problems.append(FieldProblem("issueId", f"issue {issue_id} not found", "not_found"))
    return issue


def _check_day(day: date | None, policy: WorklogPolicy, today: date, problems: list) -> None:
    """The date must be in a period open for logging (the site policy's window)."""
    if day is None:
        problems.append(FieldProblem("date", "'date' is required", "required"))
        return
    back, ahead = policy.days_back_allowed, policy.days_ahead_allowed
    if back is not None and (today - day).days > back:
        problems.append(FieldProblem("date", f"{day.isoformat()} is in a closed period",
                                     "period_closed"))
    if ahead is not None and (day - today).days > ahead:
        problems.append(FieldProblem("date", f"{day.isoformat()} is too far in the future",
                                     "too_far_ahead"))
