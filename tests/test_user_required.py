"""Every route that shows or changes tenant data needs a user (issue 13).

The routes are enumerated from the app's URL map, so a route added later is checked without
anyone remembering to list it; the few that may run without a user are an explicit list here.
"""

from __future__ import annotations

import re

import pytest
import requests

from addon.hardening import needs_user
from connect.context import AUTH_MODE_ATTR
from connect.context import MODE_CONTEXT_QSH
from connect.context import MODE_LIFECYCLE
from connect.context import MODE_PUBLIC

# Public: no token at all. Changing these lists is a security decision; review it as one.
# dev.*: the demo pages, registered only in DEV_MODE (never in production).
PUBLIC = {"api.openapi", "connect.descriptor", "dev.index", "dev.edit_in_jira", "ops.healthz",
          "panels.shared_report",
          "ops.readyz"}
LIFECYCLE = {"connect_lifecycle.installed", "connect_lifecycle.uninstalled",
             "connect_lifecycle.enabled", "connect_lifecycle.disabled"}
# Signed by Jira as the app, so there is no user to require.
USER_OPTIONAL = {"webhooks.receive"}
SAMPLE = {"id": "1", "int": "1", "default": "X1", "path": "x.css"}


def _mode(app, endpoint: str) -> str:
    return getattr(app.view_functions[endpoint], AUTH_MODE_ATTR, "jwt")


def _data_routes(app) -> list:
    return sorted((r for r in app.url_map.iter_rules() if needs_user(app, r.endpoint)),
                  key=lambda r: (r.rule, sorted(r.methods)))


def _concrete(rule) -> str:
    """The rule's path with a sample value in each variable (``<id:x>`` gets a number)."""
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>",
                  lambda m: SAMPLE.get(m.group(1) or "default", SAMPLE["default"]), rule.rule)


def test_only_the_listed_routes_run_without_a_user(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    assert {e for e in endpoints if _mode(app, e) == MODE_PUBLIC} == PUBLIC
    assert {e for e in endpoints if _mode(app, e) == MODE_LIFECYCLE} == LIFECYCLE
    optional = {e for e in endpoints if not needs_user(app, e)} - PUBLIC - LIFECYCLE
    assert optional - {"static", "panels.static"} == USER_OPTIONAL


def test_anonymous_tokens_are_refused_on_every_data_route(app, live_app, installed_site):
    routes = _data_routes(app)
    assert len(routes) > 50  # the API, the panels and the pages are all in the map
    refused = {}
    for rule in routes:
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        path = _concrete(rule)
        qsh = "context-qsh" if _mode(app, rule.endpoint) == MODE_CONTEXT_QSH else None
        token = installed_site.sign_app_request(method, path, account_id=None, qsh=qsh)
        response = requests.request(method, f"{live_app.url}{path}", json={}, timeout=30,
                                    headers={"Authorization": f"JWT {token}"})
        refused[f"{method} {rule.rule}"] = (response.status_code, _error_code(response))
    assert {k: v for k, v in refused.items() if v != (401, "user_required")} == {}


def _error_code(response) -> str | None:
    """The JSON error's code, or on a page Jira frames the code the page carries."""
    if response.headers["Content-Type"].startswith("text/html"):
        found = re.search(r'data-error-code="([a-z_]+)"', response.text)
        return found and found.group(1)
    return response.json()["errors"]["code"]


def test_an_anonymous_visitor_of_a_framed_page_is_asked_to_log_in(live_app, installed_site):
    path = "/pages/my-time"
    token = installed_site.sign_app_request("GET", path, account_id=None)
    response = requests.get(f"{live_app.url}{path}", params={"jwt": token}, timeout=30)
    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Log in to Jira" in response.text
    assert "frame-ancestors" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/worklogs", "/sync/status", "/accounts"])
def test_an_api_token_acts_as_its_owner(api, world, path):
    token = api.post("/tokens", json={"name": "script"}).json()["token"]
    anonymous = api.as_user(None)
    assert anonymous.get(path).status_code == 401
    assert anonymous.get(path, token=token).status_code in (200, 403)  # the owner's rights
