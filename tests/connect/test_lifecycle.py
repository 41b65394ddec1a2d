"""The signed install handshake with the fake Jira, and forged lifecycle calls that must fail."""

from __future__ import annotations

import logging
import time

import jwt as pyjwt
import pytest
import requests
from atlassian_jwt.url_utils import hash_url
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import func
from sqlalchemy import select

from addon.models import Tenant


def _tenants(database) -> list[Tenant]:
    with database.transaction() as session:
        return list(session.scalars(select(Tenant).order_by(Tenant.id)))


def _count(database) -> int:
    with database.transaction() as session:
        return session.scalar(select(func.count()).select_from(Tenant))


def _stored_secret(app, client_key):
    return app.extensions["ledgerline.tenants"].find(client_key).shared_secret


def _home_status(site, live_app, http) -> int:
    token = site.sign_app_request("GET", "/pages/home", account_id="u1")
    return http.get(f"{live_app.url}/pages/home", params={"jwt": token}).status_code


def test_signed_install_creates_the_tenant_with_its_identity(live_app, jira_site, database, app):
    site = jira_site("acme")
    response = site.install(live_app.url, installation_id="ari:cloud:ecosystem::installation/1")
    assert response.status_code == 204
    (tenant,) = _tenants(database)
    assert tenant.client_key == site.client_key
    assert tenant.base_url == site.url
    assert tenant.cloud_id == site.cloud_id
    assert tenant.installation_id == "ari:cloud:ecosystem::installation/1"
    assert tenant.oauth_client_id == site.oauth_client_id
    assert tenant.installed and tenant.enabled
    assert _stored_secret(app, site.client_key) == site.shared_secret


def test_shared_secret_is_encrypted_at_rest(installed_site, database):
    (tenant,) = _tenants(database)
    assert installed_site.shared_secret not in tenant.shared_secret_encrypted


def test_signed_reinstall_rotates_the_secret(installed_site, live_app, database, app, http):
    old_secret = installed_site.shared_secret
    response = installed_site.install(live_app.url)
    assert response.status_code == 204
    assert installed_site.shared_secret != old_secret
    assert _count(database) == 1
    assert _stored_secret(app, installed_site.client_key) == installed_site.shared_secret
    assert _home_status(installed_site, live_app, http) == 200


def test_uninstall_stops_access_and_starts_retention(installed_site, live_app, database, http):
    assert _home_status(installed_site, live_app, http) == 200
    assert installed_site.uninstall().status_code == 204
    (tenant,) = _tenants(database)
    assert not tenant.installed and tenant.uninstalled_at and tenant.purge_after
    assert _home_status(installed_site, live_app, http) == 401


def test_reinstall_after_uninstall_restores_access(installed_site, live_app, database, http):
    installed_site.uninstall()
    assert installed_site.install(live_app.url).status_code == 204
    (tenant,) = _tenants(database)
    assert tenant.installed and tenant.purge_after is None
    assert _home_status(installed_site, live_app, http) == 200


def test_disable_then_enable_toggles_access(installed_site, live_app, http):
    assert installed_site.disable().status_code == 204
    assert _home_status(installed_site, live_app, http) == 401
    assert installed_site.enable().status_code == 204
    assert _home_status(installed_site, live_app, http) == 200


FORGED_INSTALLS = {
    "unsigned": {"signed": False},
    "signed with a key Atlassian does not hold": {"sign_key": "foreign"},
    "audience is another app": {"aud": "https://evil.example.com"},
    "unknown key id": {"kid": "no-such-kid"},
}


def _forgery(options: dict) -> dict:
    if options.get("sign_key") == "foreign":
        return {"sign_key": rsa.generate_private_key(public_exponent=65537, key_size=2048)}
    return options


@pytest.mark.parametrize("forgery", FORGED_INSTALLS.values(), ids=FORGED_INSTALLS.keys())
def test_forged_first_install_is_refused_and_writes_nothing(live_app, jira_site, database, forgery):
    site = jira_site("mallory")
    response = site.install(live_app.url, **_forgery(forgery))
    assert response.status_code == 401
    assert response.json()["errors"]["code"]
    assert _count(database) == 0


