"""The ``ledgerline`` command: migrate, serve, worker, scheduler, demo, purge."""

from __future__ import annotations

import importlib
import threading

import click
from flask import current_app
from flask.cli import FlaskGroup
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from . import create_app
from . import get_settings
from . import migrate as migrations
from .jobs import QUEUE_NAMES
from .jobs import get_jobs


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
    if get_jobs().inline:
        # No Redis: periodic jobs run on a thread of this process.
        schedule = importlib.import_module("worker.schedule")
        stop = threading.Event()
        threading.Thread(target=schedule.run_inline_scheduler, args=(app, stop),
                         daemon=True, name="inline-scheduler").start()
    click.echo(f"Ledgerline on http://{'localhost' if host == '127.0.0.1' else host}:{port}")
    run_simple(host, port, app, threaded=True, use_reloader=False)


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
    schedule = importlib.import_module("worker.schedule")
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
    click.echo(f"demo tenant {tenant.client_key} ready: open {settings.public_base_url}/dev")


@main.command("purge-uninstalled")
@with_appcontext
def purge_command() -> None:
    """Delete tenants whose retention after uninstall has ended."""
    maintenance = importlib.import_module("worker.jobs.maintenance")
    purged = maintenance.purge_uninstalled_tenants()
    click.echo(f"purged {len(purged)} tenant(s)")
