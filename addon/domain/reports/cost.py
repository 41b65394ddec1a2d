"""The cost / revenue / margin report: one aggregate query over priced worklogs and expenses.

Amounts are sums of lines already rounded at the line (in the base currency), so a parent's
figures are exactly the sum of its rows and of its drill-down. ``cost`` includes expenses
(``expenses`` shows that part). A group with a line that could not be priced (no rate, no
exchange rate) reports that amount as null and the report lists what is missing — never zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from decimal import Decimal

from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import union_all
from sqlalchemy.orm import Session

from ...models import Account
from ...models import Customer
from ..budgets import burn
from ..errors import FieldProblem
from ..errors import InvalidInput
from ..money import base_currency
from ..repricing import pricing_status
from .dimensions import DIMENSIONS
from .dimensions import Joiner
from .dimensions import epic_of
from .dimensions import expense_lines
from .dimensions import names
from .dimensions import worklog_lines

ZERO = Decimal(0)


@dataclass(frozen=True)
class CostQuery:
    date_from: date
    date_to: date
    group_by: tuple[str, ...]
    account_key: str | None = None
    customer_key: str | None = None
    project_id: str | None = None
    author: str | None = None
    role_id: int | None = None
    epic_id: str | None = None
    issue_id: str | None = None
    # None: every account; otherwise only these (an account lead's view).
    accounts: frozenset[str] | None = None


@dataclass
class Figures:
    time_spent_seconds: int = 0
    billable_seconds: int = 0
    labor_cost: Decimal | None = ZERO
    expenses: Decimal | None = ZERO
    revenue: Decimal | None = ZERO

    def add(self, other: Figures) -> None:
        self.time_spent_seconds += other.time_spent_seconds
        self.billable_seconds += other.billable_seconds
        self.labor_cost = _plus(self.labor_cost, other.labor_cost)
        self.expenses = _plus(self.expenses, other.expenses)
        self.revenue = _plus(self.revenue, other.revenue)

    @property
    def cost(self) -> Decimal | None:
        return _plus(self.labor_cost, self.expenses)

    @property
    def margin(self) -> Decimal | None:
        return None if self.cost is None or self.revenue is None else self.revenue - self.cost


@dataclass
class Row:
    type: str
    id: object
    name: str | None
    figures: Figures = field(default_factory=Figures)
    rows: list[Row] = field(default_factory=list)
    budget: object = None       # budgets.Burn for account rows


@dataclass
class CostReport:
    query: CostQuery
    currency: str
    rows: list[Row]
    totals: Figures
    native_revenue: list[tuple[str, Decimal]]
    errors: list[str]
    pricing: dict


def _plus(a, b):
    return None if a is None or b is None else a + b


def validate(group_by: list[str], date_from, date_to) -> tuple[str, ...]:
    problems = []
    if not group_by or len(group_by) > 2 or any(g not in DIMENSIONS for g in group_by) \
            or len(set(group_by)) != len(group_by):
        problems.append(FieldProblem("groupBy", "groupBy takes one or two of "
                                     f"{', '.join(DIMENSIONS)}"))
    if date_from and date_to and date_from > date_to:
        problems.append(FieldProblem("to", "'to' must not be before 'from'"))
    if problems:
        raise InvalidInput(problems[0].message, problems)
    return tuple(group_by)


def _filtered(session: Session, query: CostQuery, joiner: Joiner):
    c = joiner.lines.c
    conditions = [c.day >= query.date_from, c.day <= query.date_to]
    if query.account_key:
        conditions.append(c.account_key == query.account_key)
    if query.accounts is not None:
        conditions.append(c.account_key.in_(sorted(query.accounts)))
    if query.customer_key:
        keys = select(Account.key).join(Customer, Customer.id == Account.customer_id).where(
            Customer.key == query.customer_key)
        conditions.append(c.account_key.in_(keys))
    for column, value in ((c.project_id, query.project_id), (c.author, query.author),
                          (c.role_id, query.role_id), (c.issue_id, query.issue_id)):
        if value is not None:
            conditions.append(column == value)
    if query.epic_id:
        conditions.append(epic_of(*joiner._issue_chain()) == query.epic_id)
    return and_(*conditions)


def _aggregate(session: Session, tenant_id: int, query: CostQuery):
    lines = union_all(worklog_lines(tenant_id), expense_lines(tenant_id)).subquery("lines")
    joiner = Joiner(session, lines, tenant_id)
    keys = [joiner.expression(g).label(f"g{i}") for i, g in enumerate(query.group_by)]
    where = _filtered(session, query, joiner)
    c = lines.c
    statement = select(
        *keys, func.sum(c.seconds), func.sum(c.billable), func.sum(c.labor_cost),
        func.sum(c.expense_cost), func.sum(c.revenue), func.sum(c.cost_missing),
        func.sum(c.revenue_missing)).select_from(joiner.source).where(where).group_by(*keys)
    return session.execute(statement).all(), lines, joiner, where


def _figures(row, depth: int) -> Figures:
    seconds, billable, labor, expenses, revenue, cost_missing, revenue_missing = row[depth:]
    costly = int(cost_missing or 0) > 0
    return Figures(int(seconds or 0), int(billable or 0),
                   None if costly else Decimal(labor or 0),
                   None if costly else Decimal(expenses or 0),
                   None if int(revenue_missing or 0) else Decimal(revenue or 0))


def cost_report(session: Session, tenant_id: int, query: CostQuery) -> CostReport:
    """The report for ``query``. Parents are the sums of their rows (same query)."""
    rows, lines, joiner, where = _aggregate(session, tenant_id, query)
    depth = len(query.group_by)
    tree: dict = {}
    for row in rows:
        figures = _figures(row, depth)
        parent = tree.setdefault(row[0], Row(query.group_by[0], row[0], None))
        parent.figures.add(figures)
        if depth == 2:
            parent.rows.append(Row(query.group_by[1], row[1], None, figures))
    _name(session, query, tree)
    ordered = sorted(tree.values(), key=lambda r: (r.name is None, str(r.name or r.id or "")))
    totals = Figures()
    for row in ordered:
        totals.add(row.figures)
        row.rows.sort(key=lambda r: (r.name is None, str(r.name or r.id or "")))
    return CostReport(query, base_currency(session), ordered, totals,
                      _native_revenue(session, lines, joiner, where),
                      _errors(session, lines, joiner, where), pricing_status(session))


def _name(session: Session, query: CostQuery, tree: dict) -> None:
    first = names(session, query.group_by[0], set(tree))
    for key, row in tree.items():
        row.name = first.get(key)
        if query.group_by[0] == "account" and key is not None:
            account = session.scalar(select(Account).where(Account.key == key))
            row.budget = burn(session, account, day=query.date_to) if account else None
    if len(query.group_by) == 2:
        children = {child.id for row in tree.values() for child in row.rows}
        second = names(session, query.group_by[1], children)
        for row in tree.values():
            for child in row.rows:
                child.name = second.get(child.id)


def _native_revenue(session: Session, lines, joiner, where) -> list[tuple[str, Decimal]]:
    """Revenue per currency as priced (before conversion into the base currency)."""
    c = lines.c
    found = session.execute(select(c.currency, func.sum(c.native_revenue))
                            .select_from(joiner.source).where(where, c.currency.is_not(None))
                            .group_by(c.currency).order_by(c.currency)).all()
    return [(currency, Decimal(total)) for currency, total in found if total is not None]


def _errors(session: Session, lines, joiner, where) -> list[str]:
    """What is missing for the lines that could not be priced (distinct messages, at most 20)."""
    c = lines.c
    found = session.execute(select(c.cost_error, c.revenue_error).select_from(joiner.source)
                            .where(where, or_(c.cost_error.is_not(None),
                                              c.revenue_error.is_not(None)))
                            .distinct().limit(100)).all()
    return sorted({m for pair in found for m in pair if m})[:20]
