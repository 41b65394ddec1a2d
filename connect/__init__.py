"""The Atlassian Connect protocol layer: descriptor, lifecycle, inbound and outbound JWT.

It depends on Flask, PyJWT and requests but never on ``addon`` or ``worker``, so another front
(Forge Remote) can sit beside it over the same domain.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import jsonify

from .client import BearerJiraSession
from .client import ImpersonationError
from .client import ImpersonationTokenCache
from .client import SignedJiraSession
from .context import BearerAuthenticator
from .context import install_guard
from .context import public
from .descriptor import Descriptor
from .errors import ConnectAuthError
from .errors import public_error
from .install_keys import InstallKeyCache
from .lifecycle import LifecycleBodyError
from .lifecycle import create_blueprint as lifecycle_blueprint
from .store import TenantRecord
from .store import TenantStore

log = logging.getLogger(__name__)
EXTENSION_KEY = "connect"
# What the app does as a user: read, log and edit, and delete their worklogs.
USER_SCOPES = ("READ", "WRITE", "DELETE")

ErrorResponder = Callable[[int, str, str, str | None], Response]


@dataclass(frozen=True)
class ConnectConfig:
    base_url: str
    addon_key: str
    install_keys_url: str
    oauth_url: str
    jwt_leeway_seconds: int = 30
    descriptor_path: Path | None = None


class Connect:
    """Per-app protocol state: config, descriptor, tenant store, key and token caches."""

    def __init__(self, config: ConnectConfig, store: TenantStore):
        self.config = config
        self.store = store
        self.descriptor = Descriptor.load(
            config.descriptor_path, base_url=config.base_url, key=config.addon_key
        )
        self.install_keys = InstallKeyCache(config.install_keys_url)
        self.impersonation = ImpersonationTokenCache(config.oauth_url)

    def app_session(self, tenant: TenantRecord, **options) -> SignedJiraSession:
        """A requests session that signs each call to this tenant's Jira as the app."""
        return SignedJiraSession(self.config.addon_key, tenant.base_url, tenant.shared_secret,
                                 **options)

    def user_session(self, tenant: TenantRecord, account_id: str, **options) -> BearerJiraSession:
        """A session acting as ``account_id`` (ACT_AS_USER): OAuth 2.0 JWT-bearer tokens, cached.

        The grant is requested lazily, on the first call; it raises ``ImpersonationError`` when
        the tenant gave no ``oauthClientId`` or the authorization server refuses.
        """
        def token() -> str:
            if not tenant.oauth_client_id:
                raise ImpersonationError(None, "tenant has no oauthClientId")
            return self.impersonation.token_for(
                client_key=tenant.client_key, oauth_client_id=tenant.oauth_client_id,
                shared_secret=tenant.shared_secret, base_url=tenant.base_url,
                account_id=account_id, scopes=USER_SCOPES,
            )

        return BearerJiraSession(tenant.base_url, token, **options)


def _default_error(status: int, code: str, message: str, field: str | None) -> Response:
    body = {"errors": {"message": message, "code": code}}
    if field:
        body["errors"]["fields"] = [{"field": field, "message": message}]
    response = jsonify(body)
    response.status_code = status
    return response


def init_app(app: Flask, *, config: ConnectConfig, store: TenantStore,
             error_response: ErrorResponder = _default_error,
             on_installed: Callable[[TenantRecord], None] | None = None,
             bearer: BearerAuthenticator | None = None) -> Connect:
    """Serve the descriptor and lifecycle, and put every other route behind JWT verification.

    ``on_installed`` is called with the tenant after each verified install (e.g. to backfill).
    """
    connect = Connect(config, store)
    app.extensions[EXTENSION_KEY] = connect

    bp = Blueprint("connect", __name__)

    @bp.get("/atlassian-connect.json")
    @public
    def descriptor():
        return jsonify(connect.descriptor.as_dict())

    app.register_blueprint(bp)
    app.register_blueprint(lifecycle_blueprint(
        store=store, descriptor=connect.descriptor, key_cache=connect.install_keys,
        leeway=config.jwt_leeway_seconds, on_installed=on_installed,
    ))
    install_guard(app, store, base_url=config.base_url, leeway=config.jwt_leeway_seconds,
                  bearer=bearer)

    @app.errorhandler(ConnectAuthError)
    def _unauthorized(exc: ConnectAuthError):
        log.info("connect authentication refused", extra={"auth_error": exc.code})
        shown = public_error(exc)
        return error_response(401, shown.code, shown.message, None)

    @app.errorhandler(LifecycleBodyError)
    def _bad_lifecycle_body(exc: LifecycleBodyError):
        return error_response(400, "invalid_lifecycle_body", exc.message, exc.field)

    return connect


def get_connect(app: Flask) -> Connect:
    return app.extensions[EXTENSION_KEY]


__all__ = ["Connect", "ConnectConfig", "get_connect", "init_app"]
