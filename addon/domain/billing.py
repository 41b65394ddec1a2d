"""What can be billed to an account (issue 9): approved, not yet invoiced worklogs and billable
expenses, with everything an export line or an invoice line shows.

A worklog is billable once its author's timesheet covering its day is APPROVED (its amounts
are then frozen, see ``approvals.freeze_amounts``) and no ISSUED invoice bills it; an expense
is billable when it is marked billable and no ISSUED invoice bills it. Amounts are the lines'
own rounded revenue in the account's currency, so an export's total is the cost report's
revenue for the same lines to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP
from decimal import Decimal

from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import aliased

from ..models import Account
from ..models import Expense
from ..models import InvoiceItem
from ..models import JiraIssue
from ..models import JiraUser
from ..models import Role
from ..models import TimesheetApproval
from ..models import Worklog
from ..models.approval import APPROVAL_APPROVED
from .errors import Conflict
from .errors import FieldProblem
from .errors import InvalidInput
from .reports.dimensions import EPIC_LEVEL

HOUR = Decimal(3600)
HOURS_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class BillingPeriod:
    account: Account
    date_from: date
    date_to: date


@dataclass(frozen=True)
class IssueRef:
    jira_id: str | None
    key: str | None
    summary: str | None


@dataclass(frozen=True)
class BillableLine:
    """One worklog (``worklog_id``) or expense (``expense_id``) as billed."""

    day: date
    author: str
    person: str
    role: str | None
    issue: IssueRef
    epic: IssueRef
    description: str
    seconds: int | None
    billable_seconds: int | None
    rate: Decimal | None
    amount: Decimal | None
    currency: str | None
    attributes: dict
    worklog_id: int | None = None
    expense_id: int | None = None

    @property
    def item_key(self) -> str:
        return f"worklog:{self.worklog_id}" if self.worklog_id is not None \
            else f"expense:{self.expense_id}"


def hours(seconds: int | None) -> Decimal | None:
    """Seconds as hours with two decimals, half-up (how exports and invoices show time)."""
    if seconds is None:
        return None
    return (Decimal(seconds) / HOUR).quantize(HOURS_PLACES, rounding=ROUND_HALF_UP)


def billing_period(session: Session, account_key, date_from, date_to, *,
                   problems: list[FieldProblem]) -> BillingPeriod:
    """Check an account and period together with the caller's ``problems`` (fields already
    found bad); raises InvalidInput naming every bad field, an unknown account included."""
    named = {p.field for p in problems}
    problems = list(problems)
    for name, value in (("from", date_from), ("to", date_to)):
        if value is None and name not in named:
            problems.append(FieldProblem(name, f"'{name}' is required", "required"))
    if date_from and date_to and date_from > date_to:
        problems.append(FieldProblem("to", "'to' must not be before 'from'"))
    account = None
    if not isinstance(account_key, str) or not account_key:
        problems.append(FieldProblem("accountKey", "'accountKey' is required (an account key)",
                                     "required" if not account_key else "invalid"))
    else:
        account = session.scalar(select(Account).where(Account.key == account_key))
        if account is None:
            problems.append(FieldProblem("accountKey", f"no account with key {account_key!r}",
                                         "not_found"))
    if problems:
        raise InvalidInput(problems[0].message if len(problems) == 1 else "invalid request",
                           problems)
    return BillingPeriod(account, date_from, date_to)


def invoiced(column):
    """An ISSUED invoice bills this worklog or expense."""
    return exists().where(column, InvoiceItem.billed_key.is_not(None))


def require_expense_not_invoiced(session: Session, expense_id: int) -> None:
    """An expense an ISSUED invoice bills does not change (void the invoice first): Conflict."""
    if session.scalar(select(invoiced(InvoiceItem.expense_id == expense_id))):
        message = f"expense {expense_id} is on an issued invoice; void the invoice to change it"
        raise Conflict(message, [FieldProblem("id", message, "invoiced")])


def require_timesheet_not_invoiced(session: Session, author: str, date_from: date,
                                   date_to: date) -> None:
    """Reopening lets a timesheet's worklogs change, so one with worklogs on an ISSUED invoice
    stays approved until the invoice is void (its amounts are what was billed): Conflict."""
    billed = session.scalar(select(func.count()).select_from(Worklog).where(
        Worklog.author_account_id == author, Worklog.start_date >= date_from,
        Worklog.start_date <= date_to, invoiced(InvoiceItem.worklog_id == Worklog.id)))
    if billed:
        message = (f"cannot reopen: {billed} worklog(s) of this timesheet are on an issued "
                   "invoice; void the invoice first")
        raise Conflict(message, [FieldProblem("status", message, "invoiced")])


def _approved():
    return exists().where(TimesheetApproval.account_id == Worklog.author_account_id,
                          TimesheetApproval.period_from <= Worklog.start_date,
                          TimesheetApproval.period_to >= Worklog.start_date,
                          TimesheetApproval.status == APPROVAL_APPROVED)


def _issue_chain(statement, issue_column):
    issue, parent, grand = (aliased(JiraIssue) for _ in range(3))
    statement = (statement.outerjoin(issue, issue.jira_id == issue_column)
                 .outerjoin(parent, parent.jira_id == issue.parent_jira_id)
                 .outerjoin(grand, grand.jira_id == parent.parent_jira_id))
    return statement, (issue, parent, grand)


def _refs(issue, parent, grand) -> tuple[IssueRef, IssueRef]:
    found = next((i for i in (issue, parent, grand)
                  if i is not None and i.hierarchy_level == EPIC_LEVEL), None)
    return _ref(issue), _ref(found)


def _ref(issue) -> IssueRef:
    return IssueRef(issue.jira_id, issue.key, issue.summary) if issue is not None \
        else IssueRef(None, None, None)


def billable_worklogs(session: Session, period: BillingPeriod) -> list[BillableLine]:
    """The account's approved, not yet invoiced live worklogs in the period, by day."""
    statement = select(Worklog, JiraUser.display_name, Role.name).select_from(Worklog)
    statement, chain = _issue_chain(statement, Worklog.issue_jira_id)
    statement = (statement
                 .outerjoin(JiraUser, JiraUser.account_id == Worklog.author_account_id)
                 .outerjoin(Role, Role.id == Worklog.role_id)
                 .add_columns(*chain)
                 .where(Worklog.account_key == period.account.key,
                        Worklog.start_date >= period.date_from,
                        Worklog.start_date <= period.date_to,
                        Worklog.deleted_at.is_(None), _approved(),
                        ~invoiced(InvoiceItem.worklog_id == Worklog.id))
                 .order_by(Worklog.start_date, Worklog.start_time, Worklog.id))
    lines = []
    for worklog, person, role, issue, parent, grand in session.execute(statement):
        issue_ref, epic_ref = _refs(issue, parent, grand)
        lines.append(BillableLine(
            worklog.start_date, worklog.author_account_id, person or worklog.author_account_id,
            role, issue_ref, epic_ref, worklog.description, worklog.time_spent_seconds,
            worklog.priced_billable_seconds, worklog.billing_rate, worklog.revenue,
            worklog.revenue_currency, dict(worklog.attributes or {}), worklog_id=worklog.id))
    return lines


