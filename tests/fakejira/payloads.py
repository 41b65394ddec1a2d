"""JSON representations of model records: REST v3 bodies and webhook payloads.

REST v3 returns rich text as ADF documents; webhooks use the older v2 representation, so a
worklog comment arrives there as plain text. Ids are strings on the wire.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from .entities import ChangelogEntry
from .entities import Issue
from .entities import IssueType
from .entities import Project
from .entities import Worklog
from .timefmt import format_duration
from .timefmt import format_instant

if TYPE_CHECKING:
    from .model import JiraModel

# id, display name, schema type; the system fields the fake knows about.
SYSTEM_FIELDS = (
    ("summary", "Summary", "string"),
    ("issuetype", "Issue Type", "issuetype"),
    ("project", "Project", "project"),
    ("parent", "Parent", "issuelink"),
    ("status", "Status", "status"),
    ("timeoriginalestimate", "Original Estimate", "number"),
    ("timeestimate", "Remaining Estimate", "number"),
    ("timespent", "Time Spent", "number"),
    ("created", "Created", "datetime"),
    ("updated", "Updated", "datetime"),
)
_STATUS_CATEGORIES = {"to do": (2, "new"), "done": (3, "done")}
_CUSTOM_TYPES = {
    "number": "com.atlassian.jira.plugin.system.customfieldtypes:float",
    "string": "com.atlassian.jira.plugin.system.customfieldtypes:textfield",
    "option": "com.atlassian.jira.plugin.system.customfieldtypes:select",
}


@dataclass(frozen=True, slots=True)
class FieldSelection:
    """Jira's ``fields`` parameter: names, ``*all``/``*navigable``, ``-name`` to exclude."""

    include_all: bool
    names: frozenset[str]
    excluded: frozenset[str]

    @classmethod
    def parse(cls, requested: Iterable[str] | None, *, default: str) -> FieldSelection:
        parts = [p.strip() for item in (requested or [default]) for p in item.split(",")]
        parts = [p for p in parts if p]
        return cls(
            include_all=any(p in ("*all", "*navigable") for p in parts)
            or all(p.startswith("-") for p in parts),
            names=frozenset(p for p in parts if not p.startswith(("-", "*"))),
            excluded=frozenset(p[1:] for p in parts if p.startswith("-")),
        )

    def wants(self, field_id: str) -> bool:
        return (self.include_all or field_id in self.names) and field_id not in self.excluded

    @property
    def ids_only(self) -> bool:
        """True when only id/key are asked for — Jira then allows pages of up to 5000."""
        return not self.include_all and self.names <= {"id", "key"}


def user_json(model: JiraModel, account_id: str | None) -> dict[str, Any] | None:
    user = model.users.get(account_id) if account_id else None
    if user is None:
        return None
    return {
        "self": f"{model.base_url}/rest/api/3/user?accountId={user.account_id}",
        "accountId": user.account_id,
        "accountType": user.account_type,
        "displayName": user.display_name,
        "active": user.active,
        "timeZone": user.time_zone,
    }


def project_ref(model: JiraModel, project: Project) -> dict[str, Any]:
    return {
        "self": f"{model.base_url}/rest/api/3/project/{project.id}",
        "id": str(project.id),
        "key": project.key,
        "name": project.name,
        "projectTypeKey": "software",
        "simplified": False,
    }


def project_json(model: JiraModel, project: Project) -> dict[str, Any]:
    body = project_ref(model, project)
    body["lead"] = user_json(model, project.lead_account_id)
    body["style"] = "classic"
    return body


def issue_type_json(model: JiraModel, kind: IssueType) -> dict[str, Any]:
    return {
        "self": f"{model.base_url}/rest/api/3/issuetype/{kind.id}",
        "id": kind.id,
        "name": kind.name,
        "subtask": kind.subtask,
        "hierarchyLevel": kind.hierarchy_level,
    }


def status_json(name: str) -> dict[str, Any]:
    category_id, category_key = _STATUS_CATEGORIES.get(name.lower(), (4, "indeterminate"))
    return {"name": name, "statusCategory": {"id": category_id, "key": category_key}}


def issue_fields(model: JiraModel, issue: Issue) -> dict[str, Any]:
    """Every field the fake models, keyed by field id (custom fields null when unset)."""
    fields: dict[str, Any] = {
        "summary": issue.summary,
        "issuetype": issue_type_json(model, issue.issue_type),
        "project": project_ref(model, model.projects[issue.project_id])
        if issue.project_id in model.projects else None,
        "status": status_json(issue.status),
        "timeoriginalestimate": issue.original_estimate,
        "timeestimate": issue.remaining_estimate,
        "timespent": model.time_spent(issue.id),
        "created": format_instant(issue.created),
        "updated": format_instant(issue.updated),
    }
    parent = model.issues.get(issue.parent_id) if issue.parent_id else None
    if parent is not None:
        fields["parent"] = {
            "id": str(parent.id),
            "key": parent.key,
            "self": f"{model.base_url}/rest/api/3/issue/{parent.id}",
            "fields": {
                "summary": parent.summary,
                "status": status_json(parent.status),
                "issuetype": issue_type_json(model, parent.issue_type),
            },
        }
    fields.update(dict.fromkeys(model.custom_fields))
    fields.update(issue.custom_fields)
    return fields


