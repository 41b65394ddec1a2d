"""Tempo v4 response shapes (plus our own fields alongside, never instead)."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

from connect.context import current_context

from ..domain.attributes import ACCOUNT_ATTRIBUTE
from .envelope import public_base


def api_base() -> str:
    return public_base() + "/api/4"


def jira_base() -> str:
    return current_context().tenant.base_url.rstrip("/")


def instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{value.microsecond // 1000:03d}Z"


def jira_id(value: str | None):
    """Jira ids are numeric strings; Tempo's API returns them as numbers."""
    if value is None:
        return None
    return int(value) if str(value).isdigit() else value


def user_ref(account_id: str | None) -> dict | None:
    if not account_id:
        return None
    return {"self": f"{jira_base()}/rest/api/2/user?accountId={account_id}",
            "accountId": account_id}


def worklog(w, issue_key: str | None) -> dict:
    values = [{"key": k, "value": v} for k, v in sorted(w.attributes.items())]
    if w.account_key:
        values.insert(0, {"key": ACCOUNT_ATTRIBUTE, "value": w.account_key})
    return {
        "self": f"{api_base()}/worklogs/{w.id}",
        "tempoWorklogId": w.id,
        "jiraWorklogId": jira_id(w.jira_worklog_id),
        "issue": {"self": f"{jira_base()}/rest/api/2/issue/{w.issue_jira_id}",
                  "id": jira_id(w.issue_jira_id), "key": issue_key},
        "timeSpentSeconds": w.time_spent_seconds,
        "billableSeconds": w.billable_seconds,
        "startDate": w.start_date.isoformat(),
        "startTime": w.start_time.strftime("%H:%M:%S"),
        "startDateTimeUtc": instant(w.started_at),
        "description": w.description,
        "createdAt": instant(w.created_at),
        "updatedAt": instant(w.updated_at),
        "author": user_ref(w.author_account_id),
        "attributes": {"self": f"{api_base()}/worklogs/{w.id}/work-attribute-values",
                       "values": values},
        "timeZone": w.time_zone,
        "account": {"key": w.account_key, "rule": w.account_rule},
        "complete": w.complete,
        "pushState": w.push_state,
    }


def category(c) -> dict | None:
    if c is None:
        return None
    return {"self": f"{api_base()}/account-categories/{c.key}", "id": c.id, "key": c.key,
            "name": c.name, "type": {"name": c.type_name}}


def customer(c) -> dict | None:
    if c is None:
        return None
    return {"self": f"{api_base()}/customers/{c.id}", "id": c.id, "key": c.key, "name": c.name}


def account(a) -> dict:
    contact = None
    if a.contact_account_id:
        contact = {**user_ref(a.contact_account_id), "type": "USER"}
    elif a.external_contact_name:
        contact = {"type": "EXTERNAL", "displayName": a.external_contact_name}
    return {
        "self": f"{api_base()}/accounts/{a.id}",
        "id": a.id, "key": a.key, "name": a.name, "status": a.status, "global": a.is_global,
        "monthlyBudget": a.monthly_budget, "lead": user_ref(a.lead_account_id),
        "contact": contact, "category": category(a.category), "customer": customer(a.customer),
        "links": {"self": f"{api_base()}/accounts/{a.key}/links"},
        "contractType": a.contract_type, "currency": a.currency,
        "billableByDefault": a.bills_by_default,
    }


def account_link(link) -> dict:
    return {
        "self": f"{api_base()}/account-links/{link.id}",
        "id": link.id, "default": link.is_default,
        "scope": {"self": f"{jira_base()}/rest/api/2/project/{link.scope_id}",
                  "id": jira_id(link.scope_id), "type": link.scope_type},
        "account": {"self": f"{api_base()}/accounts/{link.account.id}", "key": link.account.key},
    }


def work_attribute(attr) -> dict:
    body = {"self": f"{api_base()}/work-attributes/{attr.key}", "key": attr.key,
            "name": attr.name, "type": attr.type, "required": attr.required}
    if attr.type == "STATIC_LIST":
        body["values"] = list(attr.values)
        body["names"] = dict(attr.names)
    return body


def role(r) -> dict:
    """Tempo's role plus our ``targetUtilizationPercent`` (capacity's target, or null)."""
    return {"self": f"{api_base()}/roles/{r.id}", "id": r.id, "name": r.name,
            "default": r.is_default, "targetUtilizationPercent": r.target_utilization_percent}
