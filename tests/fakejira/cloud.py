"""Atlassian's shared services for fake sites: the install-keys CDN and the OAuth 2.0 server
that grants user-impersonation tokens (the JWT bearer grant of ``ACT_AS_USER``).
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map
from werkzeug.routing import Rule
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

from .auth import LEEWAY_SECONDS
from .scopes import covers
from .server import BackgroundServer
from .server import json_response
from .site import FakeJiraSite
from .tokens import new_rsa_key
from .tokens import public_pem

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CLIENT_ID_PREFIX = "urn:atlassian:connect:clientid:"
ACCOUNT_PREFIX = "urn:atlassian:connect:useraccountid:"
OAUTH_SCOPES = frozenset({"READ", "WRITE", "DELETE", "PROJECT_ADMIN", "ADMIN", "ACT_AS_USER"})
MAX_ASSERTION_LIFETIME = 60


@dataclass(slots=True)
class Grant:
    """An access token the OAuth endpoint issued: who it acts as, on which site, until when,
    and the verified claims of the assertion the app sent for it."""

    access_token: str
    client_key: str
    account_id: str
    scopes: frozenset[str]
    expires_at: float
    claims: dict[str, Any]


@dataclass(frozen=True, slots=True)
class TokenRequest:
    """One POST to the token endpoint: the site its assertion named (None if none did), the
    status answered, the grant issued or the ``error_description`` of a refusal."""

    client_key: str | None
    status: int
    grant: Grant | None
    refusal: str | None


class _GrantRefused(Exception):
    pass


class AtlassianCloud:
    """One server for install keys and OAuth, and the registry of the sites it started.

    ``keys_url`` is what the app's CONNECT_INSTALL_KEYS_URL should point at; the app posts its
    impersonation grants to ``f"{oauth_url}/oauth2/token"`` and must use ``oauth_url`` itself as
    the assertion's ``aud`` (as Atlassian's own clients do).
    """

    def __init__(self) -> None:
        self._keys: dict[str, RSAPrivateKey] = {}
        self._key_serial = 0
        self.kid = self.rotate_key()
        self.sites: dict[str, FakeJiraSite] = {}
        self._tokens: dict[str, Grant] = {}
        self._lock = threading.Lock()
        self.token_requests: list[TokenRequest] = []
        self.key_fetches: list[str] = []
        self.token_ttl = 900
        self._routes = Map([
            Rule("/install-keys/<kid>", methods=["GET"], endpoint=self._install_key),
            Rule("/oauth2/token", methods=["POST"], endpoint=self._token),
        ])
        self._server = BackgroundServer(self._wsgi, "fake-atlassian-cloud")
        self.url = self._server.url

    @property
    def keys_url(self) -> str:
        return f"{self.url}/install-keys"

    @property
    def oauth_url(self) -> str:
        return self.url

    @property
    def grant_log(self) -> list[Grant]:
        """The access tokens issued, oldest first."""
        return [r.grant for r in self.token_requests if r.grant is not None]

    @property
    def grants(self) -> int:
        """How many access tokens were issued (to assert the app caches them)."""
        return len(self.grant_log)

    def rotate_key(self) -> str:
        """Start signing installs with a new key pair; old kids stay published. Returns the kid."""
        self._key_serial += 1
        self.kid = f"fake-kid-{self._key_serial}"
        self._keys[self.kid] = new_rsa_key()
        return self.kid

    def private_key(self, kid: str | None = None) -> RSAPrivateKey:
        """The signing key for ``kid`` (the current one by default or when ``kid`` is unknown)."""
        return self._keys.get(kid or self.kid) or self._keys[self.kid]

    def new_site(
        self, name: str = "acme", *, app_key: str = "ledgerline", context_path: str = ""
    ) -> FakeJiraSite:
        """Start a Jira site registered with this cloud; ``app_key`` names its app user and
        ``context_path`` is the path its REST API is served under (none in Jira Cloud)."""
        site = FakeJiraSite(self, name, app_key=app_key, context_path=context_path)
        self.sites[site.client_key] = site
        return site

    def grant_for(self, access_token: str) -> Grant | None:
        """The live grant behind a Bearer token, or None if unknown or expired."""
        with self._lock:
            grant = self._tokens.get(access_token)
        if grant is None or grant.expires_at <= time.time():
            return None
        return grant

    def expire_tokens(self) -> None:
        """Make every issued token expired now, to test the app's refresh path."""
        with self._lock:
            for grant in self._tokens.values():
                grant.expires_at = 0

    def close(self) -> None:
        for site in list(self.sites.values()):
            site.close()
        self._server.close()

    def __enter__(self) -> AtlassianCloud:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- HTTP ------------------------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        try:
            handler, values = self._routes.bind_to_environ(environ).match()
            response = handler(request, **values)
        except HTTPException as error:
            response = error.get_response()
        return response(environ, start_response)

    def _install_key(self, request: Request, kid: str) -> Response:
        self.key_fetches.append(kid)
        key = self._keys.get(kid)
        if key is None:
            return Response("Not Found", status=404, content_type="text/plain")
        return Response(public_pem(key), content_type="text/plain")

    def _token(self, request: Request) -> Response:
        assertion = request.form.get("assertion", "")
        site = self._site_for_issuer(_unverified_issuer(assertion))
        client_key = site.client_key if site else None
        scripted = site.grant_script.take(request.path) if site else None
        if scripted is not None:
            self._log(TokenRequest(client_key, scripted.status_code, None, None))
            return scripted
        try:
            grant = self._grant(request.form, assertion, site)
        except _GrantRefused as refusal:
            self._log(TokenRequest(client_key, 400, None, str(refusal)))
            body = {"error": "invalid_grant", "error_description": str(refusal)}
            return json_response(body, 400)
        with self._lock:
            self._tokens[grant.access_token] = grant
        self._log(TokenRequest(client_key, 200, grant, None))
        body = {"access_token": grant.access_token, "expires_in": self.token_ttl,
                "token_type": "Bearer"}
        return json_response(body)

    def _log(self, token_request: TokenRequest) -> None:
        with self._lock:
            self.token_requests.append(token_request)

    def _grant(self, form: Any, assertion: str, site: FakeJiraSite | None) -> Grant:
        if form.get("grant_type") != GRANT_TYPE:
            raise _GrantRefused(f"grant_type must be {GRANT_TYPE}")
        try:
            algorithm = jwt.get_unverified_header(assertion).get("alg")
        except jwt.PyJWTError as error:
            raise _GrantRefused(f"assertion is not a JWT: {error}") from None
        if algorithm != "HS256":
            raise _GrantRefused("assertion must be signed with HS256")
        if site is None:
            raise _GrantRefused(
                f"iss must be {CLIENT_ID_PREFIX}<oauthClientId> of an enabled installation")
        claims = _verify_assertion(assertion, site.shared_secret or "", self.oauth_url)
        if claims["tnt"] != site.url:
            raise _GrantRefused(f"tnt must be the site base URL {site.url}")
        account_id = str(claims["sub"]).removeprefix(ACCOUNT_PREFIX)
        user = site.model.users.get(account_id)
        if not str(claims["sub"]).startswith(ACCOUNT_PREFIX) or user is None or not user.active:
            raise _GrantRefused(f"sub must be {ACCOUNT_PREFIX}<accountId> of an active user")
        scopes = _requested_scopes(form.get("scope", ""), site.app_descriptor.scopes)
        return Grant(secrets.token_urlsafe(32), site.client_key, account_id, scopes,
                     time.time() + self.token_ttl, claims)

    def _site_for_issuer(self, issuer: str) -> FakeJiraSite | None:
        """The enabled installation whose oauthClientId the assertion's ``iss`` names."""
        if not issuer.startswith(CLIENT_ID_PREFIX):
            return None
        client_id = issuer.removeprefix(CLIENT_ID_PREFIX)
        for site in list(self.sites.values()):
            if site.oauth_client_id == client_id and site.installed and site.enabled:
                return site
        return None


