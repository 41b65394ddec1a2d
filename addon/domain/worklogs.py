"""The single worklog write path: every way of logging time (panel, REST API, Jira via sync)
goes through here, so every rule is enforced the same way.

App writes are validated at capture (required fields, policy, account, billable bounds) and
marked PENDING for the push to Jira. Worklogs first seen in Jira are adopted with defaults and
flagged incomplete when required attributes are missing; they are never dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import JiraIssue
from ..models import JiraUser
from ..models import JiraWorklog
from ..models import Worklog
from ..models.approval import PERIOD_CLOSED
from ..models.approval import PERIOD_CLOSED_FOR_USERS
from ..models.worklog import PUSH_DELETING
from ..models.worklog import PUSH_PENDING
from ..models.worklog import PUSH_SYNCED
from .access import Caller
from .access import Visibility
from .access import may_correct_closed_period
from .access import visible_issues
from .account_rules import AccountChoice
from .account_rules import require_open
from .account_rules import resolve_account
from .approvals import locking_approval
from .attributes import ACCOUNT_ATTRIBUTE
from .attributes import list_attributes
from .attributes import missing_required
from .attributes import validate_values
from .budgets import record_crossings
from .errors import Conflict
from .errors import FieldProblem
from .errors import InvalidInput
from .errors import NotFound
from .errors import PolicyViolation
from .issues import live_issue
from .locked_records import keep_locked_record
from .periods import closure_status
from .policy import WorklogPolicy
from .policy import check_policy
from .pricing import price_worklog
from .sync_batch import at_batch_end
from .sync_batch import current_batch
from .sync_batch import find_row
from .sync_batch import memoized
from .sync_batch import new_row
from .sync_batch import remember

AdminCheck = Callable[[], bool]


@dataclass(frozen=True)
class WorklogInput:
    issue_id: str
    author_account_id: str
    start_date: date
    start_time: time
    time_spent_seconds: int
    time_zone: str = "UTC"
    billable_seconds: int | None = None
    description: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    # Tempo's remainingEstimateSeconds: the issue's new remaining estimate, sent with the push.
    remaining_estimate_seconds: int | None = None


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"unknown time zone {name!r}", [FieldProblem(
            "timeZone", f"unknown time zone {name!r}")]) from None


def local_to_utc(day: date, at: time, time_zone: str) -> datetime:
    """The UTC instant of a wall-clock time; in a DST gap the later offset is used."""
    return datetime.combine(day, at, tzinfo=zone(time_zone)).astimezone(UTC)


def author_zone(session: Session, account_id: str) -> str:
    """The author's time zone as Jira last told us (UTC when we never heard)."""
    found = session.scalar(select(JiraUser.time_zone).where(JiraUser.account_id == account_id))
    return found or "UTC"


def get_worklog(session: Session, worklog_id: int) -> Worklog:
    worklog = session.get(Worklog, worklog_id)
    if worklog is None or worklog.tenant_id != session.tenant_id or worklog.deleted_at:
        raise NotFound(f"worklog {worklog_id} not found")
    return worklog


def synced_issue(session: Session, issue_id: str,
                 visibility: Visibility | None = None) -> JiraIssue:
    """The live issue, if the writer may see it: an issue hidden from them answers exactly like
    an unknown one, so a write cannot probe which issues exist (issue 13)."""
    issue = live_issue(session, jira_id=str(issue_id),
                       where=None if visibility is None else visible_issues(visibility))
    if issue is None:
        raise InvalidInput(f"issue {issue_id} not found", [FieldProblem(
            "issueId", f"issue {issue_id} is not a known Jira issue", "not_found")])
    return issue


def _billable(data: WorklogInput, choice: AccountChoice) -> int:
    """The billable seconds given (already checked), or the account's default."""
    if data.billable_seconds is None:
        bills = choice.account is not None and choice.account.bills_by_default
        return data.time_spent_seconds if bills else 0
    return data.billable_seconds


