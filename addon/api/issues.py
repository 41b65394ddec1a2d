"""Ours: ``/api/4/issues/{idOrKey}``, the synced issue and the account that applies to it."""

from __future__ import annotations

from flask import jsonify

from connect.context import allow_context_qsh

from ..caller import visibility
from ..domain.access import visible_issue
from ..domain.account_rules import resolve_account
from ..domain.errors import NotFound
from ..domain.issues import issue_by_id
from ..domain.issues import synced_project
from . import bp
from . import serialize
from .inputs import tenant_session


@bp.get("/issues/<id_or_key>")
@allow_context_qsh
def issue(id_or_key):
    """Ours: the synced issue and the account that applies to time logged on it."""
    session = tenant_session()
    shown = visibility()
    row = visible_issue(session, shown, jira_id=id_or_key, key=id_or_key)
    if row is None:
        raise NotFound(f"issue {id_or_key} is not synced (or does not exist)")
    parent = issue_by_id(session, row.parent_jira_id)
    if parent is not None and not shown.shows_project(parent.project_jira_id):
        parent = None  # an epic in a project the caller may not browse stays unnamed
    choice = resolve_account(session, row, None)
    project = synced_project(session, row.project_jira_id)
    return jsonify({
        "self": f"{serialize.api_base()}/issues/{row.key}",
        "id": serialize.jira_id(row.jira_id), "key": row.key, "summary": row.summary,
        "issueType": {"name": row.issue_type, "hierarchyLevel": row.hierarchy_level},
        "status": row.status,
        "project": {"id": serialize.jira_id(row.project_jira_id),
                    "key": project.key if project else None,
                    "name": project.name if project else None},
        "parent": {"id": serialize.jira_id(parent.jira_id), "key": parent.key,
                   "issueType": parent.issue_type} if parent else None,
        "accountField": row.account_field_value,
        "originalEstimateSeconds": row.original_estimate_seconds,
        "remainingEstimateSeconds": row.remaining_estimate_seconds,
        "account": {"key": choice.key, "name": choice.account.name if choice.account else None,
                    "rule": choice.rule, "viaIssueKey": choice.via_issue_key},
    })
