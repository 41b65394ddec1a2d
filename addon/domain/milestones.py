"""Milestones of fixed-fee accounts: an epic or issue with a value, recognized as revenue when
its Jira status category becomes done (``reports.financials``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import JiraIssue
from ..models import Milestone
from .accounts import get_account
from .errors import Conflict
from .errors import FieldProblem
from .errors import InvalidInput
from .errors import NotFound
from .money import parse_decimal


def list_milestones(session: Session, account_key: str) -> list[tuple[Milestone, JiraIssue]]:
    """The account's milestones with their issues (for the status), in issue order."""
    get_account(session, account_key)
    return list(session.execute(select(Milestone, JiraIssue).join(
        JiraIssue, JiraIssue.jira_id == Milestone.issue_jira_id)
        .where(Milestone.account_key == account_key).order_by(Milestone.id)).all())


def save_milestone(session: Session, account_key: str, *, issue_id, value, name=None,
                   milestone_id: int | None = None) -> tuple[Milestone, JiraIssue]:
    """Create or replace a milestone. Raises NotFound, InvalidInput naming every field,
    Conflict (the issue is a milestone of this account already)."""
    account = get_account(session, account_key)
    row = _get(session, account_key, milestone_id) if milestone_id else Milestone()
    problems: list = []
    issue = session.scalar(select(JiraIssue).where(JiraIssue.jira_id == str(issue_id),
                                                  JiraIssue.deleted_at.is_(None))) \
        if issue_id is not None else None
    if issue is None:
        problems.append(FieldProblem("issueId", f"issue {issue_id} not found", "not_found"))
    if isinstance(value, dict):
        value = value.get("value")
    amount = parse_decimal(value, "value", problems, positive=True, places=3)
    if name is not None and (not isinstance(name, str) or len(name) > 255):
        problems.append(FieldProblem("name", "name must be text of at most 255 characters"))
    if problems:
        raise InvalidInput(problems[0].message if len(problems) == 1 else "invalid milestone",
                           problems)
    clash = session.scalar(select(Milestone.id).where(
        Milestone.account_key == account.key, Milestone.issue_jira_id == issue.jira_id))
    if clash is not None and clash != milestone_id:
        raise Conflict("this issue is a milestone already", [FieldProblem(
            "issueId", "this issue is a milestone of the account already", "duplicate")])
    row.account_key, row.issue_jira_id, row.value = account.key, issue.jira_id, amount
    row.name = name or issue.summary or issue.key
    session.add(row)
    session.flush()
    return row, issue


def delete_milestone(session: Session, account_key: str, milestone_id: int) -> None:
    session.delete(_get(session, account_key, milestone_id))
    session.flush()


def _get(session: Session, account_key: str, milestone_id: int) -> Milestone:
    row = session.scalar(select(Milestone).where(Milestone.id == milestone_id,
                                                Milestone.account_key == account_key))
    if row is None:
        raise NotFound(f"milestone {milestone_id} not found")
    return row
