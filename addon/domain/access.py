"""Who may do what. Every permission rule of the app lives here; HTTP layers only ask.

Jira is the authority on site administration: ``SiteAdminCache`` asks it (the ``JiraSource``
port is an ``AdminDirectory``) and remembers the answer briefly, so a page full of admin calls
does not ask again and again, and a revoked admin loses access within the cache's ttl.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

from sqlalchemy.orm import Session

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