def issue_json(model: JiraModel, issue: Issue, selection: FieldSelection) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(issue.id),
        "key": issue.key,
        "self": f"{model.base_url}/rest/api/3/issue/{issue.id}",
    }
    fields = {k: v for k, v in issue_fields(model, issue).items() if selection.wants(k)}
    if fields or not selection.ids_only:
        body["fields"] = fields
    return body


def field_list(model: JiraModel) -> list[dict[str, Any]]:
    """The body of GET /rest/api/3/field."""
    listed = [
        {"id": fid, "key": fid, "name": name, "custom": False, "orderable": True,
         "navigable": True, "searchable": True, "clauseNames": [fid],
         "schema": {"type": kind, "system": fid}}
        for fid, name, kind in SYSTEM_FIELDS
    ]
    for custom in model.custom_fields.values():
        number = int(custom.id.removeprefix("customfield_"))
        listed.append(
            {"id": custom.id, "key": custom.id, "name": custom.name, "custom": True,
             "orderable": True, "navigable": True, "searchable": True,
             "clauseNames": [f"cf[{number}]", custom.name],
             "schema": {"type": custom.schema_type,
                        "custom": _CUSTOM_TYPES.get(custom.schema_type, custom.schema_type),
                        "customId": number}}
        )
    return listed


def worklog_json(
    model: JiraModel,
    worklog: Worklog,
    *,
    with_properties: bool = False,
    plain_comment: bool = False,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "self": f"{model.base_url}/rest/api/3/issue/{worklog.issue_id}/worklog/{worklog.id}",
        "author": user_json(model, worklog.author_id),
        "updateAuthor": user_json(model, worklog.update_author_id),
        "created": format_instant(worklog.created),
        "updated": format_instant(worklog.updated),
        "started": format_instant(worklog.started, worklog.started_offset_minutes),
        "timeSpent": format_duration(worklog.time_spent_seconds),
        "timeSpentSeconds": worklog.time_spent_seconds,
        "id": str(worklog.id),
        "issueId": str(worklog.issue_id),
    }
    if worklog.comment is not None:
        body["comment"] = adf_plain_text(worklog.comment) if plain_comment else worklog.comment
    if with_properties:
        body["properties"] = property_list(worklog.properties)
    return body


def property_list(properties: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [{"key": k, "value": v} for k, v in (properties or {}).items()]


def adf_plain_text(document: dict[str, Any]) -> str:
    """Flatten an ADF document to text, one line per top-level block."""

    def text_of(node: dict[str, Any]) -> str:
        return node.get("text", "") + "".join(text_of(c) for c in node.get("content", []))

    return "\n".join(text_of(block) for block in document.get("content", []))


def changelog_json(entry: ChangelogEntry) -> dict[str, Any]:
    items = []
    for item in entry.items:
        line = {"field": item.field, "fieldtype": item.field_type}
        if item.field_id:
            line["fieldId"] = item.field_id
        line.update({"from": item.from_id, "fromString": item.from_string,
                     "to": item.to_id, "toString": item.to_string})
        items.append(line)
    return {"id": str(entry.id), "items": items}


def issue_event(
    model: JiraModel, issue: Issue, event: str, user_account_id: str | None
) -> dict[str, Any]:
    history = model.changelogs.get(issue.id, [])
    latest = history[-1] if history and event == "jira:issue_updated" else None
    actor = user_account_id or (latest.author_id if latest else None)
    body: dict[str, Any] = {
        "timestamp": model.now(),
        "webhookEvent": event,
        "issue_event_type_name": event.removeprefix("jira:"),
        "issue": {
            "id": str(issue.id),
            "key": issue.key,
            "self": f"{model.base_url}/rest/api/2/issue/{issue.id}",
            "fields": issue_fields(model, issue),
        },
    }
    if actor:
        body["user"] = user_json(model, actor)
    if latest is not None:
        body["changelog"] = changelog_json(latest)
    return body


def worklog_event(model: JiraModel, worklog: Worklog, event: str) -> dict[str, Any]:
    return {
        "timestamp": model.now(),
        "webhookEvent": event,
        "worklog": worklog_json(model, worklog, plain_comment=True),
    }


def project_event(model: JiraModel, project: Project, event: str) -> dict[str, Any]:
    body = project_ref(model, project)
    body["projectLead"] = user_json(model, project.lead_account_id)
    return {"timestamp": model.now(), "webhookEvent": event, "project": body}
