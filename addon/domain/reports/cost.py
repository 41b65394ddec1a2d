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

from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import union_all
from sqlalchemy.orm import Session

from ...models import Account
from ...models import Customer
from ...models import TenantSetting
from ..budgets import burn
from ..errors import FieldProblem
from ..errors import InvalidInput
from ..money import MONEY_SETTING
from ..money import base_currency
from ..repricing import PRICING_SETTING
from ..repricing import pricing_status
from .dimensions import DIMENSIONS
from .dimensions import Joiner
from .dimensions import epic_of
from .dimensions import expense_source
from .dimensions import names
from .dimensions import worklog_source

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


def _conditions(query: CostQuery, joiner: Joiner, base: list) -> list:
    c = joiner.cols
    conditions = [*base, c["day"] >= query.date_from, c["day"] <= query.date_to]
    if query.account_key:
        conditions.append(c["account_key"] == query.account_key)
    if query.accounts is not None:
        conditions.append(c["account_key"].in_(sorted(query.accounts)))
    if query.customer_key:
        keys = select(Account.key).join(Customer, Customer.id == Account.customer_id).where(
            Account.tenant_id == joiner.tenant_id, Customer.key == query.customer_key)
        conditions.append(c["account_key"].in_(keys))
    for name, value in (("project_id", query.project_id), ("author", query.author),
                        ("issue_id", query.issue_id)):
        if value is not None:
            conditions.append(c[name] == value)
    if query.role_id is not None:
        conditions.append(c["role_id"] == query.role_id)  # expenses have no role: excluded
    if query.epic_id:
        conditions.append(epic_of(*joiner.issue_chain()) == query.epic_id)
    return conditions


_FIGURES = ("seconds", "billable", "labor_cost", "expense_cost", "revenue")


def _statement(session: Session, tenant_id: int, query: CostQuery, source, base):
    """One GROUP BY over one kind of line: (group keys…, currency, figures…, missing counts)."""
    joiner = Joiner(session, source, tenant_id)
    keys = [joiner.expression(g) for g in query.group_by] + [source.cols["currency"]]
    where = _conditions(query, joiner, base)
    sums = [func.sum(source.figures[f]) if f in source.figures else literal(0) for f in _FIGURES]
    costed = source.figures.get("labor_cost", source.figures.get("expense_cost"))
    missing = [func.count() - func.count(costed),
               func.count() - func.count(source.figures["revenue"])]
    statement = (select(*keys, *sums, *missing).select_from(joiner.source).where(*where)
                 .group_by(*keys))
    return statement, joiner, where


def _aggregate(session: Session, tenant_id: int, query: CostQuery) -> tuple[list, list[str]]:
    """Worklogs and expenses, each grouped by itself, in one round trip (UNION ALL).

    Executed on the session's connection: every table is filtered by tenant explicitly, and
    Core execution skips the ORM's per-statement work (this is the report's hot path).
    """
    parts = [(source, *_statement(session, tenant_id, query, source, base))
             for source, base in (worklog_source(tenant_id), expense_source(tenant_id))]
    rows = session.connection().execute(union_all(*(p[1] for p in parts))).all()
    errors: list[str] = []
    if any(r[-1] or r[-2] for r in rows):
        for source, _, joiner, where in parts:
            errors += _errors(session, source, joiner, where)
    return rows, errors


def _figures(row, depth: int) -> Figures:
    seconds, billable, labor, expenses, revenue, cost_missing, revenue_missing = row[depth + 1:]
    costly = int(cost_missing or 0) > 0
    return Figures(int(seconds or 0), int(billable or 0),
                   None if costly else Decimal(labor or 0),
                   None if costly else Decimal(expenses or 0),
                   None if int(revenue_missing or 0) else Decimal(revenue or 0))


