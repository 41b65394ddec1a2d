"""Typed settings, read from the environment once, in the factory.

Tests pass a plain mapping instead, so no test needs an env var or a file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import fields
from dataclasses import replace
from pathlib import Path

DEV_SECRET_KEY = "ledgerline-dev-only-secret-key"  # never accepted outside DEV_MODE


class ConfigError(RuntimeError):
    """The configuration cannot run the app safely."""


def _default_database_url() -> str:
    path = Path.cwd() / "var" / "ledgerline.db"
    return f"sqlite:///{path}"


def normalize_database_url(url: str) -> str:
    """Accept the usual ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _as_bool(value: str | bool | None) -> bool:
    if isinstance(value, bool):
        return value
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


# Flask config flag set by ``ledgerline serve``: API links follow the host and port the client
# used (a local server's port need not be BASE_URL's).
LINKS_FROM_REQUEST = "LEDGERLINE_LINKS_FROM_REQUEST"


@dataclass(frozen=True)
class Settings:
    base_url: str = "http://localhost:8000"
    addon_key: str = "ledgerline"
    addon_name: str = "Ledgerline"
    database_url: str = ""
    redis_url: str | None = None
    secret_key: str | None = None
    connect_install_keys_url: str = "https://connect-install-keys.atlassian.com"
    atlassian_oauth_url: str = "https://oauth-2-authorization-server.services.atlassian.com"
    dev_mode: bool = False
    # Days an uninstalled tenant's data is kept before the purge job removes it.
    uninstalled_retention_days: int = 30
    # Seconds of clock skew tolerated on inbound JWTs (Atlassian suggests a small leeway).
    jwt_leeway_seconds: int = 30
    log_level: str = "INFO"
    # Copy the site's Jira after each install, this many seconds after the callback returns.
    backfill_on_install: bool = True
    backfill_delay_seconds: int = 10
    # Prefix for RQ queue names, so test runs (or environments) sharing a Redis never mix jobs.
    queue_prefix: str = ""
    # Largest request body accepted (REST API and webhooks alike); larger gets 413.
    max_body_bytes: int = 1024 * 1024
    # How many proxies in front of the app set X-Forwarded-*; 0 = trust none (werkzeug ProxyFix).
    trusted_proxy_count: int = 0
    testing: bool = False
    # Seconds a web process keeps a tenant (and its decrypted secret) between lookups; a
    # reinstall or uninstall handled by another process is seen at most this late.
    tenant_cache_seconds: int = 30
    # Days a done inbox event is kept for deduplication before the retention job deletes it.
    inbox_retention_days: int = 3

    @property
    def public_base_url(self) -> str:
        return self.base_url.rstrip("/")


_ENV_NAMES = {
    "base_url": "BASE_URL",
    "addon_key": "ADDON_KEY",
    "database_url": "DATABASE_URL",
    "redis_url": "REDIS_URL",
    "secret_key": "SECRET_KEY",
    "connect_install_keys_url": "CONNECT_INSTALL_KEYS_URL",
    "atlassian_oauth_url": "ATLASSIAN_OAUTH_URL",
    "dev_mode": "DEV_MODE",
    "uninstalled_retention_days": "UNINSTALLED_RETENTION_DAYS",
    "jwt_leeway_seconds": "JWT_LEEWAY_SECONDS",
    "log_level": "LOG_LEVEL",
    "queue_prefix": "QUEUE_PREFIX",
    "backfill_on_install": "BACKFILL_ON_INSTALL",
    "backfill_delay_seconds": "BACKFILL_DELAY_SECONDS",
    "max_body_bytes": "MAX_BODY_BYTES",
    "trusted_proxy_count": "TRUSTED_PROXY_COUNT",
    "tenant_cache_seconds": "TENANT_CACHE_SECONDS",
    "inbox_retention_days": "INBOX_RETENTION_DAYS",
}


def _coerce(name: str, raw):
    if name in {"dev_mode", "testing", "backfill_on_install"}:
        return _as_bool(raw)
    if name in {"uninstalled_retention_days", "jwt_leeway_seconds", "backfill_delay_seconds",
                "trusted_proxy_count", "tenant_cache_seconds", "inbox_retention_days"}:
        try:
            return int(raw)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{_ENV_NAMES.get(name, name)} must be an integer") from exc
    if name == "redis_url":
        return raw or None
    return raw


def load_settings(overrides: Mapping[str, object] | None = None,
                  environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from the environment, then apply `overrides` (field names, lower case).

    Raises ConfigError when the result would be unsafe (no SECRET_KEY outside dev mode).
    """
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for name, env_name in _ENV_NAMES.items():
        if env_name in environ:
            values[name] = _coerce(name, environ[env_name])
    known = {f.name for f in fields(Settings)}
    for name, value in (overrides or {}).items():
        if name not in known:
            raise ConfigError(f"unknown setting {name!r}")
        values[name] = _coerce(name, value)
    settings = Settings(**values)
    database_url = settings.database_url or _default_database_url()
    settings = replace(settings, database_url=normalize_database_url(database_url))
    if not settings.secret_key:
        if not (settings.dev_mode or settings.testing):
            raise ConfigError("SECRET_KEY is required outside DEV_MODE (it encrypts secrets)")
        settings = replace(settings, secret_key=DEV_SECRET_KEY)
    elif settings.secret_key == DEV_SECRET_KEY and not (settings.dev_mode or settings.testing):
        raise ConfigError("the development SECRET_KEY cannot be used outside DEV_MODE")
    return settings
