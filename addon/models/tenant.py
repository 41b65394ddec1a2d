"""Tenants: one row per Jira site that installed the app (Connect now, Forge later)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from .base import Base
from .base import TenantScoped
from .base import Timestamps
from .base import UTCDateTime


class Tenant(Timestamps, Base):
    """A Jira site. ``id`` is the domain's tenant identity; ``client_key`` is only Connect's.

    ``cloud_id`` and ``installation_id`` let a second front (Forge Remote) map to the same row.
    """

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_key: Mapped[str] = mapped_column(String(255), unique=True, nullable=False)
    addon_key: Mapped[str] = mapped_column(String(255), nullable=False)
    shared_secret_encrypted: Mapped[str] = mapped_column(Text, nullable=False)
    base_url: Mapped[str] = mapped_column(String(512), nullable=False)
    display_url: Mapped[str | None] = mapped_column(String(512))
    product_type: Mapped[str] = mapped_column(String(32), nullable=False, default="jira")
    description: Mapped[str | None] = mapped_column(Text)
    service_entitlement_number: Mapped[str | None] = mapped_column(String(255))
    oauth_client_id: Mapped[str | None] = mapped_column(String(255))
    cloud_id: Mapped[str | None] = mapped_column(String(64), index=True)
    installation_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    installed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    purge_after: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    @property
    def active(self) -> bool:
        return self.installed and self.enabled


class ConsumedInstallToken(Base):
    """Fingerprints of lifecycle JWTs already used, so a captured one cannot be replayed.

    A signed install token stays valid for minutes; replaying it with a different body (say, an
    attacker's shared secret) must fail, so each is accepted once. Rows expire with the token.
    """

    __tablename__ = "consumed_install_tokens"

    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Jira retries a callback with the same token and body: that is answered, not refused.
    body_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)


class TenantSetting(TenantScoped, Base):
    """Small per-tenant facts learnt from Jira or set by admins (e.g. the Account field's id)."""

    __tablename__ = "tenant_settings"

    tenant_id: Mapped[int] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON, nullable=False)
