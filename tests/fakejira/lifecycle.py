"""What a Jira site sends to the app: the install handshake and the other lifecycle events,
JWTs for iframe loads and context tokens, and webhook deliveries.

A mixin only to keep ``FakeJiraSite`` readable; it uses the site's identity (``url``,
``client_key``, ``cloud`` …) and owns its installation state.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from .tokens import query_hash
from .tokens import request_claims
from .tokens import sign_hs256
from .tokens import sign_rs256

if TYPE_CHECKING:
    from .site import FakeJiraSite

_TIMEOUT = 10


@dataclass(frozen=True, slots=True)
class AppDescriptor:
    """The parts of the app's ``atlassian-connect.json`` the site acts on."""

    key: str
    base_url: str
    lifecycle: dict[str, str]
    webhooks: list[dict[str, Any]]
    scopes: frozenset[str]
    raw: dict[str, Any]

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> AppDescriptor:
        if not body.get("key") or not body.get("baseUrl"):
            raise ValueError("descriptor needs key and baseUrl")
        if not body.get("lifecycle", {}).get("installed"):
            raise ValueError("descriptor declares no lifecycle.installed URL")
        return cls(
            key=body["key"],
            base_url=body["baseUrl"].rstrip("/"),
            lifecycle=dict(body["lifecycle"]),
            webhooks=list(body.get("modules", {}).get("webhooks", [])),
            scopes=frozenset(s.upper() for s in body.get("scopes", [])),
            raw=body,
        )

    def url_for(self, path_or_url: str) -> str:
        """Module URLs are relative to ``baseUrl`` unless absolute."""
        if "://" in path_or_url:
            return path_or_url
        return f"{self.base_url}/{path_or_url.lstrip('/')}"


@dataclass(frozen=True, slots=True)
class LifecycleRequest:
    """A lifecycle POST as sent, kept so a test can replay or inspect it."""

    url: str
    headers: dict[str, str]
    body: dict[str, Any]


