"""One fake Jira Cloud site: its own HTTP server, model, installation state and REST API."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound
from werkzeug.routing import Map
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

from .auth import Caller
from .auth import authenticate
from .auth import request_target
from .lifecycle import AppChannel
from .lifecycle import AppDescriptor
from .lifecycle import LifecycleRequest
from .model import JiraModel
from .routes import ROUTE_TABLES
from .scopes import covers
from .server import ApiError
from .server import BackgroundServer
from .server import Endpoint
from .server import Script
from .server import json_response

if TYPE_CHECKING:
    from .cloud import AtlassianCloud
    from .cloud import Grant
    from .cloud import TokenRequest

# One routing map for every site: werkzeug rules bind to a single map, and binding per request
# is what makes it site-specific.
_API = Map([rule for table in ROUTE_TABLES for rule in table.rules])


@dataclass(frozen=True, slots=True)
class ApiRequest:
    """One inbound REST call as the site saw it (``auth`` is the scheme the caller sent).

    ``path`` is relative to the site's context path, ``target`` the path and query as sent.
    Every call is authenticated for this record, even one answered by a script or a 404:
    ``claims`` are the verified JWT claims, ``refusal`` why Jira would answer 401.
    """

    method: str
    path: str
    target: str
    query: dict[str, str]
    auth: str | None
    account_id: str | None
    status: int
    body: Any
    claims: dict[str, Any] | None
    refusal: str | None


@dataclass(slots=True)
class ApiCall:
    """What a route handler gets: the site, the request and the verified caller."""

    site: FakeJiraSite
    request: Request
    caller: Caller

    @property
    def model(self) -> JiraModel:
        return self.site.model

    def json_body(self) -> Any:
        try:
            return json.loads(self.request.get_data(as_text=True) or "null")
        except ValueError:
            raise ApiError(400, "Unexpected character in the JSON body.") from None

    def int_arg(self, name: str, default: int, *, source: Any = None) -> int:
        """An integer parameter from the query (or ``source``), 400 if it isn't one."""
        value = (self.request.args if source is None else source).get(name, default)
        try:
            return max(0, int(value))
        except (TypeError, ValueError):
            raise ApiError(400, f"The '{name}' parameter must be a number.") from None


