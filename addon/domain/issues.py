"""Finding synced Jira issues: the one lookup every surface uses.

"Live" means Jira still has the issue (no tombstone); an issue's parent is looked up whatever
its state, since a child may outlive the epic it was filed under.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import JiraIssue
from ..models import JiraProject


def live_issue(session: Session, *, jira_id: str | None = None, key: str | None = None,
               where: ColumnElement[bool] | None = None) -> JiraIssue | None:
    """The synced, not deleted issue with this Jira id or this key (give either or both),
    if it also meets ``where`` (``access.visible_issue`` passes who may see it)."""
    if not jira_id and not key:
        return None
    query = select(JiraIssue).where(
        or_(JiraIssue.jira_id == str(jira_id or ""), JiraIssue.key == (key or "")),
        JiraIssue.deleted_at.is_(None))
    return session.scalar(query if where is None else query.where(where))


def issue_by_id(session: Session, jira_id: str | None) -> JiraIssue | None:
    """The synced issue with this Jira id, deleted or not."""
    if not jira_id:
        return None
    return session.scalar(select(JiraIssue).where(JiraIssue.jira_id == str(jira_id)))


def synced_project(session: Session, project_jira_id: str) -> JiraProject | None:
    """The synced project with this Jira id, deleted or not (an issue names it by id)."""
    return session.scalar(select(JiraProject).where(JiraProject.jira_id == project_jira_id))
