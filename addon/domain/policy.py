"""The site's worklog policy: what every write path must enforce at capture.

Stored as one TenantSetting so an admin change applies at once to the panel and the REST API
(they share ``addon.domain.worklogs``, which calls ``check_policy``).
"""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import fields
from dataclasses import replace
from datetime import date
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import TenantSetting
from ..models import Worklog
from .errors import FieldProblem
from .errors import InvalidInput

POLICY_SETTING = "worklog_policy"
DAY = 24 * 3600


@dataclass(frozen=True)
class WorklogPolicy:
    description_required: bool = False
    account_required: bool = False
    min_duration_seconds: int = 60
    max_duration_seconds: int = DAY
    max_seconds_per_day: int = DAY
    # None: no limit. Counted in the author's calendar days from "today" in their zone.
    days_back_allowed: int | None = None
    days_ahead_allowed: int | None = 0
    hours_per_day: int = 8
    days_per_week: int = 5


def load_policy(session: Session) -> WorklogPolicy:
    setting = session.get(TenantSetting, (session.tenant_id, POLICY_SETTING))
    if setting is None:
        return WorklogPolicy()
    known = {f.name for f in fields(WorklogPolicy)}
    return WorklogPolicy(**{k: v for k, v in setting.value.items() if k in known})


# Every setting is bounded (issue 13): ``daysAheadAllowed: 10**12`` once made every later
# date computation overflow. Limits are (minimum, maximum), inclusive.
BOUNDS = {
    "min_duration_seconds": (0, DAY),
    "max_duration_seconds": (1, 7 * DAY),
    "max_seconds_per_day": (1, DAY),
    "days_back_allowed": (0, 3660),
    "days_ahead_allowed": (0, 3660),
    "hours_per_day": (1, 24),
    "days_per_week": (1, 7),
}
_NULLABLE = ("days_back_allowed", "days_ahead_allowed")


def policy_problems(changes: dict) -> list[FieldProblem]:
    """Every malformed or out-of-range setting in ``changes`` (WorklogPolicy names)."""
    known = {f.name for f in fields(WorklogPolicy)}
    problems = []
    for name, value in changes.items():
        if name not in known:
            problems.append(FieldProblem(name, f"unknown policy setting {name!r}"))
        elif name.endswith("_required"):
            if not isinstance(value, bool):
                problems.append(FieldProblem(name, f"{name} must be true or false"))
        elif value is None and name in _NULLABLE:
            continue
        elif not isinstance(value, int) or isinstance(value, bool):
            problems.append(FieldProblem(name, f"{name} must be a whole number"))
        elif not BOUNDS[name][0] <= value <= BOUNDS[name][1]:
            low, high = BOUNDS[name]
            problems.append(FieldProblem(name, f"{name} must be between {low} and {high}",
                                         "out_of_range"))
    return problems


def save_policy(session: Session, changes: dict) -> WorklogPolicy:
    """Validate and store policy changes (field names as in WorklogPolicy).

    Raises InvalidInput naming every bad setting at once; nothing is stored then.
    """
    problems = policy_problems(changes)
    if not problems:
        updated = replace(load_policy(session), **changes)
        if updated.min_duration_seconds > updated.max_duration_seconds:
            problems.append(FieldProblem(
                "min_duration_seconds", "the minimum duration exceeds the maximum"))
    if problems:
        raise InvalidInput("invalid policy", problems)
    setting = session.get(TenantSetting, (session.tenant_id, POLICY_SETTING))
    if setting is None:
        session.add(TenantSetting(name=POLICY_SETTING, value=asdict(updated)))
    else:
        setting.value = asdict(updated)
    return updated


def seconds_logged_on(session: Session, author: str, day: date,
                      exclude_worklog_id: int | None = None) -> int:
    query = select(func.coalesce(func.sum(Worklog.time_spent_seconds), 0)).where(
        Worklog.author_account_id == author, Worklog.start_date == day,
        Worklog.deleted_at.is_(None))
    if exclude_worklog_id is not None:
        query = query.where(Worklog.id != exclude_worklog_id)
    return int(session.scalar(query))


def check_policy(session: Session, policy: WorklogPolicy, *, author: str, day: date,
                 today: date, seconds: int, description: str, account_key: str | None,
                 worklog_id: int | None = None) -> list[FieldProblem]:
    """Every policy rule, each naming the field it is about. Empty list: all rules pass."""
    problems: list[FieldProblem] = []
    if policy.description_required and not description.strip():
        problems.append(FieldProblem("description", "a description is required", "required"))
    if policy.account_required and not account_key:
        problems.append(FieldProblem("attributes._Account_", "an account is required",
                                     "required"))
    if seconds < policy.min_duration_seconds:
        problems.append(FieldProblem(
            "timeSpentSeconds", f"a worklog must be at least {policy.min_duration_seconds} s",
            "too_short"))
    if seconds > policy.max_duration_seconds:
        problems.append(FieldProblem(
            "timeSpentSeconds", f"a worklog may be at most {policy.max_duration_seconds} s",
            "too_long"))
    if policy.days_back_allowed is not None and day < today - timedelta(
            days=policy.days_back_allowed):
        problems.append(FieldProblem(
            "startDate", f"time may be logged at most {policy.days_back_allowed} days back",
            "too_far_back"))
    if policy.days_ahead_allowed is not None and day > today + timedelta(
            days=policy.days_ahead_allowed):
        problems.append(FieldProblem(
            "startDate", f"time may be logged at most {policy.days_ahead_allowed} days ahead",
            "too_far_ahead"))
    logged = seconds_logged_on(session, author, day, exclude_worklog_id=worklog_id)
    if logged + seconds > policy.max_seconds_per_day:
        problems.append(FieldProblem(
            "timeSpentSeconds",
            f"{day.isoformat()} would total {logged + seconds} s, over the daily maximum of "
            f"{policy.max_seconds_per_day} s", "daily_maximum"))
    return problems
