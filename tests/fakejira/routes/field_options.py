"""Options of app-owned select fields: Jira's "Issue custom field options (apps)" resource.

``{field_key}`` is ``<appKey>__<moduleKey>``. Only the app that provides the field (its JWT) or a
Jira administrator (Bearer) may call these; Jira documents the Connect scope of the list call as
NONE, and the fake's weakest requirement is READ. A missing field is 400 on the reads and 404 on
the writes, an option selected on an issue cannot be deleted (409), and PUT creates an option
under the id it is given, as Jira documents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Response

from ..app_fields import MAX_OPTIONS
from ..app_fields import AppField
from ..app_fields import FieldOption
from ..app_fields import app_fields
from ..app_fields import option_in_use
from ..server import ApiError
from ..server import RouteTable

if TYPE_CHECKING:
    from ..site import ApiCall

routes = RouteTable()
_BASE = "/rest/api/3/field/<field_key>/option"
# The page size Jira uses is not documented; these are the fake's.
DEFAULT_PAGE = 50
MAX_PAGE = 100


@routes.get(_BASE, scope="READ")
def list_options(call: ApiCall, field_key: str) -> Any:
    start_at = call.int_arg("startAt", 0)
    max_results = min(call.int_arg("maxResults", DEFAULT_PAGE), MAX_PAGE)
    with call.model.lock:
        owned = _field(call, field_key, missing=400)
        ordered = [owned.options[i] for i in sorted(owned.options)]
        page = [o.json() for o in ordered[start_at:start_at + max_results]]
    base = f"{call.site.url}/rest/api/3/field/{field_key}/option"
    is_last = start_at + max_results >= len(ordered)
    body = {
        "self": f"{base}?{urlencode({'startAt': start_at, 'maxResults': max_results})}",
        "startAt": start_at, "maxResults": max_results, "total": len(ordered),
        "isLast": is_last, "values": page,
    }
    if not is_last:
        following = {"startAt": start_at + max_results, "maxResults": max_results}
        body["nextPage"] = f"{base}?{urlencode(following)}"
    return body


@routes.post(_BASE, scope="READ")
def create_option(call: ApiCall, field_key: str) -> Any:
    values = _option_input(call.json_body())
    with call.model.lock:
        owned = _field(call, field_key, missing=404)
        if len(owned.options) >= MAX_OPTIONS:
            raise ApiError(400, f"A field can have at most {MAX_OPTIONS} options.")
        owned.last_option_id += 1
        option = FieldOption(owned.last_option_id, **values)
        owned.options[option.id] = option
        return option.json()


@routes.get(f"{_BASE}/<int:option_id>", scope="READ")
def get_option(call: ApiCall, field_key: str, option_id: int) -> Any:
    with call.model.lock:
        return _option(_field(call, field_key, missing=400), option_id).json()


@routes.put(f"{_BASE}/<int:option_id>", scope="READ")
def put_option(call: ApiCall, field_key: str, option_id: int) -> Any:
    body = call.json_body()
    if not isinstance(body, dict) or body.get("id") != option_id:
        raise ApiError(400, "The option id in the body must match the optionId in the path.")
    values = _option_input(body)
    with call.model.lock:
        owned = _field(call, field_key, missing=404)
        owned.options[option_id] = FieldOption(option_id, **values)
        owned.last_option_id = max(owned.last_option_id, option_id)
        return owned.options[option_id].json()


@routes.delete(f"{_BASE}/<int:option_id>", scope="READ")
def delete_option(call: ApiCall, field_key: str, option_id: int) -> Any:
    with call.model.lock:
        owned = _field(call, field_key, missing=404)
        _option(owned, option_id)
        if option_in_use(call.site, owned, option_id):
            raise ApiError(409, f"The option {option_id} is selected on issues.")
        del owned.options[option_id]
    return Response(status=204)


def _field(call: ApiCall, field_key: str, *, missing: int) -> AppField:
    owned = app_fields(call.site).get(field_key)
    if owned is None:
        raise ApiError(missing, f"The field {field_key} is not found or does not support options.")
    caller = call.caller
    if caller.kind == "jwt":
        descriptor = call.site.app_descriptor
        allowed = descriptor is not None and descriptor.key == owned.app_key
    else:
        user = call.model.users.get(caller.account_id)
        allowed = user is not None and user.admin and user.active
    if not allowed:
        raise ApiError(403, "Only a Jira administrator or the app that provides the field may "
                            "manage its options.")
    return owned


def _option(owned: AppField, option_id: int) -> FieldOption:
    option = owned.options.get(option_id)
    if option is None:
        raise ApiError(404, f"The option {option_id} does not exist.")
    return option


def _option_input(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    value = body.get("value")
    properties = body.get("properties", {})
    config = body.get("config", {})
    errors = {}
    if not isinstance(value, str) or not value.strip():
        errors["value"] = "The option value must be a non-empty string."
    if not isinstance(properties, dict):
        errors["properties"] = "Properties must be a JSON object."
    if not isinstance(config, dict):
        errors["config"] = "Config must be a JSON object."
    if errors:
        raise ApiError(400, errors=errors)
    return {"value": value, "properties": properties, "config": config}
