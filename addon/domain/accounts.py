"""Client accounts: the things time is billed to. Create, rename, open/close/archive.

A key identifies an account for good (Jira's Account field options carry it); the name is what
people see and may change. OPEN accounts take new time, CLOSED ones take none but stay visible,
ARCHIVED ones are hidden. These functions only change the database: whoever calls them enqueues
``jobs.OPTIONS_SYNC_JOB`` with ``session=`` so Jira's options follow after the commit
(never from inside the transaction, which a slow or failing Jira would otherwise hold open).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import Account
from ..models import AccountCategory
from ..models import Customer
from ..models import Worklog
from ..models.account import ACCOUNT_OPEN
from ..models.account import ACCOUNT_STATUSES
from ..models.account import CONTRACT_TYPES
from .account_rules import account_by_key
from .errors import Conflict
from .errors import FieldProblem
from .errors import InvalidInput
from .errors import NotFound
from .errors import invalid
from .extension_fields import given
from .extension_fields import kept

KEY_MAX = 255
NAME_MAX = 255
# A letter first, then letters, digits and . _ -: safe in URLs, JQL and option properties, and
# never mistaken for a numeric Jira option id when an issue's Account field value is read.
KEY_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9._-]*")
_CURRENCY = re.compile(r"[A-Z]{3}")


def get_account(session: Session, key: str) -> Account:
    """The account with ``key``. Raises NotFound (field ``key``)."""
    account = account_by_key(session, key)
    if account is None:
        message = f"no account with key {key!r}"
        raise NotFound(message, [FieldProblem("key", message, "not_found")])
    return account


@dataclass(frozen=True)
class AccountDetails:
    """Everything about an account but its key and name (Tempo's AccountInput, plus ours).

    Our extension fields (``contract_type``, ``currency``) may be ``KEEP``: a PUT left them out,
    so they keep their stored value (``extension_fields``).
    """

    status: str = ACCOUNT_OPEN
    lead_account_id: str | None = None
    contact_account_id: str | None = None
    external_contact_name: str | None = None
    customer_key: str | None = None
    category_key: str | None = None
    contract_type: str = "TIME_AND_MATERIALS"
    currency: str = "USD"
    monthly_budget: int | None = None
    is_global: bool = False


def create_account(session: Session, *, key: str, name: str,
                   details: AccountDetails | None = None) -> Account:
    """Add an account (OPEN unless ``details`` say otherwise). Raises InvalidInput (the field)
    or Conflict (key: duplicate) before anything is written.
    """
    key = _clean_key(key)
    name = _clean_name(name)
    if session.scalar(select(Account.id).where(Account.key == key)) is not None:
        raise _duplicate(key)
    account = Account(key=key, name=name, status=ACCOUNT_OPEN)
    _apply_details(session, account, details or AccountDetails())
    session.add(account)
    try:
        session.flush()
    except IntegrityError as exc:
        # Another transaction took the key between the check and the insert; the caller's
        # transaction is rolled back with this error, so nothing is written either way.
        raise _duplicate(key) from exc
    return account


def replace_account(session: Session, key: str, *, name: str,
                    details: AccountDetails) -> Account:
    """PUT: Tempo's fields replaced (the key stays); our extension fields given as ``KEEP``
    keep their value. Raises NotFound or InvalidInput."""
    name = _clean_name(name)
    account = get_account(session, key)
    _apply_details(session, account, details)
    account.name = name
    return account


def _apply_details(session: Session, account: Account, details: AccountDetails) -> None:
    problems = []
    if details.status not in ACCOUNT_STATUSES:
        problems.append(FieldProblem("status", f"status must be one of "
                                     f"{', '.join(ACCOUNT_STATUSES)}"))
    if given(details.contract_type) and details.contract_type not in CONTRACT_TYPES:
        problems.append(FieldProblem("contractType", f"contractType must be one of "
                                     f"{', '.join(CONTRACT_TYPES)}"))
    if given(details.currency) and (not isinstance(details.currency, str)
                                    or not _CURRENCY.fullmatch(details.currency)):
        problems.append(FieldProblem("currency", "currency must be an ISO 4217 code (EUR)"))
    if details.monthly_budget is not None and (
            not isinstance(details.monthly_budget, int) or details.monthly_budget < 0):
        problems.append(FieldProblem("monthlyBudget", "monthlyBudget must be a whole number ≥ 0"))
    if details.contact_account_id and details.external_contact_name:
        problems.append(FieldProblem("externalContactName",
                                     "give contactAccountId or externalContactName, not both"))
    customer = _by_key(session, Customer, details.customer_key, "customerKey", problems)
    category = _by_key(session, AccountCategory, details.category_key, "categoryKey", problems)
    if problems:
        raise InvalidInput(problems[0].message, problems)
    account.status = details.status
    account.lead_account_id = details.lead_account_id
    account.contact_account_id = details.contact_account_id
    account.external_contact_name = details.external_contact_name
    account.customer = customer
    account.category = category
    account.contract_type = kept(details.contract_type, account.contract_type)
    account.currency = kept(details.currency, account.currency)
    account.monthly_budget = details.monthly_budget
    account.is_global = bool(details.is_global)


def _by_key(session: Session, model, key: str | None, field: str, problems: list):
    if not key:
        return None
    row = session.scalar(select(model).where(model.key == key))
    if row is None:
        problems.append(FieldProblem(field, f"{field} {key!r} not found", "not_found"))
    return row


def list_accounts(session: Session, *, keys=None, ids=None, statuses=None,
                  is_global: bool | None = None) -> list[Account]:
    query = select(Account).order_by(Account.id)
    if keys:
        query = query.where(Account.key.in_(keys))
    if ids:
        query = query.where(Account.id.in_(ids))
    if statuses:
        query = query.where(Account.status.in_(statuses))
    if is_global is not None:
        query = query.where(Account.is_global.is_(is_global))
    return list(session.scalars(query))


def delete_account(session: Session, key: str) -> None:
    """Delete an account nobody logged time on; otherwise archive it instead (409)."""
    account = get_account(session, key)
    used = session.scalar(select(Worklog.id).where(Worklog.account_key == key).limit(1))
    if used is not None:
        raise Conflict(f"account {key!r} has worklogs; archive it instead", [FieldProblem(
            "key", "an account with worklogs cannot be deleted; set its status to ARCHIVED",
            "in_use")])
    session.delete(account)


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
