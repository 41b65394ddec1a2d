"""Self-tests of the fake's protocol side: install, lifecycle, REST auth, OAuth, webhooks."""

from __future__ import annotations

import time

import jwt
import pytest
import requests
from atlassian_jwt.url_utils import hash_url

from .standin import APP_KEY
from .standin import app_token
from .standin import call_as_app
from .tokens import new_rsa_key

MYSELF = "/rest/api/3/myself"


def _public_key(cloud, token):
    kid = jwt.get_unverified_header(token)["kid"]
    fetched = requests.get(f"{cloud.keys_url}/{kid}", timeout=5)
    fetched.raise_for_status()
    return fetched.text


def test_install_is_signed_with_the_published_key(jira_site, stand_in_app, atlassian_cloud):
    site = jira_site()
    assert site.install(stand_in_app.base_url, installation_id="ari:forge").status_code == 204
    sent = stand_in_app.last("/lifecycle/installed")
    token = sent.headers["Authorization"].removeprefix("JWT ")
    claims = jwt.decode(token, _public_key(atlassian_cloud, token), algorithms=["RS256"],
                        audience=stand_in_app.base_url)
    assert claims["iss"] == site.client_key
    assert claims["qsh"] == hash_url("POST", "/lifecycle/installed")
    assert claims["exp"] - claims["iat"] == 180
    assert sent.body["sharedSecret"] == site.shared_secret
    assert sent.body["installationId"] == "ari:forge"
    assert {sent.body["clientKey"], sent.body["baseUrl"], sent.body["eventType"]} == {
        site.client_key, site.url, "installed"}
    assert site.app_descriptor.key == APP_KEY


def test_refused_install_keeps_the_old_secret(site, stand_in_app):
    old = site.shared_secret
    stand_in_app.status = 401
    assert site.install(stand_in_app.base_url).status_code == 401
    assert site.shared_secret == old


def test_forged_and_unsigned_installs(jira_site, stand_in_app, atlassian_cloud):
    site = jira_site()
    site.install(stand_in_app.base_url, sign_key=new_rsa_key())
    token = stand_in_app.last("/lifecycle/installed").headers["Authorization"][4:]
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, _public_key(atlassian_cloud, token), algorithms=["RS256"],
                   audience=stand_in_app.base_url)
    site.install(stand_in_app.base_url, signed=False)
    assert "Authorization" not in stand_in_app.last("/lifecycle/installed").headers
    assert requests.get(f"{atlassian_cloud.keys_url}/no-such-kid", timeout=5).status_code == 404


def test_replay_reuses_the_header_with_a_new_body(site, stand_in_app):
    original = stand_in_app.last("/lifecycle/installed")
    site.replay_install({"sharedSecret": "x" * 40, "description": None})
    replayed = stand_in_app.last("/lifecycle/installed")
    assert replayed.headers["Authorization"] == original.headers["Authorization"]
    assert replayed.body["sharedSecret"] == "x" * 40
    assert "description" not in replayed.body


def test_lifecycle_events_and_uninstalled_app_is_refused(site, stand_in_app):
    site.disable()
    disabled = stand_in_app.last("/lifecycle/disabled")
    claims = jwt.decode(disabled.headers["Authorization"][4:], site.shared_secret,
                        algorithms=["HS256"])
    assert claims["qsh"] == hash_url("POST", "/lifecycle/disabled")
    assert call_as_app(site, "GET", MYSELF).status_code == 401
    site.enable()
    assert call_as_app(site, "GET", MYSELF).status_code == 200
    site.uninstall()
    uninstalled = stand_in_app.last("/lifecycle/uninstalled")
    assert jwt.get_unverified_header(uninstalled.headers["Authorization"][4:])["alg"] == "RS256"
    assert call_as_app(site, "GET", MYSELF).status_code == 401