@pytest.mark.parametrize("forgery", FORGED_INSTALLS.values(), ids=FORGED_INSTALLS.keys())
def test_forged_reinstall_cannot_replace_the_secret(installed_site, live_app, app, http, forgery):
    secret = installed_site.shared_secret
    response = installed_site.install(live_app.url, shared_secret="attacker-secret",
                                      **_forgery(forgery))
    assert response.status_code == 401
    assert _stored_secret(app, installed_site.client_key) == secret


def test_replayed_install_token_with_a_new_secret_is_refused(installed_site, app):
    secret = installed_site.shared_secret
    response = installed_site.replay_install({"sharedSecret": "attacker-secret"})
    assert response.status_code == 401
    assert response.json()["errors"]["code"] == "token_replayed"
    assert _stored_secret(app, installed_site.client_key) == secret


def test_jira_retrying_the_same_install_delivery_is_answered_again(installed_site, app,
                                                                    database):
    response = installed_site.replay_install()
    assert response.status_code == 204
    assert _count(database) == 1
    assert _stored_secret(app, installed_site.client_key) == installed_site.shared_secret


def test_install_token_for_another_client_key_is_refused(installed_site, jira_site, live_app, app):
    """A site may only (re)install itself: iss must equal the body's clientKey."""
    other = jira_site("other")
    victim_secret = installed_site.shared_secret
    response = other.install(live_app.url, body_overrides={"clientKey": installed_site.client_key,
                                                           "sharedSecret": "attacker-secret"})
    assert response.status_code == 401
    assert _stored_secret(app, installed_site.client_key) == victim_secret


@pytest.mark.parametrize(("field", "value"), [("sharedSecret", ""), ("baseUrl", "ftp://x"),
                                              ("key", "another-app")])
def test_install_with_a_bad_body_names_the_field_and_writes_nothing(live_app, jira_site, database,
                                                                     field, value):
    site = jira_site("acme")
    response = site.install(live_app.url, body_overrides={field: value})
    assert response.status_code == 400
    assert response.json()["errors"]["fields"][0]["field"] == field
    assert _count(database) == 0


def test_install_with_a_non_json_body_is_a_400(live_app):
    response = requests.post(f"{live_app.url}/installed", data="not json",
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def test_unsigned_uninstall_is_refused(installed_site, live_app, database):
    response = requests.post(f"{live_app.url}/uninstalled",
                             json={"clientKey": installed_site.client_key, "key": "ledgerline"})
    assert response.status_code == 401
    (tenant,) = _tenants(database)
    assert tenant.installed


def test_disable_signed_with_another_tenants_secret_is_refused(installed_site, jira_site, live_app,
                                                               database, http):
    other = jira_site("other")
    other.install(live_app.url)
    token = installed_site.sign_app_request("POST", "/disabled", secret=other.shared_secret)
    response = http.post(f"{live_app.url}/disabled", json={"clientKey": installed_site.client_key},
                         headers={"Authorization": f"JWT {token}"})
    assert response.status_code == 401
    assert all(t.enabled for t in _tenants(database))


def test_lifecycle_logs_carry_no_secret_or_token(live_app, jira_site, caplog):
    site = jira_site("acme")
    with caplog.at_level(logging.DEBUG):
        site.install(live_app.url)
        site.install(live_app.url, signed=False)
    text = "\n".join(record.getMessage() + str(vars(record)) for record in caplog.records)
    assert site.shared_secret not in text
    assert "eyJ" not in text


def test_enable_and_disable_signed_by_atlassian_are_accepted_too(installed_site, live_app, http,
                                                                 atlassian_cloud):
    """Should Jira sign enabled/disabled like installs (RS256), they verify the same way."""

    def send(event):
        now = int(time.time())
        token = pyjwt.encode({"iss": installed_site.client_key, "aud": live_app.url, "iat": now,
                              "exp": now + 60, "qsh": hash_url("POST", f"/{event}")},
                             atlassian_cloud.private_key(), algorithm="RS256",
                             headers={"kid": atlassian_cloud.kid})
        return http.post(f"{live_app.url}/{event}", json={"clientKey": installed_site.client_key},
                         headers={"Authorization": f"JWT {token}"})

    assert send("disabled").status_code == 204
    assert _home_status(installed_site, live_app, http) == 401
    assert send("enabled").status_code == 204
    assert _home_status(installed_site, live_app, http) == 200
