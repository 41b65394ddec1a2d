"""What a report can group by, as SQL over the priced lines, and the names of the groups.

Lines are worklogs and expenses in one shape (``lines``); a dimension is a SQL expression over
them (plus the joins it needs), so grouping stays in the database. Names are looked up once per
report for the group ids found, not per line.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import cast
from sqlalchemy import func
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
# Core columns: building report statements from them skips the ORM's per-expression work.
W = Worklog.__table__.c
E = Expense.__table__.c


@dataclass(frozen=True)
class Source:
    """One kind of priced line (worklogs or expenses) with the columns reports use."""

    table: object
    cols: dict
    figures: dict


def worklog_source(tenant_id: int) -> tuple[Source, list]:
    """Live worklogs, and the conditions that select them."""
    cols = {"account_key": W.account_key, "project_id": W.project_jira_id,
            "issue_id": W.issue_jira_id, "author": W.author_account_id,
            "role_id": W.role_id, "day": W.start_date,
            "currency": W.revenue_currency, "cost_error": W.cost_error,
            "revenue_error": W.revenue_error}
    figures = {"seconds": W.time_spent_seconds, "billable": W.billable_seconds,
               "labor_cost": W.cost, "revenue": W.revenue_base,
               "native_revenue": W.revenue}
    return (Source(Worklog.__table__, cols, figures),
            [W.tenant_id == tenant_id, W.deleted_at.is_(None)])


def expense_source(tenant_id: int) -> tuple[Source, list]:
    """Expenses (no time, no role)."""
    cols = {"account_key": E.account_key, "project_id": E.project_jira_id,
            "issue_id": E.issue_jira_id, "author": E.author_account_id,
            "role_id": cast(null(), Integer), "day": E.date,
            "currency": E.revenue_currency,
            "cost_error": E.price_error, "revenue_error": E.price_error}
    figures = {"expense_cost": E.cost_base, "revenue": E.revenue_base,
               "native_revenue": E.revenue}
    return Source(Expense.__table__, cols, figures), [E.tenant_id == tenant_id]


class Joiner:
    """Builds one dimension's expression over a source, adding the joins it needs once."""

    def __init__(self, session: Session, source: Source, tenant_id: int):
        self.session, self.cols, self.tenant_id = session, source.cols, tenant_id
        self.source = source.table
        self._joined: dict[str, object] = {}

    def issue_chain(self):
        if "issue" not in self._joined:
            issue, parent, grand = (aliased(JiraIssue) for _ in range(3))
            self.source = (self.source
                           .outerjoin(issue, and_(issue.tenant_id == self.tenant_id,
                                                  issue.jira_id == self.cols["issue_id"]))
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
                account.tenant_id == self.tenant_id, account.key == self.cols["account_key"]))
            self._joined["account"] = account
        return self._joined["account"]

    def expression(self, dimension: str):
        plain = {"account": "account_key", "project": "project_id", "issue": "issue_id",
                 "user": "author", "role": "role_id"}
        if dimension in plain:
            return self.cols[plain[dimension]]
        if dimension == "customer":
            return self._account().customer_id
        if dimension == "epic":
            return epic_of(*self.issue_chain())
        if dimension == "month":
            return month_of(self.session, self.cols["day"])
        return week_of(self.session, self.cols["day"])


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


def names(session: Session, tenant_id: int, dimension: str, ids: set) -> dict:
    """Display names of the groups (one query per dimension, Core: no ORM overhead)."""
    ids = {i for i in ids if i is not None}
    if not ids or dimension in ("month", "week"):
        return {i: str(i) for i in ids}
    table, key, label = {
        "account": (Account, "key", "name"), "customer": (Customer, "id", "name"),
        "project": (JiraProject, "jira_id", "name"), "issue": (JiraIssue, "jira_id", None),
        "epic": (JiraIssue, "jira_id", None), "user": (JiraUser, "account_id", "display_name"),
        "role": (Role, "id", "name"),
    }[dimension]
    c = table.__table__.c
    key = c[key]
    label = c[label] if label else c.key + " " + c.summary
    found = session.connection().execute(select(key, label).where(
        c.tenant_id == tenant_id, key.in_(sorted(ids, key=str)))).all()
    return {i: (n.strip() if isinstance(n, str) else n) or str(i) for i, n in found}
