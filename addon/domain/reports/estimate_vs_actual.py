"""Estimate vs actual by epic: the original estimates of an epic and of the issues under it
against the time logged on them, flagging the epics over their estimate (aggregate SQL)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import aliased

from ...models import JiraIssue
from ...models import Worklog
from .dimensions import epic_of


@dataclass(frozen=True)
class EstimateRow:
    epic_id: str | None
    epic_key: str | None
    summary: str | None
    estimate_seconds: int
    logged_seconds: int

    @property
    def over(self) -> bool:
        return self.logged_seconds > self.estimate_seconds


def _chain(tenant_id: int):
    issue, parent, grand = (aliased(JiraIssue) for _ in range(3))
    joined = (select(issue).outerjoin(parent, and_(parent.tenant_id == tenant_id,
                                                   parent.jira_id == issue.parent_jira_id))
              .outerjoin(grand, and_(grand.tenant_id == tenant_id,
                                     grand.jira_id == parent.parent_jira_id)))
    return issue, parent, grand, joined


def estimate_vs_actual(session: Session, tenant_id: int, *, project_id: str | None = None,
                       account_key: str | None = None) -> list[EstimateRow]:
    """Rows per epic (None: issues under no epic) of the project, or of the issues with time
    on the account."""
    issue, parent, grand, joined = _chain(tenant_id)
    epic = epic_of(issue, parent, grand).label("epic")
    scope = [issue.tenant_id == tenant_id, issue.deleted_at.is_(None)]
    if project_id:
        scope.append(issue.project_jira_id == str(project_id))
    if account_key:
        scope.append(issue.jira_id.in_(select(Worklog.issue_jira_id).where(
            Worklog.account_key == account_key, Worklog.deleted_at.is_(None))))
    estimates = dict(session.execute(
        joined.with_only_columns(epic, func.sum(func.coalesce(issue.original_estimate_seconds,
                                                              0)))
        .where(*scope).group_by(epic)).all())
    logged_query = joined.with_only_columns(epic, func.sum(Worklog.time_spent_seconds)).join(
        Worklog, and_(Worklog.tenant_id == tenant_id, Worklog.issue_jira_id == issue.jira_id,
                      Worklog.deleted_at.is_(None))).where(*scope).group_by(epic)
    if account_key:
        logged_query = logged_query.where(Worklog.account_key == account_key)
    logged = dict(session.execute(logged_query).all())
    epics = {e for e in set(estimates) | set(logged) if e is not None}
    info = {i: (k, s) for i, k, s in session.execute(
        select(JiraIssue.jira_id, JiraIssue.key, JiraIssue.summary)
        .where(JiraIssue.jira_id.in_(epics))).all()} if epics else {}
    rows = [EstimateRow(e, *info.get(e, (None, None)), int(estimates.get(e) or 0),
                        int(logged.get(e) or 0)) for e in set(estimates) | set(logged)]
    return sorted(rows, key=lambda r: (r.epic_key is None, r.epic_key or ""))
