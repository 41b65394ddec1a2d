"""Default-deny request authentication for every Connect route.

Every view needs a valid HS256 Connect JWT with the real ``qsh`` of the request unless it carries
one of the explicit, greppable markers below: ``@public`` (descriptor, health, static files),
``@lifecycle_callback`` (verified inside the lifecycle views, RS256 or HS256), or
``@allow_context_qsh`` (routes our own iframes call with ``AP.context.getToken()`` or the
page's embedded token: the REST API and the fragments the pages re-fetch).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from urllib.parse import quote
from urllib.parse import urlsplit

from flask import Flask
from flask import g
from flask import request

from . import jwt as connect_jwt
from .errors import BadSignature
from .errors import MissingToken
from .errors import TenantDisabled
from .errors import UnknownIssuer
from .store import TenantRecord
from .store import TenantStore

AUTH_MODE_ATTR = "_connect_auth_mode"
MODE_JWT = "jwt"
MODE_CONTEXT_QSH = "context-qsh"
MODE_PUBLIC = "public"
MODE_LIFECYCLE = "lifecycle"


def _mark(mode: str) -> Callable:
    def decorate(view):
        setattr(view, AUTH_MODE_ATTR, mode)
        return view

    return decorate


public = _mark(MODE_PUBLIC)
lifecycle_callback = _mark(MODE_LIFECYCLE)
allow_context_qsh = _mark(MODE_CONTEXT_QSH)


@dataclass(frozen=True)
class ConnectContext:
    """The verified caller of this request: which tenant, which user (if any)."""

    tenant: TenantRecord
    account_id: str | None
    context_qsh: bool
    context: dict = field(default_factory=dict)

    @property
    def tenant_id(self) -> int:
        return self.tenant.tenant_id


def current_context() -> ConnectContext:
    """The verified context; only views behind the guard may call this."""
    return g.connect_context


def mint_context_token(tenant: TenantRecord, account_id: str | None, *, ttl: int = 900,
                       now: int | None = None) -> str:
    """A token for our own iframe's calls back to the app, shaped like Jira's context token.

    Pages embed it so their scripts can call the REST API even when Connect's ``all.js``
    (``AP.context.getToken()``) is unavailable; it carries ``qsh: context-qsh`` and so is
    accepted only on ``@allow_context_qsh`` routes.
    """
    issued = int(time.time()) if now is None else now
    claims = {"iss": tenant.client_key, "iat": issued, "exp": issued + ttl,
              "qsh": connect_jwt.CONTEXT_QSH}
    if account_id:
        claims["sub"] = account_id
    return connect_jwt.encode_hs256(claims, tenant.shared_secret)


def extract_token() -> str | None:
    """The JWT from ``Authorization: JWT <t>`` or, for iframe loads, the ``jwt`` query parameter."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.upper() == "JWT" and value.strip():
        return value.strip()
    return request.args.get("jwt") or None


def request_path(base_url: str) -> str:
    """This request's path, as sent (not percent-decoded), relative to the app's base URL.

    Jira computes the qsh over the raw path it requested; Flask's ``request.path`` is decoded,
    so the raw URI from the WSGI server is preferred (werkzeug and gunicorn both provide it).
    """
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        path = urlsplit(raw).path
    else:
        path = quote(request.script_root + request.path, safe="/:@!$&'()*+,;=-._~")
    return connect_jwt.relative_path(path, base_url)


def lookup_active_tenant(store: TenantStore, client_key: str) -> TenantRecord:
    tenant = store.find(client_key)
    if tenant is None or not tenant.installed:
        raise UnknownIssuer()
    if not tenant.enabled:
        raise TenantDisabled()
    return tenant


def authenticate_request(store: TenantStore, *, base_url: str, leeway: int,
                         allow_context: bool, tenant_lookup=lookup_active_tenant) -> ConnectContext:
    """Verify this request's JWT and return who is calling; raises a ``ConnectAuthError``."""
    token = extract_token()
    if not token:
        raise MissingToken()
    found: dict[str, TenantRecord] = {}

    def secret_for_issuer(client_key: str) -> str:
        found["tenant"] = tenant_lookup(store, client_key)
        return found["tenant"].shared_secret

    def verify() -> dict:
        return connect_jwt.verify_request_token(
            token,
            method=request.method,
            path=request_path(base_url),
            params=list(request.args.items(multi=True)),
            secret_for_issuer=secret_for_issuer,
            allow_context_qsh=allow_context,
            now=int(time.time()),
            leeway=leeway,
        )

    try:
        claims = verify()
    except BadSignature:
        if not hasattr(store, "forget"):
            raise
        # A caching store may hold the secret from before a reinstall served elsewhere.
        store.forget(found["tenant"].client_key)
        claims = verify()
    context = claims.get("context") if isinstance(claims.get("context"), dict) else {}
    return ConnectContext(
        tenant=found["tenant"],
        account_id=claims.get("sub") or None,
        context_qsh=claims.get("qsh") == connect_jwt.CONTEXT_QSH,
        context=context,
    )


BearerAuthenticator = Callable[[str], ConnectContext]


def bearer_token() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def install_guard(app: Flask, store: TenantStore, *, base_url: str, leeway: int,
                  bearer: BearerAuthenticator | None = None) -> None:
    """Authenticate every request before its view runs (default deny).

    On ``@allow_context_qsh`` routes a ``Bearer`` token is handed to ``bearer``
    (the app's API tokens), which returns the caller's context or raises a ConnectAuthError.
    """

    @app.before_request
    def _authenticate():
        if request.endpoint is None:
            return None  # no route matched: let Flask answer 404/405
        if request.endpoint == "static" or request.endpoint.endswith(".static"):
            return None
        view = app.view_functions[request.endpoint]
        mode = getattr(view, AUTH_MODE_ATTR, MODE_JWT)
        if mode in (MODE_PUBLIC, MODE_LIFECYCLE):
            return None
        token = bearer_token() if mode == MODE_CONTEXT_QSH and bearer is not None else None
        if token:
            g.connect_context = bearer(token)
            return None
        g.connect_context = authenticate_request(
            store, base_url=base_url, leeway=leeway, allow_context=mode == MODE_CONTEXT_QSH
        )
        return None