def cost_report(session: Session, tenant_id: int, query: CostQuery) -> CostReport:
    """The report for ``query``: one GROUP BY over worklogs and one over expenses, merged.
    Parents are the sums of their rows."""
    depth = len(query.group_by)
    # Both settings rows in one query; base_currency/pricing_status then read the identity map.
    list(session.scalars(select(TenantSetting).where(TenantSetting.name.in_(
        (MONEY_SETTING, PRICING_SETTING)))))
    tree: dict = {}
    currencies: set = set()
    rows, errors = _aggregate(session, tenant_id, query)
    for row in rows:
        currencies.add(row[depth])
        _place(tree, query.group_by, row, _figures(row, depth))
    _name(session, tenant_id, query, tree)
    ordered = sorted(tree.values(), key=lambda r: (r.name is None, str(r.name or r.id or "")))
    totals = Figures()
    for row in ordered:
        totals.add(row.figures)
        row.rows.sort(key=lambda r: (r.name is None, str(r.name or r.id or "")))
    base_code = base_currency(session)
    native = _native_revenue(session, tenant_id, query, currencies - {None}, base_code,
                             totals.revenue)
    return CostReport(query, base_code, ordered, totals, native, sorted(set(errors))[:20],
                      pricing_status(session))


def _place(tree: dict, group_by: tuple, row, figures: Figures) -> None:
    parent = tree.setdefault(row[0], Row(group_by[0], row[0], None))
    parent.figures.add(figures)
    if len(group_by) == 2:
        child = next((c for c in parent.rows if c.id == row[1]), None)
        if child is None:
            parent.rows.append(Row(group_by[1], row[1], None, Figures()))
            child = parent.rows[-1]
        child.figures.add(figures)


def _native_revenue(session: Session, tenant_id: int, query: CostQuery, currencies: set,
                    base: str, total) -> list[tuple[str, Decimal]]:
    """Revenue per currency as priced, beside the converted total: one more pass, and only
    when lines are priced in a currency other than the base one."""
    if currencies <= {base}:
        return [(base, total)] if total is not None and currencies else []
    found: dict[str, Decimal] = {}
    for source, conditions in (worklog_source(tenant_id), expense_source(tenant_id)):
        joiner = Joiner(session, source, tenant_id)
        currency = source.cols["currency"]
        statement = (select(currency, func.sum(source.figures["native_revenue"]))
                     .select_from(joiner.source).where(*_conditions(query, joiner, conditions))
                     .group_by(currency))
        for code, value in session.connection().execute(statement).all():
            if code is not None and value is not None:
                found[code] = found.get(code, ZERO) + Decimal(value)
    return sorted(found.items())


def _name(session: Session, tenant_id: int, query: CostQuery, tree: dict) -> None:
    if query.group_by[0] == "account":
        first = _account_names(session, tenant_id, query, tree)
    else:
        first = names(session, tenant_id, query.group_by[0], set(tree))
    for key, row in tree.items():
        row.name = first.get(key)
    if len(query.group_by) == 2:
        children = {child.id for row in tree.values() for child in row.rows}
        second = names(session, tenant_id, query.group_by[1], children)
        for row in tree.values():
            for child in row.rows:
                child.name = second.get(child.id)


def _account_names(session: Session, tenant_id: int, query: CostQuery, tree: dict) -> dict:
    """Account names, and the burn of those whose terms define a budget (usually few)."""
    c = Account.__table__.c
    budgeted = or_(c.cap_amount.is_not(None), c.cap_hours.is_not(None),
                   c.fixed_price.is_not(None), c.retainer_fee.is_not(None))
    found = session.connection().execute(select(c.key, c.name, budgeted).where(
        c.tenant_id == tenant_id, c.key.in_(sorted(k for k in tree if k)))).all()
    with_budget = [key for key, _, has in found if has]
    if with_budget:
        for account in session.scalars(select(Account).where(Account.key.in_(with_budget))):
            tree[account.key].budget = burn(session, account, day=query.date_to)
    return {key: name for key, name, _ in found}


def _errors(session: Session, source, joiner, where) -> list[str]:
    """What is missing for the lines that could not be priced (distinct messages)."""
    c = source.cols
    statement = (select(c["cost_error"], c["revenue_error"]).select_from(joiner.source)
                 .where(*where, or_(c["cost_error"].is_not(None),
                                    c["revenue_error"].is_not(None)))
                 .distinct().limit(100))
    found = session.connection().execute(statement).all()
    return sorted({m for pair in found for m in pair if m})
