"""Pushing the app's worklogs to Jira: one worklog, and the sweep that retries the pending."""

from __future__ import annotations

from addon.domain.worklog_push import claim_for_push
from addon.domain.worklog_push import due_pushes
from addon.domain.worklog_push import push
from addon.domain.worklog_push import tenants_with_pending_pushes
from addon.jira import app_source
from addon.jira.worklog_writer import JiraWorklogWriter
from addon.models.base import utcnow
from connect import get_connect

from ..runtime import database
from ..runtime import job_app


def push_worklog(tenant_id: int, worklog_id: int) -> bool:
    """Push one worklog; True when Jira has it (or no longer needs it)."""
    app = job_app()
    tenant = app.extensions["ledgerline.tenants"].get(tenant_id)
    if tenant is None or not tenant.active:
        return False
    connect = get_connect(app)
    with database().transaction(tenant_id=tenant_id) as session:
        worklog = claim_for_push(session, worklog_id)
        if worklog is None:
            return False
        return push(session, JiraWorklogWriter(connect, tenant), app_source(connect, tenant),
                    worklog, now=utcnow())


def push_pending_worklogs() -> int:
    """Retry every worklog still waiting for Jira (after an outage, a restart, a lost job)."""
    with database().transaction(all_tenants=True) as session:
        tenants = tenants_with_pending_pushes(session)
    pushed = 0
    for tenant_id in tenants:
        with database().transaction(tenant_id=tenant_id) as session:
            due = due_pushes(session, now=utcnow())
        pushed += sum(push_worklog(tenant_id, worklog_id) for worklog_id in due)
    return pushed
