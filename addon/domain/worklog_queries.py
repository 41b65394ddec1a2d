"""Reading worklogs: the filters Tempo's API offers, with stable ordering for paging."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import JiraIssue
from ..models import Worklog
from .access import Visibility
from .access import visible_worklogs
from .errors import NotFound

ORDERS = ("ID", "START_DATE_TIME", "UPDATED")


@dataclass(frozen=True)
class WorklogFilter:
    project_ids: list[str] = field(default_factory=list)
    issue_ids: list[str] = field(default_factory=list)
    author_ids: list[str] = field(default_factory=list)
    account_key: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    updated_from: datetime | None = None
    order_by: str | None = None


def search_worklogs(session: Session, flt: WorklogFilter, visibility: Visibility, *,
                    offset: int, limit: int) -> tuple[list[Worklog], bool]:
    """One page of the live worklogs ``visibility`` shows, and whether more follow.

    Tempo orders by start (then id) ascending by default and descending when ``orderBy`` is
    given; the id tie-breaker keeps pages from repeating or skipping rows. Visibility is a
    condition of the query, so pages are full and counts hold only what the caller may see.
    """
    query = select(Worklog).where(Worklog.deleted_at.is_(None), visible_worklogs(visibility))
    if flt.project_ids:
        query = query.where(Worklog.project_jira_id.in_(flt.project_ids))
    if flt.issue_ids:
        query = query.where(Worklog.issue_jira_id.in_(flt.issue_ids))
    if flt.author_ids:
        query = query.where(Worklog.author_account_id.in_(flt.author_ids))
    if flt.account_key:
        query = query.where(Worklog.account_key == flt.account_key)
    if flt.date_from:
        query = query.where(Worklog.start_date >= flt.date_from)
    if flt.date_to:
        query = query.where(Worklog.start_date <= flt.date_to)
    if flt.updated_from:
        query = query.where(Worklog.updated_at >= flt.updated_from)
    if flt.order_by == "ID":
        query = query.order_by(Worklog.id.desc())
    elif flt.order_by == "UPDATED":
        query = query.order_by(Worklog.updated_at.desc(), Worklog.id.desc())
    elif flt.order_by == "START_DATE_TIME":
        query = query.order_by(Worklog.start_date.desc(), Worklog.start_time.desc(),
                               Worklog.id.desc())
    else:
        query = query.order_by(Worklog.start_date, Worklog.start_time, Worklog.id)
    rows = list(session.scalars(query.offset(offset).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def visible_worklog(session: Session, worklog_id: int, visibility: Visibility) -> Worklog:
    """The live worklog with this id if ``visibility`` shows it; NotFound otherwise (a hidden
    worklog answers exactly like a missing one)."""
    worklog = session.scalar(select(Worklog).where(
        Worklog.id == worklog_id, Worklog.deleted_at.is_(None), visible_worklogs(visibility)))
    if worklog is None:
        raise NotFound(f"worklog {worklog_id} not found")
    return worklog


def issue_keys(session: Session, issue_ids: set[str]) -> dict[str, str]:
    """Jira keys for the given issue ids, in one query (for serializing a page)."""
    if not issue_ids:
        return {}
    return dict(session.execute(select(JiraIssue.jira_id, JiraIssue.key)
                                .where(JiraIssue.jira_id.in_(issue_ids))).all())


def worklog_id_map(session: Session, visibility: Visibility, *,
                   jira_ids: list[str] | None = None,
                   tempo_ids: list[int] | None = None) -> list[tuple[int, str]]:
    """(tempoWorklogId, jiraWorklogId) pairs for the ids that are known and visible."""
    query = select(Worklog.id, Worklog.jira_worklog_id).where(
        Worklog.jira_worklog_id.is_not(None), visible_worklogs(visibility))
    if jira_ids is not None:
        query = query.where(Worklog.jira_worklog_id.in_(jira_ids))
    if tempo_ids is not None:
        query = query.where(Worklog.id.in_(tempo_ids))
    return [tuple(row) for row in session.execute(query.order_by(Worklog.id)).all()]
