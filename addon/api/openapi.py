"""The OpenAPI 3.1 document for ``/api/4`` (its schemas are JSON Schema, so tests can validate
responses with a plain JSON Schema validator)."""

from __future__ import annotations

from flask import jsonify

from connect.context import public

from . import bp
from . import serialize
from .accounts import ACCOUNT_EXTENSIONS
from .extensions import put_description

_STR = {"type": "string"}
_STR_OR_NULL = {"type": ["string", "null"]}
_INT = {"type": "integer"}
_INT_OR_NULL = {"type": ["integer", "null"]}
_BOOL = {"type": "boolean"}
_DATE = {"type": "string", "format": "date"}
_INSTANT = {"type": ["string", "null"], "format": "date-time"}


def _str(max_length: int) -> dict:
    return {"type": "string", "maxLength": max_length}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: list[str], /, **properties) -> dict:
    return {"type": "object", "required": required, "properties": properties}


def _nullable(schema: dict) -> dict:
    return {"oneOf": [schema, {"type": "null"}]}


USER = _obj(["accountId"], self=_STR, accountId=_STR)
_NUM = {"type": "number"}
AMOUNT = _obj(["value", "currencyCode"], value=_NUM, currencyCode=_STR)
_AMOUNT_OR_NULL = {"oneOf": [AMOUNT, {"type": "null"}]}
_RATE_SOURCE = {"oneOf": [_obj(["id", "scope"], id=_INT, scope=_STR, self=_STR),
                          {"type": "null"}]}
