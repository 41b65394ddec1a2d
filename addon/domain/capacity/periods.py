"""Reporting periods (days, weeks from the site's week start, months), clipped to the range,
and the stored ``weekStart`` setting (Tempo's 1 = Monday … 7 = Sunday; default Monday)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import timedelta

from sqlalchemy import case
from sqlalchemy.orm import Session

from ...models import TenantSetting
from ...models.capacity import WEEKDAYS
from ..errors import FieldProblem
from ..errors import InvalidInput

WEEK_START_SETTING = "week_start"
GRANULARITIES = ("DAY", "WEEK", "MONTH")


def load_week_start(session: Session) -> int:
    """The first day of a week, 1 (Monday) to 7 (Sunday)."""
    setting = session.get(TenantSetting, (session.tenant_id, WEEK_START_SETTING))
    return int(setting.value["weekStart"]) if setting else 1


def save_week_start(session: Session, value) -> int:
    """Store the week start from 1..7 or a day name (``SUNDAY``); raises InvalidInput."""
    if isinstance(value, str) and value.upper() in WEEKDAYS:
        value = WEEKDAYS.index(value.upper()) + 1
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 7:
        raise InvalidInput("'weekStart' must be 1 (Monday) to 7 (Sunday) or a day name",
                           [FieldProblem("weekStart", "must be 1..7 or MONDAY..SUNDAY")])
    setting = session.get(TenantSetting, (session.tenant_id, WEEK_START_SETTING))
    if setting is None:
        session.add(TenantSetting(name=WEEK_START_SETTING, value={"weekStart": value}))
    else:
        setting.value = {"weekStart": value}
    return value


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive


def _next_start(day: date, granularity: str, week_start: int) -> date:
    if granularity == "DAY":
        return day + timedelta(days=1)
    if granularity == "WEEK":
        return day + timedelta(days=7 - (day.weekday() - (week_start - 1)) % 7)
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def periods(start: date, end: date, granularity: str, week_start: int = 1) -> list[Period]:
    """Consecutive periods covering ``start..end`` exactly (the first and last may be partial)."""
    found, day = [], start
    while day <= end:
        following = _next_start(day, granularity, week_start)
        found.append(Period(day, min(end, following - timedelta(days=1))))
        day = following
    return found


def period_index_sql(column, spans: list[Period]):
    """A SQL expression numbering the period a date column falls in (0-based)."""
    return case(*[(column <= p.end, i) for i, p in enumerate(spans)], else_=len(spans))


def period_index_by_offset(start: date, spans: list[Period]) -> list[int]:
    """For each day offset from ``start``, the index of its period (for the Python pass)."""
    index = []
    for number, span in enumerate(spans):
        index += [number] * ((span.end - span.start).days + 1)
    return index
