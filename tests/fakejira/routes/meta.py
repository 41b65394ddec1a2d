"""Who am I, users, server info, fields and permission checks."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from .. import payloads
from ..app_fields import field_list
from ..server import ApiError
from ..server import RouteTable
from ..timefmt import format_instant

if TYPE_CHECKING:
    from ..site import ApiCall

routes = RouteTable()
MAX_CHECKED_PROJECTS = 1000


@routes.get("/rest/api/3/myself")
def myself(call: ApiCall) -> Any:
    return payloads.user_json(call.model, call.caller.account_id)


@routes.get("/rest/api/3/user")
def user(call: ApiCall) -> Any:
    account_id = call.request.args.get("accountId")
    if not account_id:
        raise ApiError(400, "The accountId query parameter needs to be provided.")
    body = payloads.user_json(call.model, account_id)
    if body is None:
        raise ApiError(404, "Specified user does not exist or you do not have required permissions")
    return body


@routes.get("/rest/api/3/serverInfo")
def server_info(call: ApiCall) -> Any:
    return {
        "baseUrl": call.site.url,
        "displayUrl": call.site.url,
        "version": "1001.0.0-SNAPSHOT",
        "versionNumbers": [1001, 0, 0],
        "deploymentType": "Cloud",
        "buildNumber": 100000,
        "serverTime": format_instant(call.model.now()),
        "serverTitle": call.site.name,
    }


@routes.get("/rest/api/3/field")
def fields(call: ApiCall) -> Any:
    with call.model.lock:
        return field_list(call.site)


@routes.post("/rest/api/3/permissions/check", scope="READ")
def check_permissions(call: ApiCall) -> Any:
    """Jira's bulk permission check, for the caller or (as the app) any ``accountId``.

    Admins hold every global permission asked about. A project permission is granted on the
    projects the user may browse (every project unless a test restricted them); unknown
    project ids are ignored and more than 1000 projects is a 400, as in Jira.
    """
    body = call.json_body() or {}
    account_id = body.get("accountId") or call.caller.account_id
    subject = call.model.users.get(account_id)
    if subject is None:
        raise ApiError(400, f"The user with account ID {account_id} does not exist.")
    requested = body.get("globalPermissions", [])
    granted = list(requested) if subject.admin and subject.active else []
    checks = body.get("projectPermissions", [])
    if any(len(check.get("projects", [])) > MAX_CHECKED_PROJECTS for check in checks):
        raise ApiError(400, f"A maximum of {MAX_CHECKED_PROJECTS} projects can be checked.")
    with call.model.lock:
        project_grants = [
            {"permission": permission,
             "projects": [p for p in check.get("projects", [])
                          if p in call.model.projects and subject.may_browse(p)],
             "issues": list(check.get("issues", [])) if subject.active else []}
            for check in checks
            for permission in check.get("permissions", [])
        ]
    return {"globalPermissions": granted, "projectPermissions": project_grants}


@routes.get("/rest/api/3/user/permission/search", scope="READ")
def users_with_permission(call: ApiCall) -> Any:
    """Users holding the named global permissions (only ADMINISTER is modelled: admins)."""
    wanted = set(filter(None, (call.request.args.get("permissions") or "").split(",")))
    if not wanted:
        raise ApiError(400, "The permissions query parameter needs to be provided.")
    with call.model.lock:
        users = [u for u in call.model.users.values() if u.active and u.admin
                 and wanted <= {"ADMINISTER"}]
        return [payloads.user_json(call.model, u.account_id) for u in users]
