"""Effective-dated rates by scope, and which one applies to a piece of work (and why).

Precedence, first match wins (issue 8) — billing: ACCOUNT_USER → ACCOUNT_ROLE → ACCOUNT → USER
→ ROLE → SITE; cost: USER → ROLE → SITE. Within a scope the dated rate with the latest date on
or before the work day applies, else the scope's initial (undated) rate, so a change in October
never touches September. Cost rates and SITE/ROLE/USER billing rates are in the base currency;
ACCOUNT* billing rates in the account's currency.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Account
from ..models import Rate
from ..models import Role
from ..models.money import BILLING
from ..models.money import COST
from ..models.money import RATE_CATEGORIES
from ..models.money import SCOPE_TYPES
from ..models.money import scope_key
from .errors import Conflict
from .errors import FieldProblem
from .errors import InvalidInput
from .errors import NotFound
from .money import RATE_PLACES
from .money import base_currency
from .money import parse_decimal

PRECEDENCE = {
    BILLING: ("ACCOUNT_USER", "ACCOUNT_ROLE", "ACCOUNT", "USER", "ROLE", "SITE"),
    COST: ("USER", "ROLE", "SITE"),
}
_NEEDS = {"SITE": (), "ROLE": ("roleId",), "USER": ("accountId",), "ACCOUNT": ("accountKey",),
          "ACCOUNT_ROLE": ("accountKey", "roleId"), "ACCOUNT_USER": ("accountKey", "accountId")}


@dataclass(frozen=True)
class Scope:
    type: str
    account_key: str | None = None
    role_id: int | None = None
    user_account_id: str | None = None

    @property
    def key(self) -> str:
        return scope_key(self.type, account_key=self.account_key, role_id=self.role_id,
                         user_account_id=self.user_account_id)


@dataclass(frozen=True)
class RateInput:
    category: object
    scope: object          # the API's {type, accountKey?, roleId?, accountId?}
    value: object
    currency: object       # optional; must be the scope's currency when given
    effective_date: date | None


@dataclass(frozen=True)
class Resolution:
    rate: Rate | None
    tried: tuple[Scope, ...]


class RateBook:
    """All of a tenant's rates in memory, indexed for look-ups by scope and day."""

    def __init__(self, rows):
        # A book is a snapshot: each answer is computed once (a backfill prices thousands of
        # lines for a few people, accounts and days).
        self._resolved: dict[tuple, Resolution] = {}
        self._initial: dict[tuple[str, str], Rate] = {}
        self._dated: dict[tuple[str, str], tuple[list[date], list[Rate]]] = {}
        for row in sorted(rows, key=lambda r: (r.effective_date is None, r.effective_date)):
            slot = (row.category, row.scope_key)
            if row.effective_date is None:
                self._initial[slot] = row
            else:
                days, rates = self._dated.setdefault(slot, ([], []))
                days.append(row.effective_date)
                rates.append(row)

    def in_force(self, category: str, key: str, day: date) -> Rate | None:
        dated = self._dated.get((category, key))
        if dated:
            index = bisect.bisect_right(dated[0], day) - 1
            if index >= 0:
                return dated[1][index]
        return self._initial.get((category, key))

    def resolve(self, category: str, *, day: date, user: str, role_id: int,
                account_key: str | None) -> Resolution:
        """The first scope in precedence order with a rate in force on ``day``."""
        asked = (category, day, user, role_id, account_key)
        if asked not in self._resolved:
            self._resolved[asked] = self._resolve(category, day=day, user=user,
                                                  role_id=role_id, account_key=account_key)
        return self._resolved[asked]

    def _resolve(self, category: str, *, day: date, user: str, role_id: int,
                 account_key: str | None) -> Resolution:
        tried = []
        for scope_type in PRECEDENCE[category]:
            if scope_type.startswith("ACCOUNT") and not account_key:
                continue
            scope = Scope(scope_type,
                          account_key=account_key if scope_type.startswith("ACCOUNT") else None,
                          role_id=role_id if scope_type.endswith("ROLE") else None,
                          user_account_id=user if scope_type.endswith("USER") else None)
            tried.append(scope)
            rate = self.in_force(category, scope.key, day)
            if rate is not None:
                return Resolution(rate, tuple(tried))
        return Resolution(None, tuple(tried))


def rate_book(session: Session) -> RateBook:
    return RateBook(session.scalars(select(Rate)))


def list_rates(session: Session, *, category=None, scope_type=None, account_key=None,
               user_account_id=None, role_id=None, account_keys=None) -> list[Rate]:
    """Rates matching every filter given (``account_keys``: only these accounts' rates)."""
    query = select(Rate).order_by(Rate.category, Rate.scope_key,
                                  Rate.effective_date.is_not(None), Rate.effective_date)
    for column, value in ((Rate.category, category), (Rate.scope_type, scope_type),
                          (Rate.account_key, account_key),
                          (Rate.user_account_id, user_account_id), (Rate.role_id, role_id)):
        if value is not None:
            query = query.where(column == value)
    if account_keys is not None:
        query = query.where(Rate.account_key.in_(account_keys))
    return list(session.scalars(query))


