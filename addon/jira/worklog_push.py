"""Pushing the app's worklogs to Jira as real worklogs, as their author where Jira allows.

Runs right after an API/panel write (so the answer usually carries the Jira id) and again from
the retry job when Jira was unreachable: a PENDING worklog is kept, never lost. The worklog's
attributes are also written as a Jira worklog property (``ledgerline``) for other tools.
"""

from __future__ import annotations

import logging
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.orm import Session

from connect import Connect
from connect.client import ImpersonationError
from connect.store import TenantRecord

from ..domain.sync import apply_worklog
from ..domain.sync import delete_worklog as tombstone_jira_worklog
from ..models import Worklog
from ..models.worklog import PUSH_DELETING
from ..models.worklog import PUSH_PENDING
from ..models.worklog import PUSH_SYNCED
from . import JiraRestSource
from . import JiraUnavailable

log = logging.getLogger(__name__)
PROPERTY_KEY = "ledgerline"
MAX_PUSH_ATTEMPTS = 12


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def jira_started(worklog: Worklog) -> str:
    """``2026-11-23T09:00:00.000+0530``: the local start with the author's offset."""
    local = worklog.started_at.astimezone(ZoneInfo(worklog.time_zone))
    return local.strftime("%Y-%m-%dT%H:%M:%S.000%z")


def _adf(text: str) -> dict:
    paragraphs = [{"type": "paragraph", "content": [{"type": "text", "text": line}]}
                  for line in text.splitlines() if line]
    return {"type": "doc", "version": 1, "content": paragraphs}


def _property(worklog: Worklog) -> dict:
    return {"tempoWorklogId": worklog.id, "billableSeconds": worklog.billable_seconds,
            "accountKey": worklog.account_key, "attributes": worklog.attributes,
            "authorAccountId": worklog.author_account_id}


class _Pusher:
    def __init__(self, connect: Connect, tenant: TenantRecord, worklog: Worklog):
        self.connect = connect
        self.tenant = tenant
        self.worklog = worklog
        self.base = tenant.base_url.rstrip("/")

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        """As the author (ACT_AS_USER); as the app when the grant is missing or refused."""
        if self.worklog.pushed_as != "app":
            try:
                session = self.connect.user_session(self.tenant, self.worklog.author_account_id)
                response = session.request(method, f"{self.base}{path}", **kwargs)
                if response.status_code not in (401, 403):
                    self.worklog.pushed_as = "user"
                    return response
            except ImpersonationError as exc:
                log.info("impersonation unavailable, pushing as the app",
                         extra={"reason": str(exc)})
        self.worklog.pushed_as = "app"
        return self.connect.app_session(self.tenant).request(method, f"{self.base}{path}",
                                                             **kwargs)


def _checked(response: requests.Response, *, allow_404: bool = False) -> requests.Response:
    if response.status_code >= 400 and not (allow_404 and response.status_code == 404):
        raise JiraUnavailable(response.status_code, response.text[:300])
    return response


def push(session: Session, connect: Connect, tenant: TenantRecord, worklog: Worklog, *,
         now: datetime) -> bool:
    """Bring Jira in line with ``worklog``. True when done; False when it must be retried.

    The caller commits. Failures are recorded on the worklog (attempts, error), not raised.
    """
    if worklog.push_state == PUSH_SYNCED:
        return True
    pusher = _Pusher(connect, tenant, worklog)
    issue_path = f"/rest/api/3/issue/{worklog.issue_jira_id}/worklog"
    try:
        if worklog.push_state == PUSH_DELETING:
            _checked(pusher.call("DELETE", f"{issue_path}/{worklog.jira_worklog_id}",
                                 params={"adjustEstimate": "auto"}), allow_404=True)
            worklog.push_state = PUSH_SYNCED
            tombstone_jira_worklog(session, worklog.jira_worklog_id, now=now)
            return True
        body = {"started": jira_started(worklog), "timeSpentSeconds": worklog.time_spent_seconds,
                "comment": _adf(worklog.description)}
        if worklog.jira_worklog_id:
            response = _checked(pusher.call("PUT", f"{issue_path}/{worklog.jira_worklog_id}",
                                            json=body))
        else:
            response = _checked(pusher.call("POST", issue_path, json=body))
        data = response.json()
        _link(session, worklog, str(data["id"]))
        _checked(pusher.call("PUT", f"{issue_path}/{data['id']}/properties/{PROPERTY_KEY}",
                             json=_property(worklog)))
    except (JiraUnavailable, requests.RequestException, KeyError, ValueError) as exc:
        worklog.push_attempts += 1
        worklog.push_error = f"{type(exc).__name__}: {exc}"[:2000]
        log.warning("worklog push failed", extra={"worklog_id": worklog.id,
                                                  "attempts": worklog.push_attempts})
        return False
    worklog.push_state = PUSH_SYNCED
    worklog.push_error = None
    session.flush()
    apply_worklog(session, data, JiraRestSource(connect.app_session(tenant), tenant.base_url),
                  account_field=None, now=now)
    return True


def _link(session: Session, worklog: Worklog, jira_id: str) -> None:
    """Record the Jira id; if the webhook echo already made a worklog for it, ours replaces it."""
    if worklog.jira_worklog_id == jira_id:
        return
    session.execute(delete(Worklog).where(Worklog.jira_worklog_id == jira_id,
                                          Worklog.id != worklog.id)
                    .execution_options(synchronize_session="fetch"))
    worklog.jira_worklog_id = jira_id
    session.flush()


def due_pushes(session: Session, *, now: datetime, limit: int = 200) -> list[int]:
    """Worklogs still waiting for Jira whose retry time has come."""
    rows = session.execute(select(Worklog.id, Worklog.push_attempts, Worklog.updated_at).where(
        Worklog.push_state.in_((PUSH_PENDING, PUSH_DELETING)),
        Worklog.push_attempts < MAX_PUSH_ATTEMPTS).order_by(Worklog.id).limit(limit)).all()
    return [row.id for row in rows
            if row.push_attempts == 0 or row.updated_at + retry_delay(row.push_attempts) <= now]
