"""The ``ledgerline`` command: migrate, serve, worker, scheduler, demo, purge, resync,
token, sync-status, audit verify.

This is the composition root: the one module of ``addon`` that imports ``worker`` (statically,
so the architecture test sees it); the app itself only names jobs through ``addon.jobs``.
"""

from __future__ import annotations

import json
import threading
from datetime import date

import click
from flask import current_app
from flask.cli import FlaskGroup
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from worker import schedule
from worker.jobs import backfill
from worker.jobs import maintenance
from worker.runtime import tune_gc_for_batches

from . import create_app
from . import get_settings
from . import migrate as migrations
from .config import LINKS_FROM_REQUEST
from .db import get_database
from .demo_site import DemoSiteError
from .demo_site import DemoSiteServer
from .domain import api_tokens
from .domain.audit import verify_chain
from .domain.backfill import BackfillBusy
from .domain.demo import seed_demo_data
from .domain.errors import DomainError
from .domain.inbox import inbox_stats
from .domain.progress import BACKFILL
from .domain.progress import RECONCILE
from .domain.progress import SyncProgress
from .domain.progress import sync_progress
from .jira import JiraUnavailable
from .jobs import EXTENSION_KEY as JOBS_KEY
from .jobs import QUEUE_NAMES
from .jobs import get_jobs
from .models.base import utcnow


@click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_default_commands=False,
             add_version_option=False)
def main() -> None:
    """Ledgerline: time, cost and capacity for Jira Cloud."""


@main.command("migrate")
@with_appcontext
def migrate_command() -> None:
    """Upgrade the database schema to the latest migration (Alembic head)."""
    migrations.upgrade(get_settings(current_app).database_url)
    click.echo("database is at the latest migration")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Run the development server (production: gunicorn "addon:create_app()")."""
    app = current_app._get_current_object()
    app.config[LINKS_FROM_REQUEST] = True
    _start_inline_scheduler(app)
    click.echo(f"Ledgerline on http://{'localhost' if host == '127.0.0.1' else host}:{port}")
    run_simple(host, port, app, threaded=True, use_reloader=False)


def _start_inline_scheduler(app) -> None:
    """No Redis: periodic jobs run on a thread of this process."""
    if app.extensions[JOBS_KEY].inline:
        threading.Thread(target=schedule.run_inline_scheduler, args=(app, threading.Event()),
                         daemon=True, name="inline-scheduler").start()


@main.command("worker")
@click.option("--queue", "queues", multiple=True, type=click.Choice(QUEUE_NAMES),
              help="Queues to serve (default: all).")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@with_appcontext
def worker_command(queues: tuple[str, ...], burst: bool) -> None:
    """Run an RQ worker (needs REDIS_URL)."""
    from rq import Worker
    from sqlalchemy.orm import configure_mappers

    jobs = get_jobs()
    if jobs.inline:
        raise click.ClickException("REDIS_URL is not set: jobs already run in-process")
    configure_mappers()  # once, before forking work-horses
    tune_gc_for_batches()
    worker = Worker([jobs.queue(name) for name in (queues or QUEUE_NAMES)],
                    connection=jobs.redis)
    worker.work(burst=burst, with_scheduler=True)  # runs delayed jobs too


@main.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run RQ's cron scheduler for the periodic jobs (needs REDIS_URL)."""
    jobs = get_jobs()
    if jobs.inline:
        raise click.ClickException("REDIS_URL is not set: `ledgerline serve` runs periodic jobs")
    schedule.cron_scheduler(jobs.redis, jobs.queue_prefix).start()


@main.command("demo")
@with_appcontext
def demo_command() -> None:
    """Seed the local demo tenant (DEV_MODE only) and print where to open it."""
    settings = get_settings(current_app)
    if not settings.dev_mode:
        raise click.ClickException("the demo tenant exists only with DEV_MODE=1")
    store = current_app.extensions["ledgerline.tenants"]
    tenant = store.ensure_demo_tenant(base_url=f"{settings.public_base_url}/dev/jira")
    with get_database().transaction(tenant_id=tenant.tenant_id) as session:
        seed_demo_data(session)
    click.echo(f"demo tenant {tenant.client_key} ready: open {settings.public_base_url}/dev")


@main.command("demo-site")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@with_appcontext
def demo_site_command(host: str, port: int) -> None:
    """Dev mode (`make run`): serve the app with the demo tenant on the fake Jira."""
    if not get_settings(current_app).dev_mode:
        raise click.ClickException("demo-site needs DEV_MODE=1")
    try:
        site = DemoSiteServer(host=host, port=port, today=date.today())
        click.echo("Starting the demo Jira, installing the app and logging a month of time…")
        site.start()
    except DemoSiteError as exc:
        raise click.ClickException(str(exc)) from None
    _start_inline_scheduler(site.app)
    click.echo(f"Ledgerline demo on {site.base_url}/dev (demo Jira at {site.jira.url})")
    site.serve_forever()


