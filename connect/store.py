"""What the Connect layer needs from tenant storage, as a protocol the app implements.

Connect never sees the app's models: it hands over an ``InstallPayload`` and gets a
``TenantRecord`` back, so a second front (Forge Remote) can share the same tenants.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class InstallPayload:
    """The verified body of an ``installed`` lifecycle callback."""

    client_key: str
    addon_key: str
    shared_secret: str
    base_url: str
    display_url: str | None = None
    product_type: str = "jira"
    description: str | None = None
    service_entitlement_number: str | None = None
    oauth_client_id: str | None = None
    cloud_id: str | None = None
    installation_id: str | None = None


@dataclass(frozen=True)
class TenantRecord:
    """A tenant as the protocol layer sees it; ``tenant_id`` is the app's own identity."""

    tenant_id: int
    client_key: str
    shared_secret: str
    base_url: str
    installed: bool
    enabled: bool
    oauth_client_id: str | None = None

    @property
    def active(self) -> bool:
        return self.installed and self.enabled


@dataclass(frozen=True)
class LifecycleToken:
    """A lifecycle JWT's fingerprint and expiry, recorded so it is used only once.

    ``body_sha256`` tells Jira's retry of the same delivery (same token, same body: answered
    again) from a replay (same token, another body: refused).
    """

    fingerprint: str
    expires_at: datetime
    body_sha256: str


class TenantStore(Protocol):
    def find(self, client_key: str) -> TenantRecord | None:
        """The tenant for ``client_key``, in any state, or None."""

    def save_install(self, payload: InstallPayload, token: LifecycleToken) -> TenantRecord:
        """Create or update the tenant; raises ``TokenReplayed`` if the token was used before
        with another body."""

    def mark_uninstalled(self, client_key: str, token: LifecycleToken) -> None:
        """Stop all access for the tenant and start its data-retention clock."""

    def set_enabled(self, client_key: str, enabled: bool) -> None:
        """Toggle access after Jira's ``enabled``/``disabled`` callbacks."""


class CachingTenantStore:
    """A ``TenantStore`` that remembers found tenants (and their decrypted secrets) briefly.

    Every signed request needs its tenant; reading it (and decrypting its secret) per request
    was a database checkout of its own on the webhook path (issue 11). Lifecycle changes made
    through this store forget the entry at once; changes made by another process (a reinstall
    served by another web worker) are seen after at most ``ttl_seconds``, and sooner for a new
    secret: ``authenticate_request`` calls ``forget`` and looks again when a signature fails.
    Anything else is passed through to the wrapped store.
    """

    def __init__(self, store, *, ttl_seconds: float, clock=time.monotonic):
        self._store = store
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: dict[str, tuple[float, TenantRecord]] = {}
        self._lock = threading.Lock()

    def find(self, client_key: str) -> TenantRecord | None:
        entry = self._entries.get(client_key)
        if entry is not None and self._clock() < entry[0]:
            return entry[1]
        record = self._store.find(client_key)
        if record is not None and self._ttl > 0:  # unknown keys are not kept: no memory to fill
            with self._lock:
                self._entries[client_key] = (self._clock() + self._ttl, record)
        return record

    def forget(self, client_key: str) -> None:
        with self._lock:
            self._entries.pop(client_key, None)

    def forget_all(self) -> None:
        """Tenants were changed outside this store (e.g. a restore): look each up again."""
        with self._lock:
            self._entries.clear()

    def save_install(self, payload: InstallPayload, token: LifecycleToken) -> TenantRecord:
        try:
            return self._store.save_install(payload, token)
        finally:
            self.forget(payload.client_key)

    def mark_uninstalled(self, client_key: str, token: LifecycleToken) -> None:
        try:
            self._store.mark_uninstalled(client_key, token)
        finally:
            self.forget(client_key)

    def set_enabled(self, client_key: str, enabled: bool) -> None:
        try:
            self._store.set_enabled(client_key, enabled)
        finally:
            self.forget(client_key)

    def __getattr__(self, name: str):
        return getattr(self._store, name)
