"""The incremental worklog feeds and bulk fetch a sync is built on.

``/worklog/updated`` and ``/worklog/deleted`` page oldest-first, ``site.worklog_page_size``
(1000 in Jira) at a time: ``until`` is the youngest timestamp on a full page (and ``nextPage``
continues with ``since=until``), or the time of the request on the last page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from .. import payloads
from ..server import ApiError
from ..server import RouteTable

if TYPE_CHECKING:
    from ..site import ApiCall

routes = RouteTable()
MAX_IDS = 1000


@routes.get("/rest/api/3/worklog/updated")
def updated(call: ApiCall) -> Any:
    with_properties = "properties" in call.request.args.get("expand", "").split(",")
    since, until, limit = _window(call)
    found = call.model.worklogs_updated_since(since, until, limit + 1)
    values = [
        {"worklogId": w.id, "updatedTime": w.updated,
         "properties": payloads.property_list(w.properties) if with_properties else []}
        for w in found[:limit]
    ]
    return _page(call, "updated", since, until, values, len(found) > limit)


@routes.get("/rest/api/3/worklog/deleted")
def deleted(call: ApiCall) -> Any:
    since, until, limit = _window(call)
    found = call.model.worklogs_deleted_since(since, until, limit + 1)
    values = [{"worklogId": d.worklog_id, "updatedTime": d.deleted, "properties": []}
              for d in found[:limit]]
    return _page(call, "deleted", since, until, values, len(found) > limit)


@routes.post("/rest/api/3/worklog/list", scope="READ")
def worklog_list(call: ApiCall) -> Any:
    """Full worklogs for up to 1000 ids; unknown ids are skipped, as in Jira."""
    body = call.json_body()
    ids = body.get("ids") if isinstance(body, dict) else None
    if not isinstance(ids, list) or not all(isinstance(i, int | str) for i in ids):
        raise ApiError(400, "ids must be a list of worklog ids.")
    if len(ids) > MAX_IDS:
        raise ApiError(400, f"The number of worklog ids must not exceed {MAX_IDS}.")
    with_properties = "properties" in call.request.args.get("expand", "").split(",")
    with call.model.lock:
        found = [call.model.worklogs.get(int(i)) for i in ids if str(i).isdigit()]
        return [payloads.worklog_json(call.model, w, with_properties=with_properties)
                for w in found if w is not None]


def _window(call: ApiCall) -> tuple[int, int, int]:
    return call.int_arg("since", 0), call.model.now(), call.site.worklog_page_size


def _page(
    call: ApiCall, feed: str, since: int, until: int, values: list[dict[str, Any]],
    more: bool,
) -> dict[str, Any]:
    base = f"{call.site.url}/rest/api/3/worklog/{feed}"
    if more:
        until = values[-1]["updatedTime"]
    body: dict[str, Any] = {
        "values": values,
        "since": since,
        "until": until,
        "self": f"{base}?since={since}",
        "lastPage": not more,
    }
    if more:
        body["nextPage"] = f"{base}?since={until}"
    return body
