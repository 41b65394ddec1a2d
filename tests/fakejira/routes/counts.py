"""``POST /rest/api/3/search/approximate-count``: how many issues a (bounded) JQL matches.

Jira answers ``{"count": N}`` and documents the number as approximate (recent changes may be
missing); the fake's count is exact, which is one of the answers Jira may give.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from .. import jql
from ..server import ApiError
from ..server import RouteTable

if TYPE_CHECKING:
    from ..site import ApiCall

routes = RouteTable()


@routes.post("/rest/api/3/search/approximate-count", scope="READ")
def approximate_count(call: ApiCall) -> Any:
    body = call.json_body()
    if not isinstance(body, dict) or not isinstance(body.get("jql"), str):
        raise ApiError(400, "The request body must be a JSON object with a jql string.")
    time_zone = call.model.user(call.caller.account_id).time_zone
    with call.model.lock:
        try:
            query = jql.parse(body["jql"], call.model, time_zone)
        except jql.JqlError as error:
            raise ApiError(400, str(error)) from None
        return {"count": len(query.run(call.model.issues_in_order()))}
