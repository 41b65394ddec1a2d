"""Every page carries the hardening headers (issue 13): a Content-Security-Policy that lets only
Atlassian's sites (and the app itself) frame it, ``nosniff`` and a referrer policy; JSON
answers carry ``nosniff``. The pages are enumerated from the URL map."""

from __future__ import annotations

from urllib.parse import urlencode

from connect.context import AUTH_MODE_ATTR
from connect.context import MODE_CONTEXT_QSH

PAGE_BLUEPRINTS = ("panels", "dev")
# The client-shared report needs a live token and sends a stricter referrer policy
# (no-referrer); tests/shares/test_share_page.py pins its headers.
CHECKED_ELSEWHERE = {"panels.shared_report"}


def _pages(app) -> list:
    return sorted((r for r in app.url_map.iter_rules()
                   if r.endpoint.split(".")[0] in PAGE_BLUEPRINTS and "GET" in r.methods
                   and not r.endpoint.endswith("static")
                   and r.endpoint not in CHECKED_ELSEWHERE), key=lambda r: r.rule)


def test_every_page_sends_csp_nosniff_and_a_referrer_policy(app, world, api, live_app, http):
    site, story = world["site"], world["story"]
    account = api.as_user(world["admin"].account_id).post(
        "/accounts", json={"key": "HDR", "name": "Headers Ltd"})
    assert account.status_code == 200, account.text
    query = urlencode({"issueId": story.id, "issueKey": story.key, "accountKey": "HDR"})
    checked = []
    for rule in _pages(app):
        path = f"{rule.rule}?{query}"
        context = getattr(app.view_functions[rule.endpoint], AUTH_MODE_ATTR, None) \
            == MODE_CONTEXT_QSH
        token = site.sign_app_request("GET", path, account_id=world["admin"].account_id,
                                      qsh="context-qsh" if context else None)
        response = http.get(f"{live_app.url}{path}", headers={"Authorization": f"JWT {token}"})
        assert response.status_code == 200, (rule.rule, response.text[:300])
        assert response.headers["Content-Type"].startswith("text/html"), rule.rule
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'self' https://*.atlassian.net" in csp, rule.rule
        assert "script-src 'self' https://connect-cdn.atl-paas.net" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        checked.append(rule.rule)
    assert {"/panels/issue", "/pages/my-time", "/pages/admin/sync", "/dev"} <= set(checked)


def test_json_answers_send_nosniff(api):
    for response in (api.get("/worklogs"), api.get("/no-such-route"), api.get("/openapi.json")):
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
