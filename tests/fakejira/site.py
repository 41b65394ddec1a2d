"""One fake Jira Cloud site: its own HTTP server, model, installation state and REST API."""

from __future__ import annotations

import json
import secrets
import threading
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
from .lifecycle import AppChannel
from .lifecycle import AppDescriptor
from .lifecycle import LifecycleRequest
from .model import JiraModel
from .routes import ROUTE_TABLES
from .scopes import covers
from .server import ApiError
from .server import BackgroundServer
from .server import Endpoint
from .server import json_response

if TYPE_CHECKING:
    from .cloud import AtlassianCloud

# One routing map for every site: werkzeug rules bind to a single map, and binding per request
# is what makes it site-specific.
_API = Map([rule for table in ROUTE_TABLES for rule in table.rules])


@dataclass(frozen=True, slots=True)
class ApiRequest:
    """One inbound REST call as the site saw it (``auth`` is the scheme the caller sent)."""

    method: str
    path: str
    query: dict[str, str]
    auth: str | None
    account_id: str | None
    status: int
    body: Any


@dataclass(slots=True)
class _Fault:
    remaining: int
    status: int
    retry_after: str | None
    path_prefix: str | None


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
    ``AppChannel``; the REST API is served from ``routes/``. ``worklog_page_size`` is the page
    size of ``/worklog/updated`` and ``/worklog/deleted`` (1000 in Jira).
    """

    def __init__(self, cloud: AtlassianCloud, name: str, *, app_key: str) -> None:
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
        self._faults: list[_Fault] = []
        self._faults_lock = threading.Lock()
        self._server = BackgroundServer(self._wsgi, f"fake-jira-{name}")
        self.url = self._server.url
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
        ``Retry-After`` header is sent unless ``retry_after`` is None.
        """
        with self._faults_lock:
            self._faults.append(_Fault(count, status, retry_after, path_prefix))

    def close(self) -> None:
        self._server.close()
        self.cloud.sites.pop(self.client_key, None)

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        caller: Caller | None = None
        try:
            endpoint, values = _API.bind_to_environ(environ).match()
            response = self._take_fault(request.path)
            if response is None:
                caller = authenticate(self, request)
                response = self._dispatch(endpoint, request, caller, values)
        except NotFound:
            response = ApiError(404, f"No resource at {request.path}.").response()
        except MethodNotAllowed:
            response = ApiError(405, f"{request.method} is not allowed here.").response()
        except ApiError as error:
            response = error.response()
        self._record(request, caller, response.status_code)
        return response(environ, start_response)

    def _dispatch(
        self, endpoint: Endpoint, request: Request, caller: Caller, values: dict[str, Any]
    ) -> Response:
        if not covers(caller.scopes, endpoint.scope):
            raise ApiError(403, f"The app needs the {endpoint.scope} scope for this call.")
        result = endpoint.handler(ApiCall(self, request, caller), **values)
        return result if isinstance(result, Response) else json_response(result)

    def _take_fault(self, path: str) -> Response | None:
        with self._faults_lock:
            for fault in self._faults:
                if fault.path_prefix is None or path.startswith(fault.path_prefix):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    break
            else:
                return None
        headers = {} if fault.retry_after is None else {"Retry-After": fault.retry_after}
        message = "Rate limit exceeded." if fault.status == 429 else "Injected failure."
        return ApiError(fault.status, message, headers=headers).response()

    def _record(self, request: Request, caller: Caller | None, status: int) -> None:
        scheme = request.headers.get("Authorization", "").partition(" ")[0]
        auth = {"JWT": "jwt", "Bearer": "bearer"}.get(scheme)
        try:
            body = json.loads(request.get_data(as_text=True)) if request.content_length else None
        except ValueError:
            body = None
        self.requests_log.append(ApiRequest(
            method=request.method,
            path=request.path,
            query=request.args.to_dict(),
            auth=auth,
            account_id=caller.account_id if caller and caller.kind == "bearer" else None,
            status=status,
            body=body,
        ))
