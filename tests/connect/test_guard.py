"""Every Connect route is behind JWT verification: an attack corpus over real HTTP.

Tokens are built with PyJWT and atlassian_jwt's qsh, never with the app's own signing code.
The write route is ``POST /disabled`` (it would turn the tenant off), so "no write" is checked
by the tenant still being enabled afterwards.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt as pyjwt
import pytest
from atlassian_jwt.url_utils import hash_url
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from addon.models import Tenant

_RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _claims(site, method, path, **overrides):
    now = int(time.time())
    claims = {"iss": site.client_key, "sub": "user-1", "iat": now, "exp": now + 120,
              "qsh": hash_url(method, path)}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _hs256(site, method, path, secret=None, **overrides):
    return pyjwt.encode(_claims(site, method, path, **overrides), secret or site.shared_secret,
                        algorithm="HS256")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _raw_token(header: dict, claims: dict, key: bytes | None, digest=hashlib.sha256) -> str:
    """A token built by hand, for shapes PyJWT refuses to produce (alg none, PEM as HMAC key)."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    if key is None:
        return signing_input + "."
    signature = hmac.new(key, signing_input.encode(), digest).digest()
    return f"{signing_input}.{_b64(signature)}"


def _unsigned(site, method, path):
    return _raw_token({"alg": "none", "typ": "JWT"}, _claims(site, method, path), None)


_PUBLIC_PEM = _RSA_KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)


ATTACKS = {
    "no token": lambda site, other, m, p: None,
    "garbage": lambda site, other, m, p: "not.a.jwt",
    "expired": lambda site, other, m, p: _hs256(site, m, p, exp=int(time.time()) - 120),
    "issued in the future": lambda site, other, m, p: _hs256(site, m, p,
                                                             iat=int(time.time()) + 600),
    "no exp": lambda site, other, m, p: _hs256(site, m, p, exp=None),
    "wrong qsh": lambda site, other, m, p: _hs256(site, m, p, qsh="0" * 64),
    "qsh of another route": lambda site, other, m, p: _hs256(site, m, p,
                                                             qsh=hash_url("GET", "/healthz")),
    "qsh of another method": lambda site, other, m, p: _hs256(
        site, m, p, qsh=hash_url("PUT" if m != "PUT" else "GET", p)),
    "no qsh": lambda site, other, m, p: _hs256(site, m, p, qsh=None),
    "context-qsh outside the REST API": lambda site, other, m, p: _hs256(site, m, p,
                                                                         qsh="context-qsh"),
    "alg none": lambda site, other, m, p: _unsigned(site, m, p),
    "HS512": lambda site, other, m, p: _raw_token(
        {"alg": "HS512", "typ": "JWT"}, _claims(site, m, p), site.shared_secret.encode(),
        hashlib.sha512),
    "RS256 (alg confusion)": lambda site, other, m, p: pyjwt.encode(_claims(site, m, p), _RSA_KEY,
                                                                    algorithm="RS256"),
    "HS256 keyed with a public key PEM": lambda site, other, m, p: _raw_token(
        {"alg": "HS256", "typ": "JWT"}, _claims(site, m, p), _PUBLIC_PEM),
    "another tenant's secret": lambda site, other, m, p: _hs256(site, m, p,
                                                                secret=other.shared_secret),
    "unknown issuer": lambda site, other, m, p: _hs256(site, m, p, iss="jira:unknown"),
    "another tenant's token": lambda site, other, m, p: _hs256(other, m, p),
}


@pytest.fixture
def two_sites(installed_site, jira_site, live_app):
    other = jira_site("globex")
    assert other.install(live_app.url).status_code == 204
    return installed_site, other


def _enabled(database, client_key) -> bool:
    with database.transaction() as session:
        return session.scalar(select(Tenant.enabled).where(Tenant.client_key == client_key))


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_attack_on_a_write_route_is_401_and_writes_nothing(two_sites, live_app, database, http,
                                                          attack):
    site, other = two_sites
    token = attack(site, other, "POST", "/disabled")
    headers = {"Authorization": f"JWT {token}"} if token else {}
    response = http.post(f"{live_app.url}/disabled", json={"clientKey": site.client_key},
                         headers=headers)
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["errors"]["code"] and body["errors"]["message"]
    assert _enabled(database, site.client_key) and _enabled(database, other.client_key)


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_attack_on_a_page_is_401(two_sites, live_app, http, attack):
    site, other = two_sites
    token = attack(site, other, "GET", "/pages/home")
    params = {"jwt": token} if token else {}
    response = http.get(f"{live_app.url}/pages/home", params=params)
    if attack is ATTACKS["another tenant's token"]:
        assert response.status_code == 200  # valid for *its* tenant: it sees its own site
        assert other.client_key in response.text and site.client_key not in response.text
        return
    assert response.status_code == 401, response.text
    assert "Traceback" not in response.text


def test_a_valid_page_token_is_accepted_with_leeway(installed_site, live_app, http):
    token = _hs256(installed_site, "GET", "/pages/home", iat=int(time.time()) + 10)
    response = http.get(f"{live_app.url}/pages/home", params={"jwt": token})
    assert response.status_code == 200
    assert installed_site.client_key in response.text


def test_disabled_tenant_is_refused(installed_site, live_app, http):
    installed_site.disable()
    token = _hs256(installed_site, "GET", "/pages/home")
    response = http.get(f"{live_app.url}/pages/home", params={"jwt": token})
    assert response.status_code == 401
    assert response.json()["errors"]["code"] == "token_invalid"


def test_before_the_signature_is_checked_every_failure_answers_alike(two_sites, live_app,
                                                                      http):
    """An unsigned or forged token cannot tell installed, disabled and unknown sites apart."""
    site, other = two_sites
    other.disable()
    guess = "a-guessed-secret-long-enough-for-hs256!"
    probes = {
        "garbage": "not.a.jwt",
        "alg none": _unsigned(site, "GET", "/pages/home"),
        "unknown site": _hs256(site, "GET", "/pages/home", iss="jira:unknown"),
        "installed site, wrong secret": _hs256(site, "GET", "/pages/home", secret=guess),
        "disabled site, wrong secret": _hs256(other, "GET", "/pages/home", secret=guess),
        "disabled site, its secret": _hs256(other, "GET", "/pages/home"),
    }
    answers = {}
    for name, token in probes.items():
        response = http.get(f"{live_app.url}/pages/home", params={"jwt": token})
        assert response.status_code == 401, name
        answers[name] = response.json()["errors"]
    assert len({(a["code"], a["message"]) for a in answers.values()}) == 1, answers
    assert answers["garbage"]["code"] == "token_invalid"


def test_query_parameters_are_part_of_the_signed_request(installed_site, live_app, http):
    token = _hs256(installed_site, "GET", "/pages/home?a=1")
    assert http.get(f"{live_app.url}/pages/home?a=1&jwt={token}").status_code == 200
    assert http.get(f"{live_app.url}/pages/home?a=2&jwt={token}").status_code == 401


def test_unknown_route_is_a_json_404(live_app, http):
    response = http.get(f"{live_app.url}/no/such/route")
    assert response.status_code == 404
    assert response.json()["errors"]["code"] == "not_found"
