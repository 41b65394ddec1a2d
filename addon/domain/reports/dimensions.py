"""What a report can group by, as SQL over the priced lines, and the names of the groups.

Lines are worklogs and expenses in one shape (``lines``); a dimension is a SQL expression over
them (plus the joins it needs), so grouping stays in the database. Names are looked up once per
report for the group ids found, not per line.
"""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import cast
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import null
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import aliased

from ...models import Account
from ...models import Customer
from ...models import Expense
from ...models import JiraIssue
from ...models import JiraProject
from ...models import JiraUser
from ...models import Role
from ...models import Worklog

DIMENSIONS = ("account", "customer", "project", "epic", "issue", "user", "role", "month",
              "week")
EPIC_LEVEL = 1


def worklog_lines(tenant_id: int):
    """Live worklogs as report lines."""
    return select(
        Worklog.account_key.label("account_key"), Worklog.project_jira_id.label("project_id"),
        Worklog.issue_jira_id.label("issue_id"), Worklog.author_account_id.label("author"),
        Worklog.role_id.label("role_id"), Worklog.start_date.label("day"),
        Worklog.time_spent_seconds.label("seconds"), Worklog.billable_seconds.label("billable"),
        Worklog.cost.label("labor_cost"), literal(0).label("expense_cost"),
        Worklog.revenue_base.label("revenue"), Worklog.revenue.label("native_revenue"),
        Worklog.revenue_currency.label("currency"),
        case((Worklog.cost.is_(None), 1), else_=0).label("cost_missing"),
        case((Worklog.revenue_base.is_(None), 1), else_=0).label("revenue_missing"),
        Worklog.cost_error.label("cost_error"), Worklog.revenue_error.label("revenue_error"),
    ).where(Worklog.tenant_id == tenant_id, Worklog.deleted_at.is_(None))


def expense_lines(tenant_id: int):
    """Expenses as report lines (no time, no role)."""
    return select(
        Expense.account_key.label("account_key"), Expense.project_jira_id.label("project_id"),
        Expense.issue_jira_id.label("issue_id"), Expense.author_account_id.label("author"),
        cast(null(), Worklog.role_id.type).label("role_id"), Expense.date.label("day"),
        literal(0).label("seconds"), literal(0).label("billable"),
        literal(0).label("labor_cost"), Expense.cost_base.label("expense_cost"),
        Expense.revenue_base.label("revenue"), Expense.revenue.label("native_revenue"),
        Expense.revenue_currency.label("currency"),
        case((Expense.cost_base.is_(None), 1), else_=0).label("cost_missing"),
        case((Expense.revenue_base.is_(None), 1), else_=0).label("revenue_missing"),
        Expense.price_error.label("cost_error"), Expense.price_error.label("revenue_error"),
    ).where(Expense.tenant_id == tenant_id)


class Joiner:
    """Builds one dimension's expression, adding the joins it needs to a FROM clause once."""

    def __init__(self, session: Session, lines, tenant_id: int):
        self.session, self.lines, self.tenant_id = session, lines, tenant_id
        self.source = lines
        self._joined: dict[str, object] = {}

    def _issue_chain(self):
        if "issue" not in self._joined:
            issue, parent, grand = (aliased(JiraIssue) for _ in range(3))
            c = self.lines.c
            self.source = (self.source
                           .outerjoin(issue, and_(issue.tenant_id == self.tenant_id,
                                                  issue.jira_id == c.issue_id))
                           .outerjoin(parent, and_(parent.tenant_id == self.tenant_id,
                                                   parent.jira_id == issue.parent_jira_id))
                           .outerjoin(grand, and_(grand.tenant_id == self.tenant_id,
                                                  grand.jira_id == parent.parent_jira_id)))
            self._joined["issue"] = (issue, parent, grand)
        return self._joined["issue"]

    def _account(self):
        if "account" not in self._joined:
            account = aliased(Account)
            self.source = self.source.outerjoin(account, and_(
                account.tenant_id == self.tenant_id, account.key == self.lines.c.account_key))
            self._joined["account"] = account
        return self._joined["account"]

    def expression(self, dimension: str):
        c = self.lines.c
        if dimension == "account":
            return c.account_key
        if dimension == "customer":
            return self._account().customer_id
        if dimension == "project":
            return c.project_id
        if dimension == "issue":
            return c.issue_id
        if dimension == "epic":
            return epic_of(*self._issue_chain())
        if dimension == "user":
            return c.author
        if dimension == "role":
            return c.role_id
        if dimension == "month":
            return month_of(self.session, c.day)
        return week_of(self.session, c.day)


def epic_of(issue, parent, grand):
    """The epic an issue belongs to: itself, its parent, or its grandparent (sub-task)."""
    return case((issue.hierarchy_level == EPIC_LEVEL, issue.jira_id),
                (parent.hierarchy_level == EPIC_LEVEL, parent.jira_id),
                (grand.hierarchy_level == EPIC_LEVEL, grand.jira_id), else_=null())


def month_of(session: Session, day):
    if session.bind.dialect.name == "postgresql":
        return func.to_char(day, "YYYY-MM")
    return func.strftime("%Y-%m", day)


def week_of(session: Session, day):
    """The Monday starting the ISO week of ``day``, as YYYY-MM-DD."""
    if session.bind.dialect.name == "postgresql":
        return func.to_char(func.date_trunc("week", day), "YYYY-MM-DD")
    return cast(func.date(day, "weekday 0", "-6 days"), String)


def names(session: Session, dimension: str, ids: set) -> dict:
    """Display names of the groups (one query per dimension)."""
    ids = {i for i in ids if i is not None}
    if not ids or dimension in ("month", "week"):
        return {i: str(i) for i in ids}
    if dimension == "account":
        return dict(session.execute(select(Account.key, Account.name)
                                    .where(Account.key.in_(ids))).all())
    if dimension == "customer":
        return {i: n for i, n in session.execute(select(Customer.id, Customer.name)
                                                 .where(Customer.id.in_(ids))).all()}
    if dimension == "project":
        return dict(session.execute(select(JiraProject.jira_id, JiraProject.name)
                                    .where(JiraProject.jira_id.in_(ids))).all())
    if dimension in ("issue", "epic"):
        return {i: f"{k} {s}".strip() for i, k, s in session.execute(
            select(JiraIssue.jira_id, JiraIssue.key, JiraIssue.summary)
            .where(JiraIssue.jira_id.in_(ids))).all()}
    if dimension == "user":
        return {i: n or i for i, n in session.execute(
            select(JiraUser.account_id, JiraUser.display_name)
            .where(JiraUser.account_id.in_(ids))).all()}
    return dict(session.execute(select(Role.id, Role.name).where(Role.id.in_(ids))).all())
