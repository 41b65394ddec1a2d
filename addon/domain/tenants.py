"""Tenant lifecycle: the app's implementation of ``connect.store.TenantStore``, and retention."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import datetime
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from connect.errors import TokenReplayed
from connect.store import InstallPayload
from connect.store import LifecycleToken
from connect.store import TenantRecord

from ..models import ConsumedInstallToken
from ..models import Tenant
from ..models.base import utcnow
from .secrets import SecretBox

DEMO_CLIENT_KEY = "ledgerline-demo"


class SqlTenantStore:
    """Tenants in the app database, shared secrets encrypted with ``SecretBox``."""

    def __init__(self, database, box: SecretBox, *, retention_days: int,
                 clock: Callable[[], datetime] = utcnow):
        self._db = database
        self._box = box
        self._retention = timedelta(days=retention_days)
        self._clock = clock

    def _record(self, tenant: Tenant) -> TenantRecord:
        return TenantRecord(
            tenant_id=tenant.id,
            client_key=tenant.client_key,
            shared_secret=self._box.decrypt(tenant.shared_secret_encrypted),
            base_url=tenant.base_url,
            installed=tenant.installed,
            enabled=tenant.enabled,
            oauth_client_id=tenant.oauth_client_id,
        )

    def find(self, client_key: str) -> TenantRecord | None:
        with self._db.transaction() as session:
            tenant = _by_client_key(session, client_key)
            return self._record(tenant) if tenant else None

    def get(self, tenant_id: int) -> TenantRecord | None:
        with self._db.transaction() as session:
            tenant = session.get(Tenant, tenant_id)
            return self._record(tenant) if tenant else None

    def save_install(self, payload: InstallPayload, token: LifecycleToken) -> TenantRecord:
        """Create or update the tenant from a verified install, consuming the token once."""
        now = self._clock()
        try:
            with self._db.transaction() as session:
                first_delivery = _consume(session, token, now)
                tenant = _by_client_key(session, payload.client_key)
                if not first_delivery and tenant is not None:
                    return self._record(tenant)
                if tenant is None:
                    tenant = Tenant(client_key=payload.client_key, installed_at=now)
                    session.add(tenant)
                tenant.addon_key = payload.addon_key
                tenant.shared_secret_encrypted = self._box.encrypt(payload.shared_secret)
                tenant.base_url = payload.base_url
                tenant.display_url = payload.display_url
                tenant.product_type = payload.product_type
                tenant.description = payload.description
                tenant.service_entitlement_number = payload.service_entitlement_number
                tenant.oauth_client_id = payload.oauth_client_id
                tenant.cloud_id = payload.cloud_id or tenant.cloud_id
                tenant.installation_id = payload.installation_id or tenant.installation_id
                if not tenant.installed:
                    tenant.installed_at = now
                tenant.installed = True
                tenant.enabled = True
                tenant.uninstalled_at = None
                tenant.purge_after = None
                session.flush()
                return self._record(tenant)
        except IntegrityError as exc:
            if _is_replay(exc):
                raise TokenReplayed() from exc
            raise

    def mark_uninstalled(self, client_key: str, token: LifecycleToken) -> None:
        now = self._clock()
        try:
            with self._db.transaction() as session:
                first_delivery = _consume(session, token, now)
                tenant = _by_client_key(session, client_key)
                if not first_delivery or tenant is None or not tenant.installed:
                    return
                tenant.installed = False
                tenant.enabled = False
                tenant.uninstalled_at = now
                tenant.purge_after = now + self._retention
        except IntegrityError as exc:
            if _is_replay(exc):
                raise TokenReplayed() from exc
            raise

    def set_enabled(self, client_key: str, enabled: bool) -> None:
        with self._db.transaction() as session:
            tenant = _by_client_key(session, client_key)
            if tenant is not None and tenant.installed:
                tenant.enabled = enabled

    def ensure_demo_tenant(self, *, base_url: str) -> TenantRecord:
        """The local demo tenant for dev mode (no Jira site behind it)."""
        now = self._clock()
        with self._db.transaction() as session:
            tenant = _by_client_key(session, DEMO_CLIENT_KEY)
            if tenant is None:
                tenant = Tenant(
                    client_key=DEMO_CLIENT_KEY, addon_key="ledgerline", installed_at=now,
                    shared_secret_encrypted=self._box.encrypt(secrets.token_urlsafe(32)),
                    base_url=base_url, display_url=base_url, product_type="jira",
                    description="Local demo tenant (DEV_MODE)", is_demo=True,
                )
                session.add(tenant)
            tenant.installed = tenant.enabled = True
            session.flush()
            return self._record(tenant)


def _by_client_key(session: Session, client_key: str) -> Tenant | None:
    return session.scalar(select(Tenant).where(Tenant.client_key == client_key))


def _consume(session: Session, token: LifecycleToken, now: datetime) -> bool:
    """Record the token's use: True when new, False for Jira's retry of the same delivery.

    Raises TokenReplayed when the token comes back with another body.
    """
    session.execute(delete(ConsumedInstallToken).where(ConsumedInstallToken.expires_at < now))
    seen = session.get(ConsumedInstallToken, token.fingerprint)
    if seen is not None:
        if hmac.compare_digest(seen.body_sha256, token.body_sha256):
            return False
        raise TokenReplayed()
    session.add(ConsumedInstallToken(fingerprint=token.fingerprint, expires_at=token.expires_at,
                                     body_sha256=token.body_sha256))
    session.flush()  # a concurrent twin fails here with IntegrityError
    return True


def _is_replay(exc: IntegrityError) -> bool:
    return "consumed_install_tokens" in str(exc.orig).lower()


def purge_expired_tenants(session: Session, *, now: datetime) -> list[str]:
    """Delete uninstalled tenants whose retention ended (their rows go by ON DELETE CASCADE).

    Returns the purged client keys, for the job's log.
    """
    expired = session.scalars(
        select(Tenant).where(Tenant.installed.is_(False), Tenant.purge_after <= now)
    ).all()
    keys = [tenant.client_key for tenant in expired]
    for tenant in expired:
        session.delete(tenant)
    return keys


def forget_tenant(session: Session, client_key: str) -> None:
    """Delete a tenant and, by ON DELETE CASCADE, all its data (the dev demo site rebuilds
    its tenant from a fresh fake Jira on each start)."""
    session.execute(delete(Tenant).where(Tenant.client_key == client_key))
