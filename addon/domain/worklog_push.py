"""Pushing the app's worklogs to Jira as real worklogs, as their author where Jira allows.

Runs right after an API/panel write (so the answer usually carries the Jira id) and again from
the retry job when Jira was unreachable: a PENDING worklog is kept, never lost. The worklog's
attributes are also written as a Jira worklog property (``ledgerline``) for other tools.
Only ``JiraUnavailable`` counts as a retryable failure; anything else is a bug and surfaces.
"""

from __future__ import annotations

import logging
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..jira.source import JiraSource
from ..jira.source import JiraUnavailable
from ..jira.source import WorklogWriter
from ..models import Worklog
from ..models.worklog import PUSH_DELETING
from ..models.worklog import PUSH_PENDING
from ..models.worklog import PUSH_SYNCED
from .errors import error_text
from .sync import apply_worklog
from .sync import delete_worklog as tombstone_jira_worklog
from .sync import set_remaining_estimate

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


def _as(worklog: Worklog) -> dict:
    """Who to write as: the author, until Jira has once made us fall back to the app."""
    return {"author": worklog.author_account_id, "as_app": worklog.pushed_as == "app"}


def push(session: Session, writer: WorklogWriter, source: JiraSource, worklog: Worklog, *,
         now: datetime) -> bool:
    """Bring Jira in line with ``worklog``. True when done; False when it must be retried.

    The caller commits. Jira failures are recorded on the worklog (attempts, error), not raised.
    """
    if worklog.push_state == PUSH_SYNCED:
        return True
    try:
        if worklog.push_state == PUSH_DELETING:
            worklog.pushed_as = writer.delete_worklog(
                worklog.issue_jira_id, worklog.jira_worklog_id, **_as(worklog))
            worklog.push_state = PUSH_SYNCED
            tombstone_jira_worklog(session, worklog.jira_worklog_id, now=now)
            return True
        body = {"started": jira_started(worklog), "timeSpentSeconds": worklog.time_spent_seconds,
                "comment": _adf(worklog.description)}
        data, worklog.pushed_as = writer.save_worklog(
            worklog.issue_jira_id, worklog.jira_worklog_id, body,
            params=_estimate_params(worklog), **_as(worklog))
        _link(session, worklog, str(data["id"]))
        worklog.pushed_as = writer.set_worklog_property(
            worklog.issue_jira_id, worklog.jira_worklog_id, PROPERTY_KEY, _property(worklog),
            **_as(worklog))
    except JiraUnavailable as exc:
        worklog.push_attempts += 1
        worklog.push_attempted_at = now
        worklog.push_error = error_text(exc)
        log.warning("worklog push failed", extra={"worklog_id": worklog.id,
                                                  "attempts": worklog.push_attempts})
        return False
    worklog.push_state = PUSH_SYNCED
    worklog.push_error = None
    _estimate_set(session, worklog)
    session.flush()
    apply_worklog(session, data, source, account_field=None, now=now)
    return True


def _estimate_params(worklog: Worklog) -> dict:
    """Jira's ``adjustEstimate=new`` when the writer gave a remaining estimate (Tempo's
    ``remainingEstimateSeconds``), else Jira's default (reduce it by the time spent)."""
    if worklog.new_estimate_seconds is None:
        return {}
    return {"adjustEstimate": "new", "newEstimate": f"{worklog.new_estimate_seconds // 60}m"}


def _estimate_set(session: Session, worklog: Worklog) -> None:
    """The estimate is Jira's now: mirror it at once (the issue webhook confirms it later)."""
    if worklog.new_estimate_seconds is None:
        return
    set_remaining_estimate(session, worklog.issue_jira_id, worklog.new_estimate_seconds // 60 * 60)
    worklog.new_estimate_seconds = None


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
    rows = session.execute(select(Worklog.id, Worklog.push_attempts, Worklog.push_attempted_at,
                                  Worklog.updated_at).where(
        Worklog.push_state.in_((PUSH_PENDING, PUSH_DELETING)),
        Worklog.push_attempts < MAX_PUSH_ATTEMPTS).order_by(Worklog.id).limit(limit)).all()
    return [row.id for row in rows if row.push_attempts == 0 or (
        row.push_attempted_at or row.updated_at) + retry_delay(row.push_attempts) <= now]


def tenants_with_pending_pushes(session: Session) -> list[int]:
    """Tenants with worklogs still waiting for Jira (an all-tenants session)."""
    return list(session.scalars(select(Worklog.tenant_id).distinct().where(
        Worklog.push_state.in_((PUSH_PENDING, PUSH_DELETING)))))


def claim_for_push(session: Session, worklog_id: int, *, lock: bool = True) -> Worklog | None:
    """The worklog; with ``lock``, locked for this pusher on PostgreSQL (a concurrent pusher
    skips it). The API's immediate push after a write reads it without the lock."""
    query = select(Worklog).where(Worklog.id == worklog_id)
    if lock and session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.scalar(query)
