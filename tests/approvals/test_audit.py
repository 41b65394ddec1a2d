"""The audit trail: field-level entries with who and where, Tempo's papertrail search (JSON and
CSV, admins only), and a per-tenant hash chain that detects edited and deleted rows."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select
from sqlalchemy import text

from addon.domain import audit
from addon.models import AuditEntry
from tests.world import tenant_id_of

from .helpers import transition

SEARCH = {"from": "2000-01-01"}


def _search(client, **body):
    return client.post("/papertrail/search", json={**SEARCH, **body})


def test_changes_are_recorded_field_by_field_with_who_and_source(timesheet, world):
    t = timesheet
    worklog_id = t["worklog"]["tempoWorklogId"]
    edited = t["user"].put(f"/worklogs/{worklog_id}", json={
        "issueId": world["story"].id, "startDate": "2026-11-24", "startTime": "09:00:00",
        "timeSpentSeconds": 5400, "description": "work",
        "attributes": [{"key": "_Account_", "value": "ACC"}]})
    assert edited.status_code == 200
    transition(t["user"], t["ada"], "submit")
    assert _search(t["user"]).status_code == 403
    entries = _search(t["admin"], entityType=["worklog"], action=["Updated"]).json()["results"]
    change = next(e for e in entries if e["entityId"] == str(worklog_id))
    assert {"field": "time_spent_seconds", "previous": 3600, "new": 5400} in change["changes"]
    assert change["author"]["accountId"] == t["ada"]
    assert (change["source"], change["actorType"]) == ("panel", "user")
    kinds = {(e["entityType"], e["action"]) for e in _search(t["admin"]).json()["results"]}
    assert {("account", "Created"), ("accountlink", "Created"), ("worklog", "Created"),
            ("approval", "Created")} <= kinds
    token = t["admin"].post("/tokens", json={"name": "ci"}).json()["token"]
    assert t["admin"].put("/periods/2026-11-30", json={"status": "CLOSED"},
                          token=token).status_code == 200
    closed = _search(t["admin"], entityType=["period"]).json()["results"]
    assert [(e["actorType"], e["source"], e["author"]["accountId"]) for e in closed] == [
        ("token", "api", world["admin"].account_id)]
    exported = t["admin"].post("/papertrail/search", params={"format": "csv"}, json=SEARCH)
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert exported.headers["Content-Type"].startswith("text/csv")
    assert len(rows) == len(_search(t["admin"]).json()["results"])


def test_search_pages_with_a_cursor_and_refuses_unknown_filters(timesheet):
    admin = timesheet["admin"]
    first = admin.post("/papertrail/search", params={"limit": 2}, json=SEARCH).json()
    assert first["metadata"]["count"] == 2 and "next" in first["metadata"]
    second = admin.post("/papertrail/search", json=SEARCH, params={
        "limit": 2, "nextPageToken": first["metadata"]["nextPageToken"]}).json()
    assert second["results"][0]["id"] > first["results"][-1]["id"]
    bad = admin.post("/papertrail/search", json={"entityType": ["spaceship"]})
    assert {f["field"] for f in bad.json()["errors"]["fields"]} == {"from", "entityType"}


def test_the_chain_verifies(timesheet):
    verified = timesheet["admin"].get("/audit/verify").json()
    assert verified["valid"] is True and verified["entries"] >= 4
    assert verified["firstBrokenId"] is None
    assert timesheet["user"].get("/audit/verify").status_code == 403


def _tamper(database, statement: str, **params):
    with database.engine.begin() as conn:
        postgres = database.dialect == "postgresql"
        if postgres:
            conn.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER "
                              "audit_entries_append_only"))
        conn.execute(text(statement), params)
        if postgres:
            conn.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER "
                              "audit_entries_append_only"))


def _entry_ids(database) -> list[int]:
    with database.engine.connect() as conn:
        return list(conn.execute(text("SELECT id FROM audit_entries ORDER BY seq")).scalars())


@pytest.mark.parametrize("how", ["edit", "delete", "delete_last"])
def test_tampering_in_sql_is_detected(timesheet, database, how):
    ids = _entry_ids(database)
    target = ids[-1] if how == "delete_last" else ids[1]
    if how == "edit":
        _tamper(database, "UPDATE audit_entries SET actor_id = 'someone-else' WHERE id = :id",
                id=target)
    else:
        _tamper(database, "DELETE FROM audit_entries WHERE id = :id", id=target)
    verified = timesheet["admin"].get("/audit/verify").json()
    assert verified["valid"] is False
    expected = {"edit": target, "delete": ids[2], "delete_last": ids[-2]}[how]
    assert verified["firstBrokenId"] == expected


def test_postgres_refuses_update_and_delete(timesheet, database):
    if database.dialect != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    for statement in ("UPDATE audit_entries SET action = 'Deleted'", "DELETE FROM audit_entries"):
        with pytest.raises(Exception, match="append-only"), database.engine.begin() as conn:
            conn.execute(text(statement))


class _Refused(Exception):
    pass


def _record(session, tenant_id: int, entity_id: str) -> None:
    audit.record(session, tenant_id=tenant_id, entity_type="settings", entity_id=entity_id,
                 action="Updated", changes=[{"field": "name", "previous": None, "new": "x"}])


def _stored(database, tenant_id: int) -> list[tuple[str, int]]:
    with database.transaction(tenant_id=tenant_id) as session:
        return [(e.entity_id, e.seq) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.entity_type == "settings")
            .order_by(AuditEntry.seq))]


def test_entries_of_a_rolled_back_savepoint_or_transaction_are_not_kept(app, installed_site,
                                                                         database):
    """Entries wait for the commit to be sealed; a savepoint's rollback must still take its
    own entries (and those of savepoints inside it) with it, and leave no gap in the chain."""
    tenant_id = tenant_id_of(app, installed_site)
    with database.transaction(tenant_id=tenant_id) as session:
        _record(session, tenant_id, "kept-before")
        with pytest.raises(_Refused), session.begin_nested():
            _record(session, tenant_id, "dropped")
            with session.begin_nested():
                _record(session, tenant_id, "dropped-inner")
            raise _Refused
        with session.begin_nested():
            _record(session, tenant_id, "kept-savepoint")
        _record(session, tenant_id, "kept-after")
    with pytest.raises(_Refused), database.transaction(tenant_id=tenant_id) as session:
        _record(session, tenant_id, "dropped-with-transaction")
        raise _Refused
    stored = _stored(database, tenant_id)
    assert [entity for entity, _ in stored] == ["kept-before", "kept-savepoint", "kept-after"]
    seqs = [seq for _, seq in stored]
    assert seqs == list(range(seqs[0], seqs[0] + 3))
    with database.transaction(tenant_id=tenant_id) as session:
        assert audit.verify_chain(session).valid


def test_postgres_refuses_to_seal_a_stored_entry(app, installed_site, database):
    """Entries are inserted sealed, so no update of the chain fields is ever legitimate."""
    if database.dialect != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    tenant_id = tenant_id_of(app, installed_site)
    with database.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO audit_entries (tenant_id, created_at, actor_type, source, entity_type, "
            "entity_id, action, changes) VALUES (:tenant, now(), 'system', 'job', 'settings', "
            "'forged', 'Updated', '[]')"), {"tenant": tenant_id})
    with pytest.raises(Exception, match="append-only"), database.engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET seq = 999, hash = 'forged' "
                          "WHERE entity_id = 'forged'"))
