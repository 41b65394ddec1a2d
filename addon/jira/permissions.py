"""Who may manage the app on a site: Jira site admins, asked of Jira and cached briefly."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import requests

from . import JiraUnavailable

ADMIN_CACHE_SECONDS = 120


class SiteAdminCache:
    """``is_site_admin`` per (tenant, account), remembered for a short while.

    Jira is the authority; the cache only keeps a page full of admin calls from asking it
    again and again. A revoked admin loses access within ``ttl`` seconds.
    """

    def __init__(self, ttl: float = ADMIN_CACHE_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self._ttl = ttl
        self._clock = clock
        self._entries: dict[tuple[int, str], tuple[bool, float]] = {}
        self._lock = threading.Lock()

    def is_site_admin(self, tenant_id: int, account_id: str | None,
                      session: requests.Session, base_url: str) -> bool:
        if not account_id:
            return False
        key = (tenant_id, account_id)
        now = self._clock()
        with self._lock:
            cached = self._entries.get(key)
        if cached and cached[1] > now:
            return cached[0]
        answer = _ask_jira(session, base_url, account_id)
        with self._lock:
            self._entries[key] = (answer, now + self._ttl)
        return answer


def _ask_jira(session: requests.Session, base_url: str, account_id: str) -> bool:
    try:
        response = session.post(f"{base_url.rstrip('/')}/rest/api/3/permissions/check",
                                json={"globalPermissions": ["ADMINISTER"], "accountId": account_id})
    except requests.RequestException as exc:
        raise JiraUnavailable(None, f"Jira unreachable: {type(exc).__name__}") from exc
    if response.status_code == 400:
        return False  # Jira: no such user
    if response.status_code >= 400:
        raise JiraUnavailable(response.status_code, response.text[:300])
    return "ADMINISTER" in response.json().get("globalPermissions", [])


class SiteAdminListCache:
    """The site's administrators (the last-resort timesheet reviewers), cached briefly."""

    def __init__(self, ttl: float = ADMIN_CACHE_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self._ttl = ttl
        self._clock = clock
        self._entries: dict[int, tuple[list[str], float]] = {}
        self._lock = threading.Lock()

    def site_admins(self, tenant_id: int, session: requests.Session, base_url: str) -> list[str]:
        now = self._clock()
        with self._lock:
            cached = self._entries.get(tenant_id)
        if cached and cached[1] > now:
            return cached[0]
        answer = _list_admins(session, base_url)
        with self._lock:
            self._entries[tenant_id] = (answer, now + self._ttl)
        return answer


def _list_admins(session: requests.Session, base_url: str) -> list[str]:
    """Jira's "users with permissions" search for the global ADMINISTER permission."""
    try:
        response = session.get(f"{base_url.rstrip('/')}/rest/api/3/user/permission/search",
                               params={"permissions": "ADMINISTER", "maxResults": 50})
    except requests.RequestException as exc:
        raise JiraUnavailable(None, f"Jira unreachable: {type(exc).__name__}") from exc
    if response.status_code >= 400:
        raise JiraUnavailable(response.status_code, response.text[:300])
    return sorted(u["accountId"] for u in response.json()
                  if u.get("accountId") and u.get("active", True))