BAD_TOKENS = {
    "missing": lambda site: None,
    "garbage": lambda site: "not.a.jwt",
    "bad signature": lambda site: jwt.encode(
        {"iss": APP_KEY, "iat": int(time.time()), "exp": int(time.time()) + 60,
         "qsh": hash_url("GET", MYSELF)}, "y" * 40, algorithm="HS256"),
    "expired": lambda site: app_token(site, "GET", MYSELF, iat=int(time.time()) - 600,
                                      exp=int(time.time()) - 300),
    "wrong qsh": lambda site: app_token(site, "GET", MYSELF, qsh=hash_url("GET", "/other")),
    "context qsh": lambda site: app_token(site, "GET", MYSELF, qsh="context-qsh"),
    "wrong iss": lambda site: app_token(site, "GET", MYSELF, iss=site.client_key),
    "no qsh": lambda site: jwt.encode(
        {"iss": APP_KEY, "iat": int(time.time()), "exp": int(time.time()) + 60},
        site.shared_secret, algorithm="HS256"),
}


@pytest.mark.parametrize("kind", BAD_TOKENS)
def test_rest_refuses_bad_jwts(site, kind):
    token = BAD_TOKENS[kind](site)
    headers = {} if token is None else {"Authorization": f"JWT {token}"}
    response = requests.get(site.url + MYSELF, headers=headers, timeout=5)
    assert response.status_code == 401
    assert response.json()["errorMessages"]


def test_rest_accepts_a_correct_jwt_with_a_query(site):
    path = "/rest/api/3/user?accountId=" + site.admin.account_id
    response = call_as_app(site, "GET", path)
    assert response.status_code == 200
    assert response.json()["displayName"] == site.admin.display_name
    assert site.requests_log[-1].auth == "jwt"


def _assertion(site, cloud, account_id, **overrides):
    now = int(time.time())
    claims = {
        "iss": f"urn:atlassian:connect:clientid:{site.oauth_client_id}",
        "sub": f"urn:atlassian:connect:useraccountid:{account_id}",
        "tnt": site.url, "aud": cloud.oauth_url, "iat": now, "exp": now + 59,
    }
    claims.update(overrides)
    return jwt.encode(claims, site.shared_secret, algorithm="HS256")


def _grant(cloud, assertion, scope="READ WRITE"):
    form = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "assertion": assertion, "scope": scope}
    return requests.post(f"{cloud.oauth_url}/oauth2/token", data=form, timeout=5)


def test_impersonation_grant_then_bearer_worklog(site, atlassian_cloud):
    alice = site.model.add_user("Alice")
    issue = site.model.add_issue(site.model.add_project("ACME"), "Pay invoice")
    grants_before = atlassian_cloud.grants
    granted = _grant(atlassian_cloud, _assertion(site, atlassian_cloud, alice.account_id))
    assert granted.status_code == 200, granted.text
    assert granted.json()["token_type"] == "Bearer"
    assert atlassian_cloud.grants == grants_before + 1
    body = {"started": "2026-11-23T09:00:00.000+0100", "timeSpentSeconds": 5400,
            "comment": {"type": "doc", "version": 1, "content": []}}
    response = requests.post(
        f"{site.url}/rest/api/3/issue/{issue.key}/worklog?adjustEstimate=leave", json=body,
        headers={"Authorization": f"Bearer {granted.json()['access_token']}"}, timeout=5)
    assert response.status_code == 201, response.text
    assert response.json()["author"]["accountId"] == alice.account_id
    assert response.json()["started"] == "2026-11-23T09:00:00.000+0100"
    assert response.json()["timeSpent"] == "1h 30m"
    assert (site.requests_log[-1].auth, site.requests_log[-1].account_id) == (
        "bearer", alice.account_id)


