"""Reading request bodies and query strings into plain values, naming the field on error."""

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

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("expected a JSON object", [FieldProblem("body", "expected JSON")])
    return body


def parse_date(value, field: str, problems: Problems, *, required: bool = False) -> date | None:
    if value is None or value == "":
        if required:
            problems.add(field, f"'{field}' is required", "required")
        return None
    if not isinstance(value, str) or not _DATE.match(value):
        problems.add(field, f"'{field}' must be valid on the format: 'yyyy-MM-dd'")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.add(field, f"'{field}' is not a real date")
        return None


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
              minimum: int | None = None) -> int | None:
    if value is None:
        if required:
            problems.add(field, f"'{field}' is required", "required")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        else:
            problems.add(field, f"'{field}' must be a whole number")
            return None
    if minimum is not None and value < minimum:
        problems.add(field, f"'{field}' must be at least {minimum}")
        return None
    return value


def parse_str(value, field: str, problems: Problems, *, required: bool = False,
              max_length: int = 10_000) -> str | None:
    if value is None:
        if required:
            problems.add(field, f"'{field}' is required", "required")
        return None
    if not isinstance(value, str):
        problems.add(field, f"'{field}' must be a string")
        return None
    if len(value) > max_length:
        problems.add(field, f"'{field}' is longer than {max_length} characters")
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


def parse_attribute_values(value, problems: Problems) -> dict[str, str]:
    """Tempo's ``[{"key", "value"}]`` list as a dict."""
    if value is None:
        return {}
    if not isinstance(value, list):
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
        values[item["key"]] = raw if isinstance(raw, str) else str(raw)
    return values


def query_list(name: str) -> list[str]:
    """A repeated (``?a=1&a=2``) or comma-separated query parameter."""
    values: list[str] = []
    for raw in request.args.getlist(name):
        values += [part for part in raw.split(",") if part]
    return values


def parse_updated_from(value: str | None, problems: Problems) -> datetime | None:
    """Tempo's ``updatedFrom``: a date or an ISO instant such as ``2023-11-06T16:48:59Z``."""
    if not value:
        return None
    try:
        if _DATE.match(value):
            return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            problems.add("updatedFrom", "'updatedFrom' needs a time zone (e.g. Z)")
            return None
        return parsed
    except ValueError:
        problems.add("updatedFrom", "'updatedFrom' must be a date or an ISO-8601 instant")
        return None


def json_body_exact() -> dict:
    """The JSON object body with every non-integer number read as a Decimal (money, rates)."""
    try:
        body = json.loads(request.get_data(as_text=True) or "null", parse_float=Decimal)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise InvalidInput("expected a JSON object", [FieldProblem("body", "expected JSON")])
    return body
