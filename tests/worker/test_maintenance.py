"""Retention after uninstall: data is kept for the period, then purged by the job."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from addon.models import JiraProject
from addon.models import Tenant
from addon.models.base import utcnow
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
