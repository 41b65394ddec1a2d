"""What the Connect layer needs from tenant storage, as a protocol the app implements.

Connect never sees the app's models: it hands over an ``InstallPayload`` and gets a
``TenantRecord`` back, so a second front (Forge Remote) can share the same tenants.
"""

from __future__ import annotations

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
