"""Connect JWTs: the query string hash, outbound signing, and the two inbound verify pipelines.

Inbound verification is one fixed, ordered pipeline per route kind (HS256 for requests from Jira,
RS256 for signed install callbacks); each failure raises its own ``connect.errors`` class so the
caller can answer 401 with a stable code. Nothing from an unverified token is trusted beyond what
is needed to pick the key (``alg``, ``iss``, ``kid``).

The qsh rules follow Atlassian's "Understanding JWT for Connect apps" and the Java/JS reference
implementations (see ``/work/shared/connect/PROTOCOL.md``).
"""

import hashlib
import hmac
import time
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import quote
from urllib.parse import urlsplit

import jwt as pyjwt

from connect.errors import AudienceMismatch
from connect.errors import BadSignature
from connect.errors import ContextQshNotAllowed
from connect.errors import InstallKeyUnavailable
from connect.errors import MalformedToken
from connect.errors import MissingQsh
from connect.errors import MissingToken
from connect.errors import QshMismatch
from connect.errors import TokenExpired
from connect.errors import TokenNotYetValid
from connect.errors import UnknownIssuer
from connect.errors import UnsupportedAlgorithm

CONTEXT_QSH = "context-qsh"

# Checks PyJWT would otherwise do against its own clock or with its own rules; we do the time
# checks ourselves so an explicit ``now`` is honoured, and Jira may send an ``aud`` we don't know.
_SIGNATURE_ONLY = {
    "verify_exp": False,
    "verify_iat": False,
    "verify_nbf": False,
    "verify_aud": False,
    "verify_iss": False,
    "verify_sub": False,
    "verify_jti": False,
}

Params = Iterable[tuple[str, Any]] | Mapping[str, Any]


def canonical_path(path: str) -> str:
    """Return the qsh form of a path already made relative to the base URL.

    ``path`` is the path as sent on the wire (still percent-encoded); a literal ``&`` becomes
    ``%26`` because ``&`` separates the parts of the canonical request.
    """
    if not path.startswith("/"):
        path = "/" + path
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    return path.replace("&", "%26")


def relative_path(full_path: str, base_url: str) -> str:
    """Strip ``base_url``'s context path (e.g. ``/app``) from ``full_path``.

    A path outside the context path is returned unchanged; its qsh simply won't match.
    """
    base_path = urlsplit(base_url).path.rstrip("/")
    if base_path and (full_path == base_path or full_path.startswith(base_path + "/")):
        return full_path[len(base_path) :] or "/"
    return full_path


def _encode(text: str) -> str:
    # RFC 3986: only unreserved characters (ALPHA / DIGIT / "-" / "." / "_" / "~") stay literal.
    return quote(text, safe="")


def _utf16_order(text: str) -> bytes:
    # Jira (Java String.compareTo) and ACE (JS Array.sort) order repeated values by UTF-16 code
    # units; that differs from Python's code-point order only for characters above U+FFFF versus
    # U+E000..U+FFFF, and there we must agree with the peer that computed the hash.
    return text.encode("utf-16-be", "surrogatepass")


def _pairs(params: Params) -> Iterator[tuple[str, str]]:
    if hasattr(params, "lists"):
        # werkzeug's MultiDict (Flask's request.args): its .items() would hide repeated values.
        items = params.lists()
    elif isinstance(params, Mapping):
        items = params.items()
    else:
        items = params
    for key, value in items:
        if isinstance(value, str):
            yield key, value
        else:
            for one in value:
                yield key, one


def canonical_query(params: Params) -> str:
    """Return the canonical query string for decoded query parameters.

    ``params`` is an iterable of ``(key, value)`` pairs (repeats allowed) or a mapping of key to a
    list of values (or a single string). The ``jwt`` parameter is dropped, repeated keys are
    merged with their values sorted by their *unencoded* text, then pairs are sorted by encoded key.
    """
    grouped: dict[str, list[str]] = {}
    for key, value in _pairs(params):
        if key != "jwt":
            grouped.setdefault(key, []).append(value)
    encoded = sorted(
        (_encode(key), ",".join(_encode(v) for v in sorted(values, key=_utf16_order)))
        for key, values in grouped.items()
    )
    return "&".join(f"{key}={value}" for key, value in encoded)


def canonical_request(method: str, path: str, params: Params) -> str:
    """Return ``METHOD&path&query``, the string whose sha256 is the qsh."""
    return f"{method.upper()}&{canonical_path(path)}&{canonical_query(params)}"


