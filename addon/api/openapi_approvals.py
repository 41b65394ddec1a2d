"""OpenAPI for periods, timesheet approvals, discrepancies, the audit trail and client-shared
reports (issue 9)."""

from __future__ import annotations

from .openapi import _BOOL
from .openapi import _DATE
from .openapi import _INSTANT
from .openapi import _INT
from .openapi import _INT_OR_NULL
from .openapi import _STR
from .openapi import _STR_OR_NULL
from .openapi import _list_of
from .openapi import _nullable
from .openapi import _obj
from .openapi import _op
from .openapi import _ref

_PERIOD = _obj(["from", "to"], **{"from": _DATE, "to": _DATE})
_ACTION_LINK = _obj(["self"], self=_STR)
_STATUS_KEY = {"enum": ["OPEN", "IN_REVIEW", "APPROVED"]}
_USER_OR_NULL = _nullable(_ref("User"))
_ERRORS = {"content": {"application/json": {"schema": _ref("Errors")}}}
_SHOW = {"type": "array", "minItems": 1, "items": {
    "enum": ["hours_by_epic", "hours_by_issue", "hours_by_person", "amounts"]}}
_SHARE_FIELDS = ["id", "self", "accountKey", "from", "to", "show", "expiresAt", "createdAt",
                 "createdBy", "revokedAt"]
_SHARE_PROPERTIES = {"id": _INT, "self": _STR, "accountKey": _STR, "from": _DATE, "to": _DATE,
                     "show": _SHOW, "expiresAt": _INSTANT, "createdAt": _INSTANT,
                     "createdBy": _USER_OR_NULL, "revokedAt": _INSTANT}

SCHEMAS = {
    "Period": _obj(["from", "to"], **{"from": _DATE, "to": _DATE},
                   status={"enum": ["OPEN", "CLOSED_FOR_USERS", "CLOSED"]}),
    "Periods": _obj(["periods"], periods={"type": "array", "items": _ref("Period")}),
    "TimesheetApproval": _obj(
        ["self", "period", "requiredSeconds", "timeSpentSeconds", "status", "user", "actions"],
        self=_STR, period=_PERIOD, requiredSeconds=_INT, timeSpentSeconds=_INT,
        status=_obj(["key"], key=_STATUS_KEY, comment=_STR_OR_NULL, actor=_USER_OR_NULL,
                    updatedAt=_INSTANT, requiredSecondsAtSubmit=_INT_OR_NULL,
                    timeSpentSecondsAtSubmit=_INT_OR_NULL, discrepancies=_INT),
        user=_ref("User"), reviewer=_USER_OR_NULL,
        actions=_obj([], submit=_ACTION_LINK, approve=_ACTION_LINK, reject=_ACTION_LINK,
                     reopen=_ACTION_LINK, recall=_ACTION_LINK),
        worklogs=_obj(["self"], self=_STR)),
    "ApprovalInput": _obj([], comment=_STR, reviewerAccountId=_STR),
    "BulkApproval": _obj(
        ["metadata", "results"], self=_STR, period=_PERIOD,
        metadata=_obj(["count", "approved"], count=_INT, approved=_INT),
        results={"type": "array", "items": _obj(
            ["user", "approved", "status"], user=_ref("User"), approved=_BOOL,
            status=_STATUS_KEY, reason=_nullable(_obj(["code", "message"], code=_STR,
                                                      message=_STR)))}),
    "ApprovalLog": _obj(["user", "action", "period", "status"], user=_ref("User"),
                        action={"enum": ["SUBMIT", "APPROVE", "REJECT", "RECALL", "REOPEN"]},
                        period=_PERIOD, fromStatus=_STATUS_KEY, reviewer=_USER_OR_NULL,
                        approvalId=_INT, status=_obj(["key"], key=_STATUS_KEY,
                                                     comment=_STR_OR_NULL,
                                                     actor=_USER_OR_NULL,
                                                     updatedAt=_INSTANT)),
    "Discrepancy": _obj(
        ["id", "worklog", "kind", "recorded", "status"], self=_STR, id=_INT,
        worklog=_obj(["tempoWorklogId"], self=_STR, tempoWorklogId=_INT), approvalId=_INT,
        kind={"enum": ["CHANGED", "DELETED"]}, recorded={"type": "object"},
        jira={"type": ["object", "null"]}, status={"enum": ["OPEN", "RESOLVED"]},
        resolution={"enum": ["APPROVED", "JIRA", None]}, resolvedBy=_USER_OR_NULL,
        detectedAt=_INSTANT, resolvedAt=_INSTANT),
    "AuditEvent": _obj(
        ["id", "timestamp", "action", "entityType", "entityId", "changes"], id=_INT,
        timestamp=_INSTANT, action={"enum": ["Created", "Updated", "Deleted", "Synced"]},
        entityType=_STR, entityId=_STR, parentId=_STR_OR_NULL, author=_USER_OR_NULL,
        actorType={"enum": ["user", "token", "system"]},
        source={"enum": ["panel", "api", "webhook", "job"]},
        changes={"type": "array", "items": _obj(["field"], field=_STR, previous={},
                                                new={})}),
    "AuditPage": _obj(["self", "metadata", "results"], self=_STR, metadata=_obj(
        ["count", "limit"], count=_INT, limit=_INT, next=_STR, nextPageToken=_STR),
        results={"type": "array", "items": _ref("AuditEvent")}),
    "AuditVerification": _obj(["valid", "entries", "firstBrokenId"], valid=_BOOL,
                              entries=_INT, firstBrokenId=_INT_OR_NULL),
    "Share": _obj(_SHARE_FIELDS, **_SHARE_PROPERTIES),
    "CreatedShare": _obj([*_SHARE_FIELDS, "url"], **_SHARE_PROPERTIES, url={
        **_STR, "description": "The link (with its token): in this answer only, never again"}),
    "ShareInput": _obj(
        ["accountKey", "from", "to", "show"], accountKey=_STR, **{"from": _DATE, "to": _DATE},
        show=_SHOW, expiresAt={**_INSTANT, "description": (
            "An ISO-8601 instant with a time zone, or a date (its midnight UTC); in the "
            "future and at most 366 days ahead. Absent: 30 days from now.")}),
    "ShareAccess": _obj(["accessedAt"], accessedAt=_INSTANT, userAgent=_STR_OR_NULL),
}


