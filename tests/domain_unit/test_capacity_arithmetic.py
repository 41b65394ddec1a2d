"""The capacity arithmetic as pure functions: day classification, spreading, periods."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from addon.domain.capacity.periods import periods
from addon.domain.capacity.schedule import ScheduleDay
from addon.domain.capacity.schedule import classify
from addon.domain.capacity.schedule import days_between
from addon.domain.capacity.spread import NoWorkingTime
from addon.domain.capacity.spread import spread_per_day
from addon.domain.capacity.spread import spread_total

H = 3600


@pytest.mark.parametrize(("base", "holiday", "absent", "expected"), [
    (8 * H, None, False, (8 * H, "WORKING_DAY")),
    (0, None, False, (0, "NON_WORKING_DAY")),
    (8 * H, ("Xmas", None), False, (0, "HOLIDAY")),
    (8 * H, ("Eve", 4 * H), False, (4 * H, "HOLIDAY")),
    (0, ("Sunday", None), False, (0, "HOLIDAY_AND_NON_WORKING_DAY")),
    (8 * H, None, None, (0, "ABSENCE")),
    (8 * H, None, 3 * H, (5 * H, "WORKING_DAY")),
    (8 * H, ("Eve", 4 * H), 6 * H, (0, "HOLIDAY")),
    (0, None, None, (0, "NON_WORKING_DAY")),
])
def test_a_day_is_the_scheme_minus_holiday_minus_absence(base, holiday, absent, expected):
    assert classify(base, holiday, absent) == expected


def _days(*required) -> list[ScheduleDay]:
    return [ScheduleDay(date(2026, 3, 2 + i), s, "WORKING_DAY" if s else "NON_WORKING_DAY")
            for i, s in enumerate(required)]


@settings(deadline=None, max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**7), st.lists(st.sampled_from([0, 1, 4 * H, 6 * H, 8 * H, 12 * H]),
                                       min_size=1, max_size=20))
def test_a_spread_total_always_adds_up_and_skips_days_off(total, required):
    days = _days(*required)
    if not any(required):
        with pytest.raises(NoWorkingTime):
            spread_total(total, days, include_non_working_days=False)
        return
    spread = spread_total(total, days, include_non_working_days=False)
    assert sum(s for _, s in spread) == total
    assert {d for d, _ in spread} == {d.date for d in days if d.required_seconds}


def test_shares_follow_required_time_with_the_remainder_on_the_last_day():
    spread = spread_total(9 * H + 5, _days(8 * H, 4 * H, 0, 6 * H),
                          include_non_working_days=False)
    assert [s for _, s in spread] == [4 * H + 2, 2 * H + 1, 3 * H + 2]


def test_even_spread_over_calendar_days_and_per_day_plans():
    assert [s for _, s in spread_total(10, _days(0, 0, 0), include_non_working_days=True)] == [
        3, 3, 4]
    assert spread_per_day(H, _days(8 * H, 0, 8 * H), include_non_working_days=False) == [
        (date(2026, 3, 2), H), (date(2026, 3, 4), H)]
    assert len(spread_per_day(H, _days(8 * H, 0), include_non_working_days=True)) == 2


def test_calendar_days_are_stepped_by_date_across_dst_changes():
    # 8 March 2026 is 23 hours long in Los Angeles; 5 April 2026 is 25 in Auckland.
    assert len(list(days_between(date(2026, 3, 1), date(2026, 4, 30)))) == 61


@pytest.mark.parametrize(("granularity", "week_start", "expected"), [
    ("WEEK", 1, [("2026-03-04", "2026-03-08"), ("2026-03-09", "2026-03-15"),
                 ("2026-03-16", "2026-03-17")]),
    ("WEEK", 7, [("2026-03-04", "2026-03-07"), ("2026-03-08", "2026-03-14"),
                 ("2026-03-15", "2026-03-17")]),
    ("MONTH", 1, [("2026-03-04", "2026-03-17")]),
])
def test_periods_cover_the_range_exactly(granularity, week_start, expected):
    found = periods(date(2026, 3, 4), date(2026, 3, 17), granularity, week_start)
    assert [(p.start.isoformat(), p.end.isoformat()) for p in found] == expected


def test_months_roll_over_the_year():
    found = periods(date(2026, 12, 30), date(2027, 1, 2), "MONTH")
    assert [(p.start, p.end) for p in found] == [(date(2026, 12, 30), date(2026, 12, 31)),
                                                (date(2027, 1, 1), date(2027, 1, 2))]
