"""Project search (offset paging with isLast) and single-project lookup."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import urlencode

from .. import payloads
from ..server import ApiError
from ..server import RouteTable

if TYPE_CHECKING:
    from ..site import ApiCall

routes = RouteTable()
# Jira documents the default page size; the cap of 100 is the fake's assumption.
DEFAULT_PAGE = 50
MAX_PAGE = 100


@routes.get("/rest/api/3/project/search")
def search(call: ApiCall) -> Any:
    """Projects ordered by key, filtered by ``keys`` (repeatable) and ``query`` (key/name)."""
    start_at = call.int_arg("startAt", 0)
    max_results = min(call.int_arg("maxResults", DEFAULT_PAGE), MAX_PAGE)
    keys = {k.upper() for k in call.request.args.getlist("keys")}
    text = call.request.args.get("query", "").lower()
    with call.model.lock:
        found = sorted(
            (p for p in call.model.projects.values()
             if (not keys or p.key in keys)
             and (text in p.key.lower() or text in p.name.lower())),
            key=lambda p: p.key,
        )
        window = found[start_at : start_at + max_results]
        page = [payloads.project_json(call.model, p) for p in window]
    is_last = start_at + max_results >= len(found)
    base = f"{call.site.url}/rest/api/3/project/search"
    body = {
        "self": f"{base}?{urlencode({'startAt': start_at, 'maxResults': max_results})}",
        "maxResults": max_results,
        "startAt": start_at,
        "total": len(found),
        "isLast": is_last,
        "values": page,
    }
    if not is_last:
        next_query = {**call.request.args.to_dict(), "startAt": start_at + max_results}
        body["nextPage"] = f"{base}?{urlencode(next_query)}"
    return body


@routes.get("/rest/api/3/project/<project_ref>")
def get_project(call: ApiCall, project_ref: str) -> Any:
    with call.model.lock:
        project = call.model.find_project(project_ref)
        if project is None:
            raise ApiError(404, f"No project could be found with key '{project_ref}'.")
        return payloads.project_json(call.model, project)