def input_problems(session: Session, data: WorklogInput,
                   visibility: Visibility | None = None) -> list[FieldProblem]:
    """Every malformed part of a worklog input (the 400 class), all at once (issue 12).

    Fields left ``None`` failed parsing and were reported by the caller, so they are skipped
    here; the other fields are still checked, so one answer names every mistake.
    """
    problems: list[FieldProblem] = []
    if data.time_spent_seconds is not None and data.time_spent_seconds <= 0:
        problems.append(FieldProblem(
            "timeSpentSeconds", "timeSpentSeconds must be a positive number of seconds"))
    if data.time_zone is not None:
        try:
            zone(data.time_zone)
        except InvalidInput as exc:
            problems += exc.problems
    if data.issue_id is not None:
        try:
            synced_issue(session, data.issue_id, visibility)
        except InvalidInput as exc:
            problems += exc.problems
    attributes = list_attributes(session)
    problems += validate_values(attributes, data.attributes)
    names = {a.key: a.name for a in attributes}
    problems += [FieldProblem(f"attributes.{key}", f"{names[key]} is required", "required")
                 for key in missing_required(attributes, data.attributes)]
    if None not in (data.billable_seconds, data.time_spent_seconds) and not \
            0 <= data.billable_seconds <= data.time_spent_seconds:
        problems.append(FieldProblem(
            "billableSeconds", "billableSeconds must be between 0 and timeSpentSeconds",
            "out_of_range"))
    return problems


def _validate(session: Session, data: WorklogInput, policy: WorklogPolicy, *, today: date,
              worklog_id: int | None, visibility: Visibility | None = None
              ) -> tuple[JiraIssue, AccountChoice, int]:
    """All capture rules; raises InvalidInput (400) naming every malformed field, else
    PolicyViolation (422) naming every rule broken."""
    problems = input_problems(session, data, visibility)
    if problems:
        raise InvalidInput(problems[0].message if len(problems) == 1 else "invalid worklog",
                           problems)
    issue = synced_issue(session, data.issue_id)
    choice = resolve_account(session, issue, data.attributes.get(ACCOUNT_ATTRIBUTE))
    require_open(choice)
    billable = _billable(data, choice)
    problems = check_policy(session, policy, author=data.author_account_id, day=data.start_date,
                            today=today, seconds=data.time_spent_seconds,
                            description=data.description, account_key=choice.key,
                            worklog_id=worklog_id)
    if problems:
        raise PolicyViolation("the worklog breaks the site's policy", problems)
    return issue, choice, billable


def require_unlocked(session: Session, author: str, day: date, *, actor: str | None,
                     admin_check: AdminCheck | None) -> None:
    """Issue 9 locking: no app write touches a locked period (409 naming it and its state).

    A timesheet IN_REVIEW or APPROVED is locked for everyone; an admin's period closure
    CLOSED is too, and CLOSED_FOR_USERS still lets site admins and the author's reviewers
    correct entries. ``admin_check`` asks Jira, so it is called only when a closure needs it.
    """
    approval = locking_approval(session, author, day)
    if approval is not None:
        period = f"{approval.period_from.isoformat()}..{approval.period_to.isoformat()}"
        message = f"the timesheet of {author} for {period} is {approval.status}"
        raise Conflict(message, [FieldProblem("startDate", message, "period_locked")])
    status, period = closure_status(session, day)
    if status == PERIOD_CLOSED or status == PERIOD_CLOSED_FOR_USERS and not (
            actor and may_correct_closed_period(
                session, Caller(actor, bool(admin_check and admin_check())), author, period)):
        message = f"the period {period.label()} is {status}"
        raise Conflict(message, [FieldProblem("startDate", message, "period_locked")])


def _write(worklog: Worklog, data: WorklogInput, issue: JiraIssue, choice: AccountChoice,
           billable: int) -> None:
    worklog.issue_jira_id = issue.jira_id
    worklog.project_jira_id = issue.project_jira_id
    worklog.author_account_id = data.author_account_id
    worklog.start_date = data.start_date
    worklog.start_time = data.start_time
    worklog.time_zone = data.time_zone
    worklog.started_at = local_to_utc(data.start_date, data.start_time, data.time_zone)
    worklog.time_spent_seconds = data.time_spent_seconds
    worklog.billable_seconds = billable
    worklog.description = data.description
    worklog.account_key = choice.key
    worklog.account_rule = choice.rule
    worklog.attributes = {k: v for k, v in data.attributes.items() if k != ACCOUNT_ATTRIBUTE}
    worklog.complete = True
    worklog.new_estimate_seconds = data.remaining_estimate_seconds
    worklog.push_state = PUSH_PENDING
    worklog.push_attempts = 0
    worklog.push_error = None