def compute_qsh(method: str, path: str, params: Params) -> str:
    """Return the hex sha256 qsh for a request; ``path`` is relative to the base URL."""
    return hashlib.sha256(canonical_request(method, path, params).encode("utf-8")).hexdigest()


def token_fingerprint(token: str) -> str:
    """Return a sha256 hex digest of the token: safe to log and to key replay tracking by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def encode_hs256(claims: dict, secret: str) -> str:
    """Return ``claims`` signed HS256 with ``secret``."""
    return pyjwt.encode(claims, secret, algorithm="HS256")


def sign_request(
    method: str,
    url: str,
    *,
    base_url: str,
    issuer: str,
    secret: str,
    now: int | None = None,
    ttl: int = 180,
    extra_claims: dict | None = None,
) -> str:
    """Return the JWT for an outbound call to ``url`` (absolute, query included).

    The qsh covers the path relative to ``base_url`` and the decoded query of ``url``; the
    core claims (iss, iat, exp, qsh) cannot be overridden by ``extra_claims``.
    """
    issued_at = int(time.time()) if now is None else now
    split = urlsplit(url)
    qsh = compute_qsh(
        method,
        relative_path(split.path, base_url),
        parse_qsl(split.query, keep_blank_values=True),
    )
    claims = {
        **(extra_claims or {}),
        "iss": issuer,
        "iat": issued_at,
        "exp": issued_at + ttl,
        "qsh": qsh,
    }
    return encode_hs256(claims, secret)


def verify_request_token(
    token: str | None,
    *,
    method: str,
    path: str,
    params: Params,
    secret_for_issuer: Callable[[str], str | None],
    allow_context_qsh: bool,
    now: int | None = None,
    leeway: int = 30,
) -> dict:
    """Verify an HS256 JWT sent by Jira and return its claims.

    ``path`` is relative to the app's base URL and ``params`` are the decoded query parameters.
    ``secret_for_issuer(iss)`` returns the tenant's shared secret, or raises ``UnknownIssuer`` /
    ``TenantDisabled`` (returning ``None`` also means unknown).

    Raises, in pipeline order: ``MissingToken``, ``MalformedToken``, ``UnsupportedAlgorithm``,
    ``UnknownIssuer`` (or whatever ``secret_for_issuer`` raises), ``BadSignature``,
    ``TokenExpired``, ``TokenNotYetValid``, ``MissingQsh``, ``ContextQshNotAllowed``,
    ``QshMismatch``.
    """
    claims = _signed_claims(token, secret_for_issuer)
    _check_times(claims, _now(now), leeway)
    qsh = _qsh_claim(claims)
    if qsh == CONTEXT_QSH:
        if allow_context_qsh:
            return claims
        raise ContextQshNotAllowed()
    _check_qsh(qsh, method, path, params)
    return claims


# Tokens whose HS256 signature verified, with the issuer and the secret it verified under.
# Jira signs each request with ``iat`` in whole seconds and no nonce, so a burst of webhooks
# repeats one token; a repeat skips both decodes. Everything else is checked on every request:
# the issuer is looked up again (a disabled or uninstalled tenant is refused), the signature
# counts only under the same secret (a reinstall changes it), times and qsh are checked anew.
_SIGNATURES_SEEN: dict[str, tuple[str, str, dict]] = {}
_SIGNATURES_SEEN_MAX = 1024


def _signed_claims(token: str | None, secret_for_issuer: Callable[[str], str | None]) -> dict:
    seen = _SIGNATURES_SEEN.get(token) if isinstance(token, str) else None
    if seen is not None:
        issuer, verified_under, claims = seen
        if secret_for_issuer(issuer) == verified_under:
            return dict(claims)
    header, unverified = _unverified_parts(token)  # one decode for both
    if header.get("alg") != "HS256":
        raise UnsupportedAlgorithm()
    issuer = unverified.get("iss")
    if not isinstance(issuer, str) or not issuer:
        raise MalformedToken("The JWT has no iss claim.")
    secret = secret_for_issuer(issuer)
    if secret is None:
        raise UnknownIssuer()
    claims = _verified_claims(token, secret, "HS256", key_error=BadSignature)
    if len(_SIGNATURES_SEEN) >= _SIGNATURES_SEEN_MAX:
        _SIGNATURES_SEEN.clear()
    _SIGNATURES_SEEN[token] = (issuer, secret, dict(claims))
    return claims


def verify_install_token(
    token: str | None,
    *,
    method: str,
    path: str,
    params: Params,
    audience: str,
    public_key_for_kid: Callable[[str], Any],
    now: int | None = None,
    leeway: int = 30,
) -> dict:
    """Verify an RS256 signed-install JWT and return its claims.

    ``audience`` is the app's base URL; ``public_key_for_kid(kid)`` returns a PEM (str/bytes) or
    key object and may raise ``UnknownKeyId`` / ``InstallKeyUnavailable``. The caller must still
    check ``claims["iss"]`` against the body's ``clientKey`` (``IssuerMismatch``).

    Raises, in pipeline order: ``MissingToken``, ``MalformedToken``, ``UnsupportedAlgorithm``,
    what ``public_key_for_kid`` raises, ``BadSignature``, ``AudienceMismatch``, ``TokenExpired``,
    ``TokenNotYetValid``, ``MissingQsh``, ``ContextQshNotAllowed``, ``QshMismatch``.
    """
    header = _unverified_header(token)
    if header.get("alg") != "RS256":
        raise UnsupportedAlgorithm()
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise MalformedToken("The JWT header has no kid.")
    key = public_key_for_kid(kid)
    claims = _verified_claims(token, key, "RS256", key_error=InstallKeyUnavailable)
    _check_audience(claims.get("aud"), audience)
    _check_times(claims, _now(now), leeway)
    qsh = _qsh_claim(claims)
    if qsh == CONTEXT_QSH:
        raise ContextQshNotAllowed()
    _check_qsh(qsh, method, path, params)
    return claims


def _now(now: int | None) -> int:
    return int(time.time()) if now is None else now


def token_algorithm(token: str | None) -> str | None:
    """The ``alg`` a token claims (unverified: only for choosing how to verify it)."""
    return _unverified_header(token).get("alg")


def _unverified_header(token: str | None) -> dict:
    if not token:
        raise MissingToken()
    if not isinstance(token, str) or token.count(".") != 2:
        raise MalformedToken()
    try:
        return pyjwt.get_unverified_header(token)
    except pyjwt.PyJWTError as exc:
        raise MalformedToken() from exc


def _unverified_parts(token: str | None) -> tuple[dict, dict]:
    """The header and the claims, read without verifying (to choose the secret)."""
    if not token:
        raise MissingToken()
    if not isinstance(token, str) or token.count(".") != 2:
        raise MalformedToken()
    try:
        decoded = pyjwt.api_jwt.decode_complete(token, options={"verify_signature": False})
    except pyjwt.PyJWTError as exc:
        raise MalformedToken() from exc
    return decoded["header"], decoded["payload"]


def _verified_claims(token: str, key: Any, algorithm: str, *, key_error: type) -> dict:
    # algorithms=[one] is what stops alg confusion inside PyJWT; the header check before it
    # only gives the caller a precise error.
    try:
        return pyjwt.decode(token, key, algorithms=[algorithm], options=_SIGNATURE_ONLY)
    except pyjwt.InvalidSignatureError as exc:
        raise BadSignature() from exc
    except pyjwt.InvalidKeyError as exc:
        raise key_error() from exc
    except pyjwt.PyJWTError as exc:
        raise MalformedToken() from exc


def _numeric_claim(claims: dict, name: str, *, required: bool) -> float | None:
    value = claims.get(name)
    if value is None:
        if required:
            raise MalformedToken(f"The JWT has no {name} claim.")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MalformedToken(f"The JWT {name} claim is not a number.")
    return value


def _check_times(claims: dict, now: int, leeway: int) -> None:
    if _numeric_claim(claims, "exp", required=True) <= now - leeway:
        raise TokenExpired()
    if _numeric_claim(claims, "iat", required=True) > now + leeway:
        raise TokenNotYetValid()
    nbf = _numeric_claim(claims, "nbf", required=False)
    if nbf is not None and nbf > now + leeway:
        raise TokenNotYetValid()


def _without_slash(url: str) -> str:
    return url[:-1] if url.endswith("/") else url


def _check_audience(aud: Any, audience: str) -> None:
    candidates = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    wanted = _without_slash(audience)
    if not any(isinstance(one, str) and _without_slash(one) == wanted for one in candidates):
        raise AudienceMismatch()


def _qsh_claim(claims: dict) -> Any:
    qsh = claims.get("qsh")
    if qsh is None or qsh == "":
        raise MissingQsh()
    return qsh


def _check_qsh(qsh: Any, method: str, path: str, params: Params) -> None:
    expected = compute_qsh(method, path, params)
    if not isinstance(qsh, str) or not hmac.compare_digest(qsh.encode(), expected.encode()):
        raise QshMismatch()