def _with_conflicts(operation: dict) -> dict:
    operation["responses"]["409"] = {"description": "State conflict", **_ERRORS}
    operation["responses"]["422"] = {"description": "Refused by a rule", **_ERRORS}
    return operation


_PERIOD_QUERY = ["from", "to"]
_APPROVAL = _ref("TimesheetApproval")
PATHS = {
    "/periods": {"get": _op("Approval periods with their status (ours: status)",
                            _ref("Periods"), params=_PERIOD_QUERY)},
    "/periods/{from}": {"put": _with_conflicts(_op(
        "Ours: set a period's status for everyone (site admins)", _ref("Period")))},
    "/timesheet-approvals/user/{accountId}": {"get": _op(
        "A user's timesheet approval", _APPROVAL, params=_PERIOD_QUERY)},
    "/timesheet-approvals/user/{accountId}/reviewers": {"get": _op(
        "Allowed reviewers, the default first", _list_of("User"), params=_PERIOD_QUERY)},
    "/timesheet-approvals/waiting": {"get": _op(
        "Timesheets waiting for the caller's review", _list_of("TimesheetApproval"))},
    "/timesheet-approvals/approve": {"post": _op(
        "Ours: approve many people's timesheets, one answer each", _ref("BulkApproval"))},
    "/timesheet-approvals/logs/search": {"post": _op(
        "Approval history", _list_of("ApprovalLog"))},
    "/discrepancies": {"get": _op("Ours: Jira-side changes to locked worklogs",
                                  _list_of("Discrepancy"), params=["status"])},
    "/discrepancies/{id}/resolve": {"post": _with_conflicts(_op(
        "Ours: keep the APPROVED record or JIRA's version (site admins)",
        _ref("Discrepancy")))},
    "/papertrail/search": {"post": _op(
        "Audit events (site admins); format=csv exports", _ref("AuditPage"),
        params=["format", "limit", "nextPageToken"])},
    "/audit/verify": {"get": _op("Ours: verify the audit hash chain (site admins)",
                                 _ref("AuditVerification"))},
    "/shares": {
        "post": _op("Ours: share an account's figures for a period with a client (site admins "
                    "and the account's lead); the answer's url opens /share/{token} without a "
                    "Jira account", _ref("CreatedShare"), status="201", body="ShareInput"),
        "get": _op("Ours: the shares of the accounts the caller manages (no links)",
                   _list_of("Share"))},
    "/shares/{id}": {
        "get": _op("Ours: one share (no link)", _ref("Share")),
        "delete": _op("Ours: revoke a share; its link answers 404 from now on", None,
                      status="204")},
    "/shares/{id}/accesses": {"get": _op("Ours: when the share's link was opened, newest first",
                                         _list_of("ShareAccess"))},
}
for _action in ("submit", "approve", "reject", "reopen", "recall"):
    PATHS[f"/timesheet-approvals/user/{{accountId}}/{_action}"] = {"post": _with_conflicts(
        _op(f"{_action.capitalize()} a timesheet", _APPROVAL, body="ApprovalInput",
            params=_PERIOD_QUERY))}
