"""Cross-tenant isolation: the one scoping mechanism, on the real database."""

from __future__ import annotations

import pytest
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import aliased

from addon.models import CrossTenantAccess
from addon.models import JiraProject
from addon.models import Tenant
from addon.models.base import utcnow


@pytest.fixture
def two_tenants(database):
    with database.transaction() as session:
        tenants = [Tenant(client_key=key, addon_key="ledgerline", shared_secret_encrypted="x",
                          base_url=f"https://{key}.atlassian.net", installed_at=utcnow())
                   for key in ("acme", "globex")]
        session.add_all(tenants)
        session.flush()
        ids = [t.id for t in tenants]
    for tenant_id, key in zip(ids, ("ACME", "GLOB"), strict=True):
        with database.transaction(tenant_id=tenant_id) as session:
            session.add(JiraProject(jira_id="10000", key=key, name=f"{key} project"))
    return ids


def test_a_tenant_session_sees_only_its_rows(database, two_tenants):
    acme, globex = two_tenants
    with database.transaction(tenant_id=acme) as session:
        assert session.scalars(select(JiraProject.key)).all() == ["ACME"]
        assert session.scalar(select(func.count(JiraProject.id))) == 1
    with database.transaction(tenant_id=globex) as session:
        assert [p.key for p in session.scalars(select(JiraProject))] == ["GLOB"]


def test_get_by_primary_key_of_another_tenants_row_finds_nothing(database, two_tenants):
    acme, globex = two_tenants
    with database.transaction(tenant_id=globex) as session:
        globex_row = session.scalar(select(JiraProject.id))
    with database.transaction(tenant_id=acme) as session:
        assert session.scalars(select(JiraProject).where(JiraProject.id == globex_row)).all() == []


def test_aliases_and_joins_are_scoped_too(database, two_tenants):
    acme, _ = two_tenants
    other = aliased(JiraProject)
    with database.transaction(tenant_id=acme) as session:
        rows = session.execute(
            select(JiraProject.key, other.key).join(other, other.jira_id == JiraProject.jira_id)
        ).all()
    assert rows == [("ACME", "ACME")]


def test_bulk_update_and_delete_stay_inside_the_tenant(database, two_tenants):
    acme, globex = two_tenants
    with database.transaction(tenant_id=acme) as session:
        session.execute(update(JiraProject).values(name="renamed"))
        session.execute(delete(JiraProject).where(JiraProject.key == "GLOB"))
    with database.transaction(tenant_id=globex) as session:
        (project,) = session.scalars(select(JiraProject))
        assert project.name == "GLOB project"


def test_a_session_for_no_tenant_refuses_tenant_data(database, two_tenants):
    with database.transaction() as session, pytest.raises(CrossTenantAccess):
        session.scalars(select(JiraProject)).all()


def test_rows_cannot_be_written_for_another_tenant(database, two_tenants):
    acme, globex = two_tenants
    with pytest.raises(CrossTenantAccess), database.transaction(tenant_id=acme) as session:
        session.add(JiraProject(tenant_id=globex, jira_id="2", key="X", name="x"))
    with database.transaction(tenant_id=globex) as session:
        assert session.scalar(select(func.count(JiraProject.id))) == 1


def test_new_rows_take_the_sessions_tenant(database, two_tenants):
    acme, _ = two_tenants
    with database.transaction(tenant_id=acme) as session:
        project = JiraProject(jira_id="3", key="NEW", name="new")
        session.add(project)
        session.flush()
        assert project.tenant_id == acme


def test_maintenance_sessions_see_all_tenants_only_when_asked(database, two_tenants):
    with database.transaction(all_tenants=True) as session:
        assert session.scalar(select(func.count(JiraProject.id))) == 2


def test_every_tenant_table_is_indexed_by_tenant_for_lookups_and_the_tenant_cascade():
    """A model may drop its own ``tenant_id`` index (``index_tenant_id = False``: one less
    write per row) only when a unique key or full index already leads with ``tenant_id``;
    otherwise deleting a tenant would scan the table once per cascade."""
    from sqlalchemy import Index
    from sqlalchemy import UniqueConstraint

    from addon.models import Base

    unindexed = []
    for table in Base.metadata.tables.values():
        if "tenant_id" not in table.c:
            continue
        keys = [list(c.columns) for c in table.constraints
                if isinstance(c, UniqueConstraint) or c is table.primary_key]
        keys += [list(i.columns) for i in table.indexes
                 if isinstance(i, Index) and i.dialect_options["postgresql"].get("where") is None]
        if not any(columns and columns[0].name == "tenant_id" for columns in keys):
            unindexed.append(table.name)
    assert unindexed == []
