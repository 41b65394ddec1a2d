"""The OpenAPI 3.1 document for ``/api/4`` (its schemas are JSON Schema, so tests can validate
responses with a plain JSON Schema validator)."""

from __future__ import annotations

from flask import jsonify

from connect.context import public

from . import bp
from . import serialize

_STR = {"type": "string"}
_STR_OR_NULL = {"type": ["string", "null"]}
_INT = {"type": "integer"}
_INT_OR_NULL = {"type": ["integer", "null"]}
_BOOL = {"type": "boolean"}
_DATE = {"type": "string", "format": "date"}
_INSTANT = {"type": ["string", "null"], "format": "date-time"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: list[str], /, **properties) -> dict:
    return {"type": "object", "required": required, "properties": properties}


def _nullable(schema: dict) -> dict:
    return {"oneOf": [schema, {"type": "null"}]}


USER = _obj(["accountId"], self=_STR, accountId=_STR)
SCHEMAS = {
    "Errors": _obj(["errors"], requestId=_STR_OR_NULL, errors=_obj(
        ["message"], message=_STR, code=_STR, fields={"type": "array", "items": _obj(
            ["field", "message"], field=_STR, message=_STR, code=_STR)})),
    "PageMetadata": _obj(["count", "offset", "limit"], count=_INT, offset=_INT, limit=_INT,
                         next=_STR, previous=_STR),
    "ListMetadata": _obj(["count"], count=_INT),
    "User": USER,
    "AttributeValue": _obj(["key", "value"], key=_STR, value=_STR),
    "Worklog": _obj(
        ["self", "tempoWorklogId", "issue", "author", "startDate", "timeSpentSeconds",
         "attributes", "createdAt", "updatedAt"],
        self=_STR, tempoWorklogId=_INT, jiraWorklogId=_INT_OR_NULL,
        issue=_obj(["self", "id"], self=_STR, id=_INT, key=_STR_OR_NULL),
        timeSpentSeconds=_INT, billableSeconds=_INT, startDate=_DATE,
        startTime={"type": "string", "pattern": "^\\d{2}:\\d{2}:\\d{2}$"},
        startDateTimeUtc=_INSTANT, description=_STR, createdAt=_INSTANT, updatedAt=_INSTANT,
        author=_ref("User"),
        attributes=_obj(["self", "values"], self=_STR,
                        values={"type": "array", "items": _ref("AttributeValue")}),
        timeZone=_STR, complete=_BOOL,
        account=_obj(["key", "rule"], key=_STR_OR_NULL, rule={"enum": [
            "WORKLOG", "ISSUE", "PARENT", "EPIC", "PROJECT_DEFAULT", "NONE"]}),
        pushState={"enum": ["SYNCED", "PENDING", "DELETING"]}),
    "WorklogInput": _obj(
        ["issueId", "startDate"], issueId=_INT, authorAccountId=_STR, startDate=_DATE,
        startTime=_STR, timeSpentSeconds=_INT, timeSpent=_STR, billableSeconds=_INT,
        billableTime=_STR, description=_STR, timeZone=_STR,
        attributes={"type": "array", "items": _ref("AttributeValue")}),
    "Category": _obj(["self", "id", "key", "name", "type"], self=_STR, id=_INT, key=_STR,
                     name=_STR, type=_obj(["name"], name={"enum": [
                         "BILLABLE", "CAPITALIZED", "INTERNAL", "OPERATIONAL"]})),
    "Customer": _obj(["self", "id", "key", "name"], self=_STR, id=_INT, key=_STR, name=_STR),
    "Account": _obj(
        ["self", "id", "key", "name", "status", "global", "links"], self=_STR, id=_INT,
        key=_STR, name=_STR, status={"enum": ["OPEN", "CLOSED", "ARCHIVED"]}, **{
            "global": _BOOL}, monthlyBudget=_INT_OR_NULL, lead=_nullable(_ref("User")),
        contact={"type": ["object", "null"]}, category=_nullable(_ref("Category")),
        customer=_nullable(_ref("Customer")), links=_obj(["self"], self=_STR),
        contractType={"enum": ["TIME_AND_MATERIALS", "FIXED_FEE", "RETAINER"]},
        currency=_STR, billableByDefault=_BOOL),
    "AccountLink": _obj(["id", "default", "scope", "account"], self=_STR_OR_NULL,
                        id=_INT_OR_NULL, default=_BOOL,
                        scope=_obj(["id", "type"], self=_STR, id=_INT, type={"const": "PROJECT"}),
                        account=_obj(["key"], self=_STR, key=_STR)),
    "WorkAttribute": _obj(["self", "key", "name", "type", "required"], self=_STR, key=_STR,
                          name=_STR, type={"enum": ["STATIC_LIST", "INPUT_FIELD",
                                                    "INPUT_NUMERIC", "CHECKBOX", "ACCOUNT"]},
                          required=_BOOL, values={"type": "array", "items": _STR},
                          names={"type": "object", "additionalProperties": _STR}),
    "GlobalConfiguration": _obj(
        ["worklogDescriptionOptional", "maxHoursPerDayPerUser", "policy"],
        allowLoggingOnClosedAccount=_BOOL, maxHoursPerDayPerUser={"type": "number"},
        numberOfDaysAllowedIntoFuture=_INT_OR_NULL, worklogDescriptionOptional=_BOOL,
        policy={"type": "object"}),
    "Issue": _obj(["self", "id", "key", "summary", "project", "account"], self=_STR, id=_INT,
                  key=_STR, summary=_STR, status=_STR_OR_NULL, project=_obj(["id"], id=_INT),
                  parent={"type": ["object", "null"]}, accountField=_STR_OR_NULL,
                  originalEstimateSeconds=_INT_OR_NULL,
                  account=_obj(["key", "rule"], key=_STR_OR_NULL, name=_STR_OR_NULL,
                               rule=_STR, viaIssueKey=_STR_OR_NULL)),
    "Token": _obj(["id", "name", "prefix", "owner", "createdAt"], id=_INT, name=_STR,
                  prefix=_STR, owner=_ref("User"), createdAt=_INSTANT, lastUsedAt=_INSTANT,
                  revokedAt=_INSTANT, token=_STR),
    "IdMapping": _obj(["tempoWorklogId", "jiraWorklogId"], tempoWorklogId=_INT,
                      jiraWorklogId=_INT),
    "SyncStatus": {"type": "object", "required": ["backfill", "reconcile", "inbox"]},
    "Role": _obj(["self", "id", "name", "default"], self=_STR, id=_INT, name=_STR,
                 default=_BOOL, targetUtilizationPercent={
                     "type": ["number", "null"],
                     "description": "Ours: capacity's utilization target. Kept when a PUT "
                                    "leaves it out; null clears it."}),
    "RoleInput": _obj(["name"], name=_STR, default=_BOOL,
                      targetUtilizationPercent={"type": ["number", "null"]}),
    "RoleMembers": _obj(
        ["role", "date", "accountIds", "assignments"], self=_STR, role=_ref("Role"),
        date=_DATE, accountIds={"type": "array", "items": _STR},
        assignments={"type": "array", "items": _obj(["accountId", "effectiveFrom"],
                                                    accountId=_STR, effectiveFrom=_DATE)}),
    "RoleMembersInput": _obj(["accountIds"], accountIds={"type": "array", "items": _STR},
                             effectiveFrom=_DATE),
}


