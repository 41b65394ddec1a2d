"""Account jobs: push a tenant's accounts to the options of Jira's Account field.

Enqueued after the commit of any change to accounts, with
``jobs.enqueue(OPTIONS_SYNC_JOB, tenant_id, queue="sync", session=session)``.
"""

from __future__ import annotations

import logging

from addon.domain.account_field import account_field_id
from addon.domain.account_field import account_field_key
from addon.domain.account_field import discover_account_field
from addon.domain.account_field import reconcile_account_options
from addon.jira import JiraRestSource
from addon.jira.field_options import FieldOptionsClient
from connect import get_connect

from ..runtime import database
from ..runtime import job_app

log = logging.getLogger(__name__)


class OptionSyncIncomplete(RuntimeError):
    """Some options could not be changed; what succeeded is committed, a rerun does the rest."""


def sync_account_options(tenant_id: int) -> dict[str, int] | None:
    """Learn the field's id if unknown, then reconcile its options. Returns the change counts.

    Raises OptionSyncIncomplete (after committing) when some calls failed, so the job is
    recorded as failed; raises JiraUnavailable when Jira could not be read at all.
    """
    app = job_app()
    tenant = app.extensions["ledgerline.tenants"].get(tenant_id)
    if tenant is None or not tenant.active:
        return None
    connect = get_connect(app)
    signed = connect.app_session(tenant)
    addon_key = connect.config.addon_key
    options = FieldOptionsClient(signed, tenant.base_url, account_field_key(addon_key))
    with database().transaction(tenant_id=tenant_id) as session:
        if account_field_id(session) is None:
            fields = JiraRestSource(signed, tenant.base_url).fields()
            discover_account_field(session, fields, addon_key)
        result = reconcile_account_options(session, options)
    log.info("account options synced",
             extra={"tenant_id": tenant_id, "changes": result.counts()})
    if result.failed:
        raise OptionSyncIncomplete(f"{len(result.failed)} option changes failed: "
                                   f"{sorted(result.failed)}")
    return result.counts()
