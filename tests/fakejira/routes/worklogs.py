"""Worklogs of one issue: list, create, read, update, delete, and worklog properties.

Users may change only their own worklogs unless they are admins; the app itself (JWT) may change
any, like the add-ons project role in Jira's default permission scheme.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from werkzeug.wrappers import Response

from .. import payloads
from ..entities import Issue
from ..entities import Worklog
from ..server import ApiError
from ..server import RouteTable
from ..server import json_response
from ..timefmt import parse_duration
from ..timefmt import parse_instant

if TYPE_CHECKING:
    from ..site import ApiCall

routes = RouteTable()
MAX_PAGE = 5000
_BASE = "/rest/api/3/issue/<issue_ref>/worklog"


@routes.get(_BASE)
def list_worklogs(call: ApiCall, issue_ref: str) -> Any:
    """Paged by startAt/maxResults; ``startedAfter``/``startedBefore`` are epoch ms."""
    start_at = call.int_arg("startAt", 0)
    max_results = min(call.int_arg("maxResults", MAX_PAGE), MAX_PAGE)
    after = call.int_arg("startedAfter", 0)
    before = call.int_arg("startedBefore", 2**62)
    with call.model.lock:
        issue = _issue(call, issue_ref)
        found = [w for w in call.model.issue_worklogs(issue.id) if after <= w.started < before]
        page = [_render(call, w) for w in found[start_at:start_at + max_results]]
    return {"startAt": start_at, "maxResults": max_results, "total": len(found), "worklogs": page}


@routes.post(_BASE)
def add_worklog(call: ApiCall, issue_ref: str) -> Any:
    values = _worklog_input(call.json_body(), creating=True)
    mode, amount = _adjustment(call, "reduceBy")
    with call.model.lock:
        issue = _issue(call, issue_ref)
        try:
            worklog = call.model.add_worklog(
                issue, call.caller.account_id, values["time_spent_seconds"],
                started=values["started"], comment=values.get("comment"),
                adjust_estimate=mode, estimate_seconds=amount,
            )
        except ValueError as error:
            raise ApiError(400, str(error)) from None
        return json_response(_render(call, worklog), 201)


@routes.get(f"{_BASE}/<worklog_id>")
def get_worklog(call: ApiCall, issue_ref: str, worklog_id: str) -> Any:
    with call.model.lock:
        return _render(call, _worklog(call, issue_ref, worklog_id))


@routes.put(f"{_BASE}/<worklog_id>")
def update_worklog(call: ApiCall, issue_ref: str, worklog_id: str) -> Any:
    values = _worklog_input(call.json_body(), creating=False)
    mode, amount = _adjustment(call, None)
    with call.model.lock:
        worklog = _editable(call, issue_ref, worklog_id)
        try:
            call.model.update_worklog(
                worklog.id, time_spent_seconds=values.get("time_spent_seconds"),
                started=values.get("started"), comment=values.get("comment"),
                update_author_account_id=call.caller.account_id,
                adjust_estimate=mode, estimate_seconds=amount,
            )
        except ValueError as error:
            raise ApiError(400, str(error)) from None
        return _render(call, worklog)


@routes.delete(f"{_BASE}/<worklog_id>")
def delete_worklog(call: ApiCall, issue_ref: str, worklog_id: str) -> Any:
    mode, amount = _adjustment(call, "increaseBy")
    with call.model.lock:
        worklog = _editable(call, issue_ref, worklog_id)
        try:
            call.model.delete_worklog(worklog.id, adjust_estimate=mode, estimate_seconds=amount)
        except ValueError as error:
            raise ApiError(400, str(error)) from None
    return Response(status=204)


@routes.get(f"{_BASE}/<worklog_id>/properties")
def property_keys(call: ApiCall, issue_ref: str, worklog_id: str) -> Any:
    with call.model.lock:
        worklog = _worklog(call, issue_ref, worklog_id)
        base = f"{call.site.url}/rest/api/3/issue/{worklog.issue_id}/worklog/{worklog.id}"
        keys = list(worklog.properties or {})
    return {"keys": [{"self": f"{base}/properties/{k}", "key": k} for k in keys]}


@routes.get(f"{_BASE}/<worklog_id>/properties/<key>")
def get_property(call: ApiCall, issue_ref: str, worklog_id: str, key: str) -> Any:
    with call.model.lock:
        properties = _worklog(call, issue_ref, worklog_id).properties or {}
        if key not in properties:
            raise ApiError(404, f"The property with key '{key}' does not exist.")
        return {"key": key, "value": properties[key]}


@routes.put(f"{_BASE}/<worklog_id>/properties/<key>")
def set_property(call: ApiCall, issue_ref: str, worklog_id: str, key: str) -> Any:
    """201 when the property is new, 200 when it was replaced (as Jira answers)."""
    value = call.json_body()
    with call.model.lock:
        worklog = _worklog(call, issue_ref, worklog_id)
        created = call.model.set_worklog_property(worklog.id, key, value)
    return Response(status=201 if created else 200)


def _issue(call: ApiCall, issue_ref: str) -> Issue:
    issue = call.model.find_issue(issue_ref)
    if issue is None:
        raise ApiError(404, "Issue does not exist or you do not have permission to see it.")
    return issue


def _worklog(call: ApiCall, issue_ref: str, worklog_id: str) -> Worklog:
    issue = _issue(call, issue_ref)
    worklog = call.model.worklogs.get(int(worklog_id)) if worklog_id.isdigit() else None
    if worklog is None or worklog.issue_id != issue.id:
        raise ApiError(404, f"Cannot find worklog with id: {worklog_id}")
    return worklog


def _editable(call: ApiCall, issue_ref: str, worklog_id: str) -> Worklog:
    worklog = _worklog(call, issue_ref, worklog_id)
    caller = call.caller
    if caller.kind == "bearer" and worklog.author_id != caller.account_id:
        if not call.model.user(caller.account_id).admin:
            raise ApiError(403, "You do not have the permission to change this worklog.")
    return worklog


def _render(call: ApiCall, worklog: Worklog) -> dict[str, Any]:
    expand = call.request.args.get("expand", "").split(",")
    return payloads.worklog_json(call.model, worklog, with_properties="properties" in expand)


def _worklog_input(body: Any, *, creating: bool) -> dict[str, Any]:
    """Validate a worklog body the way REST v3 does (ADF comment, Jira date-time)."""
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if "timeSpentSeconds" in body:
        values["time_spent_seconds"] = body["timeSpentSeconds"]
    elif "timeSpent" in body:
        try:
            values["time_spent_seconds"] = parse_duration(str(body["timeSpent"]))
        except ValueError:
            errors["timeLogged"] = "Invalid time duration entered."
    elif creating:
        errors["timeLogged"] = "You must indicate the time spent working."
    if "started" in body:
        try:
            parse_instant(body["started"])
            values["started"] = body["started"]
        except ValueError:
            errors["started"] = "Invalid date format. Please enter the date in the format "\
                "\"yyyy-MM-dd'T'HH:mm:ss.SSSZ\"."
    elif creating:
        errors["started"] = "You must specify a start date."
    if "comment" in body:
        comment = body["comment"]
        if not isinstance(comment, dict) or comment.get("type") != "doc":
            errors["comment"] = "Operation value must be an Atlassian Document (see ADF)."
        values["comment"] = comment
    if errors:
        raise ApiError(400, errors=errors)
    return values


def _adjustment(call: ApiCall, manual_param: str | None) -> tuple[str, int | None]:
    """Read adjustEstimate with newEstimate or the manual amount (reduceBy / increaseBy)."""
    args = call.request.args
    mode = args.get("adjustEstimate", "auto")
    text = args.get("newEstimate") if mode == "new" else None
    if mode == "manual" and manual_param:
        text = args.get(manual_param)
    if mode in ("new", "manual") and not text:
        raise ApiError(400, f"adjustEstimate={mode} needs a value")
    try:
        return mode, None if text is None else parse_duration(text)
    except ValueError:
        raise ApiError(400, f"Invalid duration {text!r}.") from None