def _page_of(item: str) -> dict:
    return _obj(["self", "metadata", "results"], self=_STR, metadata=_ref("PageMetadata"),
                results={"type": "array", "items": _ref(item)})


def _list_of(item: str) -> dict:
    return _obj(["self", "metadata", "results"], self=_STR, metadata=_ref("ListMetadata"),
                results={"type": "array", "items": _ref(item)})


def _op(summary: str, response: dict | None, *, status: str = "200", body: str | None = None,
        params: list[str] = ()) -> dict:
    operation: dict = {"summary": summary, "responses": {
        status: {"description": "OK"} | ({"content": {"application/json": {
            "schema": response}}} if response else {}),
        "400": {"description": "Bad input", "content": {"application/json": {
            "schema": _ref("Errors")}}},
        "401": {"description": "Not authenticated"}, "403": {"description": "Forbidden"},
        "404": {"description": "Not found"}}}
    if body:
        operation["requestBody"] = {"content": {"application/json": {"schema": _ref(body)}}}
    if params:
        operation["parameters"] = [{"name": p, "in": "query", "schema": _STR} for p in params]
    return operation


_PAGING = ["offset", "limit"]
_WORKLOG_QUERY = ["from", "to", "updatedFrom", *_PAGING]
PATHS = {
    "/worklogs": {
        "get": _op("Worklogs", _page_of("Worklog"),
                   params=["projectId", "issueId", "orderBy", *_WORKLOG_QUERY]),
        "post": _op("Create a worklog", _ref("Worklog"), body="WorklogInput")},
    "/worklogs/search": {"post": _op("Search worklogs", _page_of("Worklog"), params=_PAGING)},
    "/worklogs/{id}": {"get": _op("A worklog", _ref("Worklog")),
                       "put": _op("Replace a worklog", _ref("Worklog"), body="WorklogInput"),
                       "delete": _op("Delete a worklog", None, status="204")},
    "/worklogs/issue/{issueId}": {"get": _op("By issue", _page_of("Worklog"),
                                             params=_WORKLOG_QUERY)},
    "/worklogs/user/{accountId}": {"get": _op("By user", _page_of("Worklog"),
                                              params=_WORKLOG_QUERY)},
    "/worklogs/account/{accountKey}": {"get": _op("By account", _page_of("Worklog"),
                                                  params=_WORKLOG_QUERY)},
    "/worklogs/project/{projectId}": {"get": _op("By project", _page_of("Worklog"),
                                                 params=_WORKLOG_QUERY)},
    "/worklogs/jira-to-tempo": {"post": _op("Jira to Tempo ids", _list_of("IdMapping"))},
    "/worklogs/tempo-to-jira": {"post": _op("Tempo to Jira ids", _list_of("IdMapping"))},
    "/accounts": {"get": _op("Accounts", _page_of("Account"), params=_PAGING),
                  "post": _op("Create an account", _ref("Account"))},
    "/accounts/search": {"post": _op("Search accounts", _page_of("Account"))},
    "/accounts/{id}": {"get": _op("An account (by id, or by key)", _ref("Account"))},
    "/accounts/{key}": {"put": _op("Replace an account", _ref("Account")),
                        "delete": _op("Delete an account", None, status="204")},
    "/accounts/{key}/links": {"get": _op("Links of an account", _list_of("AccountLink"))},
    "/customers": {"get": _op("Customers", _page_of("Customer"), params=_PAGING),
                   "post": _op("Create a customer", _ref("Customer"))},
    "/customers/search": {"post": _op("Search customers", _page_of("Customer"))},
    "/customers/{id}": {"get": _op("A customer", _ref("Customer"))},
    "/customers/{key}": {"put": _op("Replace a customer", _ref("Customer")),
                         "delete": _op("Delete a customer", None, status="204")},
    "/customers/{id}/accounts": {"get": _op("Accounts of a customer", _list_of("Account"))},
    "/account-categories": {"get": _op("Categories", _list_of("Category")),
                            "post": _op("Create a category", _ref("Category"))},
    "/account-categories/{key}": {"get": _op("A category", _ref("Category")),
                                  "put": _op("Replace a category", _ref("Category")),
                                  "delete": _op("Delete a category", None, status="204")},
    "/account-category-types": {"get": _op("Category types", _obj(
        ["results"], results={"type": "array", "items": _obj(["name"], name=_STR)}))},
    "/project-accounts": {"post": _op("Ours: set projects' default accounts in bulk",
                                      _obj(["changed"], changed=_INT))},
    "/account-links": {"post": _op("Link an account to a project", _ref("AccountLink"))},
    "/account-links/{id}": {"get": _op("A link", _ref("AccountLink")),
                            "delete": _op("Delete a link", None, status="204")},
    "/account-links/{id}/make-default": {"patch": _op("Make the project's default",
                                                      _ref("AccountLink"))},
    "/account-links/project/{id}": {"get": _op("Links of a project", _list_of("AccountLink"),
                                               params=["includeGlobalAccounts"])},
    "/work-attributes": {"get": _op("Work attributes", _list_of("WorkAttribute")),
                         "post": _op("Create a work attribute", _ref("WorkAttribute"))},
    "/work-attributes/{key}": {"get": _op("A work attribute", _ref("WorkAttribute")),
                               "put": _op("Replace a work attribute", _ref("WorkAttribute")),
                               "delete": _op("Delete a work attribute", None, status="204")},
    "/globalconfiguration": {"get": _op("Global configuration", _ref("GlobalConfiguration")),
                             "put": _op("Ours: change the worklog policy",
                                        _ref("GlobalConfiguration"))},
    "/issues/{idOrKey}": {"get": _op("Ours: the synced issue and its account", _ref("Issue"))},
    "/tokens": {"get": _op("Ours: API tokens", _list_of("Token")),
                "post": _op("Ours: create an API token", _ref("Token"), status="201")},
    "/tokens/{id}": {"delete": _op("Ours: revoke an API token", None, status="204")},
    "/roles": {"get": _op("Roles", _list_of("Role")),
               "post": _op("Create a role", _ref("Role"), body="RoleInput")},
    "/roles/default": {"get": _op("The default role", _ref("Role"))},
    "/roles/{id}": {"get": _op("A role", _ref("Role")),
                    "put": _op("Replace a role (default absent: unchanged)", _ref("Role"),
                               body="RoleInput"),
                    "delete": _op("Delete a role (members move to the default role)", None,
                                  status="204")},
    "/roles/{id}/members": {
        "get": _op("Who holds the role on a day (assignments listed too)",
                   _ref("RoleMembers"), params=["date"]),
        "put": _op("From effectiveFrom (default today) exactly these people hold the role",
                   _ref("RoleMembers"), body="RoleMembersInput")},
    "/sync/status": {"get": _op("Ours: backfill progress, inbox backlog, parked events",
                                _ref("SyncStatus"))},
    "/sync/backfill": {"post": _op("Ours: copy the site's Jira again", _obj(
        ["queued"], queued=_BOOL), status="202")},
    "/sync/parked/replay": {"post": _op("Ours: replay parked events", _obj(
        ["replayed"], replayed=_INT))},
}


def document() -> dict:
    from . import openapi_approvals

    return {
        "openapi": "3.1.0",
        "info": {"title": "Ledgerline REST API", "version": "4",
                 "description": "Tempo v4-shaped: the same paths, fields, enums and envelope, "
                                "with Ledgerline's own fields alongside."},
        "servers": [{"url": serialize.api_base()}],
        "security": [{"connectJwt": []}, {"bearerAuth": []}],
        "paths": {**PATHS, **openapi_approvals.PATHS},
        "components": {
            "schemas": {**SCHEMAS, **openapi_approvals.SCHEMAS},
            "securitySchemes": {
                "connectJwt": {"type": "apiKey", "in": "header", "name": "Authorization",
                               "description": "JWT <Connect context token>"},
                "bearerAuth": {"type": "http", "scheme": "bearer"},
            },
        },
    }


@bp.get("/openapi.json")
@public
def openapi():
    return jsonify(document())
