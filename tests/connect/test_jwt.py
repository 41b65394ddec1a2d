"""Inbound verification pipelines (attack corpus + happy paths) and outbound signing.

Tokens are built with PyJWT (or by hand) and qsh values with atlassian_jwt, so nothing here trusts
our own encoder to check our own decoder.
"""

import base64
import hashlib
import hmac
import json
import time

import jwt as pyjwt
import pytest
from atlassian_jwt.url_utils import hash_url
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import rsa

from connect import errors
from connect.jwt import CONTEXT_QSH
from connect.jwt import sign_request
from connect.jwt import token_fingerprint
from connect.jwt import verify_install_token
from connect.jwt import verify_request_token

NOW = 1_700_000_000
CLIENT = "client-key-1"
SECRET = "tenant-1-shared-secret-" + "0123456789abcdef" * 3
OTHER_CLIENT = "client-key-2"
OTHER_SECRET = "tenant-2-shared-secret-" + "0123456789abcdef" * 3
APP_BASE = "https://ledgerline.example.com/app"
KID = "kid-1"


def _pem(public_key) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA_PUBLIC_PEM = _pem(RSA_KEY.public_key())
OTHER_RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_PUBLIC_PEM = _pem(ec.generate_private_key(ec.SECP256R1()).public_key())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hand_made(header: dict, claims: dict, key: bytes | None) -> str:
    """An HS256-style token built without PyJWT (which refuses e.g. a PEM as an HMAC key)."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest() if key else b""
    return f"{signing_input}.{_b64(signature)}"


# --- the HS256 route (requests from Jira) -------------------------------------------------------

METHOD, PATH, PARAMS = "GET", "/panels/issue", [("issueKey", "ABC-1"), ("lic", "none")]
QSH = hash_url(METHOD, "/panels/issue?lic=none&issueKey=ABC-1&jwt=ignored")


def claims(**changes) -> dict:
    base = {"iss": CLIENT, "sub": "acc-1", "iat": NOW - 5, "exp": NOW + 175, "qsh": QSH}
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}


def hs(secret=SECRET, algorithm="HS256", **changes) -> str:
    return pyjwt.encode(claims(**changes), secret, algorithm=algorithm)


def secret_for_issuer(iss: str) -> str | None:
    if iss == "disabled-tenant":
        raise errors.TenantDisabled()
    if iss == "ghost":
        return None
    secrets = {CLIENT: SECRET, OTHER_CLIENT: OTHER_SECRET, "disabled-tenant": SECRET}
    if iss not in secrets:
        raise errors.UnknownIssuer()
    return secrets[iss]


def verify(token, *, allow_context_qsh=False, method=METHOD, path=PATH, params=PARAMS):
    return verify_request_token(
        token,
        method=method,
        path=path,
        params=params,
        secret_for_issuer=secret_for_issuer,
        allow_context_qsh=allow_context_qsh,
        now=NOW,
    )


def _tampered() -> str:
    header, _, signature = hs().split(".")
    forged = _b64(json.dumps(claims(sub="admin")).encode())
    return f"{header}.{forged}.{signature}"


REQUEST_ATTACKS = {
    "none": (None, errors.MissingToken),
    "empty": ("", errors.MissingToken),
    "one segment": ("abc", errors.MalformedToken),
    "two segments": ("abc.def", errors.MalformedToken),
    "four segments": (hs() + ".x", errors.MalformedToken),
    "garbage segments": ("!!!.???.***", errors.MalformedToken),
    "header not json": (_b64(b"nope") + ".e30.sig", errors.MalformedToken),
    "alg none": (pyjwt.encode(claims(), None, algorithm="none"), errors.UnsupportedAlgorithm),
    "alg None (case)": (hand_made({"alg": "None"}, claims(), None), errors.UnsupportedAlgorithm),
    "alg missing": (
        hand_made({"typ": "JWT"}, claims(), SECRET.encode()),
        errors.UnsupportedAlgorithm,
    ),
    "HS512": (hs(algorithm="HS512"), errors.UnsupportedAlgorithm),
    "HS384": (hs(algorithm="HS384"), errors.UnsupportedAlgorithm),
    "RS256 on HS route": (
        pyjwt.encode(claims(), RSA_KEY, algorithm="RS256"),
        errors.UnsupportedAlgorithm,
    ),
    "payload not json": (
        _b64(b'{"alg":"HS256"}') + "." + _b64(b"[") + ".sig",
        errors.MalformedToken,
    ),
    "no iss": (hs(iss=None), errors.MalformedToken),
    "iss not a string": (
        hand_made({"alg": "HS256"}, claims(iss=42), SECRET.encode()),
        errors.MalformedToken,
    ),
    "unknown issuer": (hs(iss="stranger"), errors.UnknownIssuer),
    "issuer lookup returns None": (hs(iss="ghost"), errors.UnknownIssuer),
    "disabled tenant": (hs(iss="disabled-tenant"), errors.TenantDisabled),
    "other issuer's secret": (hs(secret=OTHER_SECRET), errors.BadSignature),
    "claims tampered": (_tampered(), errors.BadSignature),
    "signature stripped": (hs().rsplit(".", 1)[0] + ".", errors.BadSignature),
    "expired": (hs(exp=NOW - 31), errors.TokenExpired),
    "expired at leeway edge": (hs(exp=NOW - 30), errors.TokenExpired),
    "no exp": (hs(exp=None), errors.MalformedToken),
    "exp not a number": (hs(exp="tomorrow"), errors.MalformedToken),
    "iat in the future": (hs(iat=NOW + 31), errors.TokenNotYetValid),
    "no iat": (hs(iat=None), errors.MalformedToken),
    "nbf in the future": (hs(nbf=NOW + 60), errors.TokenNotYetValid),
    "no qsh": (hs(qsh=None), errors.MissingQsh),
    "empty qsh": (hs(qsh=""), errors.MissingQsh),
    "wrong qsh": (hs(qsh="0" * 64), errors.QshMismatch),
    "qsh not a string": (hs(qsh=123), errors.QshMismatch),
    "qsh of another method": (
        hs(qsh=hash_url("POST", "/panels/issue?lic=none&issueKey=ABC-1")),
        errors.QshMismatch,
    ),
    "qsh of another path": (
        hs(qsh=hash_url("GET", "/admin?lic=none&issueKey=ABC-1")),
        errors.QshMismatch,
    ),
    "qsh of other params": (
        hs(qsh=hash_url("GET", "/panels/issue?lic=none&issueKey=ABC-2")),
        errors.QshMismatch,
    ),
    "context qsh on a non-API route": (hs(qsh=CONTEXT_QSH), errors.ContextQshNotAllowed),
}


@pytest.mark.parametrize("case", REQUEST_ATTACKS, ids=str)
def test_request_token_attacks(case):
    token, expected = REQUEST_ATTACKS[case]
    with pytest.raises(expected) as caught:
        verify(token)
    assert type(caught.value) is expected
    assert_safe(caught.value, token)


def assert_safe(error: errors.ConnectAuthError, token: str | None) -> None:
    text = f"{error} {error.message} {error.code}"
    for secret in (SECRET, OTHER_SECRET, RSA_PUBLIC_PEM.decode()):
        assert secret not in text
    for part in (token or "").split("."):
        assert len(part) < 8 or part not in text


def test_request_token_happy_path():
    got = verify(hs(aud="whatever-jira-sends", context={"user": {}}))
    assert got["iss"] == CLIENT
    assert got["sub"] == "acc-1"


@pytest.mark.parametrize(
    "changes",
    [
        {"exp": NOW - 29},
        {"iat": NOW + 30},
        {"nbf": NOW + 30},
        {"exp": NOW + 10.5, "iat": NOW - 0.5},
    ],
    ids=["exp within leeway", "iat within leeway", "nbf within leeway", "float times"],
)
def test_request_token_leeway_edges(changes):
    assert verify(hs(**changes))["iss"] == CLIENT


def test_request_token_context_qsh_allowed_on_api_route():
    got = verify(hs(qsh=CONTEXT_QSH), allow_context_qsh=True, method="POST", path="/api/x")
    assert got["qsh"] == CONTEXT_QSH


def test_request_token_real_qsh_still_checked_on_api_route():
    with pytest.raises(errors.QshMismatch):
        verify(hs(), allow_context_qsh=True, path="/api/other")


def test_request_token_uses_the_clock_when_now_is_omitted():
    now = int(time.time())
    token = hs(iat=now, exp=now + 60)
    kwargs = dict(method=METHOD, path=PATH, params=PARAMS, secret_for_issuer=secret_for_issuer)
    assert verify_request_token(token, allow_context_qsh=False, **kwargs)["iss"] == CLIENT
    with pytest.raises(errors.TokenExpired):
        verify_request_token(hs(iat=now - 600, exp=now - 300), allow_context_qsh=False, **kwargs)


def _verify_with(token, lookup, *, now=NOW, path=PATH):
    return verify_request_token(token, method=METHOD, path=path, params=PARAMS,
                                secret_for_issuer=lookup, allow_context_qsh=False, now=now)


def test_a_repeated_token_is_checked_again_for_everything_but_its_signature():
    """Jira repeats a token within a second; a repeat skips the decode, nothing else."""
    secrets = {CLIENT: SECRET}

    def lookup(iss):
        if iss not in secrets:
            raise errors.TenantDisabled()
        return secrets[iss]

    token = hs(sub="repeat-1")
    assert _verify_with(token, lookup)["sub"] == "repeat-1"
    _verify_with(token, lookup)["sub"] = "admin"  # the caller's copy, not the remembered one
    assert _verify_with(token, lookup)["sub"] == "repeat-1"
    with pytest.raises(errors.TokenExpired):
        _verify_with(token, lookup, now=NOW + 400)
    with pytest.raises(errors.QshMismatch):
        _verify_with(token, lookup, path="/admin")
    secrets[CLIENT] = OTHER_SECRET  # reinstalled: a new shared secret
    with pytest.raises(errors.BadSignature):
        _verify_with(token, lookup)
    del secrets[CLIENT]  # disabled
    with pytest.raises(errors.TenantDisabled):
        _verify_with(token, lookup)


def test_secret_lookup_not_called_before_algorithm_check():
    calls = []

    def lookup(iss):
        calls.append(iss)
        return SECRET

    with pytest.raises(errors.UnsupportedAlgorithm):
        verify_request_token(
            hs(algorithm="HS512"),
            method=METHOD,
            path=PATH,
            params=PARAMS,
            secret_for_issuer=lookup,
            allow_context_qsh=False,
            now=NOW,
        )
    assert calls == []


# --- the RS256 route (signed install) -----------------------------------------------------------

INSTALL_QSH = hash_url("POST", "/installed")


def install_claims(**changes) -> dict:
    base = {"iss": CLIENT, "aud": APP_BASE, "iat": NOW - 5, "exp": NOW + 175, "qsh": INSTALL_QSH}
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}


def rs(key=RSA_KEY, algorithm="RS256", kid=KID, **changes) -> str:
    headers = {} if kid is None else {"kid": kid}
    return pyjwt.encode(install_claims(**changes), key, algorithm=algorithm, headers=headers)


def public_key_for_kid(kid):
    if kid == KID:
        return RSA_PUBLIC_PEM
    if kid == "as-object":
        return RSA_KEY.public_key()
    if kid == "as-str":
        return RSA_PUBLIC_PEM.decode()
    if kid == "ec":
        return EC_PUBLIC_PEM
    if kid == "down":
        raise errors.InstallKeyUnavailable()
    raise errors.UnknownKeyId()


def verify_install(token, *, path="/installed"):
    return verify_install_token(
        token,
        method="POST",
        path=path,
        params=[],
        audience=APP_BASE,
        public_key_for_kid=public_key_for_kid,
        now=NOW,
    )


INSTALL_ATTACKS = {
    "none": (None, errors.MissingToken),
    "malformed": ("a.b", errors.MalformedToken),
    "alg none": (
        pyjwt.encode(install_claims(), None, algorithm="none", headers={"kid": KID}),
        errors.UnsupportedAlgorithm,
    ),
    # The classic key confusion: HMAC "signed" with the public key a verifier would load.
    "HS256 signed with the RSA public key PEM": (
        hand_made({"alg": "HS256", "kid": KID}, install_claims(), RSA_PUBLIC_PEM),
        errors.UnsupportedAlgorithm,
    ),
    "HS256 with a tenant secret": (
        pyjwt.encode(install_claims(), SECRET, algorithm="HS256", headers={"kid": KID}),
        errors.UnsupportedAlgorithm,
    ),
    "RS512": (rs(algorithm="RS512"), errors.UnsupportedAlgorithm),
    "PS256": (rs(algorithm="PS256"), errors.UnsupportedAlgorithm),
    "no kid": (rs(kid=None), errors.MalformedToken),
    "kid not a string": (
        hand_made({"alg": "RS256", "kid": 7}, install_claims(), None),
        errors.MalformedToken,
    ),
    "unknown kid": (rs(kid="nobody"), errors.UnknownKeyId),
    "key server down": (rs(kid="down"), errors.InstallKeyUnavailable),
    "kid names a non-RSA key": (rs(kid="ec"), errors.InstallKeyUnavailable),
    "signed by another key": (rs(key=OTHER_RSA_KEY), errors.BadSignature),
    "wrong aud": (rs(aud="https://evil.example.com/app"), errors.AudienceMismatch),
    "aud is a prefix": (rs(aud="https://ledgerline.example.com"), errors.AudienceMismatch),
    "no aud": (rs(aud=None), errors.AudienceMismatch),
    "aud list without us": (
        rs(aud=["https://a.example", "https://b.example"]),
        errors.AudienceMismatch,
    ),
    "expired": (rs(exp=NOW - 31), errors.TokenExpired),
    "iat in the future": (rs(iat=NOW + 31), errors.TokenNotYetValid),
    "no qsh": (rs(qsh=None), errors.MissingQsh),
    "context qsh": (rs(qsh=CONTEXT_QSH), errors.ContextQshNotAllowed),
    "qsh of uninstalled": (rs(qsh=hash_url("POST", "/uninstalled")), errors.QshMismatch),
}


@pytest.mark.parametrize("case", INSTALL_ATTACKS, ids=str)
def test_install_token_attacks(case):
    token, expected = INSTALL_ATTACKS[case]
    with pytest.raises(expected) as caught:
        verify_install(token)
    assert type(caught.value) is expected
    assert_safe(caught.value, token)


@pytest.mark.parametrize(
    "token",
    [
        rs(),
        rs(kid="as-object"),
        rs(kid="as-str"),
        rs(aud=APP_BASE + "/"),
        rs(aud=["https://other.example", APP_BASE]),
    ],
    ids=["pem bytes", "key object", "pem str", "aud trailing slash", "aud list"],
)
def test_install_token_happy_paths(token):
    assert verify_install(token)["iss"] == CLIENT


def test_install_token_audience_trailing_slash_on_our_side():
    got = verify_install_token(
        rs(),
        method="POST",
        path="/installed",
        params=[],
        audience=APP_BASE + "/",
        public_key_for_kid=public_key_for_kid,
        now=NOW,
    )
    assert got["aud"] == APP_BASE


# --- outbound signing ---------------------------------------------------------------------------

JIRA = "https://tenant.atlassian.net"
NO_TIME_CHECKS = {"verify_exp": False, "verify_iat": False}


def test_sign_request_verifies_with_pyjwt_and_atlassian_jwt_qsh():
    url = f"{JIRA}/rest/api/3/search/jql?jql=project+%3D+A&fields=summary,status&fields=key"
    token = sign_request("get", url, base_url=JIRA, issuer="com.example.ledgerline", secret=SECRET)
    decoded = pyjwt.decode(token, SECRET, algorithms=["HS256"])
    assert decoded["iss"] == "com.example.ledgerline"
    assert decoded["exp"] - decoded["iat"] == 180
    assert abs(decoded["iat"] - time.time()) < 5
    expected = hash_url(
        "GET", "/rest/api/3/search/jql?jql=project+%3D+A&fields=summary,status&fields=key"
    )
    assert decoded["qsh"] == expected
    assert pyjwt.get_unverified_header(token)["alg"] == "HS256"


def test_sign_request_strips_the_context_path():
    token = sign_request(
        "POST",
        "https://x.example.com/jira/rest/api/3/issue/A-1/worklog?notifyUsers=false",
        base_url="https://x.example.com/jira",
        issuer="app",
        secret=SECRET,
        now=NOW,
        ttl=60,
    )
    decoded = pyjwt.decode(token, SECRET, algorithms=["HS256"], options=NO_TIME_CHECKS)
    assert decoded["qsh"] == hash_url("POST", "/rest/api/3/issue/A-1/worklog?notifyUsers=false")
    assert (decoded["iat"], decoded["exp"]) == (NOW, NOW + 60)


def test_sign_request_extra_claims_cannot_override_core_claims():
    token = sign_request(
        "GET",
        f"{JIRA}/rest/api/3/myself",
        base_url=JIRA,
        issuer="app",
        secret=SECRET,
        now=NOW,
        extra_claims={"sub": "acc-9", "qsh": CONTEXT_QSH, "iss": "someone-else"},
    )
    decoded = pyjwt.decode(token, SECRET, algorithms=["HS256"], options=NO_TIME_CHECKS)
    assert decoded["sub"] == "acc-9"
    assert decoded["iss"] == "app"
    assert decoded["qsh"] == hash_url("GET", "/rest/api/3/myself")


def test_sign_request_round_trips_through_verify_request_token():
    token = sign_request(
        "GET",
        f"{APP_BASE}/panels/issue?issueKey=ABC-1&lic=none",
        base_url=APP_BASE,
        issuer=CLIENT,
        secret=SECRET,
        now=NOW,
    )
    assert verify(token)["iss"] == CLIENT


def test_token_fingerprint():
    token = hs()
    assert token_fingerprint(token) == hashlib.sha256(token.encode()).hexdigest()
    assert token_fingerprint(token) != token_fingerprint(hs(sub="acc-2"))


def test_error_codes_are_unique_and_messages_default():
    classes = errors.ConnectAuthError.__subclasses__()
    assert len(classes) == 18  # UnverifiedToken: what pre-signature failures answer as
    assert len({cls.code for cls in classes} | {errors.ConnectAuthError.code}) == 19
    assert errors.TokenExpired().message == errors.TokenExpired.message
    assert errors.TokenExpired("custom").message == "custom"
    assert str(errors.TokenExpired()) == errors.TokenExpired.message
