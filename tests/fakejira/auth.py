"""How the fake Jira authenticates the app's REST calls — strictly, as Jira Cloud does.

``Authorization: JWT`` must be HS256, issued by the installed app's key, signed with the site's
shared secret, unexpired, and carry the qsh of this exact request (a ``context-qsh`` token is an
iframe token and is refused). ``Authorization: Bearer`` must be a live token the cloud's OAuth
endpoint issued for this site; the call then acts as that user. Everything else is a 401.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

import jwt
from werkzeug.wrappers import Request

from .server import ApiError
from .tokens import CONTEXT_QSH
from .tokens import query_hash

if TYPE_CHECKING:
    from .site import FakeJiraSite

# Jira tolerates a little clock skew between the app and itself.
LEEWAY_SECONDS = 30


@dataclass(frozen=True, slots=True)
class Caller:
    """Who a REST call acts as: the app's own user (``jwt``) or an impersonated user.

    ``claims`` are the verified claims of the app's JWT (empty for a Bearer token).
    """

    kind: str
    account_id: str
    scopes: frozenset[str]
    claims: dict[str, Any] = field(default_factory=dict)


def authenticate(site: FakeJiraSite, request: Request) -> Caller:
    """Return the verified caller or raise ApiError(401)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if not site.installed or not site.enabled or site.app_descriptor is None:
        raise _unauthorized("The app is not installed or not enabled on this site.")
    if scheme == "JWT" and token:
        return _app_caller(site, request, token.strip())
    if scheme == "Bearer" and token:
        return _user_caller(site, token.strip())
    raise _unauthorized("Client must be authenticated to access this resource.")


def request_target(request: Request) -> str:
    """The path and query exactly as the client sent them (what its qsh was computed over)."""
    return request.environ.get("RAW_URI") or request.full_path


def _app_caller(site: FakeJiraSite, request: Request, token: str) -> Caller:
    descriptor = site.app_descriptor
    assert descriptor is not None
    try:
        algorithm = jwt.get_unverified_header(token).get("alg")
    except jwt.PyJWTError:
        raise _unauthorized("The JWT is malformed.") from None
    if algorithm != "HS256":
        raise _unauthorized(f"JWT algorithm {algorithm!r} is not accepted; use HS256.")
    try:
        claims = jwt.decode(
            token, site.shared_secret, algorithms=["HS256"], leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "iat", "exp", "qsh"], "verify_aud": False},
        )
    except jwt.PyJWTError as error:
        raise _unauthorized(f"JWT rejected: {error}") from None
    if claims["iss"] != descriptor.key:
        raise _unauthorized(f"JWT iss must be the app key {descriptor.key!r}.")
    if claims["qsh"] == CONTEXT_QSH:
        raise _unauthorized("A context-qsh token cannot call the Jira REST API.")
    expected = query_hash(request.method, request_target(request), site.url)
    if claims["qsh"] != expected:
        raise _unauthorized("JWT qsh does not match the request.")
    return Caller("jwt", site.app_user.account_id, descriptor.scopes, claims)


def _user_caller(site: FakeJiraSite, token: str) -> Caller:
    grant = site.cloud.grant_for(token)
    if grant is None or grant.client_key != site.client_key:
        raise _unauthorized("The access token is unknown, expired or for another site.")
    user = site.model.users.get(grant.account_id)
    if user is None or not user.active:
        raise _unauthorized("The impersonated user no longer exists or is inactive.")
    return Caller("bearer", grant.account_id, grant.scopes)


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, message)
