"""Site setup over the API: work attributes, the worklog policy (global configuration),
API tokens, and the synced issue view."""

from __future__ import annotations

from flask import jsonify
from sqlalchemy import or_
from sqlalchemy import select

from connect.context import allow_context_qsh
from connect.context import current_context

from ..db import request_session
from ..domain import api_tokens
from ..domain import periods
from ..domain.account_rules import resolve_account
from ..domain.attributes import create_attribute
from ..domain.attributes import delete_attribute
from ..domain.attributes import get_attribute
from ..domain.attributes import list_attributes
from ..domain.attributes import replace_attribute
from ..domain.errors import FieldProblem
from ..domain.errors import InvalidInput
from ..domain.errors import NotFound
from ..domain.policy import load_policy
from ..domain.policy import save_policy
from ..models import JiraIssue
from ..models.base import utcnow
from . import bp
from . import serialize
from .auth import is_site_admin
from .auth import require_site_admin
from .auth import require_user
from .envelope import result_list
from .inputs import json_body


def _session():
    return request_session(current_context().tenant_id)


def _attribute_fields(body: dict) -> dict:
    return {"name": body.get("name"), "type": body.get("type"),
            "required": body.get("required", False), "values": body.get("values"),
            "names": body.get("names")}


@bp.get("/work-attributes")
@allow_context_qsh
def work_attributes():
    return jsonify(result_list([serialize.work_attribute(a)
                                for a in list_attributes(_session())]))


@bp.get("/work-attributes/<key>")
@allow_context_qsh
def work_attribute(key):
    return jsonify(serialize.work_attribute(get_attribute(_session(), key)))


@bp.post("/work-attributes")
@allow_context_qsh
def create_work_attribute():
    require_site_admin()
    body = json_body()
    session = _session()
    with session.begin():
        attribute = create_attribute(session, key=body.get("key"), **_attribute_fields(body))
        result = serialize.work_attribute(attribute)
    return jsonify(result)


@bp.put("/work-attributes/<key>")
@allow_context_qsh
def update_work_attribute(key):
    require_site_admin()
    session = _session()
    with session.begin():
        attribute = replace_attribute(session, key, **_attribute_fields(json_body()))
        result = serialize.work_attribute(attribute)
    return jsonify(result)


@bp.delete("/work-attributes/<key>")
@allow_context_qsh
def delete_work_attribute(key):
    require_site_admin()
    session = _session()
    with session.begin():
        delete_attribute(session, key)
    return "", 204


def _configuration(policy, approval) -> dict:
    """Tempo's global configuration names, then our policy under ``policy``."""
    return {
        "allowLoggingOnClosedAccount": False,
        "maxHoursPerDayPerUser": policy.max_seconds_per_day / 3600,
        "numberOfDaysAllowedIntoFuture": policy.days_ahead_allowed,
        "worklogDescriptionOptional": not policy.description_required,
        "remainingEstimateOptional": True,
        "startAndEndTimesEnabled": True,
        "weekStart": 1,
        "approvalPeriod": approval.period,
        "approvalWeekStart": approval.week_start,
        "policy": {
            "descriptionRequired": policy.description_required,
            "accountRequired": policy.account_required,
            "minDurationSeconds": policy.min_duration_seconds,
            "maxDurationSeconds": policy.max_duration_seconds,
            "maxSecondsPerDay": policy.max_seconds_per_day,
            "daysBackAllowed": policy.days_back_allowed,
            "daysAheadAllowed": policy.days_ahead_allowed,
            "hoursPerDay": policy.hours_per_day,
            "daysPerWeek": policy.days_per_week,
        },
    }


_POLICY_FIELDS = {
    "descriptionRequired": "description_required", "accountRequired": "account_required",
    "minDurationSeconds": "min_duration_seconds", "maxDurationSeconds": "max_duration_seconds",
    "maxSecondsPerDay": "max_seconds_per_day", "daysBackAllowed": "days_back_allowed",
    "daysAheadAllowed": "days_ahead_allowed", "hoursPerDay": "hours_per_day",
    "daysPerWeek": "days_per_week",
}


@bp.get("/globalconfiguration")
@allow_context_qsh
def global_configuration():
    session = _session()
    return jsonify(_configuration(load_policy(session), periods.load_settings(session)))


