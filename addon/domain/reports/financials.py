"""Revenue recognition by contract type, and an account's financial summary (Tempo's shape).

- TIME_AND_MATERIALS: labor revenue as priced, capped (cumulatively) at ``capAmount``.
- FIXED_FEE: by PERCENT_COMPLETE, price × min(1, hours logged ÷ budgeted hours); by
  MILESTONES, the value of each milestone whose issue's status category is done.
- RETAINER: each month's fee, plus the billable hours above the month's allowance (included +
  rolled over) at the month's average billing rate.
Billable expenses (with markup) are revenue under every contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Account
from ...models import Expense
from ...models import JiraIssue
from ...models import Milestone
from ...models import Worklog
from ..budgets import hours_of
from ..budgets import month_bounds
from ..budgets import retainer_allowance
from ..budgets import usage
from ..exchange_rates import MissingExchangeRate
from ..exchange_rates import fx_table
from ..money import base_currency
from ..money import round_money

ZERO = Decimal(0)


@dataclass(frozen=True)
class Recognition:
    labor: Decimal
    fixed: Decimal
    expenses: Decimal
    currency: str

    @property
    def total(self) -> Decimal:
        return self.labor + self.fixed + self.expenses


def recognized_revenue(session: Session, account: Account, *, date_from: date | None,
                       date_to: date) -> Recognition:
    """Revenue recognized in [date_from, date_to] (``date_from`` None: since the start)."""
    window = usage(session, account.key, date_from=date_from, date_to=date_to)
    currency = account.currency
    if account.contract_type == "FIXED_FEE":
        fixed = _fixed_fee(session, account, date_from, date_to)
        return Recognition(ZERO, fixed, window.expense_revenue, currency)
    if account.contract_type == "RETAINER" and account.retainer_fee is not None:
        fees, overage = _retainer(session, account, date_from, date_to)
        return Recognition(overage, fees, window.expense_revenue, currency)
    labor = window.labor_revenue
    if account.cap_amount is not None:
        before = _labor_until(session, account, date_from)
        labor = min(account.cap_amount, before + labor) - min(account.cap_amount, before)
    return Recognition(labor, ZERO, window.expense_revenue, currency)


def _labor_until(session: Session, account: Account, date_from: date | None) -> Decimal:
    if date_from is None:
        return ZERO
    until = date.fromordinal(date_from.toordinal() - 1)
    return usage(session, account.key, date_to=until).labor_revenue


def percent_complete(session: Session, account: Account, day: date | None) -> Decimal:
    """Hours logged up to ``day`` ÷ budgeted hours, capped at 1 (0 before any time)."""
    if not account.budgeted_hours or day is None:
        return ZERO
    hours = hours_of(usage(session, account.key, date_to=day).time_spent_seconds)
    return min(Decimal(1), hours / Decimal(account.budgeted_hours))


def _fixed_fee(session: Session, account: Account, date_from, date_to) -> Decimal:
    if account.fixed_price is None:
        return ZERO
    if account.recognition == "MILESTONES":
        done = select(func.coalesce(func.sum(Milestone.value), 0)).join(
            JiraIssue, JiraIssue.jira_id == Milestone.issue_jira_id).where(
            Milestone.account_key == account.key, JiraIssue.status_category == "done")
        return Decimal(session.scalar(done))
    before = date.fromordinal(date_from.toordinal() - 1) if date_from else None
    share = percent_complete(session, account, date_to) - percent_complete(session, account,
                                                                           before)
    return round_money(account.fixed_price * share, account.currency)


def _months(session: Session, account: Account, date_from, date_to) -> list[date]:
    if date_from is None:
        first = session.scalar(select(func.min(Worklog.start_date)).where(
            Worklog.account_key == account.key, Worklog.deleted_at.is_(None)))
        spent = session.scalar(select(func.min(Expense.date)).where(
            Expense.account_key == account.key))
        candidates = [d for d in (first, spent) if d is not None]
        if not candidates:
            return []
        date_from = min(candidates)
    months, current = [], date_from.replace(day=1)
    while current <= date_to:
        months.append(current)
        current = date.fromordinal(month_bounds(current)[1].toordinal() + 1)
    return months


def _retainer(session: Session, account: Account, date_from, date_to) -> tuple[Decimal, Decimal]:
    fees, overage = ZERO, ZERO
    for month in _months(session, account, date_from, date_to):
        start, end = month_bounds(month)
        used = usage(session, account.key, date_from=start, date_to=end)
        fees += account.retainer_fee
        hours = Decimal(used.billable_seconds) / 3600
        extra = hours - retainer_allowance(session, account, start)
        if extra > 0 and hours > 0:
            overage += round_money(extra * used.labor_revenue / hours, account.currency)
    return fees, overage


@dataclass(frozen=True)
class Summary:
    currency: str
    budget: Decimal | None
    labor_cost: Decimal
    expense_cost: Decimal
    recognition: Recognition
    revenue_base: Recognition | None
    error: str | None
    forecast_cost: Decimal | None
    forecast_margin: Decimal | None


def financial_summary(session: Session, account: Account, *, day: date) -> Summary:
    """Cost and revenue up to ``day`` in the base currency (revenue converted on ``day``)."""
    base = base_currency(session)
    used = usage(session, account.key, date_to=day)
    recognition = recognized_revenue(session, account, date_from=None, date_to=day)
    converted, error = None, None
    try:
        rate = fx_table(session).rate(account.currency, base, day)
        converted = Recognition(*(round_money(v * rate, base) for v in (
            recognition.labor, recognition.fixed, recognition.expenses)), base)
        budget = round_money(_money_budget(account) * rate, base) \
            if _money_budget(account) is not None else None
    except MissingExchangeRate as exc:
        error, budget = str(exc), None
    forecast_cost = forecast_margin = None
    if account.contract_type == "FIXED_FEE" and converted is not None:
        done = percent_complete(session, account, day)
        if done > 0:
            forecast_cost = round_money(used.cost / done, base)
            forecast_margin = (budget or ZERO) - forecast_cost
    return Summary(base, budget, used.labor_cost, used.expense_cost, recognition, converted,
                   error, forecast_cost, forecast_margin)


def _money_budget(account: Account) -> Decimal | None:
    if account.contract_type == "FIXED_FEE":
        return account.fixed_price
    if account.contract_type == "RETAINER":
        return None
    return account.cap_amount
