"""``/api/4/shares``: who may make, list and revoke share links, what the answers hold (never
the token, which is stored only as its SHA-256), bad input named field by field, and the audit
trail of shares."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import text

from tests.api.test_openapi import conforms  # noqa: F401 - shared fixtures
from tests.api.test_openapi import spec  # noqa: F401

from .conftest import in_days
from .conftest import share_body

SHARE_FIELDS = {"id", "self", "accountKey", "from", "to", "show", "expiresAt", "createdAt",
                "createdBy", "revokedAt"}


def _create(client, **overrides):
    return client.post("/shares", json=share_body(**overrides))


def test_create_answers_the_link_once_and_stores_only_its_hash(shared, database):
    made = _create(shared["lead"])
    assert made.status_code == 201, made.text
    body = made.json()
    assert set(body) == SHARE_FIELDS | {"url"}
    assert (body["accountKey"], body["from"], body["to"], body["revokedAt"]) == (
        "ACME", "2026-11-01", "2026-11-30", None)
    assert body["show"] == ["hours_by_epic", "hours_by_issue", "hours_by_person"]
    token = body["url"].rsplit("/share/", 1)[1]
    assert len(token) >= 40
    listed = shared["lead"].get("/shares").json()
    one = shared["lead"].get(f"/shares/{body['id']}").json()
    assert set(one) == SHARE_FIELDS and set(listed["results"][0]) == SHARE_FIELDS
    assert listed["metadata"]["count"] == 1
    for answer in (listed, one):
        assert token not in str(answer)
    with database.engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM shares")).mappings().one()
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(dict(row))


def test_a_missing_expiry_defaults_to_thirty_days(shared):
    made = _create(shared["admin"], expiresAt=None).json()
    created, expires = made["createdAt"][:10], made["expiresAt"][:10]
    assert (date.fromisoformat(expires) - date.fromisoformat(created)).days == 30


@pytest.mark.parametrize("who,status", [("admin", 201), ("lead", 201), ("user", 403),
                                        ("other", 403), ("anonymous", 401)])
def test_only_admins_and_the_accounts_lead_create_shares(shared, who, status):
    assert _create(shared[who]).status_code == status


def test_a_lead_shares_only_the_accounts_they_lead(shared):
    assert _create(shared["lead"], accountKey="GLOBEX").status_code == 403
    globex = _create(shared["admin"], accountKey="GLOBEX").json()
    acme = _create(shared["admin"]).json()
    assert [s["id"] for s in shared["lead"].get("/shares").json()["results"]] == [acme["id"]]
    assert shared["lead"].get(f"/shares/{globex['id']}").status_code == 403
    assert shared["lead"].delete(f"/shares/{globex['id']}").status_code == 403
    assert shared["lead"].get(f"/shares/{globex['id']}/accesses").status_code == 403
    assert {s["id"] for s in shared["admin"].get("/shares").json()["results"]} == {
        acme["id"], globex["id"]}


@pytest.mark.parametrize("who,status", [("user", 403), ("other", 403), ("anonymous", 401)])
def test_others_may_not_list_read_or_revoke(shared, who, status):
    made = _create(shared["admin"]).json()
    client = shared[who]
    for method, path in (("GET", "/shares"), ("GET", f"/shares/{made['id']}"),
                         ("DELETE", f"/shares/{made['id']}"),
                         ("GET", f"/shares/{made['id']}/accesses")):
        assert client.request(method, path).status_code == status, (method, path)


def test_every_bad_field_is_named_at_once_and_nothing_is_written(shared):
    bad = shared["admin"].post("/shares", json={
        "accountKey": "NOPE", "from": "2026-11-30", "to": "2026-11-01",
        "show": ["hours_by_epic", "margins"], "expiresAt": "2020-01-01T00:00:00Z"})
    assert bad.status_code == 400
    assert {f["field"] for f in bad.json()["errors"]["fields"]} == {
        "accountKey", "to", "show", "expiresAt"}
    empty = shared["admin"].post("/shares", json={"show": [], "expiresAt": in_days(400),
                                                  "from": "2026-13-01"})
    assert {f["field"] for f in empty.json()["errors"]["fields"]} == {
        "accountKey", "from", "to", "show", "expiresAt"}
    assert shared["admin"].post("/shares", json=[1]).status_code == 400
    assert shared["admin"].get("/shares").json()["metadata"]["count"] == 0


def test_revoking_stamps_the_share_and_is_idempotent(shared):
    made = _create(shared["lead"]).json()
    assert shared["lead"].delete(f"/shares/{made['id']}").status_code == 204
    revoked = shared["admin"].get(f"/shares/{made['id']}").json()["revokedAt"]
    assert revoked is not None
    assert shared["admin"].delete(f"/shares/{made['id']}").status_code == 204
    assert shared["admin"].get(f"/shares/{made['id']}").json()["revokedAt"] == revoked
    assert shared["admin"].delete("/shares/999999").status_code == 404


def test_shares_are_audited_without_their_token_hash(shared):
    made = _create(shared["lead"]).json()
    shared["lead"].delete(f"/shares/{made['id']}")
    entries = shared["admin"].post("/papertrail/search", json={
        "from": "2000-01-01", "entityType": ["share"]}).json()["results"]
    assert [(e["action"], e["entityId"], e["parentId"]) for e in entries] == [
        ("Created", str(made["id"]), "ACME"), ("Updated", str(made["id"]), "ACME")]
    created = {c["field"]: c["new"] for c in entries[0]["changes"]}
    assert created["account_key"] == "ACME" and "token_hash" not in created
    assert {c["field"] for c in entries[1]["changes"]} == {"revoked_at", "revoked_by"}


def test_share_responses_match_the_document(shared, conforms):  # noqa: F811
    lead = shared["lead"]
    made = lead.post("/shares", json=share_body(show=["amounts"]))
    conforms(made, "/shares", "post")
    conforms(lead.post("/shares", json={}), "/shares", "post")
    one = f"/shares/{made.json()['id']}"
    conforms(lead.get("/shares"), "/shares", "get")
    conforms(lead.get(one), "/shares/{id}", "get")
    conforms(lead.get(one + "/accesses"), "/shares/{id}/accesses", "get")
    conforms(lead.delete(one), "/shares/{id}", "delete")
