"""Jira's duration notation, including what must be refused."""

from __future__ import annotations

import time

import pytest

from addon.domain import durations
from addon.domain.durations import DurationError
from addon.domain.durations import format_duration
from addon.domain.durations import parse_duration


@pytest.mark.parametrize(("text", "seconds"), [
    ("1h 30m", 5400), ("1h30m", 5400), ("1.5h", 5400), ("1,5h", 5400), ("90m", 5400),
    ("1d", 8 * 3600), ("1w", 40 * 3600), ("1w 2d 3h 4m 5s", 40 * 3600 + 16 * 3600 + 3 * 3600 + 245),
    ("2", 7200), ("0.25h", 900), (" 45m ", 2700), ("1.1h", 3960), ("1H 5M", 3900), (".5h", 1800),
])
def test_jira_notation_parses_to_seconds(text, seconds):
    assert parse_duration(text) == seconds


def test_a_day_is_the_sites_working_day():
    assert parse_duration("1d", hours_per_day=7.5) == 27000
    assert parse_duration("1w", hours_per_day=6, days_per_week=4) == 24 * 3600


@pytest.mark.parametrize("text", ["", "   ", "abc", "1x", "h", "1h 1h", "1h foo", "-1h", "0m",
                                  "1..5h", "30m 1", None])
def test_bad_input_is_refused_with_a_message(text):
    with pytest.raises(DurationError) as info:
        parse_duration(text)
    assert str(info.value)


@pytest.mark.parametrize(("seconds", "text"), [(5400, "1h 30m"), (3600, "1h"), (60, "1m"),
                                               (0, "0m"), (30 * 3600, "30h")])
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize("text", ["1" * 40_000 + "x", "1h " * 20_000, "1." * 20_000])
def test_parsing_is_linear_even_past_the_length_cap(monkeypatch, text):
    """8,000 characters once held a thread for 5 s (an unanchored search re-scanned the rest
    of the text from every digit); now the parser only matches at its position."""
    monkeypatch.setattr(durations, "MAX_TEXT", 10**9)
    started = time.perf_counter()
    with pytest.raises(DurationError):
        durations.parse_duration(text)
    assert time.perf_counter() - started < 0.1


def test_a_long_text_is_refused_by_length():
    with pytest.raises(DurationError, match="at most 64"):
        parse_duration("1" * 65)
