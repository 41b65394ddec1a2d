"""Client accounts: the things time is billed to. Create, rename, open/close/archive.

A key identifies an account for good (Jira's Account field options carry it); the name is what
people see and may change. OPEN accounts take new time, CLOSED ones take none but stay visible,
ARCHIVED ones are hidden. These functions only change the database: whoever calls them enqueues
``account_field.OPTIONS_SYNC_JOB`` with ``session=`` so Jira's options follow after the commit
(never from inside the transaction, which a slow or failing Jira would otherwise hold open).
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import Account
from ..models.account import ACCOUNT_OPEN
from ..models.account import ACCOUNT_STATUSES
from .account_rules import account_by_key
from .errors import Conflict
from .errors import FieldProblem
from .errors import NotFound
from .errors import invalid

KEY_MAX = 255
NAME_MAX = 255
# A letter first, then letters, digits and . _ -: safe in URLs, JQL and option properties, and
# never mistaken for a numeric Jira option id when an issue's Account field value is read.
KEY_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9._-]*")


def get_account(session: Session, key: str) -> Account:
    """The account with ``key``. Raises NotFound (field ``key``)."""
    account = account_by_key(session, key)
    if account is None:
        message = f"no account with key {key!r}"
        raise NotFound(message, [FieldProblem("key", message, "not_found")])
    return account


def create_account(session: Session, *, key: str, name: str) -> Account:
    """Add an OPEN account. Raises InvalidInput (key or name: required, too_long; key: invalid)
    or Conflict (key: duplicate) before anything is written.
    """
    key = _clean_key(key)
    name = _clean_name(name)
    if session.scalar(select(Account.id).where(Account.key == key)) is not None:
        raise _duplicate(key)
    account = Account(key=key, name=name, status=ACCOUNT_OPEN)
    session.add(account)
    try:
        session.flush()
    except IntegrityError as exc:
        # Another transaction took the key between the check and the insert; the caller's
        # transaction is rolled back with this error, so nothing is written either way.
        raise _duplicate(key) from exc
    return account


def rename_account(session: Session, key: str, name: str) -> Account:
    """Give the account a new display name. Raises NotFound (key) or InvalidInput (name)."""
    name = _clean_name(name)
    account = get_account(session, key)
    account.name = name
    return account


def set_account_status(session: Session, key: str, status: str) -> Account:
    """Open, close or archive the account. Raises NotFound (key) or InvalidInput (status)."""
    if status not in ACCOUNT_STATUSES:
        raise invalid("status", f"status must be one of {', '.join(ACCOUNT_STATUSES)}")
    account = get_account(session, key)
    account.status = status
    return account


def _duplicate(key: str) -> Conflict:
    message = f"an account with key {key!r} exists"
    return Conflict(message, [FieldProblem("key", message, "duplicate")])


def _clean_key(value) -> str:
    key = value.strip() if isinstance(value, str) else ""
    if not key:
        raise invalid("key", "key is required", "required")
    if len(key) > KEY_MAX:
        raise invalid("key", f"key must be at most {KEY_MAX} characters", "too_long")
    if not KEY_PATTERN.fullmatch(key):
        raise invalid("key", "key must start with a letter and use only letters, digits, "
                      "'.', '_' and '-'")
    return key


def _clean_name(value) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        raise invalid("name", "name is required", "required")
    if len(name) > NAME_MAX:
        raise invalid("name", f"name must be at most {NAME_MAX} characters", "too_long")
    return name
