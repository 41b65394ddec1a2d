"""Retention: after uninstall data is kept for the period, then purged by the job; done inbox
events are kept a few days for deduplication, then deleted in bounded batches."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from addon.models import InboxEvent
from addon.models import JiraProject
from addon.models import Tenant
from addon.models.base import utcnow
from worker.jobs.maintenance import purge_done_inbox_events
from worker.jobs.maintenance import purge_uninstalled_tenants


def _tenant(database, client_key):
    with database.transaction() as session:
        return session.scalar(select(Tenant).where(Tenant.client_key == client_key))


def test_uninstalled_tenant_is_kept_until_retention_ends_then_purged(installed_site, app,
                                                                     database):
    tenant = _tenant(database, installed_site.client_key)
    with database.transaction(tenant_id=tenant.id) as session:
        session.add(JiraProject(jira_id="1", key="ACME", name="Acme"))
    installed_site.uninstall()
    kept = _tenant(database, installed_site.client_key)
    assert kept.purge_after - kept.uninstalled_at == timedelta(days=30)

    with app.app_context():
        assert purge_uninstalled_tenants() == []
    assert _tenant(database, installed_site.client_key) is not None

    with database.transaction() as session:
        session.execute(update(Tenant).values(purge_after=utcnow() - timedelta(seconds=1)))
    with app.app_context():
        assert purge_uninstalled_tenants() == [installed_site.client_key]
    assert _tenant(database, installed_site.client_key) is None
    with database.transaction(all_tenants=True) as session:
        assert session.scalar(select(func.count(JiraProject.id))) == 0


def test_installed_tenants_are_never_purged(installed_site, app, database):
    with database.transaction() as session:
        session.execute(update(Tenant).values(purge_after=utcnow() - timedelta(days=1)))
    with app.app_context():
        assert purge_uninstalled_tenants() == []
    assert _tenant(database, installed_site.client_key) is not None


def _event(status: str, processed_days_ago: int | None, n: int) -> InboxEvent:
    now = utcnow()
    processed = now - timedelta(days=processed_days_ago) if processed_days_ago is not None \
        else None
    return InboxEvent(event_type="worklog_created", dedupe_key=f"k{n}", received_at=now,
                      payload={"n": n}, status=status, attempts=1, next_attempt_at=now,
                      processed_at=processed)


def test_done_inbox_events_are_deleted_after_retention_and_parked_ones_stay(
        installed_site, app, database, monkeypatch):
    tenant = _tenant(database, installed_site.client_key)
    with database.transaction(tenant_id=tenant.id) as session:
        session.add_all([_event("done", 4, 1), _event("done", 5, 2), _event("done", 1, 3),
                         _event("parked", None, 4), _event("pending", None, 5)])
    monkeypatch.setattr("worker.jobs.maintenance.PURGE_BATCH", 1)  # several bounded batches
    with app.app_context():
        assert purge_done_inbox_events() == 2  # retention: 3 days by default
        assert purge_done_inbox_events() == 0
    with database.transaction(tenant_id=tenant.id) as session:
        left = {e.payload["n"]: e.status for e in session.scalars(select(InboxEvent))}
    assert left == {3: "done", 4: "parked", 5: "pending"}
