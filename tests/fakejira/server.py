"""HTTP plumbing shared by the fake services: a background werkzeug server, JSON replies,
Jira-shaped errors, scripted responses and a route table that route modules fill in.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.routing import Rule
from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

# The Connect scope each HTTP method needs unless a route says otherwise (Jira's REST docs list
# DELETE as its own scope, e.g. for deleting a worklog).
DEFAULT_SCOPES = {"GET": "READ", "POST": "WRITE", "PUT": "WRITE", "DELETE": "DELETE"}


class _QuietHandler(WSGIRequestHandler):
    """Keeps werkzeug's per-request access log out of the test output."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


class BackgroundServer:
    """A threaded werkzeug server on 127.0.0.1 and a free port, served from a daemon thread."""

    def __init__(self, wsgi_app: Callable[..., Any], name: str) -> None:
        self._server = make_server(
            "127.0.0.1", 0, wsgi_app, threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        # A short poll interval makes shutdown() (and so every test teardown) quick.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name=name,
            daemon=True,
        )
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=headers,
                    content_type="application/json")


class ApiError(Exception):
    """A failed REST call, rendered as Jira does: ``{"errorMessages": [...], "errors": {...}}``."""

    def __init__(
        self,
        status: int,
        *messages: str,
        errors: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status, *messages)
        self.status = status
        self.messages = list(messages)
        self.errors = errors or {}
        self.headers = headers

    def response(self) -> Response:
        body = {"errorMessages": self.messages, "errors": self.errors}
        return json_response(body, self.status, self.headers)


@dataclass(slots=True)
class _Canned:
    remaining: int
    status: int
    body: Any
    headers: dict[str, str]
    path_prefix: str | None

    def response(self) -> Response:
        if self.body is None:
            return Response(status=self.status, headers=self.headers)
        if isinstance(self.body, str):
            return Response(self.body, self.status, self.headers, content_type="text/plain")
        return json_response(self.body, self.status, self.headers)


class Script:
    """Canned answers a server gives, in order, before it handles a request (fault injection).

    Thread-safe; an answer with ``path_prefix`` is given only to requests under that path.
    """

    def __init__(self) -> None:
        self._canned: list[_Canned] = []
        self._lock = threading.Lock()

    def add(
        self,
        status: int,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        times: int = 1,
        path_prefix: str | None = None,
    ) -> None:
        """Queue ``times`` answers: ``body`` None is empty, a str is sent as text, else JSON."""
        with self._lock:
            self._canned.append(_Canned(times, status, body, dict(headers or {}), path_prefix))

    def take(self, path: str) -> Response | None:
        """The next canned answer for ``path``, or None to handle the request normally."""
        with self._lock:
            for canned in self._canned:
                if canned.path_prefix is None or path.startswith(canned.path_prefix):
                    canned.remaining -= 1
                    if canned.remaining <= 0:
                        self._canned.remove(canned)
                    return canned.response()
        return None


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A route handler and the Connect scope a caller needs for it."""

    handler: Callable[..., Any]
    scope: str


class RouteTable:
    """Collects werkzeug rules from a route module; handlers are ``f(call, **url_values)``."""

    def __init__(self) -> None:
        self.rules: list[Rule] = []

    def route(self, method: str, path: str, scope: str | None = None) -> Callable[..., Any]:
        def register(handler: Callable[..., Any]) -> Callable[..., Any]:
            endpoint = Endpoint(handler, scope or DEFAULT_SCOPES[method])
            self.rules.append(Rule(path, methods=[method], endpoint=endpoint))
            return handler

        return register

    def get(self, path: str, scope: str | None = None) -> Callable[..., Any]:
        return self.route("GET", path, scope)

    def post(self, path: str, scope: str | None = None) -> Callable[..., Any]:
        return self.route("POST", path, scope)

    def put(self, path: str, scope: str | None = None) -> Callable[..., Any]:
        return self.route("PUT", path, scope)

    def delete(self, path: str, scope: str | None = None) -> Callable[..., Any]:
        return self.route("DELETE", path, scope)
