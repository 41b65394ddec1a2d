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
from .extension_fields import given
from .extension_fields import kept

KEY_MAX = 255
NAME_MAX = 255
# A letter first, then letters, digits and . _ -: safe in URLs, JQL and option properties, and
# never mistaken for a numeric Jira option id when an issue's Account field value is read.
KEY_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9._-]*")
_CURRENCY = re.compile(r"[A-Z]{3}")
BUDGET_MAX = 2**31 - 1  # the monthly_budget column is a 32-bit integer


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
    """Add an account (OPEN unless ``details`` say otherwise). Raises InvalidInput (naming
    every bad field) or Conflict (key: duplicate) before anything is written.
    """
    details = details or AccountDetails()
    _raise_if_any(account_input_problems(session, key=key, name=name, details=details))
    key, name = key.strip(), name.strip()
    if session.scalar(select(Account.id).where(Account.key == key)) is not None:
        raise _duplicate(key)
    account = Account(key=key, name=name, status=ACCOUNT_OPEN)
    _apply_details(session, account, details)
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
    account = get_account(session, key)
    _raise_if_any(account_input_problems(session, key=key, name=name, details=details,
                                         check_key=False))
    _apply_details(session, account, details)
    account.name = name.strip()
    return account


def account_input_problems(session: Session, *, key, name, details: AccountDetails,
                           check_key: bool = True) -> list[FieldProblem]:
    """Every malformed field of an account body at once (issue 12); a PUT keeps its key."""
    problems = _key_problems(key) if check_key else []
    problems += _name_problems(name)
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
            not isinstance(details.monthly_budget, int)
            or not 0 <= details.monthly_budget <= BUDGET_MAX):
        problems.append(FieldProblem("monthlyBudget",
                                     f"monthlyBudget must be a whole number 0 … {BUDGET_MAX}"))
    if details.contact_account_id and details.external_contact_name:
        problems.append(FieldProblem("externalContactName",
                                     "give contactAccountId or externalContactName, not both"))
    _by_key(session, Customer, details.customer_key, "customerKey", problems)
    _by_key(session, AccountCategory, details.category_key, "categoryKey", problems)
    return problems


def _raise_if_any(problems: list[FieldProblem]) -> None:
    if problems:
        raise InvalidInput(problems[0].message if len(problems) == 1 else "invalid account",
                           problems)


def _apply_details(session: Session, account: Account, details: AccountDetails) -> None:
    """Copy checked ``details`` (see ``account_input_problems``) onto the account."""
    account.status = details.status
    account.lead_account_id = details.lead_account_id
    account.contact_account_id = details.contact_account_id
    account.external_contact_name = details.external_contact_name
    account.customer = _by_key(session, Customer, details.customer_key, "customerKey", [])
    account.category = _by_key(session, AccountCategory, details.category_key, "categoryKey",
                               [])
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


def _duplicate(key: str) -> Conflict:
    message = f"an account with key {key!r} exists"
    return Conflict(message, [FieldProblem("key", message, "duplicate")])


def _key_problems(value) -> list[FieldProblem]:
    key = value.strip() if isinstance(value, str) else ""
    if not key:
        return [FieldProblem("key", "key is required", "required")]
    if len(key) > KEY_MAX:
        return [FieldProblem("key", f"key must be at most {KEY_MAX} characters", "too_long")]
    if not KEY_PATTERN.fullmatch(key):
        return [FieldProblem("key", "key must start with a letter and use only letters, "
                             "digits, '.', '_' and '-'")]
    return []


def _name_problems(value) -> list[FieldProblem]:
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        return [FieldProblem("name", "name is required", "required")]
    if len(name) > NAME_MAX:
        return [FieldProblem("name", f"name must be at most {NAME_MAX} characters", "too_long")]
    if "\x00" in name:
        return [FieldProblem("name", "name contains a NUL character")]
    return []


def key_and_name_problems(key, name) -> list[FieldProblem]:
    """The one rule for keyed things (accounts, customers, categories): every problem of both."""
    return _key_problems(key) + _name_problems(name)


def _clean_name(value) -> str:
    _raise_if_any(_name_problems(value))
    return value.strip()