@main.command("purge-uninstalled")
@with_appcontext
def purge_command() -> None:
    """Delete tenants whose retention after uninstall has ended."""
    purged = maintenance.purge_uninstalled_tenants()
    click.echo(f"purged {len(purged)} tenant(s)")


def _tenant_or_fail(client_key: str):
    tenant = current_app.extensions["ledgerline.tenants"].find(client_key)
    if tenant is None:
        raise click.ClickException(f"no tenant with clientKey {client_key!r}")
    return tenant


def _rate(progress: SyncProgress | None) -> str | None:
    if progress is None or progress.rate_per_second is None:
        return None
    return f"{progress.rate_per_second:,.0f}/s"


class _PhaseBars:
    """One click progress bar per backfill phase, fed by the backfill's progress reports."""

    def __init__(self) -> None:
        self._bar = None
        self._phase: str | None = None
        self._shown = 0

    def update(self, progress: SyncProgress) -> None:
        if progress.phase != self._phase:
            self.close()
            self._phase = progress.phase
            if progress.phase is None:
                return
            self._bar = click.progressbar(
                length=max(progress.total or 0, progress.done, 1), label=f"{progress.phase:<8}",
                show_pos=True, item_show_func=_rate)
            self._bar.__enter__()
            self._shown = 0
        if self._bar is not None:
            self._bar.length = max(progress.total or 0, progress.done, 1)
            self._bar.update(progress.done - self._shown, progress)
            self._shown = progress.done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


@main.command("resync")
@click.option("--tenant", "client_key", required=True, help="The tenant's Connect clientKey.")
@click.option("--resume", is_flag=True,
              help="Continue an interrupted backfill instead of starting over.")
@with_appcontext
def resync_command(client_key: str, resume: bool) -> None:
    """Copy a tenant's Jira again, in this process, with a progress bar."""
    tenant = _tenant_or_fail(client_key)
    bars = _PhaseBars()
    try:
        outcome = backfill.backfill_now(tenant.tenant_id, restart=not resume,
                                        on_progress=bars.update)
    except BackfillBusy as exc:
        raise click.ClickException(str(exc)) from None
    except JiraUnavailable as exc:
        raise click.ClickException(f"{exc} — continue with `ledgerline resync --tenant "
                                   f"{client_key} --resume`") from None
    finally:
        bars.close()
    if outcome == backfill.SKIPPED:
        raise click.ClickException(f"tenant {client_key!r} is not installed and enabled")
    with get_database().transaction(tenant_id=tenant.tenant_id) as session:
        click.echo(sync_progress(session, BACKFILL, now=utcnow()).summary())


@main.command("sync-status")
@click.option("--tenant", "client_key", required=True, help="The tenant's Connect clientKey.")
@with_appcontext
def sync_status_command(client_key: str) -> None:
    """Show a tenant's backfill and reconciliation state and its webhook inbox."""
    tenant = _tenant_or_fail(client_key)
    now = utcnow()
    with get_database().transaction(tenant_id=tenant.tenant_id) as session:
        click.echo(sync_progress(session, BACKFILL, now=now).summary())
        click.echo(sync_progress(session, RECONCILE, now=now).summary())
        inbox = inbox_stats(session)
    oldest = inbox.oldest_pending
    since = f", oldest {oldest:%Y-%m-%d %H:%M:%S} UTC" if oldest else ""
    click.echo(f"inbox {inbox.pending:,} pending{since} · {inbox.parked:,} parked")


@main.group("audit")
def audit_group() -> None:
    """The audit trail."""


@audit_group.command("verify")
@click.option("--tenant", "client_key", required=True, help="The tenant's Connect clientKey.")
@with_appcontext
def audit_verify_command(client_key: str) -> None:
    """Walk a tenant's audit chain and recompute every hash; exit 1 if it is broken."""
    tenant = _tenant_or_fail(client_key)
    with get_database().transaction(tenant_id=tenant.tenant_id) as session:
        result = verify_chain(session)
    click.echo(json.dumps({"valid": result.valid, "entries": result.entries,
                           "firstBrokenId": result.first_broken_id}))
    if not result.valid:
        raise SystemExit(1)


@main.group("token")
def token_group() -> None:
    """API tokens for scripts against /api/4."""


@token_group.command("create")
@click.option("--tenant", "client_key", required=True, help="The tenant's Connect clientKey.")
@click.option("--user", "account_id", required=True,
              help="The Atlassian account id the token acts as (with that user's rights).")
@click.option("--name", required=True, help="What the token is for (shown in token lists).")
@with_appcontext
def token_create_command(client_key: str, account_id: str, name: str) -> None:
    """Create an API token and print it, once: only its hash is stored."""
    tenant = _tenant_or_fail(client_key)
    try:
        with get_database().transaction(tenant_id=tenant.tenant_id) as session:
            token, row = api_tokens.create_token(session, owner=account_id, name=name,
                                                 now=utcnow())
            prefix = row.prefix
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"token {prefix}… for {account_id} on {client_key}; it is shown only now:",
               err=True)
    click.echo(token)
