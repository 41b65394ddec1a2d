"""Durations in Jira's notation: ``1h 30m``, ``1.5h``, ``90m``, ``1d``, ``1w 2d``, ``45s``.

A day is the site's working hours per day and a week its working days, as Jira counts them
(Jira's defaults are 8 h and 5 days). Parsing uses Decimal so ``1.1h`` is exactly 3960 s.
"""

from __future__ import annotations

import re
from decimal import Decimal
from decimal import InvalidOperation

# Matched only at the current position (never searched for), so parsing is linear: an
# unanchored finditer re-scanned the rest of the text from every digit, quadratic on long input.
_PART = re.compile(r"\s*([0-9]{1,9}(?:[.,][0-9]{1,9})?|[.,][0-9]{1,9})\s*([wdhms])")
_BARE_NUMBER = re.compile(r"[0-9]{1,9}(?:[.,][0-9]{1,9})?")
MAX_TEXT = 64  # "1w 2d 3h 4m 5s" and friends; anything longer is not a duration


class DurationError(ValueError):
    """The text is not a duration; the message says what is expected."""


def parse_duration(text: str, *, hours_per_day: Decimal | int = 8,
                   days_per_week: Decimal | int = 5) -> int:
    """Seconds in ``text``; a bare number means hours (``2`` = 2h). Raises DurationError."""
    if not isinstance(text, str) or not text.strip():
        raise DurationError("enter a duration such as 1h 30m, 1.5h, 90m or 1d")
    cleaned = text.strip().lower()
    if len(cleaned) > MAX_TEXT:
        raise DurationError(f"a duration is at most {MAX_TEXT} characters (e.g. 1h 30m)")
    if _BARE_NUMBER.fullmatch(cleaned):
        cleaned += "h"
    unit_seconds = {
        "w": Decimal(days_per_week) * Decimal(hours_per_day) * 3600,
        "d": Decimal(hours_per_day) * 3600,
        "h": Decimal(3600),
        "m": Decimal(60),
        "s": Decimal(1),
    }
    position = 0
    total = Decimal(0)
    seen: set[str] = set()
    while position < len(cleaned):
        match = _PART.match(cleaned, position)
        if match is None:
            raise DurationError(f"cannot read {text!r} as a duration (e.g. 1h 30m)")
        amount, unit = match.groups()
        if unit in seen:
            raise DurationError(f"{unit!r} appears twice in {text!r}")
        seen.add(unit)
        try:
            total += Decimal(amount.replace(",", ".")) * unit_seconds[unit]
        except InvalidOperation as exc:
            raise DurationError(f"cannot read {amount!r} as a number") from exc
        position = match.end()
    if not seen:
        raise DurationError(f"cannot read {text!r} as a duration (e.g. 1h 30m)")
    seconds = int(total.to_integral_value())
    if seconds <= 0:
        raise DurationError("a duration must be more than zero")
    return seconds


def format_duration(seconds: int) -> str:
    """``5400`` → ``1h 30m`` (hours and minutes; days are ambiguous across sites)."""
    hours, rest = divmod(int(seconds), 3600)
    minutes = rest // 60
    parts = [f"{hours}h"] if hours else []
    if minutes or not parts:
        parts.append(f"{minutes}m")
    return " ".join(parts)