def _unverified_issuer(assertion: str) -> str:
    """The ``iss`` claim before any check: it says which site's secret verifies the rest."""
    try:
        claims = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError:
        return ""
    return str(claims.get("iss", ""))


def _verify_assertion(assertion: str, secret: str, audience: str) -> dict[str, Any]:
    try:
        # The same clock skew as Jira's REST authentication tolerates.
        claims = jwt.decode(
            assertion, secret, algorithms=["HS256"], audience=audience, leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "sub", "aud", "tnt", "iat", "exp"]},
        )
    except jwt.InvalidAudienceError:
        raise _GrantRefused(
            f"aud must be {audience} (the authorization server, not the token endpoint)"
        ) from None
    except jwt.PyJWTError as error:
        raise _GrantRefused(f"assertion rejected: {error}") from None
    if claims["exp"] - claims["iat"] > MAX_ASSERTION_LIFETIME:
        raise _GrantRefused(f"assertion lifetime exceeds {MAX_ASSERTION_LIFETIME} seconds")
    return claims


def _requested_scopes(scope: str, app_scopes: frozenset[str]) -> frozenset[str]:
    """Scopes are upper-case, space-separated, known, and within the app's descriptor scopes."""
    requested = frozenset(scope.split(" ")) - {""}
    if not requested:
        raise _GrantRefused("scope is required")
    if not requested <= OAUTH_SCOPES:
        raise _GrantRefused(f"unknown scopes {sorted(requested - OAUTH_SCOPES)} (upper-case?)")
    if "ACT_AS_USER" not in app_scopes:
        raise _GrantRefused("the app's descriptor does not declare the ACT_AS_USER scope")
    refused = sorted(s for s in requested if not covers(app_scopes, s))
    if refused:
        raise _GrantRefused(f"scopes {refused} are not granted to the app")
    return requested
