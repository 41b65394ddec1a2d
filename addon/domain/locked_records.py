"""Jira cannot be stopped from editing a worklog; a locked period's record is kept anyway.

When sync sees that a worklog of an IN_REVIEW or APPROVED timesheet changed or vanished in
Jira, the app's record (what was submitted or approved, i.e. what is billed) stays as it is
and the difference is stored as a discrepancy for an admin to resolve (issue 9).
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Discrepancy
from ..models import JiraWorklog
from ..models import TimesheetApproval
from ..models import Worklog
from ..models.approval import DISCREPANCY_OPEN
from .approvals import locking_approval
from .approvals import locking_approvals_of
from .sync_batch import current_batch


def recorded_values(worklog: Worklog) -> dict:
    return {"startDate": worklog.start_date.isoformat(),
            "startTime": worklog.start_time.strftime("%H:%M:%S"),
            "timeSpentSeconds": worklog.time_spent_seconds,
            "description": worklog.description}


def jira_values(worklog: Worklog, mirror: JiraWorklog) -> dict | None:
    """What Jira says now, in the worklog's own zone (None: deleted in Jira)."""
    if mirror.deleted:
        return None
    local = mirror.started_at.astimezone(ZoneInfo(worklog.time_zone))
    return {"startDate": local.date().isoformat(),
            "startTime": local.time().replace(microsecond=0).strftime("%H:%M:%S"),
            "timeSpentSeconds": mirror.time_spent_seconds,
            "description": mirror.comment or ""}


def _locking_approval(session: Session, author: str, day: date) -> TimesheetApproval | None:
    """``locking_approval``; inside a sync batch, the locking timesheets of every author of
    the batch's worklogs are read with one query (approvals are not written by sync)."""
    batch = current_batch(session)
    if batch is None:
        return locking_approval(session, author, day)
    held: dict[str, list[TimesheetApproval]] = batch.memo.setdefault(("locking",), {})
    if author not in held:
        authors = ({author} | {row.author_account_id for (model, _), row in batch.rows.items()
                               if model is Worklog and row is not None}) - held.keys()
        held.update({name: [] for name in authors})
        for approval in locking_approvals_of(session, sorted(authors)):
            held[approval.account_id].append(approval)
    return next((a for a in held[author] if a.period_from <= day <= a.period_to), None)


def keep_locked_record(session: Session, worklog: Worklog, mirror: JiraWorklog, *,
                       now: datetime) -> bool:
    """True when ``worklog`` is locked: the record stays, a difference becomes a discrepancy.

    One open discrepancy per worklog holds Jira's latest version.
    """
    approval = _locking_approval(session, worklog.author_account_id, worklog.start_date)
    if approval is None:
        return False
    jira = jira_values(worklog, mirror)
    recorded = recorded_values(worklog)
    if jira == recorded:
        return True
    existing = session.scalar(select(Discrepancy).where(
        Discrepancy.worklog_id == worklog.id, Discrepancy.status == DISCREPANCY_OPEN))
    kind = "DELETED" if jira is None else "CHANGED"
    if existing is None:
        session.add(Discrepancy(worklog_id=worklog.id, approval_id=approval.id, kind=kind,
                                recorded=recorded, jira=jira, detected_at=now))
    elif existing.jira != jira:
        existing.kind, existing.jira, existing.detected_at = kind, jira, now
        existing.attempts += 1
    return True
