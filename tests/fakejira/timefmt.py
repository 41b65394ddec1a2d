"""Jira's wire formats for instants and durations.

Jira Cloud writes instants as ``2026-11-23T09:00:00.000+0000`` (millisecond precision, numeric
offset without a colon) and durations as ``1w 2d 3h 4m`` with a working day of 8 hours and a
working week of 5 days (the Cloud defaults). The fake keeps instants as epoch milliseconds and
only formats at the edge, so these helpers are the single place those formats live.
"""

from __future__ import annotations

import re
import time
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from datetime import timezone

JIRA_DATETIME = "%Y-%m-%dT%H:%M:%S.%f%z"
_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 8 * _HOUR
_WEEK = 5 * _DAY
_UNITS = (("w", _WEEK), ("d", _DAY), ("h", _HOUR), ("m", _MINUTE))
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([wdhm])")


def now_ms() -> int:
    """The wall clock in epoch milliseconds (the model's default clock)."""
    return time.time_ns() // 1_000_000


def format_instant(epoch_ms: int, offset_minutes: int = 0) -> str:
    """Format epoch milliseconds the way Jira does, in the given UTC offset."""
    zone = timezone(timedelta(minutes=offset_minutes))
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=zone)
    millis = epoch_ms % 1000
    sign = "+" if offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{millis:03d}{sign}{hours:02d}{minutes:02d}"


def parse_instant(text: str) -> tuple[int, int]:
    """Parse ``yyyy-MM-dd'T'HH:mm:ss.SSSZ`` into (epoch ms, offset minutes).

    Raises ValueError for anything else: Jira rejects other shapes of ``started`` with a 400.
    """
    if not isinstance(text, str) or not re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}", text
    ):
        raise ValueError(f"not a Jira date-time: {text!r}")
    moment = datetime.strptime(text, JIRA_DATETIME)
    offset = moment.utcoffset()
    assert offset is not None
    epoch_ms = int(moment.astimezone(UTC).timestamp() * 1000)
    return epoch_ms, int(offset.total_seconds() // 60)


def format_duration(seconds: int) -> str:
    """Render seconds as Jira's ``timeSpent`` text, e.g. 5400 → ``1h 30m``."""
    parts = []
    remaining = seconds
    for unit, size in _UNITS:
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts) or "0m"


def parse_duration(text: str) -> int:
    """Parse Jira duration text (``2d 4h``, ``30m``) into seconds; ValueError if malformed."""
    cleaned = text.strip().lower()
    if not cleaned or _DURATION_PART.sub("", cleaned).strip():
        raise ValueError(f"not a Jira duration: {text!r}")
    sizes = dict(_UNITS)
    return int(sum(float(n) * sizes[u] for n, u in _DURATION_PART.findall(cleaned)))
