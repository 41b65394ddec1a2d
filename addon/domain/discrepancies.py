"""Listing and resolving discrepancies (see ``locked_records``): an admin keeps the approved
record or Jira's version; keeping Jira's reopens that person's period."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Discrepancy
from ..models import JiraWorklog
from ..models import TimesheetApproval
from ..models import Worklog
from ..models.approval import DISCREPANCY_OPEN
from ..models.approval import DISCREPANCY_RESOLVED
from ..models.approval import LOCKING_APPROVAL_STATES
from ..models.worklog import PUSH_PENDING
from .approvals import reopen_for_jira
from .billing import require_timesheet_not_invoiced
from .errors import Conflict
from .errors import FieldProblem
from .errors import InvalidInput
from .errors import NotFound
from .worklogs import adopt_jira_worklog

KEEP_CHOICES = ("APPROVED", "JIRA")


def list_discrepancies(session: Session, *, status: str | None,
                       visible_to: str | None = None) -> list[Discrepancy]:
    """All discrepancies, or (``visible_to``) those of the person's own timesheets and of the
    timesheets they review."""
    query = select(Discrepancy).order_by(Discrepancy.id)
    if status:
        query = query.where(Discrepancy.status == status)
    if visible_to is not None:
        query = query.join(TimesheetApproval, TimesheetApproval.id == Discrepancy.approval_id)\
            .where(or_(TimesheetApproval.account_id == visible_to,
                       TimesheetApproval.reviewer_account_id == visible_to))
    return list(session.scalars(query))


def resolve(session: Session, discrepancy_id: int, keep: str, *, actor: str,
            now: datetime) -> Discrepancy:
    """Resolve one discrepancy (the caller checked the admin right).

    ``APPROVED``: the record stays; a changed worklog is pushed back to Jira with the approved
    values (a deleted one cannot be). ``JIRA``: the person's period reopens and Jira's version
    is applied to the record.
    """
    if keep not in KEEP_CHOICES:
        raise InvalidInput("invalid keep", [FieldProblem(
            "keep", "'keep' must be APPROVED or JIRA")])
    row = session.get(Discrepancy, discrepancy_id)
    if row is None or row.tenant_id != session.tenant_id:
        raise NotFound(f"discrepancy {discrepancy_id} not found")
    if row.status != DISCREPANCY_OPEN:
        raise Conflict(f"discrepancy {discrepancy_id} is already {row.status}",
                       [FieldProblem("status", "already resolved", "wrong_state")])
    worklog = session.get(Worklog, row.worklog_id)
    if keep == "JIRA":
        _keep_jira(session, row, worklog, actor=actor, now=now)
    elif row.kind == "CHANGED":
        worklog.push_state, worklog.push_attempts = PUSH_PENDING, 0
    row.status, row.resolution = DISCREPANCY_RESOLVED, keep
    row.resolved_by, row.resolved_at = actor, now
    return row


def _keep_jira(session: Session, row: Discrepancy, worklog: Worklog, *, actor: str,
               now: datetime) -> None:
    approval = session.get(TimesheetApproval, row.approval_id)
    if approval.status in LOCKING_APPROVAL_STATES:
        require_timesheet_not_invoiced(session, approval.account_id, approval.period_from,
                                       approval.period_to)
        reopen_for_jira(session, approval, actor=actor, now=now,
                        reason=f"discrepancy {row.id}: Jira's version of worklog "
                               f"{worklog.id} was kept")
    mirror = session.scalar(select(JiraWorklog).where(
        JiraWorklog.jira_id == worklog.jira_worklog_id))
    if mirror is not None:
        adopt_jira_worklog(session, mirror, now=now)
