"""Work attributes: admin-defined fields on worklogs (work type, CapEx/OpEx, ...).

Values are strings, as in Tempo: ``"true"``/``"false"`` for CHECKBOX, a number for
INPUT_NUMERIC, an immutable value id for STATIC_LIST, an account key for ACCOUNT.
"""

from __future__ import annotations

import re
from decimal import Decimal
from decimal import InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import WorkAttribute
from ..models.worklog import ATTRIBUTE_TYPES
from .errors import Conflict
from .errors import FieldProblem
from .errors import InvalidInput
from .errors import NotFound
from .errors import invalid

ACCOUNT_ATTRIBUTE = "_Account_"
_KEY = re.compile(r"[A-Za-z0-9_.\-]{1,255}")
TEXT_MAX = 255  # the name column, and what a picker can show
VALUES_MAX = 500


def _short_text(text: str) -> bool:
    return len(text) <= TEXT_MAX and "\x00" not in text


def list_attributes(session: Session) -> list[WorkAttribute]:
    return list(session.scalars(select(WorkAttribute).order_by(WorkAttribute.key)))


def get_attribute(session: Session, key: str) -> WorkAttribute:
    attribute = session.scalar(select(WorkAttribute).where(WorkAttribute.key == key))
    if attribute is None:
        raise NotFound(f"work attribute {key!r} not found")
    return attribute


def _validated(key, name, type_, required, values, names) -> dict:
    problems = []
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        problems.append(FieldProblem("key", "key must be 1-255 letters, digits, _ . or -"))
    if not isinstance(name, str) or not name.strip():
        problems.append(FieldProblem("name", "name is required", "required"))
    elif not _short_text(name):
        problems.append(FieldProblem("name", f"name must be at most {TEXT_MAX} characters "
                                     "without NUL"))
    if not isinstance(type_, str) or type_ not in ATTRIBUTE_TYPES:
        problems.append(FieldProblem("type", f"type must be one of {', '.join(ATTRIBUTE_TYPES)}"))
    if not isinstance(required, bool):
        problems.append(FieldProblem("required", "required must be true or false"))
    values = values or []
    if not isinstance(values, list) or len(values) > VALUES_MAX or not all(
            isinstance(v, str) and v and _short_text(v) for v in values):
        problems.append(FieldProblem("values", f"values must be a list of at most {VALUES_MAX} "
                                     f"non-empty strings of at most {TEXT_MAX} characters"))
    elif type_ == "STATIC_LIST" and not values:
        problems.append(FieldProblem("values", "a STATIC_LIST needs at least one value"))
    elif len(set(values)) != len(values):
        problems.append(FieldProblem("values", "values must be unique"))
    names = names or {}
    if not isinstance(names, dict) or not all(
            isinstance(n, str) and _short_text(n) for n in names.values()):
        problems.append(FieldProblem("names", "names must map values to display names"))
    if problems:
        raise InvalidInput("invalid work attribute", problems)
    return {"key": key, "name": name.strip(), "type": type_, "required": required,
            "values": values if type_ == "STATIC_LIST" else [],
            "names": {v: str(names.get(v, v)) for v in values} if type_ == "STATIC_LIST" else {}}


def create_attribute(session: Session, *, key, name, type, required=False, values=None,
                     names=None) -> WorkAttribute:
    data = _validated(key, name, type, required, values, names)
    if session.scalar(select(WorkAttribute.id).where(WorkAttribute.key == key)):
        raise Conflict(f"work attribute {key!r} exists", [FieldProblem("key", "already used")])
    attribute = WorkAttribute(**data)
    session.add(attribute)
    session.flush()
    return attribute


def replace_attribute(session: Session, key: str, *, name, type, required=False, values=None,
                      names=None) -> WorkAttribute:
    """PUT semantics: the whole attribute is replaced (the key stays)."""
    attribute = get_attribute(session, key)
    data = _validated(key, name, type, required, values, names)
    if attribute.type == "STATIC_LIST" and data["type"] == "STATIC_LIST":
        removed = set(attribute.values) - set(data["values"])
        if removed:
            # Value ids are stored on worklogs; dropping one would orphan them.
            raise invalid("values", f"values cannot be removed once used: {sorted(removed)}")
    for field, value in data.items():
        setattr(attribute, field, value)
    return attribute


def delete_attribute(session: Session, key: str) -> None:
    session.delete(get_attribute(session, key))


def validate_values(attributes: list[WorkAttribute], values: dict[str, str]) -> list[FieldProblem]:
    """Problems with the given values: unknown keys, bad values (not missing required ones)."""
    by_key = {a.key: a for a in attributes}
    problems = []
    for key, value in values.items():
        field = f"attributes.{key}"
        attribute = by_key.get(key)
        if key == ACCOUNT_ATTRIBUTE and attribute is None:
            continue  # the account is handled by account resolution
        if attribute is None:
            problems.append(FieldProblem(field, f"unknown work attribute {key!r}"))
        elif not isinstance(value, str):
            problems.append(FieldProblem(field, "attribute values are strings"))
        elif attribute.type == "STATIC_LIST" and value not in attribute.values:
            problems.append(FieldProblem(field, f"{value!r} is not one of {attribute.values}"))
        elif attribute.type == "CHECKBOX" and value not in ("true", "false"):
            problems.append(FieldProblem(field, "a checkbox value is 'true' or 'false'"))
        elif attribute.type == "INPUT_NUMERIC" and not _is_number(value):
            problems.append(FieldProblem(field, f"{value!r} is not a number"))
    return problems


def missing_required(attributes: list[WorkAttribute], values: dict[str, str]) -> list[str]:
    """Keys of required attributes without a value (the ACCOUNT one is the account's job)."""
    return [a.key for a in attributes if a.required and a.type != "ACCOUNT"
            and not str(values.get(a.key, "")).strip()]


def _is_number(value: str) -> bool:
    try:
        Decimal(value)
    except InvalidOperation:
        return False
    return value.strip() != "" and Decimal(value).is_finite()
