"""Spreading a plan over a person's days, in whole seconds.

A total follows the schedule: each day gets its share in proportion to its required seconds
(a half-day holiday gets half a day's share, a weekend nothing), rounded down, and the seconds
lost to rounding go on the last day that gets any share — so the days always add up to the
total. With ``include_non_working_days`` a total is spread evenly over every calendar day.
A per-day amount lands on every day with required time (or every day, when asked).
"""

from __future__ import annotations

from datetime import date

from ..errors import FieldProblem
from ..errors import PolicyViolation
from .schedule import ScheduleDay


class NoWorkingTime(PolicyViolation):
    """A plan over days with no required time (say, a weekend) that did not ask for them."""


def _no_working_time() -> NoWorkingTime:
    return NoWorkingTime("the plan's range has no working time; set includeNonWorkingDays to "
                         "plan on non-working days", [FieldProblem(
                             "endDate", "the range has no working time", "no_working_time")])


def spread_total(total: int, days: list[ScheduleDay], *,
                 include_non_working_days: bool) -> list[tuple[date, int]]:
    """``(date, seconds)`` for every day of the plan that gets time; sums to ``total``."""
    weights = [1 if include_non_working_days else d.required_seconds for d in days]
    weight_sum = sum(weights)
    if weight_sum == 0:
        raise _no_working_time()
    last = max(i for i, w in enumerate(weights) if w > 0)
    shares = [total * w // weight_sum for w in weights]
    shares[last] += total - sum(shares)
    return [(d.date, s) for d, s, w in zip(days, shares, weights, strict=True) if w > 0]


def spread_per_day(seconds: int, days: list[ScheduleDay], *,
                   include_non_working_days: bool) -> list[tuple[date, int]]:
    """``seconds`` on each working day (each day with required time), or on every day."""
    chosen = [d.date for d in days if include_non_working_days or d.required_seconds > 0]
    if not chosen:
        raise _no_working_time()
    return [(day, seconds) for day in chosen]
