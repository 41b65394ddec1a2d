"""The Jira adapter: a tenant's Jira REST v3 over Connect's signed sessions.

It implements the ports in ``addon.jira.source`` (the only part of this package the domain
imports) and never imports the domain. The sessions (signed as the app, or as a user, with
Retry-After handling) come from ``connect``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import requests

from .source import ISSUE_FIELDS
from .source import BrowseGrants
from .source import JiraSource
from .source import JiraUnavailable

__all__ = ["ISSUE_FIELDS", "BrowseGrants", "JiraRestSource", "JiraSource", "JiraUnavailable"]

BROWSE_CHECK_BATCH = 1000  # Jira checks at most 1000 projects per call


class JiraRestSource:
    """``JiraSource`` over HTTP. Raises ``JiraUnavailable`` on anything but success or 404."""

    def __init__(self, session: requests.Session, base_url: str, *, page_size: int = 100):
        self._session = session
        self._base = base_url.rstrip("/")
        self.page_size = page_size

    def _call(self, method: str, path: str, **kwargs) -> requests.Response:
        try:
            response = self._session.request(method, f"{self._base}{path}", **kwargs)
        except requests.RequestException as exc:
            raise JiraUnavailable(None, f"Jira unreachable: {type(exc).__name__}") from exc
        if response.status_code >= 400 and response.status_code != 404:
            raise JiraUnavailable.answered(response.status_code, response.text)
        return response

    def _json(self, method: str, path: str, **kwargs) -> Any:
        response = self._call(method, path, **kwargs)
        if response.status_code == 404:
            raise JiraUnavailable(404, f"{path} not found")
        return response.json()

    def issue(self, issue_id: str, fields: tuple[str, ...] = ISSUE_FIELDS) -> dict | None:
        response = self._call("GET", f"/rest/api/3/issue/{issue_id}",
                              params={"fields": ",".join(fields)})
        return None if response.status_code == 404 else response.json()

    def worklogs(self, ids: list[str]) -> list[dict]:
        found: list[dict] = []
        for start in range(0, len(ids), 1000):
            found += self._json("POST", "/rest/api/3/worklog/list",
                                json={"ids": [int(i) for i in ids[start:start + 1000]]})
        return found

    def fields(self) -> list[dict]:
        return self._json("GET", "/rest/api/3/field")

    def projects(self) -> Iterator[list[dict]]:
        """All projects, a page at a time."""
        start = 0
        while True:
            page = self._json("GET", "/rest/api/3/project/search",
                              params={"startAt": start, "maxResults": 50})
            yield page.get("values", [])
            if page.get("isLast", True) or not page.get("values"):
                return
            start += len(page["values"])

    def project(self, project_id: str) -> dict | None:
        """One project; None when Jira answers 404 (deleted, or no longer visible to the app)."""
        response = self._call("GET", f"/rest/api/3/project/{project_id}")
        return None if response.status_code == 404 else response.json()

    def search_page(self, jql: str, fields: tuple[str, ...], token: str | None,
                    max_results: int | None = None) -> dict:
        """One page of ``/search/jql``: ``{"issues", "nextPageToken", "isLast"}``."""
        body: dict[str, Any] = {"jql": jql, "fields": list(fields),
                                "maxResults": max_results or self.page_size}
        if token:
            body["nextPageToken"] = token
        return self._json("POST", "/rest/api/3/search/jql", json=body)

    def approximate_count(self, jql: str) -> int | None:
        response = self._call("POST", "/rest/api/3/search/approximate-count", json={"jql": jql})
        return None if response.status_code == 404 else response.json().get("count")

    def worklog_changes(self, kind: str, since_ms: int) -> dict:
        """One page of ``/worklog/updated`` or ``/worklog/deleted`` since ``since_ms``."""
        if kind not in ("updated", "deleted"):
            raise ValueError(kind)
        return self._json("GET", f"/rest/api/3/worklog/{kind}", params={"since": since_ms})

    def issue_worklogs(self, issue_id: str) -> Iterator[list[dict]]:
        start = 0
        while True:
            page = self._json("GET", f"/rest/api/3/issue/{issue_id}/worklog",
                              params={"startAt": start, "maxResults": 1000})
            worklogs = page.get("worklogs", [])
            yield worklogs
            start += len(worklogs)
            if not worklogs or start >= page.get("total", 0):
                return

    def is_site_admin(self, account_id: str) -> bool:
        """Whether Jira grants ``account_id`` the global ADMINISTER permission."""
        granted = self._check_permissions(
            {"globalPermissions": ["ADMINISTER"], "accountId": account_id})
        return "ADMINISTER" in granted.get("globalPermissions", [])

    def browse_grants(self, account_id: str, project_ids: list[str]) -> BrowseGrants:
        """Site administration and Browse Projects on ``project_ids``, as few calls as Jira
        allows (it checks at most 1000 projects per call; an admin needs no more than one)."""
        numeric = sorted({int(p) for p in project_ids if p.isdigit()})
        browsable: set[str] = set()
        for start in range(0, max(len(numeric), 1), BROWSE_CHECK_BATCH):
            body: dict[str, Any] = {"accountId": account_id}
            if start == 0:
                body["globalPermissions"] = ["ADMINISTER"]
            if numeric:
                body["projectPermissions"] = [{
                    "permissions": ["BROWSE_PROJECTS"],
                    "projects": numeric[start:start + BROWSE_CHECK_BATCH]}]
            granted = self._check_permissions(body)
            if "ADMINISTER" in granted.get("globalPermissions", []):
                return BrowseGrants(site_admin=True, project_ids=frozenset())
            for grant in granted.get("projectPermissions", []):
                if grant.get("permission") == "BROWSE_PROJECTS":
                    browsable.update(str(p) for p in grant.get("projects", []))
        return BrowseGrants(site_admin=False, project_ids=frozenset(browsable))

    def site_admins(self) -> list[str]:
        """Active holders of the global ADMINISTER permission (Jira's "users with permissions"
        search)."""
        users = self._json("GET", "/rest/api/3/user/permission/search",
                           params={"permissions": "ADMINISTER", "maxResults": 50})
        return sorted(u["accountId"] for u in users
                      if u.get("accountId") and u.get("active", True))

    def _check_permissions(self, body: dict) -> dict:
        """``POST /permissions/check`` as the app; Jira's 400 (no such user) grants nothing."""
        try:
            response = self._session.post(f"{self._base}/rest/api/3/permissions/check",
                                          json=body)
        except requests.RequestException as exc:
            raise JiraUnavailable(None, f"Jira unreachable: {type(exc).__name__}") from exc
        if response.status_code == 400:
            return {}
        if response.status_code >= 400:
            raise JiraUnavailable.answered(response.status_code, response.text)
        try:
            return response.json()
        except ValueError as exc:
            raise JiraUnavailable(response.status_code, "unreadable permission answer") from exc


def app_source(connect, tenant) -> JiraRestSource:
    """The tenant's Jira read as the app (``connect`` is the app's ``Connect``)."""
    return JiraRestSource(connect.app_session(tenant), tenant.base_url)