@pytest.mark.parametrize("change", [
    {"aud": "AUD/oauth2/token"}, {"tnt": "https://elsewhere.example"},
    {"sub": "urn:atlassian:connect:useraccountid:nobody"}, {"exp_in": 300},
])
def test_bad_assertions_are_invalid_grants(site, atlassian_cloud, change):
    if change.get("aud"):
        change = {"aud": change["aud"].replace("AUD", atlassian_cloud.oauth_url)}
    if change.get("exp_in"):  # relative to now: collection may happen minutes before the run
        change = {"exp": int(time.time()) + change["exp_in"]}
    refused = _grant(atlassian_cloud, _assertion(site, atlassian_cloud, site.admin.account_id,
                                                 **change))
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"


def test_lower_case_scopes_are_refused(site, atlassian_cloud):
    refused = _grant(atlassian_cloud, _assertion(site, atlassian_cloud, site.admin.account_id),
                     scope="read write")
    assert refused.status_code == 400


def test_fail_next_then_success(site):
    site.fail_next(2, status=429, retry_after="3")
    first, second = call_as_app(site, "GET", MYSELF), call_as_app(site, "GET", MYSELF)
    assert (first.status_code, second.status_code) == (429, 429)
    assert first.headers["Retry-After"] == "3"
    assert call_as_app(site, "GET", MYSELF).status_code == 200


def test_webhook_is_signed_with_identifier_and_retry(site, stand_in_app):
    issue = site.model.add_issue(site.model.add_project("HOOK"), "x")
    site.model.update_issue(issue, summary="y")
    payload = site.model.issue_event_payload(issue, "jira:issue_updated")
    response = site.send_webhook("jira:issue_updated", payload, identifier="delivery-1", retry=2)
    assert response.status_code == 204
    sent = stand_in_app.last("/webhooks/issue")
    claims = jwt.decode(sent.headers["Authorization"][4:], site.shared_secret,
                        algorithms=["HS256"])
    assert claims["qsh"] == hash_url("POST", "/webhooks/issue?source=jira")
    assert sent.headers["X-Atlassian-Webhook-Identifier"] == "delivery-1"
    assert sent.headers["X-Atlassian-Webhook-Retry"] == "2"
    assert sent.body["changelog"]["items"][0]["toString"] == "y"
    with pytest.raises(LookupError):
        site.send_webhook("project_created", {})


def test_iframe_token_carries_the_user_and_qsh(site):
    token = site.sign_app_request("GET", "/panels/issue?issueKey=A-1",
                                  account_id=site.admin.account_id)
    claims = jwt.decode(token, site.shared_secret, algorithms=["HS256"])
    assert claims["sub"] == site.admin.account_id
    assert claims["qsh"] == hash_url("GET", "/panels/issue?issueKey=A-1")


def test_scripted_answers_come_first_and_auth_is_still_recorded(site):
    site.script.add(302, headers={"Location": "/elsewhere"}, path_prefix=MYSELF)
    forged = jwt.encode({"iss": APP_KEY, "iat": int(time.time()), "exp": int(time.time()) + 60,
                         "qsh": hash_url("GET", MYSELF)}, "wrong-secret-" * 3, algorithm="HS256")
    scripted = requests.get(site.url + MYSELF, headers={"Authorization": f"JWT {forged}"},
                            allow_redirects=False, timeout=5)
    assert (scripted.status_code, scripted.headers["Location"]) == (302, "/elsewhere")
    assert call_as_app(site, "GET", MYSELF).status_code == 200
    refused, accepted = site.requests_log
    assert (refused.claims, refused.refusal.startswith("JWT rejected")) == (None, True)
    assert (accepted.claims["qsh"], accepted.refusal) == (hash_url("GET", MYSELF), None)


def test_a_context_path_site_serves_only_below_it(jira_site, stand_in_app):
    site = jira_site(context_path="/jira")
    assert site.install(stand_in_app.base_url).status_code == 204
    assert site.url.endswith("/jira")
    assert call_as_app(site, "GET", MYSELF).status_code == 200
    outside = requests.get(site.url.removesuffix("/jira") + MYSELF, timeout=5)
    assert outside.status_code == 404
    assert [(r.path, r.target) for r in site.requests_log] == [
        (MYSELF, "/jira" + MYSELF), (MYSELF, MYSELF)]
