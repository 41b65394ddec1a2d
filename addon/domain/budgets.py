"""Budget burn and its alerts (issue 8): how much of an account's budget is used, and each
threshold crossing (default 75 / 90 / 100 %) recorded exactly once.

What burns depends on the contract: TIME_AND_MATERIALS — revenue (labor and billable
expenses) against the money cap and billable hours against the hours cap; FIXED_FEE — hours
logged against the budgeted hours; RETAINER — billable hours of the month against the included
hours plus those rolled over from the previous ``rolloverMonths`` months. The larger measure
wins. Retainer alerts are per month; the others per account lifetime.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..models import Account
from ..models import BudgetAlert
from ..models import Expense
from ..models import Worklog
from .account_terms import thresholds_of

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Usage:
    time_spent_seconds: int = 0
    billable_seconds: int = 0
    labor_revenue: Decimal = Decimal(0)     # account currency
    expense_revenue: Decimal = Decimal(0)   # account currency (billable expenses, marked up)
    labor_cost: Decimal = Decimal(0)        # base currency
    expense_cost: Decimal = Decimal(0)      # base currency

    @property
    def revenue(self) -> Decimal:
        return self.labor_revenue + self.expense_revenue

    @property
    def cost(self) -> Decimal:
        return self.labor_cost + self.expense_cost


@dataclass(frozen=True)
class Burn:
    percent: Decimal | None
    budget: Decimal | None              # money, account currency
    used: Decimal | None
    budget_hours: Decimal | None
    used_hours: Decimal | None
    period: str = ""
    currency: str | None = None


def usage(session: Session, account_key: str, *, date_from: date | None = None,
          date_to: date | None = None) -> Usage:
    """Aggregate SQL over the account's live worklogs and expenses in [date_from, date_to]."""
    logs = select(func.coalesce(func.sum(Worklog.time_spent_seconds), 0),
                  func.coalesce(func.sum(Worklog.billable_seconds), 0),
                  func.coalesce(func.sum(Worklog.revenue), 0),
                  func.coalesce(func.sum(Worklog.cost), 0)).where(
        Worklog.account_key == account_key, Worklog.deleted_at.is_(None))
    spent = select(func.coalesce(func.sum(Expense.revenue), 0),
                   func.coalesce(func.sum(Expense.cost_base), 0)).where(
        Expense.account_key == account_key)
    if date_from is not None:
        logs = logs.where(Worklog.start_date >= date_from)
        spent = spent.where(Expense.date >= date_from)
    if date_to is not None:
        logs = logs.where(Worklog.start_date <= date_to)
        spent = spent.where(Expense.date <= date_to)
    seconds, billable, revenue, cost = session.execute(logs).one()
    expense_revenue, expense_cost = session.execute(spent).one()
    return Usage(int(seconds), int(billable), Decimal(revenue), Decimal(expense_revenue),
                 Decimal(cost), Decimal(expense_cost))


def _percent(used, budget) -> Decimal | None:
    if used is None or not budget:
        return None
    return (Decimal(used) * HUNDRED / Decimal(budget)).quantize(Decimal("0.01"))


def hours_of(seconds: int) -> Decimal:
    return (Decimal(seconds) / 3600).quantize(Decimal("0.01"))