class AppChannel:
    """Outbound calls from the site to the app (mixed into ``FakeJiraSite``)."""

    def install(
        self: FakeJiraSite,
        app_base_url: str,
        *,
        shared_secret: str | None = None,
        signed: bool = True,
        sign_key: RSAPrivateKey | None = None,
        kid: str | None = None,
        aud: str | None = None,
        body_overrides: dict[str, Any] | None = None,
        installation_id: str | None = None,
    ) -> requests.Response:
        """Fetch the app's descriptor and POST the signed ``installed`` event, as Jira does.

        The site generates a new shared secret each time (unless one is given) and adopts it,
        with the descriptor, only if the app answers 2xx. ``signed=False`` omits the JWT,
        ``sign_key``/``kid``/``aud`` forge it, and ``body_overrides`` changes the body (a None
        value deletes the key).
        """
        fetched = requests.get(f"{app_base_url.rstrip('/')}/atlassian-connect.json",
                               timeout=_TIMEOUT)
        fetched.raise_for_status()
        descriptor = AppDescriptor.from_json(fetched.json())
        secret = shared_secret or secrets.token_urlsafe(32)
        body = self._lifecycle_body("installed", descriptor.key, secret)
        if installation_id is not None:
            body["installationId"] = installation_id
        body = _override(body, body_overrides)
        url = descriptor.url_for(descriptor.lifecycle["installed"])
        headers = {"Content-Type": "application/json"}
        if signed:
            token = self._lifecycle_jwt(url, descriptor, asymmetric=True, sign_key=sign_key,
                                        kid=kid, aud=aud)
            headers["Authorization"] = f"JWT {token}"
        self.last_install_request = LifecycleRequest(url, headers, body)
        response = _post_json(url, body, headers)
        if response.ok:
            self.shared_secret = secret
            self.app_descriptor = descriptor
            self.installed = True
            self.enabled = True
        return response

    def replay_install(
        self: FakeJiraSite, body_overrides: dict[str, Any] | None = None
    ) -> requests.Response:
        """Re-send the last install's Authorization header with a modified body (an attack)."""
        if self.last_install_request is None:
            raise RuntimeError("nothing to replay: install() was never called")
        last = self.last_install_request
        return _post_json(last.url, _override(last.body, body_overrides), last.headers)

    def uninstall(self: FakeJiraSite) -> requests.Response | None:
        """POST ``uninstalled`` (RS256-signed); the site stops accepting the app's calls."""
        response = self._send_lifecycle("uninstalled", asymmetric=True)
        self.installed = False
        self.enabled = False
        return response

    def enable(self: FakeJiraSite) -> requests.Response | None:
        """POST ``enabled`` (HS256 with the shared secret) and accept the app's calls again."""
        response = self._send_lifecycle("enabled", asymmetric=False)
        self.enabled = True
        return response

    def disable(self: FakeJiraSite) -> requests.Response | None:
        """POST ``disabled``; a disabled app's REST calls get 401 until it is enabled."""
        response = self._send_lifecycle("disabled", asymmetric=False)
        self.enabled = False
        return response

    def _send_lifecycle(
        self: FakeJiraSite, event: str, *, asymmetric: bool
    ) -> requests.Response | None:
        """POST a lifecycle event; None when the descriptor declares no URL for it."""
        descriptor = self._descriptor()
        path = descriptor.lifecycle.get(event)
        if path is None:
            return None
        url = descriptor.url_for(path)
        token = self._lifecycle_jwt(url, descriptor, asymmetric=asymmetric)
        body = self._lifecycle_body(event, descriptor.key, self.shared_secret or "")
        headers = {"Content-Type": "application/json", "Authorization": f"JWT {token}"}
        return _post_json(url, body, headers)

    def _lifecycle_body(self: FakeJiraSite, event: str, key: str, secret: str) -> dict[str, Any]:
        return {
            "key": key,
            "clientKey": self.client_key,
            "sharedSecret": secret,
            "baseUrl": self.url,
            "displayUrl": self.url,
            "productType": "jira",
            "description": f"Atlassian JIRA at {self.url}",
            "serviceEntitlementNumber": self.service_entitlement_number,
            "oauthClientId": self.oauth_client_id,
            "cloudId": self.cloud_id,
            "eventType": event,
        }

    def _lifecycle_jwt(
        self: FakeJiraSite,
        url: str,
        descriptor: AppDescriptor,
        *,
        asymmetric: bool,
        sign_key: RSAPrivateKey | None = None,
        kid: str | None = None,
        aud: str | None = None,
    ) -> str:
        """The one place lifecycle JWTs are minted.

        installed/uninstalled: RS256 by the cloud's install key, header ``kid``, ``aud`` = the
        app's baseUrl. enabled/disabled: HS256 with the shared secret. Both carry the qsh of
        the POST relative to the app's baseUrl and an empty ``context``.
        """
        claims = request_claims(self.client_key, query_hash("POST", url, descriptor.base_url),
                                context={})
        if not asymmetric:
            return sign_hs256(claims, self.shared_secret or "")
        claims["aud"] = aud or descriptor.base_url
        claims["jti"] = uuid.uuid4().hex  # two installs in one second are still two tokens
        key_id = kid or self.cloud.kid
        return sign_rs256(claims, sign_key or self.cloud.private_key(key_id), key_id)

    def sign_app_request(
        self: FakeJiraSite,
        method: str,
        url_or_path: str,
        *,
        account_id: str | None = None,
        qsh: str | None = None,
        exp_delta: int = 180,
        iat_delta: int = 0,
        secret: str | None = None,
        alg: str = "HS256",
        context: dict[str, Any] | None = None,
    ) -> str:
        """A JWT like the ones Jira adds to iframe URLs and ``AP.context.getToken()``.

        ``iss`` = client key, ``sub`` = ``account_id`` (if any), ``qsh`` of the request relative
        to the app's baseUrl unless given (pass ``qsh="context-qsh"`` for a context token),
        ``iat`` = now + iat_delta, ``exp`` = now + exp_delta. ``secret``/``alg`` forge it.
        """
        descriptor = self._descriptor()
        if context is None:
            context = {"user": {"accountId": account_id}} if account_id else {}
        claims = request_claims(
            self.client_key, qsh or query_hash(method, url_or_path, descriptor.base_url),
            context=context,
        )
        claims["exp"] = claims["iat"] + exp_delta
        claims["iat"] += iat_delta
        if account_id:
            claims["sub"] = account_id
        key = None if alg == "none" else (secret or self.shared_secret)
        return jwt.encode(claims, key, algorithm=alg)

    def send_webhook(
        self: FakeJiraSite,
        event: str,
        payload: dict[str, Any],
        *,
        identifier: str | None = None,
        retry: int = 0,
    ) -> requests.Response:
        """Deliver ``payload`` to the first descriptor webhook registered for ``event``."""
        return _post_json(*self.webhook_request(event, payload, identifier=identifier,
                                                retry=retry))

    def webhook_request(
        self: FakeJiraSite,
        event: str,
        payload: dict[str, Any],
        *,
        identifier: str | None = None,
        retry: int = 0,
    ) -> tuple[str, dict[str, Any], dict[str, str]]:
        """The delivery ``send_webhook`` makes: its URL, body and headers.

        Adds ``timestamp``/``webhookEvent`` if absent, signs like Jira (HS256, qsh including any
        query in the registered URL) and sets the identifier and retry headers.
        """
        descriptor = self._descriptor()
        hook = next((h for h in descriptor.webhooks if h.get("event") == event), None)
        if hook is None:
            raise LookupError(f"the app registered no webhook for {event!r}")
        url = descriptor.url_for(hook["url"])
        body = {"timestamp": self.model.now(), "webhookEvent": event, **payload}
        token = sign_hs256(
            request_claims(self.client_key, query_hash("POST", url, descriptor.base_url)),
            self.shared_secret or "",
        )
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"JWT {token}",
            "X-Atlassian-Webhook-Identifier": identifier or str(uuid.uuid4()),
            "X-Atlassian-Webhook-Retry": str(retry),
        }
        return url, body, headers

    def _descriptor(self: FakeJiraSite) -> AppDescriptor:
        if self.app_descriptor is None:
            raise RuntimeError("the app is not installed on this site")
        return self.app_descriptor


def _override(body: dict[str, Any], overrides: dict[str, Any] | None) -> dict[str, Any]:
    merged = {**body, **(overrides or {})}
    return {k: v for k, v in merged.items() if v is not None}


def _post_json(url: str, body: dict[str, Any], headers: dict[str, str]) -> requests.Response:
    return requests.post(url, data=json.dumps(body), headers=headers, timeout=_TIMEOUT)