def billable_expenses(session: Session, period: BillingPeriod) -> list[BillableLine]:
    """The account's billable, not yet invoiced expenses in the period, by day."""
    statement = select(Expense, JiraUser.display_name).select_from(Expense)
    statement, chain = _issue_chain(statement, Expense.issue_jira_id)
    statement = (statement
                 .outerjoin(JiraUser, JiraUser.account_id == Expense.author_account_id)
                 .add_columns(*chain)
                 .where(Expense.account_key == period.account.key, Expense.billable,
                        Expense.date >= period.date_from, Expense.date <= period.date_to,
                        ~invoiced(InvoiceItem.expense_id == Expense.id))
                 .order_by(Expense.date, Expense.id))
    lines = []
    for expense, person, issue, parent, grand in session.execute(statement):
        issue_ref, epic_ref = _refs(issue, parent, grand)
        text = f"{expense.category}: {expense.description}" if expense.description \
            else expense.category
        lines.append(BillableLine(
            expense.date, expense.author_account_id, person or expense.author_account_id,
            None, issue_ref, epic_ref, text, None, None, None, expense.revenue,
            expense.revenue_currency, {}, expense_id=expense.id))
    return lines


def billable_lines(session: Session, period: BillingPeriod) -> list[BillableLine]:
    """Worklogs then expenses, each by day."""
    return billable_worklogs(session, period) + billable_expenses(session, period)

