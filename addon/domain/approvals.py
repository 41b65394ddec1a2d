"""Timesheet approvals: Tempo's user approval state machine, as plain functions.

OPEN –submit→ IN_REVIEW –approve→ APPROVED; IN_REVIEW –reject (comment required)→ OPEN;
IN_REVIEW –recall (the submitter)→ OPEN; APPROVED –reopen (site admin, reason required)→ OPEN.
A caller who may not make a transition gets 403 (``Forbidden``); a transition the current state
does not allow is 409 (``Conflict``) naming that state. The caller's right is checked first, so
a stranger learns nothing about the state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import ApprovalLog
from ..models import Discrepancy
from ..models import TimesheetApproval
from ..models import Worklog
from ..models.approval import APPROVAL_APPROVED
from ..models.approval import APPROVAL_IN_REVIEW
from ..models.approval import APPROVAL_OPEN
from ..models.approval import DISCREPANCY_OPEN
from ..models.approval import LOCKING_APPROVAL_STATES
from . import access
from .access import Caller
from .billing import require_timesheet_not_invoiced
from .errors import Conflict
from .errors import FieldProblem
from .errors import Forbidden
from .errors import InvalidInput
from .errors import PolicyViolation
from .periods import Period
from .policy import WorklogPolicy
from .pricing import price_worklog

# action: (states it starts from, state it leads to)
TRANSITIONS = {
    "submit": ((APPROVAL_OPEN,), APPROVAL_IN_REVIEW),
    "approve": ((APPROVAL_IN_REVIEW,), APPROVAL_APPROVED),
    "reject": ((APPROVAL_IN_REVIEW,), APPROVAL_OPEN),
    "recall": ((APPROVAL_IN_REVIEW,), APPROVAL_OPEN),
    "reopen": ((APPROVAL_APPROVED,), APPROVAL_OPEN),
}
COMMENT_REQUIRED = {"reject": "a rejection needs a comment",
                    "reopen": "reopening an approved timesheet needs a reason"}


@dataclass(frozen=True)
class Subject:
    """Whose timesheet, for which period, as it stands (a missing row is OPEN)."""

    user: str
    period: Period
    row: TimesheetApproval | None
    default_reviewer: str | None

    @property
    def status(self) -> str:
        return self.row.status if self.row else APPROVAL_OPEN

    @property
    def reviewer(self) -> str | None:
        if self.row is not None and self.row.status != APPROVAL_OPEN and \
                self.row.reviewer_account_id:
            return self.row.reviewer_account_id
        return self.default_reviewer


def approval_row(session: Session, user: str, period: Period, *,
                 lock: bool = False) -> TimesheetApproval | None:
    """The approval row, if any; ``lock`` holds it (FOR UPDATE) until the transaction ends, so
    concurrent transitions of one timesheet take turns and each sees the other's result."""
    statement = select(TimesheetApproval).where(
        TimesheetApproval.account_id == user, TimesheetApproval.period_from == period.start)
    return session.scalar(statement.with_for_update() if lock else statement)


def subject(session: Session, user: str, period: Period, *,
            site_admins: list[str], lock: bool = False) -> Subject:
    reviewers = access.timesheet_reviewers(session, user, period, site_admins=site_admins)
    return Subject(user, period, approval_row(session, user, period, lock=lock),
                   reviewers[0] if reviewers else None)


def _may(action: str, caller: Caller, subj: Subject) -> bool:
    if action == "submit":
        return access.may_submit_timesheet(caller, subj.user)
    if action in ("approve", "reject"):
        return access.may_review_timesheet(caller, subj.user, subj.reviewer)
    if action == "recall":
        return access.may_recall_timesheet(caller, subj.user,
                                           subj.row.submitted_by if subj.row else None)
    return access.may_reopen_timesheet(caller)


