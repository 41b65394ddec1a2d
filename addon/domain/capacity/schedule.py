"""The user schedule: what each person is required to work on each calendar day.

required = workload scheme's seconds for the weekday (the scheme in force that day) − holiday
(whole or part of the day) − absence (whole or ``seconds_per_day``), never below zero. Days are
calendar dates stepped one at a time (never by 86 400 s), so a 23- or 25-hour DST day is one
day like any other: the scheme, not the clock, says how long a working day is.

``load_inputs`` reads everything for many people in a fixed number of set-based queries, and
``person_days`` is a pure pass over them: the user-schedule endpoint, plan spreading and the
capacity board share this one code path.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Absence
from ...models import Holiday
from ...models import HolidayScheme
from ...models import HolidaySchemeMember
from ...models import JiraUser
from ...models import WorkloadScheme
from ...models import WorkloadSchemeMember

WORKING_DAY = "WORKING_DAY"
NON_WORKING_DAY = "NON_WORKING_DAY"
HOLIDAY = "HOLIDAY"
HOLIDAY_AND_NON_WORKING_DAY = "HOLIDAY_AND_NON_WORKING_DAY"
ABSENCE = "ABSENCE"
DAY_TYPES = (WORKING_DAY, NON_WORKING_DAY, HOLIDAY, HOLIDAY_AND_NON_WORKING_DAY, ABSENCE)

# Used when a site has no default workload scheme yet: Tempo's own default (8 h, Mon–Fri).
BUILT_IN_WEEK = (28800, 28800, 28800, 28800, 28800, 0, 0)
WHOLE_DAY = None


@dataclass(frozen=True)
class ScheduleDay:
    date: date
    required_seconds: int
    type: str
    holiday_name: str | None = None


@dataclass
class ScheduleInputs:
    """Schemes, holidays and absences for a set of people over ``start..end`` (inclusive)."""

    start: date
    end: date
    scheme_days: dict[int, tuple[int, ...]] = field(default_factory=dict)
    default_week: tuple[int, ...] = BUILT_IN_WEEK
    # account -> sorted [(effective_from, scheme_id)]
    scheme_history: dict[str, list[tuple[date, int]]] = field(default_factory=dict)
    holiday_scheme_of: dict[str, int] = field(default_factory=dict)
    default_holiday_scheme: int | None = None
    # holiday scheme -> {date: (name, duration_seconds or None)}
    holidays: dict[int, dict[date, tuple[str, int | None]]] = field(default_factory=dict)
    # account -> {date: absent seconds, or None for the whole day}
    absences: dict[str, dict[date, int | None]] = field(default_factory=dict)


def days_between(start: date, end: date) -> Iterator[date]:
    """Every calendar date from ``start`` to ``end`` inclusive."""
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


def _in(column, people: Iterable[str] | None):
    return True if people is None else column.in_(list(people))


def load_inputs(session: Session, people: Iterable[str] | None, start: date,
                end: date) -> ScheduleInputs:
    """Everything ``person_days`` needs, in six queries whatever the number of people.

    ``people`` None means everyone (the capacity board without a filter).
    """
    people = None if people is None else sorted(set(people))
    inputs = ScheduleInputs(start=start, end=end)
    for scheme_id, days, is_default in session.execute(select(
            WorkloadScheme.id, WorkloadScheme.day_seconds, WorkloadScheme.is_default)):
        inputs.scheme_days[scheme_id] = tuple(int(s) for s in days)
        if is_default:
            inputs.default_week = inputs.scheme_days[scheme_id]
    history = defaultdict(list)
    for account_id, effective_from, scheme_id in session.execute(select(
            WorkloadSchemeMember.account_id, WorkloadSchemeMember.effective_from,
            WorkloadSchemeMember.scheme_id).where(
            _in(WorkloadSchemeMember.account_id, people),
            WorkloadSchemeMember.effective_from <= end).order_by(
            WorkloadSchemeMember.account_id, WorkloadSchemeMember.effective_from)):
        history[account_id].append((effective_from, scheme_id))
    inputs.scheme_history = dict(history)
    inputs.default_holiday_scheme = session.scalar(select(HolidayScheme.id).where(
        HolidayScheme.is_default.is_(True)))
    inputs.holiday_scheme_of = dict(session.execute(select(
        HolidaySchemeMember.account_id, HolidaySchemeMember.scheme_id).where(
        _in(HolidaySchemeMember.account_id, people))).all())
    holidays = defaultdict(dict)
    for scheme_id, day, name, duration in session.execute(select(
            Holiday.scheme_id, Holiday.date, Holiday.name, Holiday.duration_seconds).where(
            Holiday.date.between(start, end))):
        holidays[scheme_id][day] = (name, duration)
    inputs.holidays = dict(holidays)
    inputs.absences = _absences(session, people, start, end)
    return inputs


def _absences(session: Session, people, start: date, end: date) -> dict:
    absences: dict[str, dict[date, int | None]] = defaultdict(dict)
    for account_id, first, last, per_day in session.execute(select(
            Absence.account_id, Absence.from_date, Absence.to_date,
            Absence.seconds_per_day).where(
            _in(Absence.account_id, people), Absence.from_date <= end,
            Absence.to_date >= start)):
        days = absences[account_id]
        for day in days_between(max(first, start), min(last, end)):
            if per_day is WHOLE_DAY or days.get(day, 0) is WHOLE_DAY:
                days[day] = WHOLE_DAY
            else:
                days[day] = days.get(day, 0) + per_day
    return dict(absences)


def classify(base: int, holiday: tuple[str, int | None] | None,
             absent: int | None | bool) -> tuple[int, str]:
    """(required seconds, day type) for one day. ``absent`` False: no absence that day."""
    if holiday is not None:
        if base == 0:
            return 0, HOLIDAY_AND_NON_WORKING_DAY
        duration = holiday[1]
        left, kind = (0 if duration is None else max(0, base - duration)), HOLIDAY
    elif base == 0:
        return 0, NON_WORKING_DAY
    else:
        left, kind = base, WORKING_DAY
    if absent is not False and left > 0:
        left = 0 if absent is WHOLE_DAY else max(0, left - absent)
        if kind == WORKING_DAY and left == 0:
            kind = ABSENCE
    return left, kind


def person_days(inputs: ScheduleInputs, account_id: str, *,
                with_absences: bool = True) -> Iterator[ScheduleDay]:
    """The person's days from ``inputs.start`` to ``inputs.end``: one pure pass."""
    history = inputs.scheme_history.get(account_id, [])
    starts = [effective for effective, _ in history]
    holiday_scheme = inputs.holiday_scheme_of.get(account_id, inputs.default_holiday_scheme)
    holidays = inputs.holidays.get(holiday_scheme, {}) if holiday_scheme else {}
    absences = inputs.absences.get(account_id, {}) if with_absences else {}
    for day in days_between(inputs.start, inputs.end):
        index = bisect_right(starts, day) - 1
        week = inputs.scheme_days.get(history[index][1], inputs.default_week) \
            if index >= 0 else inputs.default_week
        holiday = holidays.get(day)
        required, kind = classify(week[day.weekday()], holiday, absences.get(day, False))
        yield ScheduleDay(day, required, kind, holiday[0] if holiday else None)


