"""JWT and qsh helpers, built on PyJWT and ``atlassian_jwt`` (an implementation independent of
the app's), so a bug in the app's canonical-request code cannot hide behind the same bug here.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import jwt
from atlassian_jwt.url_utils import hash_url
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

CONTEXT_QSH = "context-qsh"


def relative_url(base_url: str, url: str) -> str:
    """Path and query of ``url`` relative to ``base_url``: its context path is stripped.

    ``url`` may be absolute or already a path (``/rest/api/3/myself?x=1``).
    """
    if "://" in url:
        parts = urlsplit(url)
        path, query = parts.path, parts.query
    else:
        path, _, query = url.partition("?")
    base_path = urlsplit(base_url).path.rstrip("/")
    if base_path and (path == base_path or path.startswith(base_path + "/")):
        path = path[len(base_path):]
    return (path or "/") + (f"?{query}" if query else "")


def query_hash(method: str, url: str, base_url: str) -> str:
    """The Connect ``qsh`` of a request to ``url``, relative to ``base_url``."""
    return hash_url(method, relative_url(base_url, url))


def request_claims(issuer: str, qsh: str, *, lifetime: int = 180, **extra: Any) -> dict[str, Any]:
    """Standard Connect claims: iss, iat, exp (iat + lifetime) and qsh, plus ``extra``."""
    now = int(time.time())
    return {"iss": issuer, "iat": now, "exp": now + lifetime, "qsh": qsh, **extra}


def sign_hs256(claims: dict[str, Any], secret: str) -> str:
    return jwt.encode(claims, secret, algorithm="HS256")


def sign_rs256(claims: dict[str, Any], key: RSAPrivateKey, kid: str) -> str:
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def new_rsa_key() -> RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(key: RSAPrivateKey) -> str:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