def create_worklog(session: Session, data: WorklogInput, *, policy: WorklogPolicy,
                   today: date, actor: str, now: datetime,
                   admin_check: AdminCheck | None = None,
                   visibility: Visibility | None = None) -> Worklog:
    """Validate, price and store a new worklog, PENDING its push to Jira (the caller enqueues
    it). Only on an issue ``visibility`` shows (the writer's Browse Projects; None: any)."""
    require_unlocked(session, data.author_account_id, data.start_date, actor=actor,
                     admin_check=admin_check)
    issue, choice, billable = _validate(session, data, policy, today=today, worklog_id=None,
                                        visibility=visibility)
    worklog = Worklog(created_by=actor)
    _write(worklog, data, issue, choice, billable)
    price_worklog(session, worklog, now=now)
    session.add(worklog)
    session.flush()
    record_crossings(session, worklog.account_key, day=worklog.start_date, now=now)
    return worklog


def replace_worklog(session: Session, worklog_id: int, data: WorklogInput, *,
                    policy: WorklogPolicy, today: date, now: datetime, actor: str | None = None,
                    admin_check: AdminCheck | None = None) -> Worklog:
    """PUT: every field replaced; the issue cannot change (as in Tempo). Neither the period it
    leaves nor the one it moves into may be locked."""
    worklog = get_worklog(session, worklog_id)
    for author, day in {(worklog.author_account_id, worklog.start_date),
                        (data.author_account_id, data.start_date)}:
        require_unlocked(session, author, day, actor=actor, admin_check=admin_check)
    if str(data.issue_id) != worklog.issue_jira_id:
        raise InvalidInput("a worklog cannot move to another issue", [FieldProblem(
            "issueId", "a worklog cannot be moved to another issue; delete and recreate it")])
    issue, choice, billable = _validate(session, data, policy, today=today,
                                        worklog_id=worklog.id)
    _write(worklog, data, issue, choice, billable)
    price_worklog(session, worklog, now=now)
    record_crossings(session, worklog.account_key, day=worklog.start_date, now=now)
    return worklog


def delete_worklog(session: Session, worklog_id: int, *, now: datetime,
                   actor: str | None = None, admin_check: AdminCheck | None = None) -> Worklog:
    worklog = get_worklog(session, worklog_id)
    require_unlocked(session, worklog.author_account_id, worklog.start_date, actor=actor,
                     admin_check=admin_check)
    worklog.deleted_at = now
    worklog.push_state = PUSH_DELETING if worklog.jira_worklog_id else PUSH_SYNCED
    return worklog


def _author_zone(session: Session, mirror: JiraWorklog) -> str:
    user = find_row(session, JiraUser, mirror.author_account_id) if mirror.author_account_id \
        else None
    if user and user.time_zone:
        try:
            ZoneInfo(user.time_zone)
            return user.time_zone
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return "UTC"


def _linkable(session: Session, mirror: JiraWorklog) -> Worklog | None:
    """A pending app worklog this Jira worklog is the echo of (our own push, not yet linked)."""
    batch = current_batch(session)
    if batch is not None:  # the batch loaded the candidates on its issues
        return next((w for w in batch.linkable if w.jira_worklog_id is None
                     and w.issue_jira_id == mirror.issue_jira_id
                     and w.author_account_id == mirror.author_account_id
                     and w.started_at == mirror.started_at
                     and w.time_spent_seconds == mirror.time_spent_seconds), None)
    return session.scalar(select(Worklog).where(
        Worklog.jira_worklog_id.is_(None), Worklog.push_state == PUSH_PENDING,
        Worklog.issue_jira_id == mirror.issue_jira_id,
        Worklog.author_account_id == mirror.author_account_id,
        Worklog.started_at == mirror.started_at,
        Worklog.time_spent_seconds == mirror.time_spent_seconds,
        Worklog.deleted_at.is_(None)).order_by(Worklog.id))