def check_transition(action: str, caller: Caller, subj: Subject) -> None:
    """Raise Forbidden (403) or Conflict (409) unless ``caller`` may ``action`` now."""
    if action not in TRANSITIONS:
        raise InvalidInput(f"unknown action {action!r}", [FieldProblem("action", "unknown")])
    if not _may(action, caller, subj):
        raise Forbidden(f"you may not {action} this timesheet")
    if subj.status not in TRANSITIONS[action][0]:
        raise Conflict(f"cannot {action}: the timesheet of {subj.period.label()} is "
                       f"{subj.status}", [FieldProblem("status", f"the timesheet is "
                                                       f"{subj.status}", "wrong_state")])


def allowed_actions(caller: Caller, subj: Subject) -> list[str]:
    """The transitions ``caller`` may make now (Tempo's ``actions``)."""
    allowed = []
    for action in TRANSITIONS:
        try:
            check_transition(action, caller, subj)
        except (Forbidden, Conflict):
            continue
        allowed.append(action)
    return allowed


def required_seconds(policy: WorklogPolicy, period: Period) -> int:
    """Working days (Monday first, ``days_per_week`` of them) × the policy's hours per day."""
    days = (period.end - period.start).days + 1
    workdays = sum(1 for i in range(days)
                   if (period.start + timedelta(days=i)).isoweekday() <= policy.days_per_week)
    return workdays * policy.hours_per_day * 3600


def time_spent(session: Session, users: Iterable[str], period: Period) -> dict[str, int]:
    """Seconds logged per person in the period (one grouped query)."""
    rows = session.execute(
        select(Worklog.author_account_id, func.sum(Worklog.time_spent_seconds))
        .where(Worklog.author_account_id.in_(list(users)), Worklog.deleted_at.is_(None),
               Worklog.start_date >= period.start, Worklog.start_date <= period.end)
        .group_by(Worklog.author_account_id)).all()
    return {user: int(seconds) for user, seconds in rows}


def open_discrepancies(session: Session, approval_ids: Iterable[int]) -> dict[int, int]:
    ids = list(approval_ids)
    if not ids:
        return {}
    rows = session.execute(select(Discrepancy.approval_id, func.count(Discrepancy.id)).where(
        Discrepancy.approval_id.in_(ids), Discrepancy.status == DISCREPANCY_OPEN)
        .group_by(Discrepancy.approval_id)).all()
    return {approval_id: int(n) for approval_id, n in rows}


def _log(session: Session, row: TimesheetApproval, action: str, from_status: str,
         now: datetime) -> None:
    session.add(ApprovalLog(
        approval_id=row.id, account_id=row.account_id, action=action, from_status=from_status,
        to_status=row.status, actor_account_id=row.actor_account_id,
        reviewer_account_id=row.reviewer_account_id, comment=row.comment, created_at=now))


def _period_worklogs(approval: TimesheetApproval) -> tuple:
    """The live worklogs of the approval's person and period."""
    return (Worklog.tenant_id == approval.tenant_id,
            Worklog.author_account_id == approval.account_id,
            Worklog.start_date >= approval.period_from, Worklog.start_date <= approval.period_to,
            Worklog.deleted_at.is_(None))


def freeze_amounts(session: Session, approval: TimesheetApproval, *, now: datetime) -> None:
    """On approval the period's priced amounts stop following the rate tables (money's
    ``frozen_at``): re-pricing skips frozen lines, so approved figures never change behind the
    approver's back. The approval itself is the audited event, so one UPDATE does."""
    session.execute(update(Worklog).where(*_period_worklogs(approval),
                                          Worklog.frozen_at.is_(None)).values(frozen_at=now))


def thaw_amounts(session: Session, approval: TimesheetApproval, *, now: datetime) -> None:
    """A reopened period's worklogs follow the rate tables again, priced at once (rates may
    have changed while they were frozen)."""
    for worklog in session.scalars(select(Worklog).where(*_period_worklogs(approval),
                                                         Worklog.frozen_at.is_not(None))):
        worklog.frozen_at = None
        price_worklog(session, worklog, now=now)