class FakeJiraSite(AppChannel):
    """A Jira site on ``url``; create it with ``AtlassianCloud.new_site``.

    The installation handshake, lifecycle events, request signing and webhooks come from
    ``AppChannel``; the REST API is served from ``routes/``, under ``context_path`` if given
    (as a Jira behind a path prefix: ``url`` ends with it). ``script`` answers REST calls to
    known routes before authentication (``fail_next`` is its rate-limit shorthand), and
    ``grant_script`` answers the cloud's token requests that name this site's oauthClientId.
    ``worklog_page_size`` is the page size of ``/worklog/updated`` and ``/worklog/deleted``
    (1000 in Jira).
    """

    def __init__(
        self, cloud: AtlassianCloud, name: str, *, app_key: str, context_path: str = ""
    ) -> None:
        self.cloud = cloud
        self.name = name
        self.client_key = f"jira:{uuid.uuid4()}"
        self.cloud_id = str(uuid.uuid4())
        self.oauth_client_id = secrets.token_urlsafe(24)
        self.service_entitlement_number = f"SEN-{secrets.randbelow(10**8):08d}"
        self.shared_secret: str | None = None
        self.app_descriptor: AppDescriptor | None = None
        self.installed = False
        self.enabled = False
        self.last_install_request: LifecycleRequest | None = None
        self.requests_log: list[ApiRequest] = []
        self.worklog_page_size = 1000
        self.script = Script()
        self.grant_script = Script()
        self.context_path = context_path.rstrip("/")
        self._server = BackgroundServer(self._wsgi, f"fake-jira-{name}")
        self.url = self._server.url + self.context_path
        self.model = JiraModel(self.url)
        self.app_user = self.model.add_user(app_key, account_type="app")
        self.admin = self.model.add_user(f"{name} admin", admin=True)

    def fail_next(
        self,
        count: int,
        status: int = 429,
        retry_after: str | None = "1",
        path_prefix: str | None = None,
    ) -> None:
        """Answer the next ``count`` REST calls (under ``path_prefix``) with ``status``.

        Faults are checked before authentication, like a rate limiter in front of Jira, and a
        ``Retry-After`` header (delta-seconds or an HTTP date) is sent unless ``retry_after``
        is None. ``script.add`` scripts any other answer.
        """
        message = "Rate limit exceeded." if status == 429 else "Injected failure."
        headers = {} if retry_after is None else {"Retry-After": retry_after}
        self.script.add(status, {"errorMessages": [message], "errors": {}}, headers=headers,
                        times=count, path_prefix=path_prefix)

    @property
    def grants(self) -> list[Grant]:
        """The access tokens the cloud issued for this site, oldest first."""
        return [g for g in self.cloud.grant_log if g.client_key == self.client_key]

    @property
    def token_requests(self) -> list[TokenRequest]:
        """Every grant request whose assertion named this site, answered or refused."""
        return [r for r in self.cloud.token_requests if r.client_key == self.client_key]

    def close(self) -> None:
        self._server.close()
        self.cloud.sites.pop(self.client_key, None)

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        inside = self._enter_context_path(environ)
        request = Request(environ)
        caller: Caller | None = None
        refusal: ApiError | None = None
        try:
            caller = authenticate(self, request)
        except ApiError as error:
            refusal = error
        try:
            if not inside:
                raise NotFound()
            endpoint, values = _API.bind_to_environ(environ).match()
            response = self.script.take(request.path)
            if response is None:
                if refusal is not None:
                    raise refusal
                response = self._dispatch(endpoint, request, caller, values)
        except NotFound:
            response = ApiError(404, f"No resource at {request.path}.").response()
        except MethodNotAllowed:
            response = ApiError(405, f"{request.method} is not allowed here.").response()
        except ApiError as error:
            response = error.response()
        self._record(request, caller, refusal, response.status_code)
        return response(environ, start_response)

    def _enter_context_path(self, environ: dict[str, Any]) -> bool:
        """Move the context path into SCRIPT_NAME; False if the request is outside it."""
        path = environ.get("PATH_INFO", "")
        prefix = self.context_path
        if path != prefix and not path.startswith(prefix + "/"):
            return False
        environ["SCRIPT_NAME"] = prefix
        environ["PATH_INFO"] = path[len(prefix):]
        return True

    def _dispatch(
        self, endpoint: Endpoint, request: Request, caller: Caller, values: dict[str, Any]
    ) -> Response:
        if not covers(caller.scopes, endpoint.scope):
            raise ApiError(403, f"The app needs the {endpoint.scope} scope for this call.")
        result = endpoint.handler(ApiCall(self, request, caller), **values)
        return result if isinstance(result, Response) else json_response(result)

    def _record(
        self, request: Request, caller: Caller | None, refusal: ApiError | None, status: int
    ) -> None:
        scheme = request.headers.get("Authorization", "").partition(" ")[0]
        auth = {"JWT": "jwt", "Bearer": "bearer"}.get(scheme)
        # Read whatever arrived, also a chunked body (which has no Content-Length).
        data = request.get_data(as_text=True)
        try:
            body = json.loads(data) if data else None
        except ValueError:
            body = None
        self.requests_log.append(ApiRequest(
            method=request.method,
            path=request.path,
            target=request_target(request),
            query=request.args.to_dict(),
            auth=auth,
            account_id=caller.account_id if caller and caller.kind == "bearer" else None,
            status=status,
            body=body,
            claims=caller.claims if caller and caller.kind == "jwt" else None,
            refusal=refusal.messages[0] if refusal else None,
        ))