def rates_for_role(session: Session, tenant_id: int, role_id: int) -> list[Rate]:
    return list(session.scalars(select(Rate).where(Rate.tenant_id == tenant_id,
                                                   Rate.role_id == role_id)))


def get_rate(session: Session, rate_id: int) -> Rate:
    row = session.get(Rate, rate_id)
    if row is None or row.tenant_id != session.tenant_id:
        raise NotFound(f"rate {rate_id} not found")
    return row


def save_rate(session: Session, data: RateInput, rate_id: int | None = None) -> Rate:
    """Create (``rate_id`` None) or replace a rate. Raises InvalidInput naming every bad field,
    Conflict (a second initial rate, or a second rate on the same day), NotFound."""
    row = get_rate(session, rate_id) if rate_id is not None else Rate()
    problems: list = []
    category = data.category if data.category in RATE_CATEGORIES else None
    if category is None:
        problems.append(FieldProblem("category", "category must be BILLING or COST"))
    scope = _scope(session, data.scope, category, problems)
    value = parse_decimal(data.value, "rate.value", problems, places=4)
    if value is not None and value < 0:
        problems.append(FieldProblem("rate.value", "rate.value must not be negative"))
    currency = _expected_currency(session, scope) if scope else None
    if currency and data.currency is not None and data.currency != currency:
        problems.append(FieldProblem("rate.currencyCode", f"this scope's rates are in "
                                     f"{currency}", "wrong_currency"))
    if problems:
        raise InvalidInput(problems[0].message if len(problems) == 1 else "invalid rate",
                           problems)
    _check_unique(session, category, scope, data.effective_date, rate_id)
    row.category, row.scope_type, row.scope_key = category, scope.type, scope.key
    row.account_key, row.role_id = scope.account_key, scope.role_id
    row.user_account_id = scope.user_account_id
    row.value, row.currency = value.quantize(RATE_PLACES), currency
    row.effective_date = data.effective_date
    session.add(row)
    session.flush()
    return row


def delete_rate(session: Session, rate_id: int) -> None:
    session.delete(get_rate(session, rate_id))
    session.flush()


def scope_currency(session: Session, scope: Scope) -> str:
    """ACCOUNT* scopes price in the account's currency; every other scope in the base one."""
    return _expected_currency(session, scope)


def _expected_currency(session: Session, scope: Scope) -> str:
    if scope.account_key:
        account = session.scalar(select(Account).where(Account.key == scope.account_key))
        if account is not None:
            return account.currency
    return base_currency(session)


def _scope(session: Session, raw, category: str | None, problems: list) -> Scope | None:
    if not isinstance(raw, dict) or raw.get("type") not in SCOPE_TYPES:
        problems.append(FieldProblem("scope.type", f"scope.type must be one of "
                                     f"{', '.join(SCOPE_TYPES)}"))
        return None
    kind = raw["type"]
    if category == COST and kind not in PRECEDENCE[COST]:
        problems.append(FieldProblem("scope.type", "cost rates are set per USER, ROLE or SITE",
                                     "not_for_cost"))
        return None
    before = len(problems)
    for name in _NEEDS[kind]:
        if raw.get(name) in (None, ""):
            problems.append(FieldProblem(f"scope.{name}", f"a {kind} scope needs {name}",
                                         "required"))
    if len(problems) > before:
        return None
    scope = Scope(kind, account_key=raw.get("accountKey") if "accountKey" in _NEEDS[kind]
                  else None,
                  role_id=raw.get("roleId") if "roleId" in _NEEDS[kind] else None,
                  user_account_id=raw.get("accountId") if "accountId" in _NEEDS[kind] else None)
    return scope if _scope_exists(session, scope, problems) else None


def _scope_exists(session: Session, scope: Scope, problems: list) -> bool:
    ok = True
    if scope.account_key is not None and session.scalar(
            select(Account.id).where(Account.key == str(scope.account_key))) is None:
        problems.append(FieldProblem("scope.accountKey", f"account {scope.account_key!r} "
                                     "not found", "not_found"))
        ok = False
    if scope.role_id is not None and (not isinstance(scope.role_id, int) or session.scalar(
            select(Role.id).where(Role.id == scope.role_id)) is None):
        problems.append(FieldProblem("scope.roleId", f"role {scope.role_id!r} not found",
                                     "not_found"))
        ok = False
    if scope.user_account_id is not None and not isinstance(scope.user_account_id, str):
        problems.append(FieldProblem("scope.accountId", "scope.accountId must be a string"))
        ok = False
    return ok


def _check_unique(session: Session, category: str, scope: Scope, day: date | None,
                  rate_id: int | None) -> None:
    query = select(Rate.id).where(Rate.category == category, Rate.scope_key == scope.key)
    query = query.where(Rate.effective_date.is_(None) if day is None
                        else Rate.effective_date == day)
    clash = session.scalar(query)
    if clash is not None and clash != rate_id:
        what = "an initial rate" if day is None else f"a rate on {day.isoformat()}"
        raise Conflict(f"this scope already has {what}", [FieldProblem(
            "effectiveDate", f"this scope already has {what}", "duplicate")])