def _apply(session: Session, caller: Caller, subj: Subject, action: str, *,
           comment: str | None, reviewer: str | None, now: datetime,
           policy: WorklogPolicy) -> TimesheetApproval:
    row = subj.row
    if row is None:  # not yet in the session: inserted once complete, by _insert_first
        row = TimesheetApproval(account_id=subj.user, period_from=subj.period.start,
                                period_to=subj.period.end, status=APPROVAL_OPEN)
    before = row.status
    row.status = TRANSITIONS[action][1]
    row.comment, row.actor_account_id, row.updated_at = comment, caller.account_id, now
    if action == "submit":
        row.reviewer_account_id = reviewer
        row.submitted_by = caller.account_id
        row.required_seconds_at_submit = required_seconds(policy, subj.period)
        row.time_spent_seconds_at_submit = time_spent(
            session, [subj.user], subj.period).get(subj.user, 0)
    if subj.row is None:
        raced = _insert_first(session, row, subj)
        if raced is not None:
            again = Subject(subj.user, subj.period, raced, subj.default_reviewer)
            check_transition(action, caller, again)
            return _apply(session, caller, again, action, comment=comment, reviewer=reviewer,
                          now=now, policy=policy)
    session.flush()
    _log(session, row, action, before, now)
    if action == "approve":
        freeze_amounts(session, row, now=now)
    elif action == "reopen":
        thaw_amounts(session, row, now=now)
    return row


def _insert_first(session: Session, row: TimesheetApproval,
                  subj: Subject) -> TimesheetApproval | None:
    """Insert the timesheet's first row; None when that worked. A concurrent request may have
    inserted it first — the unique constraint tells, and only its savepoint is undone — and
    then its row is returned (locked), for this transition to be judged against the state that
    request left: a second submit is a 409, as if the two had come one after the other."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return approval_row(session, subj.user, subj.period, lock=True)
    return None


def _comment_or_fail(action: str, comment: str | None) -> None:
    if action in COMMENT_REQUIRED and not (comment or "").strip():
        raise InvalidInput(COMMENT_REQUIRED[action], [FieldProblem(
            "comment", COMMENT_REQUIRED[action], "required")])


def transition(session: Session, caller: Caller, user: str, period: Period, action: str, *,
               comment: str | None, reviewer: str | None, site_admins: list[str],
               policy: WorklogPolicy, now: datetime) -> Subject:
    """Make one transition of ``user``'s timesheet; returns the new state."""
    subj = subject(session, user, period, site_admins=site_admins, lock=True)
    check_transition(action, caller, subj)
    _comment_or_fail(action, comment)
    if action == "reopen":
        require_timesheet_not_invoiced(session, user, period.start, period.end)
    if action == "submit":
        reviewer = _chosen_reviewer(session, subj, reviewer, site_admins)
    row = _apply(session, caller, subj, action, comment=comment, reviewer=reviewer, now=now,
                 policy=policy)
    return Subject(user, period, row, subj.default_reviewer)


def _chosen_reviewer(session: Session, subj: Subject, wanted: str | None,
                     site_admins: list[str]) -> str:
    allowed = access.timesheet_reviewers(session, subj.user, subj.period,
                                         site_admins=site_admins)
    if wanted is not None and wanted not in allowed:
        raise PolicyViolation("not an allowed reviewer", [FieldProblem(
            "reviewerAccountId", f"{wanted} may not review this timesheet; see /reviewers",
            "not_allowed")])
    if not allowed:
        raise PolicyViolation("nobody can review this timesheet", [FieldProblem(
            "reviewerAccountId",
            "no reviewer is available (no team lead, account lead or site admin)",
            "no_reviewer")])
    return wanted or allowed[0]


@dataclass(frozen=True)
class BulkAnswer:
    user: str
    approved: bool
    status: str
    code: str | None = None
    message: str | None = None


