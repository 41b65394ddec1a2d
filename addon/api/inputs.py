"""Reading request bodies and query strings into plain values, naming the field on error.

Every reader is bounded (issue 13): numbers are ASCII digits within 64 bits (or the column's
range), strings have a maximum length and no NUL character (PostgreSQL refuses NUL in text), and
lists have a maximum size, so anything a client sends ends as a 400 naming the field, never a 500.
"""

from __future__ import annotations

import json
import re
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from decimal import Decimal

from flask import request
from sqlalchemy.orm import Session

from connect.context import current_context

from ..db import request_session
from ..domain.durations import DurationError
from ..domain.durations import parse_duration
from ..domain.errors import FieldProblem
from ..domain.errors import InvalidInput

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_INTEGER = re.compile(r"-?[0-9]{1,19}")
INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1
DEFAULT_MAX_LENGTH = 10_000
MAX_LIST_ITEMS = 1000
# Dates the app accepts at capture: Jira cannot hold a worklog in year 1, and far-future dates
# are typos. Stated in the OpenAPI document.
CAPTURE_YEARS = (1970, 2100)


class Problems:
    """Collects every problem in a body, so the client sees them all at once."""

    def __init__(self):
        self.items: list[FieldProblem] = []

    def add(self, field: str, message: str, code: str = "invalid") -> None:
        self.items.append(FieldProblem(field, message, code))

    def raise_if_any(self, message: str = "invalid request") -> None:
        if self.items:
            raise InvalidInput(self.items[0].message if len(self.items) == 1 else message,
                               self.items)


def tenant_session() -> Session:
    """The request's database session, scoped to the caller's tenant."""
    return request_session(current_context().tenant_id)


def json_body() -> dict:
    """The body as a JSON object (see ``_checked_object``)."""
    return _checked_object(request.get_json(silent=True))


def _checked_object(body) -> dict:
    """``body`` if it is a JSON object without NUL; else a 400 naming where (PostgreSQL cannot
    store NUL in text, so it would otherwise fail deep inside a write)."""
    if not isinstance(body, dict):
        raise InvalidInput("expected a JSON object", [FieldProblem("body", "expected JSON")])
    where = _nul_at(body, "")
    if where is not None:
        raise InvalidInput("the body contains a NUL character",
                           [FieldProblem(where or "body", "contains a NUL character")])
    return body


