"""Single issues and the enhanced JQL search (``/search/jql`` with ``nextPageToken``)."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import TYPE_CHECKING
from typing import Any

from .. import jql
from .. import payloads
from ..payloads import FieldSelection
from ..server import ApiError
from ..server import RouteTable

if TYPE_CHECKING:
    from ..site import ApiCall

routes = RouteTable()
DEFAULT_PAGE = 50
MAX_PAGE = 100
# Jira allows far bigger pages when only ids/keys are requested.
MAX_ID_PAGE = 5000


@routes.get("/rest/api/3/issue/<issue_ref>")
def get_issue(call: ApiCall, issue_ref: str) -> Any:
    """All fields unless ``fields`` narrows them (Jira's default for a single issue)."""
    selection = FieldSelection.parse(call.request.args.getlist("fields"), default="*all")
    with call.model.lock:
        issue = call.model.find_issue(issue_ref)
        if issue is None:
            raise ApiError(404, "Issue does not exist or you do not have permission to see it.")
        return payloads.issue_json(call.model, issue, selection)


@routes.get("/rest/api/3/search/jql")
def search_get(call: ApiCall) -> Any:
    args = call.request.args
    return _search(call, args.get("jql", ""), args.getlist("fields"),
                   call.int_arg("maxResults", DEFAULT_PAGE), args.get("nextPageToken"))


@routes.post("/rest/api/3/search/jql", scope="READ")
def search_post(call: ApiCall) -> Any:
    body = call.json_body()
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    fields = body.get("fields") or []
    if not isinstance(fields, list):
        raise ApiError(400, "fields must be a list of field ids.")
    return _search(call, body.get("jql", ""), fields,
                   call.int_arg("maxResults", DEFAULT_PAGE, source=body),
                   body.get("nextPageToken"))


def _search(
    call: ApiCall, query_text: str, fields: list[str], max_results: int, token: str | None
) -> dict[str, Any]:
    """Only ``id`` unless fields are asked for, as the enhanced search does."""
    selection = FieldSelection.parse(fields, default="id")
    page_size = min(max_results or DEFAULT_PAGE, MAX_ID_PAGE if selection.ids_only else MAX_PAGE)
    offset = _read_token(token, query_text) if token else 0
    time_zone = call.model.user(call.caller.account_id).time_zone
    with call.model.lock:
        try:
            query = jql.parse(query_text, call.model, time_zone)
        except jql.JqlError as error:
            raise ApiError(400, str(error)) from None
        found = query.run(call.model.issues_in_order())
        issues = [payloads.issue_json(call.model, issue, selection)
                  for issue in found[offset:offset + page_size]]
    body: dict[str, Any] = {"issues": issues, "isLast": offset + page_size >= len(found)}
    if not body["isLast"]:
        body["nextPageToken"] = _make_token(offset + page_size, query_text)
    return body


def _fingerprint(query_text: str) -> str:
    return hashlib.sha256(query_text.encode()).hexdigest()[:16]


def _make_token(offset: int, query_text: str) -> str:
    """Opaque to the client; bound to the query so a token cannot be reused for another."""
    raw = json.dumps({"offset": offset, "jql": _fingerprint(query_text)}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_token(token: str, query_text: str) -> int:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if decoded["jql"] == _fingerprint(query_text):
            return int(decoded["offset"])
    except (ValueError, KeyError, TypeError):
        pass
    raise ApiError(400, "The nextPageToken is invalid or does not belong to this query.")