def bulk_approve(session: Session, caller: Caller, users: list[str], period: Period, *,
                 comment: str | None, now: datetime) -> list[BulkAnswer]:
    """Approve many people's IN_REVIEW timesheets at once, answering per person.

    Set-based: one query loads every row, checks run in memory, and one flush writes every
    approval and its log. Each person's approval is all-or-nothing (their row and log change
    together or not at all).
    """
    rows = {row.account_id: row for row in session.scalars(select(TimesheetApproval).where(
        TimesheetApproval.account_id.in_(users),
        TimesheetApproval.period_from == period.start))}
    answers, approved = [], []
    for user in dict.fromkeys(users):
        row = rows.get(user)
        subj = Subject(user, period, row, row.reviewer_account_id if row else None)
        try:
            check_transition("approve", caller, subj)
        except (Forbidden, Conflict) as exc:
            code = "forbidden" if isinstance(exc, Forbidden) else "wrong_state"
            answers.append(BulkAnswer(user, False, subj.status, code, exc.message))
            continue
        row.status, row.comment = APPROVAL_APPROVED, comment
        row.actor_account_id, row.updated_at = caller.account_id, now
        approved.append(row)
        answers.append(BulkAnswer(user, True, APPROVAL_APPROVED))
    session.flush()
    for row in approved:
        _log(session, row, "approve", APPROVAL_IN_REVIEW, now)
        freeze_amounts(session, row, now=now)
    session.flush()
    return answers


def waiting_for(session: Session, caller: Caller, *, now: datetime) -> list[TimesheetApproval]:
    """IN_REVIEW timesheets of the past 12 months the caller is the reviewer of."""
    since = (now - timedelta(days=366)).date()
    return list(session.scalars(select(TimesheetApproval).where(
        TimesheetApproval.reviewer_account_id == caller.account_id,
        TimesheetApproval.status == APPROVAL_IN_REVIEW,
        TimesheetApproval.period_from >= since)
        .order_by(TimesheetApproval.period_from, TimesheetApproval.account_id)))


def approvals_between(session: Session, users: list[str], period: Period
                      ) -> dict[str, TimesheetApproval]:
    return {row.account_id: row for row in session.scalars(select(TimesheetApproval).where(
        TimesheetApproval.account_id.in_(users),
        TimesheetApproval.period_from == period.start))}


def search_logs(session: Session, users: list[str], updated_from: date | None, *,
                limit: int) -> list[tuple[ApprovalLog, date, date]]:
    """The approval history, oldest first: each log with its period's first and last day."""
    query = select(ApprovalLog, TimesheetApproval.period_from, TimesheetApproval.period_to) \
        .join(TimesheetApproval, TimesheetApproval.id == ApprovalLog.approval_id)
    if users:
        query = query.where(ApprovalLog.account_id.in_(users))
    if updated_from is not None:
        query = query.where(ApprovalLog.created_at >= datetime.combine(
            updated_from, datetime.min.time(), tzinfo=UTC))
    return [tuple(row) for row in session.execute(
        query.order_by(ApprovalLog.created_at, ApprovalLog.id).limit(limit))]


def locking_approval(session: Session, author: str, day: date) -> TimesheetApproval | None:
    """The IN_REVIEW or APPROVED timesheet covering ``author``'s ``day``, if any."""
    return session.scalar(select(TimesheetApproval).where(
        TimesheetApproval.account_id == author, TimesheetApproval.period_from <= day,
        TimesheetApproval.period_to >= day,
        TimesheetApproval.status.in_(LOCKING_APPROVAL_STATES)).limit(1))


def locking_approvals_of(session: Session, authors: list[str]) -> list[TimesheetApproval]:
    """Every IN_REVIEW or APPROVED timesheet of ``authors`` (a sync batch asks once)."""
    return list(session.scalars(select(TimesheetApproval).where(
        TimesheetApproval.account_id.in_(authors),
        TimesheetApproval.status.in_(LOCKING_APPROVAL_STATES))))


def reopen_for_jira(session: Session, approval: TimesheetApproval, *, actor: str,
                    reason: str, now: datetime) -> None:
    """A resolved discrepancy kept Jira's version: the person's period opens again."""
    before = approval.status
    approval.status, approval.comment = APPROVAL_OPEN, reason
    approval.actor_account_id, approval.updated_at = actor, now
    session.flush()
    _log(session, approval, "reopen", before, now)
    thaw_amounts(session, approval, now=now)
