"""A stand-in Connect app for the fake's self-tests and for tests that need an installation
without the real app: serves a descriptor, records what Jira posts, and signs REST calls back
with PyJWT + atlassian_jwt (never the real app's code).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
import requests
from atlassian_jwt.url_utils import hash_url
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

from .server import BackgroundServer
from .site import FakeJiraSite

APP_KEY = "ledgerline"
CONTEXT_PATH = "/ledger"


@dataclass(frozen=True, slots=True)
class Received:
    method: str
    target: str
    headers: dict[str, str]
    body: Any


class StandInApp:
    """Serves ``atlassian-connect.json`` under a context path and answers POSTs with ``status``."""

    def __init__(self, scopes: tuple[str, ...] = ("READ", "WRITE", "ACT_AS_USER")) -> None:
        self.scopes = scopes
        self.status = 204
        self.received: list[Received] = []
        self._server = BackgroundServer(self._wsgi, "stand-in-app")
        self.base_url = self._server.url + CONTEXT_PATH

    def descriptor(self) -> dict[str, Any]:
        return {
            "key": APP_KEY,
            "name": "Ledgerline (stand-in)",
            "baseUrl": self.base_url,
            "authentication": {"type": "jwt"},
            "lifecycle": {
                "installed": "/lifecycle/installed",
                "uninstalled": "/lifecycle/uninstalled",
                "enabled": "/lifecycle/enabled",
                "disabled": "/lifecycle/disabled",
            },
            "scopes": list(self.scopes),
            "apiMigrations": {"signed-install": True, "gdpr": True},
            "modules": {"webhooks": [
                {"event": "jira:issue_updated", "url": "/webhooks/issue?source=jira"},
                {"event": "worklog_created", "url": "/webhooks/worklog"},
            ]},
        }

    def last(self, path: str) -> Received:
        """The most recent POST whose path (without the context path) starts with ``path``."""
        return next(r for r in reversed(self.received) if r.target.startswith(path))

    def close(self) -> None:
        self._server.close()

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if request.path == f"{CONTEXT_PATH}/atlassian-connect.json":
            response = Response(json.dumps(self.descriptor()), content_type="application/json")
        else:
            target = environ["RAW_URI"].removeprefix(CONTEXT_PATH)
            body = json.loads(request.get_data(as_text=True) or "null")
            self.received.append(Received(request.method, target, dict(request.headers), body))
            response = Response(status=self.status)
        return response(environ, start_response)


def app_token(site: FakeJiraSite, method: str, path: str, **overrides: Any) -> str:
    """The JWT the app signs to call Jira: iss = app key, qsh of the exact request."""
    now = int(time.time())
    claims = {"iss": APP_KEY, "iat": now, "exp": now + 60, "qsh": hash_url(method, path)}
    claims.update(overrides)
    return jwt.encode(claims, site.shared_secret, algorithm="HS256")


def call_as_app(site: FakeJiraSite, method: str, path: str, **kwargs: Any) -> requests.Response:
    """A correctly signed REST call from the app to the site."""
    headers = {"Authorization": f"JWT {app_token(site, method, path)}"}
    return requests.request(method, site.url + path, headers=headers, timeout=10, **kwargs)


@pytest.fixture
def site(
    jira_site: Callable[..., FakeJiraSite], stand_in_app: StandInApp
) -> FakeJiraSite:
    """A site with the stand-in app installed."""
    installed = jira_site()
    assert installed.install(stand_in_app.base_url).status_code == 204
    return installed
