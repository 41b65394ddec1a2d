"""The Flask application: ``create_app()`` assembles every part in one visible list."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask


def create_app(config: Mapping[str, object] | None = None) -> Flask:
    """Build the app from the environment, or from ``config`` (setting names) in tests.

    Nothing connects at import time; the engine and Redis client are created here.
    """
    import connect
    from connect.store import CachingTenantStore

    from . import api
    from . import caller
    from . import db
    from . import dev
    from . import errors
    from . import hardening
    from . import jobs
    from . import log
    from . import ops
    from . import panels
    from . import webhooks
    from .api import auth as api_auth
    from .config import load_settings
    from .domain import audit
    from .domain.secrets import SecretBox
    from .domain.tenants import SqlTenantStore
    from .jsonout import DecimalJSONProvider

    settings = load_settings(config)
    log.configure_logging(settings.log_level)

    app = Flask(__name__)
    app.json = DecimalJSONProvider(app)
    app.config.update(TESTING=settings.testing, JSON_SORT_KEYS=False)
    app.extensions["ledgerline.settings"] = settings

    database = db.Database(settings.database_url)
    db.init_app(app, database)
    audit.init_app(app)
    jobs.init_app(app, jobs.JobRunner(settings.redis_url, queue_prefix=settings.queue_prefix))
    log.init_app(app)
    errors.init_app(app)
    caller.init_app(app)
    store = CachingTenantStore(
        SqlTenantStore(database, SecretBox(settings.secret_key),
                       retention_days=settings.uninstalled_retention_days),
        ttl_seconds=settings.tenant_cache_seconds)
    app.extensions["ledgerline.tenants"] = store
    connect.init_app(
        app,
        config=connect.ConnectConfig(
            base_url=settings.public_base_url,
            addon_key=settings.addon_key,
            install_keys_url=settings.connect_install_keys_url,
            oauth_url=settings.atlassian_oauth_url,
            jwt_leeway_seconds=settings.jwt_leeway_seconds,
        ),
        store=store,
        error_response=errors.error_response,
        on_installed=_schedule_backfill(app, settings),
        bearer=api_auth.authenticate_api_token,
    )
    hardening.init_app(app, max_body_bytes=settings.max_body_bytes)
    app.register_blueprint(ops.bp)
    app.register_blueprint(panels.bp)
    app.register_blueprint(webhooks.bp)
    api.init_app(app)
    if settings.dev_mode:
        app.register_blueprint(dev.bp)
    _trust_proxies(app, settings.trusted_proxy_count)
    return app


def _trust_proxies(app: Flask, count: int) -> None:
    """Behind ``count`` proxies, take scheme, host and client address from X-Forwarded-*;
    with none configured those headers are ignored (anyone could send them)."""
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count,
                                x_port=count)


def _schedule_backfill(app: Flask, settings):
    """After an install, copy the site's Jira once Jira has adopted the new shared secret.

    Jira starts accepting calls signed with a new secret only after ``installed`` succeeds,
    so the backfill is scheduled a little later rather than run inside the callback.
    """
    if not settings.backfill_on_install:
        return None

    def schedule(tenant) -> None:
        from .jobs import BACKFILL_JOB
        from .jobs import get_jobs

        get_jobs().enqueue_in(settings.backfill_delay_seconds, BACKFILL_JOB, tenant.tenant_id,
                              queue="sync", app=app)

    return schedule


def get_settings(app: Flask):
    return app.extensions["ledgerline.settings"]
