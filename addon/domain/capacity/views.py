"""Read models for the capacity pages: what the filter bar offers, one person's plans and
logged time over a range, and planned vs logged on an issue (for the issue panel)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Account
from ...models import JiraIssue
from ...models import JiraProject
from ...models import Plan
from ...models import PlanDay
from ...models import Team
from ...models import Worklog
from .. import access
from .plans import PlanFilter
from .plans import plan_days
from .plans import search_plans


@dataclass(frozen=True)
class FilterChoices:
    teams: list[tuple[int, str]]
    projects: list[tuple[str, str]]
    accounts: list[tuple[str, str]]


def filter_choices(session: Session) -> FilterChoices:
    """Teams, live projects and accounts, by name, for the board's filter bar."""
    return FilterChoices(
        teams=list(session.execute(select(Team.id, Team.name).order_by(Team.name)).all()),
        projects=list(session.execute(select(JiraProject.jira_id, JiraProject.name).where(
            JiraProject.deleted_at.is_(None)).order_by(JiraProject.name)).all()),
        accounts=list(session.execute(select(Account.key, Account.name).where(
            Account.status != "ARCHIVED").order_by(Account.name)).all()))


@dataclass(frozen=True)
class LoggedOnIssue:
    issue_key: str
    issue_id: str
    seconds: int
    billable_seconds: int


@dataclass(frozen=True)
class PersonDetail:
    account_id: str
    plans: list[tuple[Plan, int]]  # the plan and its planned seconds within the range
    logged: list[LoggedOnIssue]


def person_detail(session: Session, actor: str, account_id: str, start: date, end: date, *,
                  actor_is_admin: bool) -> PersonDetail:
    """A person's plans overlapping the range and their logged time there, by issue."""
    access.require_can_see_person(session, actor, account_id, actor_is_admin=actor_is_admin)
    plans = search_plans(session, actor, PlanFilter(start, end, account_ids=(account_id,)),
                         actor_is_admin=actor_is_admin)
    days = plan_days(session, [p.id for p in plans])
    in_range = [(p, sum(s for d, s in days.get(p.id, []) if start <= d <= end)) for p in plans]
    rows = session.execute(select(
        Worklog.issue_jira_id, func.coalesce(func.max(JiraIssue.key), Worklog.issue_jira_id),
        func.sum(Worklog.time_spent_seconds), func.sum(Worklog.billable_seconds)).outerjoin(
        JiraIssue, JiraIssue.jira_id == Worklog.issue_jira_id).where(
        Worklog.author_account_id == account_id, Worklog.deleted_at.is_(None),
        Worklog.start_date.between(start, end)).group_by(Worklog.issue_jira_id).order_by(
        Worklog.issue_jira_id)).all()
    logged = [LoggedOnIssue(key, issue_id, int(s), int(b)) for issue_id, key, s, b in rows]
    return PersonDetail(account_id, in_range, logged)


def issue_planned_seconds(session: Session, issue_jira_id: str) -> int:
    """All time planned on the issue, whoever it is planned for."""
    return int(session.scalar(select(func.coalesce(func.sum(PlanDay.planned_seconds), 0)).join(
        Plan, Plan.id == PlanDay.plan_id).where(Plan.plan_item_type == "ISSUE",
                                                Plan.plan_item_id == issue_jira_id)))
