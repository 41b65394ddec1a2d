"""Lifecycle callbacks: ``installed``/``uninstalled`` (RS256), ``enabled``/``disabled`` (HS256).

Nothing from a lifecycle body is trusted until its token verifies; a new shared secret is
accepted only from a signed install whose ``iss`` is the body's ``clientKey``.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC
from datetime import datetime

from flask import Blueprint
from flask import request

from . import jwt as connect_jwt
from .context import authenticate_request
from .context import extract_token
from .context import lifecycle_callback
from .context import request_path
from .errors import IssuerMismatch
from .errors import MissingToken
from .errors import UnknownIssuer
from .install_keys import InstallKeyCache
from .store import InstallPayload
from .store import LifecycleToken
from .store import TenantRecord
from .store import TenantStore


class LifecycleBodyError(ValueError):
    """The lifecycle body is not what Jira sends; ``field`` names the offending member."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


REQUIRED_INSTALL_FIELDS = ("key", "clientKey", "sharedSecret", "baseUrl")


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise LifecycleBodyError("body", "expected a JSON object")
    return body


def _string(body: dict, name: str, *, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise LifecycleBodyError(name, f"{name} is required")
        return None
    if not isinstance(value, str):
        raise LifecycleBodyError(name, f"{name} must be a string")
    return value


def install_payload(body: dict) -> InstallPayload:
    """Validate an ``installed`` body; raises LifecycleBodyError naming the bad field."""
    values = {name: _string(body, name, required=True) for name in REQUIRED_INSTALL_FIELDS}
    base_url = values["baseUrl"]
    if not base_url.startswith(("https://", "http://")):
        raise LifecycleBodyError("baseUrl", "baseUrl must be an http(s) URL")
    return InstallPayload(
        client_key=values["clientKey"],
        addon_key=values["key"],
        shared_secret=values["sharedSecret"],
        base_url=base_url.rstrip("/"),
        display_url=_string(body, "displayUrl"),
        product_type=_string(body, "productType") or "jira",
        description=_string(body, "description"),
        service_entitlement_number=_string(body, "serviceEntitlementNumber"),
        oauth_client_id=_string(body, "oauthClientId"),
        cloud_id=_string(body, "cloudId"),
        installation_id=_string(body, "installationId"),
    )


def _installed_tenant(store: TenantStore, client_key: str) -> TenantRecord:
    tenant = store.find(client_key)
    if tenant is None or not tenant.installed:
        raise UnknownIssuer()
    return tenant


def _lifecycle_token(token: str, claims: dict) -> LifecycleToken:
    return LifecycleToken(
        fingerprint=connect_jwt.token_fingerprint(token),
        expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
        body_sha256=hashlib.sha256(request.get_data()).hexdigest(),
    )


def create_blueprint(*, store: TenantStore, descriptor, key_cache: InstallKeyCache,
                     leeway: int, on_installed=None) -> Blueprint:
    """The lifecycle routes; ``on_installed(tenant)`` runs after a verified install is saved."""
    bp = Blueprint("connect_lifecycle", __name__)
    base_url = descriptor.base_url

    def verify_signed(client_key: str) -> tuple[str, dict]:
        """RS256 verification for installed/uninstalled; returns (token, claims)."""
        token = extract_token()
        if not token:
            raise MissingToken()
        claims = connect_jwt.verify_install_token(
            token,
            method=request.method,
            path=request_path(base_url),
            params=list(request.args.items(multi=True)),
            audience=base_url,
            public_key_for_kid=key_cache.get,
            now=int(time.time()),
            leeway=leeway,
        )
        if claims.get("iss") != client_key:
            raise IssuerMismatch()
        return token, claims

    def verify_shared_secret(client_key: str) -> TenantRecord:
        """HS256 verification for enabled/disabled: any installed tenant, enabled or not.

        Jira signs these with the shared secret; should it sign them like installs (RS256,
        Atlassian's key), that is verified exactly as an install is.
        """
        if connect_jwt.token_algorithm(extract_token()) == "RS256":
            verify_signed(client_key)
            return _installed_tenant(store, client_key)
        context = authenticate_request(store, base_url=base_url, leeway=leeway,
                                       allow_context=False, tenant_lookup=_installed_tenant)
        if context.tenant.client_key != client_key:
            raise IssuerMismatch()
        return context.tenant

    @bp.post(descriptor.lifecycle_path("installed"))
    @lifecycle_callback
    def installed():
        body = _json_body()
        token, claims = verify_signed(_string(body, "clientKey", required=True))
        payload = install_payload(body)
        if payload.addon_key != descriptor.key:
            raise LifecycleBodyError("key", "this install is for another app")
        tenant = store.save_install(payload, _lifecycle_token(token, claims))
        if on_installed is not None:
            on_installed(tenant)
        return "", 204

    @bp.post(descriptor.lifecycle_path("uninstalled"))
    @lifecycle_callback
    def uninstalled():
        body = _json_body()
        client_key = _string(body, "clientKey", required=True)
        token, claims = verify_signed(client_key)
        store.mark_uninstalled(client_key, _lifecycle_token(token, claims))
        return "", 204

    def toggle(enabled: bool):
        client_key = _string(_json_body(), "clientKey", required=True)
        verify_shared_secret(client_key)
        store.set_enabled(client_key, enabled)
        return "", 204

    @bp.post(descriptor.lifecycle_path("enabled"))
    @lifecycle_callback
    def enabled():
        return toggle(True)

    @bp.post(descriptor.lifecycle_path("disabled"))
    @lifecycle_callback
    def disabled():
        return toggle(False)

    return bp