def user_schedule(session: Session, account_id: str, start: date,
                  end: date) -> list[ScheduleDay]:
    """The person's schedule over an inclusive range."""
    return list(person_days(load_inputs(session, [account_id], start, end), account_id))


def time_zone_of(session: Session, account_id: str) -> ZoneInfo:
    """The person's zone as synced from Jira (UTC when unknown or unrecognised)."""
    name = session.scalar(select(JiraUser.time_zone).where(JiraUser.account_id == account_id))
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def today_for(session: Session, account_id: str, now: datetime) -> date:
    """Today's date where the person is (Auckland is a day ahead of Los Angeles)."""
    return now.astimezone(time_zone_of(session, account_id)).date()


def required_by_person(inputs: ScheduleInputs, people: Iterable[str]) -> dict[str, list[int]]:
    """Each person's required seconds for every day of the range (one list per person).

    People who share a scheme history and a holiday scheme have the same days before absences,
    so those are computed once and shared (absences are then applied to a copy) — the board for
    hundreds of people on a few schemes is a handful of passes, not one per person.
    """
    shared: dict[tuple, list[int]] = {}
    found: dict[str, list[int]] = {}
    for who in people:
        key = (tuple(inputs.scheme_history.get(who, ())),
               inputs.holiday_scheme_of.get(who, inputs.default_holiday_scheme))
        base = shared.get(key)
        if base is None:
            base = shared[key] = [day.required_seconds
                                  for day in person_days(inputs, who, with_absences=False)]
        absences = inputs.absences.get(who)
        found[who] = _minus_absences(base, absences, inputs.start) if absences else base
    return found


def _minus_absences(base: list[int], absences: dict[date, int | None], start: date) -> list[int]:
    """What ``classify`` does to a day's remaining time, applied to a copy of ``base``."""
    days = list(base)
    for day, absent in absences.items():
        offset = (day - start).days
        if 0 <= offset < len(days) and days[offset]:
            days[offset] = 0 if absent is WHOLE_DAY else max(0, days[offset] - absent)
    return days