def _nul_at(value, path: str) -> str | None:
    """The path of the first string (or key) holding a NUL character, else None."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return where
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{where}.{key}" if where else str(key)
                if "\x00" in key:
                    return child_path
                stack.append((child, child_path))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]") for i, child in enumerate(item))
    return None


def parse_date(value, field: str, problems: Problems, *, required: bool = False,
               years: tuple[int, int] | None = None) -> date | None:
    """A ``yyyy-MM-dd`` date; ``years`` bounds it (inclusive) where the app stores it."""
    if value is None or value == "":
        if required:
            problems.add(field, f"'{field}' is required", "required")
        return None
    if not isinstance(value, str) or not _DATE.match(value):
        problems.add(field, f"'{field}' must be valid on the format: 'yyyy-MM-dd'")
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        problems.add(field, f"'{field}' is not a real date")
        return None
    if years is not None and not years[0] <= parsed.year <= years[1]:
        problems.add(field, f"'{field}' must be between {years[0]} and {years[1]}",
                     "out_of_range")
        return None
    return parsed


def parse_time(value, field: str, problems: Problems) -> time | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        for fmt in ("%H:%M:%S", "%H:%M"):
            try:
                return datetime.strptime(value, fmt).time()
            except ValueError:
                continue
    problems.add(field, f"'{field}' must be valid on the format: 'HH:mm:ss'")
    return None


def parse_int(value, field: str, problems: Problems, *, required: bool = False,
              minimum: int | None = None, maximum: int = INT64_MAX) -> int | None:
    """A whole number (JSON number or ASCII-digit string) within ``minimum..maximum``.

    ``"²"`` or ``"--5"`` are not numbers here, and the length is checked before converting, so
    5,000 nines cost nothing and never reach a 64-bit column.
    """
    if value is None:
        if required:
            problems.add(field, f"'{field}' is required", "required")
        return None
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(field, f"'{field}' must be a whole number")
        return None
    if minimum is not None and value < minimum:
        problems.add(field, f"'{field}' must be at least {minimum}", "out_of_range")
        return None
    if value > maximum:
        problems.add(field, f"'{field}' must be at most {maximum}", "out_of_range")
        return None
    return value


def to_int(raw: str | None, field: str, *, default: int, minimum: int = 0,
           maximum: int = INT64_MAX) -> int:
    """A query or path integer, or a 400 naming ``field``."""
    if raw is None or raw == "":
        return default
    problems = Problems()
    value = parse_int(raw, field, problems, minimum=minimum, maximum=maximum)
    problems.raise_if_any()
    return value


def parse_str(value, field: str, problems: Problems, *, required: bool = False,
              max_length: int = DEFAULT_MAX_LENGTH) -> str | None:
    """A string of at most ``max_length`` characters (its column's size) without NUL."""
    if value is None:
        if required:
            problems.add(field, f"'{field}' is required", "required")
        return None
    if not isinstance(value, str):
        problems.add(field, f"'{field}' must be a string")
        return None
    if len(value) > max_length:
        problems.add(field, f"'{field}' is longer than {max_length} characters", "too_long")
        return None
    if "\x00" in value:
        problems.add(field, f"'{field}' contains a NUL character")
        return None
    if required and not value.strip():
        problems.add(field, f"'{field}' is required", "required")
        return None
    return value


def parse_bool(value, field: str, problems: Problems, default: bool = False) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        problems.add(field, f"'{field}' must be true or false")
        return default
    return value


def parse_duration_field(value, field: str, problems: Problems, *, hours_per_day: int,
                         days_per_week: int) -> int | None:
    """Seconds from Jira notation (``1h 30m``) for our ``timeSpent`` convenience field."""
    try:
        return parse_duration(value, hours_per_day=hours_per_day, days_per_week=days_per_week)
    except DurationError as exc:
        problems.add(field, str(exc))
        return None


# Jira keeps the attributes in a worklog entity property, which it caps at 32 KB.
ATTRIBUTES_MAX_BYTES = 32_000
ATTRIBUTE_VALUE_MAX = 2_000


def parse_attribute_values(value, problems: Problems) -> dict[str, str]:
    """Tempo's ``[{"key", "value"}]`` list as a dict, small enough for Jira's property."""
    if value is None:
        return {}
    if not isinstance(value, list) or len(value) > MAX_LIST_ITEMS:
        problems.add("attributes", "'attributes' must be a list of {key, value}")
        return {}
    values: dict[str, str] = {}
    for index, item in enumerate(value):
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            problems.add(f"attributes[{index}]", "each attribute needs a string 'key'")
            continue
        raw = item.get("value")
        if raw is None:
            continue
        text = parse_str(raw if isinstance(raw, str) else json.dumps(raw),
                         f"attributes.{item['key'][:255]}", problems,
                         max_length=ATTRIBUTE_VALUE_MAX)
        if text is not None and parse_str(item["key"], f"attributes[{index}].key", problems,
                                          max_length=255) is not None:
            values[item["key"]] = text
    if len(json.dumps(values).encode()) > ATTRIBUTES_MAX_BYTES:
        problems.add("attributes", f"the attributes together exceed {ATTRIBUTES_MAX_BYTES} "
                     "bytes (Jira's limit for worklog properties)", "too_long")
    return values


def parse_str_list(value, field: str, problems: Problems, *, max_length: int = 255,
                   digits: bool = False) -> list[str]:
    """A JSON list of strings (or, with ``digits``, of numeric ids as numbers or strings)."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_LIST_ITEMS:
        problems.add(field, f"'{field}' must be a list of at most {MAX_LIST_ITEMS} "
                     + ("ids" if digits else "strings"))
        return []
    items: list[str] = []
    for index, item in enumerate(value):
        if digits and isinstance(item, int) and not isinstance(item, bool):
            item = str(item)
        text = parse_str(item, f"{field}[{index}]", problems, required=True,
                         max_length=max_length)
        if text is not None and digits and not is_id(text):
            problems.add(f"{field}[{index}]", f"'{field}' items must be numeric ids")
        elif text is not None:
            items.append(text)
    return items


def parse_int_list(value, field: str, problems: Problems) -> list[int]:
    """A JSON list of at most ``MAX_LIST_ITEMS`` 64-bit whole numbers."""
    return [int(text) for text in parse_str_list(value, field, problems, digits=True)]


def is_id(text: str) -> bool:
    return _INTEGER.fullmatch(text) is not None and not text.startswith("-") \
        and int(text) <= INT64_MAX


def parse_query_ids(name: str, problems: Problems) -> list[str]:
    """A query parameter list of numeric Jira ids (``?projectId=1&projectId=2``)."""
    ids = query_list(name)
    if len(ids) > MAX_LIST_ITEMS:
        problems.add(name, f"at most {MAX_LIST_ITEMS} values of '{name}'")
        return []
    bad = [i for i in ids if not is_id(i)]
    if bad:
        problems.add(name, f"'{name}' must be numeric ids")
        return []
    return ids


def query_list(name: str) -> list[str]:
    """A repeated (``?a=1&a=2``) or comma-separated query parameter."""
    values: list[str] = []
    for raw in request.args.getlist(name):
        values += [part for part in raw.split(",") if part]
    return values


def parse_updated_from(value: str | None, problems: Problems) -> datetime | None:
    """Tempo's ``updatedFrom``: a date or an ISO instant such as ``2023-11-06T16:48:59Z``."""
    return parse_instant(value, "updatedFrom", problems)


def parse_instant(value, field: str, problems: Problems) -> datetime | None:
    """An ISO-8601 instant with a time zone, or a date (its midnight UTC), as UTC."""
    if not value:
        return None
    if not isinstance(value, str) or len(value) > 64:
        problems.add(field, f"'{field}' must be a date or an ISO-8601 instant")
        return None
    try:
        if _DATE.match(value):
            return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            problems.add(field, f"'{field}' needs a time zone (e.g. Z)")
            return None
        return parsed.astimezone(UTC)  # year 1 at +14:00 overflows here, not in the database
    except (ValueError, OverflowError):
        problems.add(field, f"'{field}' must be a date or an ISO-8601 instant")
        return None


def json_body_exact() -> dict:
    """The JSON object body with every non-integer number read as a Decimal (money, rates)."""
    try:
        body = json.loads(request.get_data(as_text=True) or "null", parse_float=Decimal)
    except ValueError:
        body = None
    return _checked_object(body)
