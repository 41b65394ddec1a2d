"""``WorklogWriter`` over HTTP: worklog writes as their author where Jira allows, else as the app.

The author's session comes from Connect's user impersonation (``ACT_AS_USER``); when the grant
is missing, or Jira answers 401/403 for the user, the same call is made as the app.
"""

from __future__ import annotations

import logging

import requests

from connect import Connect
from connect.client import ImpersonationError
from connect.store import TenantRecord

from .source import JiraUnavailable

log = logging.getLogger(__name__)


class JiraWorklogWriter:
    def __init__(self, connect: Connect, tenant: TenantRecord):
        self._connect = connect
        self._tenant = tenant
        self._base = tenant.base_url.rstrip("/")

    def save_worklog(self, issue_id: str, worklog_id: str | None, body: dict, *, author: str,
                     as_app: bool, params: dict | None = None) -> tuple[dict, str]:
        """Create or update; ``params`` are Jira's estimate options (``adjustEstimate``…)."""
        path = f"/rest/api/3/issue/{issue_id}/worklog"
        method, path = ("PUT", f"{path}/{worklog_id}") if worklog_id else ("POST", path)
        response, acted_as = self._call(method, path, author, as_app, json=body,
                                        params=params or {})
        try:
            data = response.json()
            str(data["id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise JiraUnavailable(response.status_code,
                                  f"unreadable worklog answer: {type(exc).__name__}") from exc
        return data, acted_as

    def delete_worklog(self, issue_id: str, worklog_id: str, *, author: str,
                       as_app: bool) -> str:
        return self._call("DELETE", f"/rest/api/3/issue/{issue_id}/worklog/{worklog_id}",
                          author, as_app, allow_404=True, params={"adjustEstimate": "auto"})[1]

    def set_worklog_property(self, issue_id: str, worklog_id: str, key: str, value: dict, *,
                             author: str, as_app: bool) -> str:
        path = f"/rest/api/3/issue/{issue_id}/worklog/{worklog_id}/properties/{key}"
        return self._call("PUT", path, author, as_app, json=value)[1]

    def _call(self, method: str, path: str, author: str, as_app: bool, *,
              allow_404: bool = False, **kwargs) -> tuple[requests.Response, str]:
        try:
            response, acted_as = self._send(method, path, author, as_app, **kwargs)
        except requests.RequestException as exc:
            raise JiraUnavailable(None, f"Jira unreachable: {type(exc).__name__}: {exc}") \
                from exc
        if response.status_code >= 400 and not (allow_404 and response.status_code == 404):
            raise JiraUnavailable.answered(response.status_code, response.text)
        return response, acted_as

    def _send(self, method: str, path: str, author: str, as_app: bool,
              **kwargs) -> tuple[requests.Response, str]:
        url = f"{self._base}{path}"
        if not as_app:
            try:
                session = self._connect.user_session(self._tenant, author)
                response = session.request(method, url, **kwargs)
                if response.status_code not in (401, 403):
                    return response, "user"
            except ImpersonationError as exc:
                log.info("impersonation unavailable, pushing as the app",
                         extra={"reason": str(exc)})
        return self._connect.app_session(self._tenant).request(method, url, **kwargs), "app"