def adopt_jira_worklog(session: Session, mirror: JiraWorklog, *, now: datetime) -> Worklog | None:
    """Bring the app's worklog in line with a synced Jira worklog (create, update or delete)."""
    worklog = find_row(session, Worklog, mirror.jira_id)
    if worklog is not None and worklog.deleted_at is None and \
            worklog.push_state == PUSH_SYNCED and keep_locked_record(session, worklog, mirror,
                                                                     now=now):
        return worklog
    if mirror.deleted:
        if worklog is not None and worklog.deleted_at is None:
            worklog.deleted_at = mirror.deleted_at or now
            worklog.push_state = PUSH_SYNCED
        return worklog
    if worklog is None:
        worklog = _linkable(session, mirror)
        if worklog is not None:
            worklog.jira_worklog_id = mirror.jira_id
            remember(session, Worklog, mirror.jira_id, worklog)
            return worklog
    if worklog is not None and worklog.push_state != PUSH_SYNCED:
        return worklog  # a local change is on its way to Jira; it wins until pushed
    if worklog is not None and worklog.deleted_at is not None:
        worklog.deleted_at = None  # Jira has it: our deletion was inferred, not ours to keep
    issue = find_row(session, JiraIssue, mirror.issue_jira_id) if mirror.issue_jira_id else None
    if issue is None:
        return worklog
    if worklog is None:
        worklog = new_row(session, Worklog, mirror.jira_id, _adopted(session, mirror, issue))
    else:
        _follow_jira(session, worklog, mirror, issue)
    price_worklog(session, worklog, now=now)
    # Inside a sync batch the burn is measured once, after the batch's worklogs are written.
    account_key, day = worklog.account_key, worklog.start_date
    if account_key and not at_batch_end(session, ("budget", account_key, day),
                                        lambda: record_crossings(session, account_key,
                                                                 day=day, now=now)):
        record_crossings(session, account_key, day=day, now=now)
    return worklog


def _local(mirror: JiraWorklog, time_zone: str) -> datetime:
    return mirror.started_at.astimezone(ZoneInfo(time_zone))


def _adopted(session: Session, mirror: JiraWorklog, issue: JiraIssue) -> dict:
    """The app worklog a Jira worklog first seen becomes: its fields and the app's defaults."""
    time_zone = _author_zone(session, mirror)
    local = _local(mirror, time_zone)
    choice = resolve_account(session, issue, None)
    bills = choice.account is not None and choice.account.bills_by_default
    return {
        "jira_worklog_id": mirror.jira_id, "created_by": mirror.author_account_id,
        "author_account_id": mirror.author_account_id or "unknown", "attributes": {},
        "push_state": PUSH_SYNCED, "issue_jira_id": issue.jira_id,
        "project_jira_id": issue.project_jira_id, "time_zone": time_zone,
        "start_date": local.date(), "start_time": local.time().replace(microsecond=0),
        "started_at": mirror.started_at, "time_spent_seconds": mirror.time_spent_seconds,
        "billable_seconds": mirror.time_spent_seconds if bills else 0,
        "description": mirror.comment or "", "account_key": choice.key,
        "account_rule": choice.rule, "complete": not missing_required(_attributes(session), {}),
    }


def _attributes(session: Session) -> list:
    return memoized(session, ("attributes",), lambda: list_attributes(session))


def _follow_jira(session: Session, worklog: Worklog, mirror: JiraWorklog,
                 issue: JiraIssue) -> None:
    """Jira owns the raw fields; the app keeps billable/attributes, clamped to the new time."""
    was_fully_billable = worklog.billable_seconds == worklog.time_spent_seconds
    local = _local(mirror, worklog.time_zone)
    worklog.issue_jira_id = issue.jira_id
    worklog.project_jira_id = issue.project_jira_id
    worklog.start_date, worklog.start_time = local.date(), local.time().replace(microsecond=0)
    worklog.started_at = mirror.started_at
    worklog.time_spent_seconds = mirror.time_spent_seconds
    if was_fully_billable or worklog.billable_seconds > mirror.time_spent_seconds:
        worklog.billable_seconds = mirror.time_spent_seconds
    worklog.description = mirror.comment or ""
    if worklog.pushed_as != "app" and mirror.author_account_id:
        worklog.author_account_id = mirror.author_account_id
