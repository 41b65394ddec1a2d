"""Pushing the app's worklogs to Jira: one worklog, and the sweep that retries the pending."""

from __future__ import annotations

from sqlalchemy import select

from addon.jira.worklog_push import due_pushes
from addon.jira.worklog_push import push
from addon.models import Worklog
from addon.models.base import utcnow
from addon.models.worklog import PUSH_DELETING
from addon.models.worklog import PUSH_PENDING
from connect import get_connect

from ..runtime import database
from ..runtime import job_app


def push_worklog(tenant_id: int, worklog_id: int) -> bool:
    """Push one worklog; True when Jira has it (or no longer needs it)."""
    app = job_app()
    tenant = app.extensions["ledgerline.tenants"].get(tenant_id)
    if tenant is None or not tenant.active:
        return False
    with database().transaction(tenant_id=tenant_id) as session:
        query = select(Worklog).where(Worklog.id == worklog_id)
        if session.bind.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)  # one pusher per worklog
        worklog = session.scalar(query)
        if worklog is None:
            return False
        return push(session, get_connect(app), tenant, worklog, now=utcnow())


def push_pending_worklogs() -> int:
    """Retry every worklog still waiting for Jira (after an outage, a restart, a lost job)."""
    with database().transaction(all_tenants=True) as session:
        tenants = list(session.scalars(select(Worklog.tenant_id).distinct().where(
            Worklog.push_state.in_((PUSH_PENDING, PUSH_DELETING)))))
    pushed = 0
    for tenant_id in tenants:
        with database().transaction(tenant_id=tenant_id) as session:
            due = due_pushes(session, now=utcnow())
        pushed += sum(push_worklog(tenant_id, worklog_id) for worklog_id in due)
    return pushed