SCOPE = _obj(["type"], type={"enum": ["SITE", "ROLE", "USER", "ACCOUNT", "ACCOUNT_ROLE",
                                      "ACCOUNT_USER"]},
             accountKey=_STR, roleId=_INT, accountId=_STR)
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
        pushState={"enum": ["SYNCED", "PENDING", "DELETING"]},
        costRate=_AMOUNT_OR_NULL, cost=_AMOUNT_OR_NULL, costRateSource=_RATE_SOURCE,
        costError=_STR_OR_NULL, billingRate=_AMOUNT_OR_NULL, revenue=_AMOUNT_OR_NULL,
        billingRateSource=_RATE_SOURCE, pricedBillableSeconds=_INT_OR_NULL,
        revenueError=_STR_OR_NULL, role={"type": ["object", "null"]}),
    "WorklogInput": {**_obj(
        ["issueId", "startDate"], issueId=_INT, authorAccountId=_str(128),
        startDate=_DATE | {"description": "From 1970-01-01 to 2100-12-31: dates Jira can hold."},
        startTime=_STR, timeSpentSeconds=_INT, timeSpent=_str(64) | {
            "description": "Jira notation (1h 30m, 1.5h, 1d); used when timeSpentSeconds is "
                           "absent."},
        billableSeconds=_INT, billableTime=_str(64), description=_str(32000),
        timeZone=_str(64), remainingEstimateSeconds=_INT, remainingEstimate=_str(64),
        attributes={
            "type": "array", "items": _ref("AttributeValue"), "maxItems": 1000,
            "description": "At most 32,000 bytes together (Jira's limit for the worklog "
                           "property that carries them)."}),
        "description": "Every malformed field is named in one 400; only a well-formed body "
                       "meets the site's policy, whose refusals are one 422."},
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
        currency=_STR, billableByDefault=_BOOL,
        billingRounding=_obj(["mode", "minutes"], mode={"enum": ["NONE", "UP", "NEAREST"]},
                             minutes={"enum": [1, 6, 15, 30]}),
        timeAndMaterials={"type": ["object", "null"], "properties": {
            "capAmount": _AMOUNT_OR_NULL, "capHours": {"type": ["number", "null"]}}},
        fixedFee={"type": ["object", "null"], "properties": {
            "price": AMOUNT, "budgetedHours": _NUM,
            "recognition": {"enum": ["PERCENT_COMPLETE", "MILESTONES"]}}},
        retainer={"type": ["object", "null"], "properties": {
            "monthlyFee": AMOUNT, "includedHours": _NUM, "rolloverMonths": _INT}},
        budgetThresholds={"type": "array", "items": _INT,
                          "description": "Ours, like every commercial term here: kept when a "
                                         "PUT leaves it out; null resets it."}),
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
        maxHoursPerDayPerUser={"type": "number"},
        numberOfDaysAllowedIntoFuture=_INT_OR_NULL, worklogDescriptionOptional=_BOOL,
        currencyCode=_STR, weekStart={"type": "integer", "minimum": 1, "maximum": 7},
        approvalPeriod={"enum": ["WEEK", "MONTH"]},
        approvalWeekStart={"type": "integer", "minimum": 1, "maximum": 7},
        policy={"type": "object"}),
    "Issue": _obj(["self", "id", "key", "summary", "project", "account"], self=_STR, id=_INT,
                  key=_STR, summary=_STR, status=_STR_OR_NULL, project=_obj(
                      ["id", "key", "name"], id=_INT, key=_STR_OR_NULL, name=_STR_OR_NULL),
                  parent={"type": ["object", "null"]}, accountField=_STR_OR_NULL,
                  originalEstimateSeconds=_INT_OR_NULL, remainingEstimateSeconds=_INT_OR_NULL,
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
    "Amount": AMOUNT,
    "Rate": _obj(["id", "category", "scope", "rate", "effectiveDate"], self=_STR, id=_INT,
                 category={"enum": ["BILLING", "COST"]}, scope=SCOPE, rate=AMOUNT,
                 effectiveDate=_nullable(_DATE)),
    "RateInput": _obj(["category", "scope", "rate"], category={"enum": ["BILLING", "COST"]},
                      scope=SCOPE, rate=_obj(["value"], value=_NUM, currencyCode=_STR),
                      effectiveDate=_DATE),
    "RateResolution": _obj(
        ["category", "date", "role", "rate", "source", "tried"], category=_STR, date=_DATE,
        role=_obj(["id", "name"], id=_INT, name=_STR), rate=_AMOUNT_OR_NULL,
        source={"type": ["object", "null"]}, error=_STR_OR_NULL,
        tried={"type": "array", "items": {"type": "object", "required": ["type", "matched"]}}),
    "ExchangeRate": _obj(["id", "fromCurrency", "toCurrency", "rate", "effectiveDate"],
                         self=_STR, id=_INT, fromCurrency=_STR, toCurrency=_STR, rate=_NUM,
                         effectiveDate=_DATE),
    "Expense": _obj(
        ["id", "accountKey", "date", "category", "amount", "billable", "markupPercent",
         "authorAccountId"], self=_STR, id=_INT, accountKey=_STR, issueId=_INT_OR_NULL,
        date=_DATE, category=_STR, amount=AMOUNT, billable=_BOOL, markupPercent=_NUM,
        description=_STR, authorAccountId=_STR, cost=_AMOUNT_OR_NULL,
        revenue=_AMOUNT_OR_NULL, error=_STR_OR_NULL),
    "ExpenseInput": _obj(["accountKey", "date", "category", "amount"], accountKey=_STR,
                         issueId=_INT, date=_DATE, category=_STR,
                         amount=_obj(["value", "currencyCode"], value=_NUM, currencyCode=_STR),
                         billable=_BOOL, markupPercent=_NUM, description=_STR,
                         authorAccountId=_STR),
    "Milestone": _obj(["id", "name", "value", "issue", "recognized"], id=_INT, name=_STR,
                      value=AMOUNT, issue={"type": "object"}, recognized=_BOOL),
    "BudgetAlert": _obj(["threshold", "burnPercent", "crossedAt"], threshold=_INT,
                        period=_STR_OR_NULL, burnPercent=_NUM, crossedAt=_INSTANT),
    "FinancialSummary": _obj(["date", "cost", "revenue"], date=_DATE, cost={"type": "object"},
                             revenue={"type": ["object", "null"]}, error=_STR_OR_NULL,
                             forecast={"type": "object"}),
    "CostRow": {"type": "object", "required": [
        "group", "timeSpentSeconds", "billableSeconds", "nonBillableSeconds", "cost", "revenue",
        "expenses", "margin", "marginPercent", "budget", "burnPercent", "remaining"],
        "properties": {"group": _obj(["type", "id", "name"], type=_STR, name=_STR_OR_NULL),
                       "timeSpentSeconds": _INT, "billableSeconds": _INT,
                       "nonBillableSeconds": _INT, "cost": _AMOUNT_OR_NULL,
                       "revenue": _AMOUNT_OR_NULL, "expenses": _AMOUNT_OR_NULL,
                       "margin": _AMOUNT_OR_NULL, "marginPercent": {"type": ["number", "null"]},
                       "budget": _AMOUNT_OR_NULL, "burnPercent": {"type": ["number", "null"]},
                       "drillDown": _STR_OR_NULL,
                       "rows": {"type": "array", "items": {"$ref": "#/components/schemas/"
                                                                    "CostRow"}}}},
    "CostReport": _obj(["rows", "totals", "errors", "currencyCode"], self=_STR, currencyCode=_STR,
                       rows={"type": "array", "items": _ref("CostRow")},
                       totals={"type": "object"}, errors={"type": "array"},
                       pricing=_obj(["upToDate"], upToDate=_BOOL)),
    "EstimateVsActual": _obj(["results"], self=_STR, metadata=_ref("ListMetadata"),
                             results={"type": "array", "items": _obj(
                                 ["originalEstimateSeconds", "timeSpentSeconds", "overEstimate"],
                                 epic={"type": ["object", "null"]},
                                 originalEstimateSeconds=_INT, timeSpentSeconds=_INT,
                                 overEstimate=_BOOL)}),
    "BillableRatio": _obj(["results"], self=_STR, metadata=_ref("ListMetadata"),
                          results={"type": "array", "items": _obj(
                              ["group", "timeSpentSeconds", "billableSeconds", "billableRatio"],
                              group={"type": "object"}, timeSpentSeconds=_INT,
                              billableSeconds=_INT, billableRatio={"type": ["number", "null"]})}),
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
        params: list[str] = (), description: str | None = None) -> dict:
    operation: dict = {"summary": summary, "responses": {
        status: {"description": "OK"} | ({"content": {"application/json": {
            "schema": response}}} if response else {}),
        "400": {"description": "Bad input", "content": {"application/json": {
            "schema": _ref("Errors")}}},
        "401": {"description": "Not authenticated, or no user: every route but this "
                              "document needs a context token with a user or an API token",
                "content": {"application/json": {"schema": _ref("Errors")}}},
        "403": {"description": "Forbidden", "content": {"application/json": {
            "schema": _ref("Errors")}}},
        "404": {"description": "Not found", "content": {"application/json": {
            "schema": _ref("Errors")}}},
        "413": {"description": "Request body larger than MAX_BODY_BYTES (1 MiB by default)",
                "content": {"application/json": {"schema": _ref("Errors")}}},
        "503": {"description": "Jira did not answer a permission check", "content": {
            "application/json": {"schema": _ref("Errors")}}}}}
    if body:
        operation["requestBody"] = {"content": {"application/json": {"schema": _ref(body)}}}
    if description:
        operation["description"] = description
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
                       "put": _op("Replace a worklog", _ref("Worklog"), body="WorklogInput",
                                  description=put_description(["timeZone"])),
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
    "/accounts/{key}": {"put": _op("Replace an account", _ref("Account"),
                                   description=put_description(list(ACCOUNT_EXTENSIONS))),
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
                             "put": _op("Change the worklog policy, the base currency "
                                        "(currencyCode), weekStart and/or approvalPeriod/"
                                        "approvalWeekStart; what is left out is kept",
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
    "/rates": {"get": _op("Rates (site admins; account leads: their accounts' rates)",
                          _page_of("Rate"), params=["category", "scopeType", "accountKey",
                                                    "accountId", "roleId", *_PAGING]),
               "post": _op("Create a rate", _ref("Rate"), body="RateInput")},
    "/rates/{id}": {"get": _op("A rate", _ref("Rate")),
                    "put": _op("Replace a rate", _ref("Rate"), body="RateInput"),
                    "delete": _op("Delete a rate", None, status="204")},
    "/rates/resolve": {"get": _op("The rate in force and why (scopes tried in order)",
                                  _ref("RateResolution"),
                                  params=["accountId", "accountKey", "date", "category"])},
    "/exchange-rates": {"get": _op("Exchange rates", _list_of("ExchangeRate"),
                                   params=["fromCurrency", "toCurrency"]),
                        "post": _op("Create an exchange rate", _ref("ExchangeRate"))},
    "/exchange-rates/{id}": {"get": _op("An exchange rate", _ref("ExchangeRate")),
                             "put": _op("Replace an exchange rate", _ref("ExchangeRate")),
                             "delete": _op("Delete an exchange rate", None, status="204")},
    "/expenses": {"get": _op("Expenses you may see", _page_of("Expense"),
                             params=["from", "to", *_PAGING]),
                  "post": _op("Record an expense", _ref("Expense"), body="ExpenseInput")},
    "/expenses/{id}": {"get": _op("An expense", _ref("Expense")),
                       "put": _op("Replace an expense", _ref("Expense"), body="ExpenseInput"),
                       "delete": _op("Delete an expense", None, status="204")},
    "/accounts/{key}/milestones": {
        "get": _op("Milestones of a fixed-fee account", _list_of("Milestone")),
        "post": _op("Add a milestone", _ref("Milestone"))},
    "/accounts/{key}/milestones/{id}": {
        "put": _op("Replace a milestone", _ref("Milestone")),
        "delete": _op("Delete a milestone", None, status="204")},
    "/accounts/{key}/alerts": {"get": _op("Budget thresholds crossed (each once) and the "
                                          "burn now", _list_of("BudgetAlert"))},
    "/accounts/{key}/financials/summary": {"get": _op(
        "Tempo's financial summary, in the base currency", _ref("FinancialSummary"),
        params=["date"])},
    "/reports/costs": {"get": _op(
        "Cost, revenue and margin by one or two of account, customer, project, epic, issue, "
        "user, role, month, week (format=csv|xlsx for files)", _ref("CostReport"),
        params=["from", "to", "groupBy", "accountKey", "customerKey", "projectId",
                "accountId", "roleId", "epicId", "issueId", "format"])},
    "/reports/estimate-vs-actual": {"get": _op("Estimates vs time logged, by epic",
                                               _ref("EstimateVsActual"),
                                               params=["projectId", "accountKey"])},
    "/reports/billable-ratio": {"get": _op("Billable ÷ total hours by user or account",
                                           _ref("BillableRatio"),
                                           params=["from", "to", "groupBy"])},
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
                                "with Ledgerline's own fields alongside. Reads show what Jira "
                                "lets the caller see: worklogs and issues of the projects they "
                                "may browse, plus their own worklogs; site admins see all."},
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
