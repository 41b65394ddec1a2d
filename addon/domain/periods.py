"""Approval periods: the site's setting (``approvalPeriod`` WEEK | MONTH, ``approvalWeekStart``
1=Monday..7=Sunday, as in Tempo's global configuration) and admins' period closures.

Closures are stored with their own dates, so a later change of the setting never moves a lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import PeriodClosure
from ..models import TenantSetting
from ..models.approval import PERIOD_OPEN
from ..models.approval import PERIOD_STATES
from .errors import FieldProblem
from .errors import InvalidInput

SETTING = "approval_period"
PERIOD_KINDS = ("WEEK", "MONTH")
MAX_LISTED_DAYS = 3 * 366  # GET /periods answers at most three years at once


@dataclass(frozen=True)
class PeriodSettings:
    period: str = "WEEK"
    week_start: int = 1  # ISO weekday: 1 = Monday


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def label(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def load_settings(session: Session) -> PeriodSettings:
    row = session.get(TenantSetting, (session.tenant_id, SETTING))
    if row is None:
        return PeriodSettings()
    return PeriodSettings(period=row.value.get("period", "WEEK"),
                          week_start=row.value.get("week_start", 1))


def settings_problems(period, week_start) -> list[FieldProblem]:
    """Problems with proposed values (``None`` = keep the stored value)."""
    problems = []
    if period is not None and period not in PERIOD_KINDS:
        problems.append(FieldProblem("approvalPeriod", "'approvalPeriod' must be WEEK or MONTH"))
    if week_start is not None and (not isinstance(week_start, int) or isinstance(
            week_start, bool) or not 1 <= week_start <= 7):
        problems.append(FieldProblem("approvalWeekStart",
                                     "'approvalWeekStart' must be 1 (Monday) to 7 (Sunday)",
                                     "out_of_range"))
    return problems


def save_settings(session: Session, *, period: str | None,
                  week_start: int | None) -> PeriodSettings:
    """Change what is given, keep the rest; raises InvalidInput naming every bad field."""
    problems = settings_problems(period, week_start)
    if problems:
        raise InvalidInput("invalid approval period settings", problems)
    current = load_settings(session)
    updated = PeriodSettings(period=period or current.period,
                             week_start=week_start or current.week_start)
    value = {"period": updated.period, "week_start": updated.week_start}
    row = session.get(TenantSetting, (session.tenant_id, SETTING))
    if row is None:
        session.add(TenantSetting(name=SETTING, value=value))
    elif row.value != value:
        row.value = value
    return updated


def period_of(settings: PeriodSettings, day: date) -> Period:
    """The approval period containing ``day``."""
    if settings.period == "MONTH":
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return Period(start, following - timedelta(days=1))
    start = day - timedelta(days=(day.isoweekday() - settings.week_start) % 7)
    return Period(start, start + timedelta(days=6))


def periods_between(settings: PeriodSettings, first: date, last: date) -> list[Period]:
    """Every period overlapping ``first``..``last``."""
    if last < first:
        raise InvalidInput("'to' is before 'from'", [FieldProblem("to", "'to' is before 'from'")])
    if (last - first).days > MAX_LISTED_DAYS:
        raise InvalidInput("range too long", [FieldProblem(
            "to", f"at most {MAX_LISTED_DAYS} days can be listed at once", "out_of_range")])
    periods, day = [], first
    while day <= last:
        period = period_of(settings, day)
        periods.append(period)
        day = period.end + timedelta(days=1)
    return periods


def exact_period(settings: PeriodSettings, start: date, end: date | None) -> Period:
    """The period starting on ``start`` (and ending on ``end`` if given), else InvalidInput."""
    period = period_of(settings, start)
    problems = []
    if period.start != start:
        problems.append(FieldProblem("from", f"{start.isoformat()} does not start an approval "
                                     f"period (that period is {period.label()})"))
    if end is not None and end != period.end:
        problems.append(FieldProblem("to", f"the period starting {period.start.isoformat()} "
                                     f"ends on {period.end.isoformat()}"))
    if problems:
        raise InvalidInput("not an approval period", problems)
    return period


def closures_between(session: Session, first: date, last: date) -> list[PeriodClosure]:
    return list(session.scalars(select(PeriodClosure).where(
        PeriodClosure.period_from <= last, PeriodClosure.period_to >= first)))


def closure_status(session: Session, day: date) -> tuple[str, Period | None]:
    """The admin status of the period holding ``day`` (OPEN when nobody closed it)."""
    row = session.scalar(select(PeriodClosure).where(
        PeriodClosure.period_from <= day, PeriodClosure.period_to >= day))
    if row is None:
        return PERIOD_OPEN, None
    return row.status, Period(row.period_from, row.period_to)


def set_period_status(session: Session, period: Period, status: str, *, actor: str,
                      now: datetime) -> PeriodClosure:
    """An admin sets a period's status for everyone (the caller checked the admin right)."""
    if status not in PERIOD_STATES:
        raise InvalidInput("invalid status", [FieldProblem(
            "status", f"'status' must be one of {', '.join(PERIOD_STATES)}")])
    row = session.scalar(select(PeriodClosure).where(PeriodClosure.period_from == period.start))
    if row is None:
        row = PeriodClosure(period_from=period.start, period_to=period.end)
        session.add(row)
    row.period_to, row.status, row.updated_by, row.updated_at = period.end, status, actor, now
    session.flush()
    return row