def month_bounds(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start, date.fromordinal(following.toordinal() - 1)


def _months_before(day: date, count: int) -> list[date]:
    months, current = [], day.replace(day=1)
    for _ in range(count):
        current = date.fromordinal(current.toordinal() - 1).replace(day=1)
        months.append(current)
    return months


def retainer_allowance(session: Session, account: Account, month: date) -> Decimal:
    """Included hours of ``month`` plus the unused included hours of each of the previous
    ``rolloverMonths`` months."""
    included = Decimal(account.retainer_hours or 0)
    allowance = included
    for earlier in _months_before(month, account.rollover_months or 0):
        start, end = month_bounds(earlier)
        used = hours_of(usage(session, account.key, date_from=start, date_to=end).billable_seconds)
        allowance += max(Decimal(0), included - used)
    return allowance


def has_budget(account: Account) -> bool:
    """Whether the account's terms define anything to burn."""
    if account.contract_type == "RETAINER":
        return account.retainer_fee is not None
    if account.contract_type == "FIXED_FEE":
        return account.fixed_price is not None and bool(account.budgeted_hours)
    return account.cap_amount is not None or account.cap_hours is not None


def burn(session: Session, account: Account, *, day: date) -> Burn:
    """The account's budget burn (for a retainer: in the month of ``day``)."""
    if not has_budget(account):
        return Burn(None, None, None, None, None)
    if account.contract_type == "RETAINER":
        start, end = month_bounds(day)
        used = usage(session, account.key, date_from=start, date_to=end)
        allowance = retainer_allowance(session, account, start)
        hours = hours_of(used.billable_seconds)
        return Burn(_percent(hours, allowance), account.retainer_fee, None, allowance, hours,
                    start.strftime("%Y-%m"), account.currency)
    used = usage(session, account.key)
    if account.contract_type == "FIXED_FEE":
        hours = hours_of(used.time_spent_seconds)
        return Burn(_percent(hours, account.budgeted_hours), account.fixed_price, None,
                    account.budgeted_hours, hours, "", account.currency)
    hours = hours_of(used.billable_seconds)
    measures = [p for p in (_percent(used.revenue, account.cap_amount),
                            _percent(hours, account.cap_hours)) if p is not None]
    return Burn(max(measures) if measures else None, account.cap_amount,
                used.revenue if account.cap_amount is not None else None, account.cap_hours,
                hours, "", account.currency)


def record_crossings(session: Session, account_key: str | None, *, day: date,
                     now: datetime) -> list[int]:
    """Record every threshold the account's burn has reached and that was not recorded yet;
    returns the thresholds newly recorded.

    The account row is locked first (PostgreSQL), so concurrent writers on one account take
    turns and each sees the others' committed work; the unique constraint is the backstop
    that makes a second record of a crossing impossible.
    """
    if not account_key:
        return []
    query = select(Account).where(Account.key == account_key)
    account = session.scalar(query)
    if account is None or not has_budget(account):
        return []
    if session.bind.dialect.name == "postgresql":
        session.execute(select(Account.id).where(Account.id == account.id).with_for_update())
    session.flush()
    current = burn(session, account, day=day)
    if current.percent is None:
        return []
    reached = [t for t in thresholds_of(account) if current.percent >= t]
    recorded = set(session.scalars(select(BudgetAlert.threshold).where(
        BudgetAlert.account_key == account_key, BudgetAlert.period == current.period)))
    new = [t for t in reached if t not in recorded]
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    for threshold in new:
        session.execute(insert(BudgetAlert).values(
            tenant_id=session.tenant_id, account_key=account_key, period=current.period,
            threshold=threshold, burn_percent=current.percent, crossed_at=now)
            .on_conflict_do_nothing())
    return new


def alerts(session: Session, account_key: str) -> list[BudgetAlert]:
    return list(session.scalars(select(BudgetAlert).where(BudgetAlert.account_key == account_key)
                                .order_by(BudgetAlert.period, BudgetAlert.threshold)))


def burn_series(session: Session, account: Account, *, date_from: date,
                date_to: date) -> list[tuple[date, Decimal]]:
    """Cumulative burn (% of the budget) at the end of each week with activity, for the
    account page's chart: one aggregate query by day, accumulated per week."""
    if not has_budget(account) or account.contract_type == "RETAINER":
        return []
    by_day = session.execute(
        select(Worklog.start_date, func.sum(Worklog.time_spent_seconds),
               func.sum(Worklog.billable_seconds), func.coalesce(func.sum(Worklog.revenue), 0))
        .where(Worklog.account_key == account.key, Worklog.deleted_at.is_(None),
               Worklog.start_date <= date_to)
        .group_by(Worklog.start_date).order_by(Worklog.start_date)).all()
    seconds = billable = 0
    revenue = Decimal(0)
    points: dict[date, Decimal] = {}
    for day, spent, billed, earned in by_day:
        seconds, billable, revenue = seconds + int(spent), billable + int(billed), \
            revenue + Decimal(earned)
        if day < date_from:
            continue
        week_end = date.fromordinal(day.toordinal() + 6 - day.weekday())
        points[week_end] = _series_percent(account, seconds, billable, revenue)
    return [(week, percent) for week, percent in sorted(points.items()) if percent is not None]


def _series_percent(account: Account, seconds: int, billable: int,
                    revenue: Decimal) -> Decimal | None:
    if account.contract_type == "FIXED_FEE":
        return _percent(hours_of(seconds), account.budgeted_hours)
    measures = [p for p in (_percent(revenue, account.cap_amount),
                            _percent(hours_of(billable), account.cap_hours)) if p is not None]
    return max(measures) if measures else None