@bp.put("/globalconfiguration")
@allow_context_qsh
def update_global_configuration():
    """Ours: change the worklog policy (``{"policy": {...}}`` with the names GET shows) and
    Tempo's ``approvalPeriod``/``approvalWeekStart``. Absent settings keep their stored value."""
    require_site_admin()
    raw = json_body()
    body = raw.get("policy", {})
    changes = {}
    for name, value in (body.items() if isinstance(body, dict) else []):
        changes[_POLICY_FIELDS.get(name, name)] = value
    period_kind, week_start = raw.get("approvalPeriod"), raw.get("approvalWeekStart")
    session = _session()
    with session.begin():
        try:
            policy, problems = save_policy(session, changes), []
        except InvalidInput as exc:
            api_names = {v: k for k, v in _POLICY_FIELDS.items()}
            policy, problems = None, [
                FieldProblem(f"policy.{api_names.get(p.field, p.field)}", p.message, p.code)
                for p in exc.problems]
        problems += periods.settings_problems(period_kind, week_start)
        if problems:  # every bad field at once; nothing is written
            raise InvalidInput(problems[0].message if len(problems) == 1
                               else "invalid configuration", problems)
        approval = periods.save_settings(session, period=period_kind, week_start=week_start)
    return jsonify(_configuration(policy, approval))


@bp.get("/issues/<id_or_key>")
@allow_context_qsh
def issue(id_or_key):
    """Ours: the synced issue and the account that applies to time logged on it."""
    session = _session()
    row = session.scalar(select(JiraIssue).where(
        or_(JiraIssue.jira_id == id_or_key, JiraIssue.key == id_or_key),
        JiraIssue.deleted_at.is_(None)))
    if row is None:
        raise NotFound(f"issue {id_or_key} is not synced (or does not exist)")
    parent = session.scalar(select(JiraIssue).where(JiraIssue.jira_id == row.parent_jira_id)) \
        if row.parent_jira_id else None
    choice = resolve_account(session, row, None)
    return jsonify({
        "self": f"{serialize.api_base()}/issues/{row.key}",
        "id": serialize.jira_id(row.jira_id), "key": row.key, "summary": row.summary,
        "issueType": {"name": row.issue_type, "hierarchyLevel": row.hierarchy_level},
        "status": row.status,
        "project": {"id": serialize.jira_id(row.project_jira_id)},
        "parent": {"id": serialize.jira_id(parent.jira_id), "key": parent.key,
                   "issueType": parent.issue_type} if parent else None,
        "accountField": row.account_field_value,
        "originalEstimateSeconds": row.original_estimate_seconds,
        "account": {"key": choice.key, "name": choice.account.name if choice.account else None,
                    "rule": choice.rule, "viaIssueKey": choice.via_issue_key},
    })


def _token_json(row, token: str | None = None) -> dict:
    body = {"id": row.id, "name": row.name, "prefix": row.prefix,
            "owner": serialize.user_ref(row.owner_account_id),
            "createdAt": serialize.instant(row.created_at),
            "lastUsedAt": serialize.instant(row.last_used_at),
            "revokedAt": serialize.instant(row.revoked_at)}
    if token is not None:
        body["token"] = token  # shown this once; only its hash is stored
    return body


@bp.post("/tokens")
@allow_context_qsh
def create_token():
    """Ours: a personal API token (an admin's token acts with the admin's rights: a site token)."""
    owner = require_user()
    session = _session()
    with session.begin():
        token, row = api_tokens.create_token(session, owner=owner, name=json_body().get("name"),
                                             now=utcnow())
        result = _token_json(row, token)
    return jsonify(result), 201


@bp.get("/tokens")
@allow_context_qsh
def list_tokens():
    caller = require_user()
    owner = None if is_site_admin() else caller
    return jsonify(result_list([_token_json(r) for r in api_tokens.list_tokens(
        _session(), owner=owner)]))


@bp.delete("/tokens/<int:token_id>")
@allow_context_qsh
def revoke_token(token_id):
    caller = require_user()
    session = _session()
    admin = is_site_admin()
    with session.begin():
        api_tokens.revoke_token(session, token_id, actor=caller, actor_is_admin=admin,
                                now=utcnow())
    return "", 204
