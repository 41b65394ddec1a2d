"""Who may do what. Every permission rule of the app lives here; HTTP layers only ask.

Money (issue 8): rates, costs and margins are shown to site admins, and to account leads for
their accounts; a plain user sees the billable hours and revenue of their own worklogs, never
cost rates (``MoneyAccess``).

Jira is the authority on site administration: ``SiteAdminCache`` asks it (the ``JiraSource``
port is an ``AdminDirectory``) and remembers the answer briefly, so a page full of admin calls
does not ask again and again, and a revoked admin loses access within the cache's ttl.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Account
from .account_rules import account_by_key
from .errors import Forbidden

ADMIN_CACHE_SECONDS = 120


class AdminDirectory(Protocol):
    """Who knows the site's administrators: its Jira (a ``JiraSource``), or the demo site."""

    def is_site_admin(self, account_id: str) -> bool: ...


class SiteAdminCache:
    """``is_site_admin`` per (tenant, account), remembered for ``ttl`` seconds.

    ``clock`` is monotonic time (an interval timer, not the wall clock the domain avoids).
    """

    def __init__(self, ttl: float = ADMIN_CACHE_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self._ttl = ttl
        self._clock = clock
        self._entries: dict[tuple[int, str], tuple[bool, float]] = {}
        self._lock = threading.Lock()

    def is_site_admin(self, tenant_id: int, account_id: str | None, jira: AdminDirectory) -> bool:
        if not account_id:
            return False
        key = (tenant_id, account_id)
        now = self._clock()
        with self._lock:
            cached = self._entries.get(key)
        if cached and cached[1] > now:
            return cached[0]
        answer = jira.is_site_admin(account_id)
        with self._lock:
            self._entries[key] = (answer, now + self._ttl)
        return answer


def may_write_for(session: Session, *, caller: str, author: str, account_key: str | None,
                  caller_is_admin: Callable[[], bool]) -> bool:
    """Users log their own time; the account's lead and site admins act for others.

    ``caller_is_admin`` is asked last, since it may cost a call to Jira.
    """
    if author == caller:
        return True
    account = account_by_key(session, account_key) if account_key else None
    if account is not None and account.lead_account_id == caller:
        return True
    return caller_is_admin()


def require_can_write_for(session: Session, *, caller: str, author: str,
                          account_key: str | None, caller_is_admin: Callable[[], bool]) -> None:
    if not may_write_for(session, caller=caller, author=author, account_key=account_key,
                         caller_is_admin=caller_is_admin):
        raise Forbidden("you may only log and edit your own time")


def token_owner_filter(caller: str, *, caller_is_admin: bool) -> str | None:
    """Whose API tokens the caller may list: everyone's for a site admin (None), else their own."""
    return None if caller_is_admin else caller


def led_account_keys(session: Session, tenant_id: int, account_id: str | None) -> frozenset[str]:
    """Keys of the accounts ``account_id`` leads."""
    if not account_id:
        return frozenset()
    return frozenset(session.scalars(select(Account.key).where(
        Account.tenant_id == tenant_id, Account.lead_account_id == account_id)))


@dataclass(frozen=True)
class MoneyAccess:
    """What one caller may see and change of the money side."""

    caller: str | None
    site_admin: bool
    led_accounts: frozenset[str]

    def sees_costs(self, account_key: str | None) -> bool:
        """Cost rates, costs and margins of work on ``account_key``."""
        return self.site_admin or (account_key is not None and account_key in self.led_accounts)

    def sees_revenue(self, account_key: str | None, author: str | None) -> bool:
        """Billing rate and revenue of a worklog: its author sees their own."""
        return self.sees_costs(account_key) or (author is not None and author == self.caller)

    @property
    def sees_any_costs(self) -> bool:
        return self.site_admin or bool(self.led_accounts)

    def report_accounts(self) -> frozenset[str] | None:
        """The accounts a money report may cover for this caller (None: all of them)."""
        return None if self.site_admin else self.led_accounts

    def may_manage_expense(self, account_key: str | None, author: str | None) -> bool:
        """Anyone records their own expenses; admins and account leads any on their accounts."""
        return self.sees_costs(account_key) or (author is not None and author == self.caller)


def money_access(session: Session, tenant_id: int, caller: str | None, *,
                 is_site_admin: bool) -> MoneyAccess:
    return MoneyAccess(caller, is_site_admin, led_account_keys(session, tenant_id, caller))
