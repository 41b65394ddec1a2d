"""Read models for the panels: time on an issue, and a person's week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import JiraIssue
from ..models import JiraUser
from ..models import Worklog
from .access import Visibility
from .access import visible_worklogs


@dataclass(frozen=True)
class PersonTotal:
    account_id: str
    display_name: str
    seconds: int
    billable_seconds: int
    # Base currency; None when a line of theirs could not be priced.
    cost: Decimal | None = None
    revenue: Decimal | None = None


@dataclass(frozen=True)
class IssueTime:
    total_seconds: int
    billable_seconds: int
    people: list[PersonTotal]
    entries: list[Worklog]
    entry_count: int
    offset: int = 0

    @property
    def non_billable_seconds(self) -> int:
        return self.total_seconds - self.billable_seconds

    @property
    def cost(self) -> Decimal | None:
        return _total(p.cost for p in self.people)

    @property
    def revenue(self) -> Decimal | None:
        return _total(p.revenue for p in self.people)


def _total(values) -> Decimal | None:
    values = list(values)
    return None if any(v is None for v in values) else sum(values, Decimal(0))


def _priced(total, missing) -> Decimal | None:
    return None if int(missing or 0) else Decimal(total or 0)


def display_names(session: Session, account_ids: set[str]) -> dict[str, str]:
    if not account_ids:
        return {}
    rows = session.execute(select(JiraUser.account_id, JiraUser.display_name)
                           .where(JiraUser.account_id.in_(account_ids))).all()
    return {account_id: name or account_id for account_id, name in rows}


def issue_time(session: Session, issue_jira_id: str, visibility: Visibility, *,
               limit: int = 50, offset: int = 0) -> IssueTime:
    """Totals by person (one aggregate query) and ``limit`` entries from ``offset``, newest
    first, of the worklogs ``visibility`` shows.

    Totals always cover every visible worklog; the entry list is a page so an issue with
    thousands of worklogs still renders fast in Jira's sidebar.
    """
    live = (Worklog.issue_jira_id == issue_jira_id, Worklog.deleted_at.is_(None),
            visible_worklogs(visibility))
    per_person = session.execute(
        select(Worklog.author_account_id, func.sum(Worklog.time_spent_seconds),
               func.sum(Worklog.billable_seconds), func.count(Worklog.id),
               func.sum(Worklog.cost), func.count(Worklog.id) - func.count(Worklog.cost),
               func.sum(Worklog.revenue_base),
               func.count(Worklog.id) - func.count(Worklog.revenue_base))
        .where(*live).group_by(Worklog.author_account_id)).all()
    entries = list(session.scalars(select(Worklog).where(*live).order_by(
        Worklog.start_date.desc(), Worklog.start_time.desc(), Worklog.id.desc())
        .offset(offset).limit(limit)))
    names = display_names(session, {row[0] for row in per_person})
    people = sorted((PersonTotal(a, names.get(a, a), int(s), int(b), _priced(c, cm),
                                 _priced(r, rm))
                     for a, s, b, _, c, cm, r, rm in per_person),
                    key=lambda p: (-p.seconds, p.display_name))
    return IssueTime(total_seconds=sum(p.seconds for p in people),
                     billable_seconds=sum(p.billable_seconds for p in people),
                     people=people, entries=entries,
                     entry_count=sum(int(row[3]) for row in per_person), offset=offset)


@dataclass(frozen=True)
class Day:
    day: date
    entries: list[Worklog]

    @property
    def seconds(self) -> int:
        return sum(w.time_spent_seconds for w in self.entries)


@dataclass(frozen=True)
class Week:
    start: date
    days: list[Day]
    issue_keys: dict[str, str]

    @property
    def seconds(self) -> int:
        return sum(d.seconds for d in self.days)

    @property
    def previous_start(self) -> date:
        return self.start - timedelta(days=7)

    @property
    def next_start(self) -> date:
        return self.start + timedelta(days=7)

    @property
    def incomplete(self) -> int:
        return sum(1 for d in self.days for w in d.entries if not w.complete)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def my_week(session: Session, account_id: str, any_day: date) -> Week:
    """The ISO week (Monday first) containing ``any_day``, by the author's calendar days.

    Only the person's own worklogs, which ``access.Visibility`` always shows: no permission
    check (and no call to Jira) is needed.
    """
    start = week_start(any_day)
    end = start + timedelta(days=6)
    rows = list(session.scalars(select(Worklog).where(
        Worklog.author_account_id == account_id, Worklog.deleted_at.is_(None),
        Worklog.start_date >= start, Worklog.start_date <= end,
    ).order_by(Worklog.start_date, Worklog.start_time, Worklog.id)))
    keys = dict(session.execute(select(JiraIssue.jira_id, JiraIssue.key).where(
        JiraIssue.jira_id.in_({w.issue_jira_id for w in rows}))).all()) if rows else {}
    days = [Day(start + timedelta(days=i),
                [w for w in rows if w.start_date == start + timedelta(days=i)]) for i in range(7)]
    return Week(start=start, days=days, issue_keys=keys)
