"""Roles over ``/api/4/roles``: Tempo's shape, one default, effective-dated members."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func
from sqlalchemy import select

from addon.domain.roles import default_role
from addon.domain.roles import role_of
from addon.models import Role


@pytest.fixture
def admin(api, world):
    return api.as_user(world["admin"].account_id)


@pytest.fixture
def tenant_id(app, world):
    return app.extensions["ledgerline.tenants"].find(world["site"].client_key).tenant_id


def test_a_site_starts_with_one_default_role(api):
    listed = api.get("/roles").json()["results"]
    assert [(r["name"], r["default"]) for r in listed] == [("Default", True)]
    assert api.get("/roles/default").json()["id"] == listed[0]["id"]


def test_create_make_default_and_the_default_cannot_go(admin, api):
    senior = admin.post("/roles", json={"name": "Senior", "targetUtilizationPercent": 80})
    assert senior.status_code == 200, senior.text
    body = senior.json()
    assert (body["name"], body["default"], body["targetUtilizationPercent"]) == (
        "Senior", False, 80)
    made = admin.put(f"/roles/{body['id']}", json={"name": "Senior", "default": True})
    assert made.json()["default"] is True
    defaults = [r["name"] for r in api.get("/roles").json()["results"] if r["default"]]
    assert defaults == ["Senior"]
    undefault = admin.put(f"/roles/{body['id']}", json={"name": "Senior", "default": False})
    assert undefault.status_code == 409
    assert admin.delete(f"/roles/{body['id']}").status_code == 409
    assert admin.post("/roles", json={"name": "Senior"}).status_code == 409
    assert api.post("/roles", json={"name": "Junior"}).status_code == 403  # not an admin


def test_put_keeps_the_extension_field_when_absent_and_null_clears_it(admin):
    role = admin.post("/roles", json={"name": "Dev", "targetUtilizationPercent": 85.5}).json()
    renamed = admin.put(f"/roles/{role['id']}", json={"name": "Developer"}).json()
    assert (renamed["name"], renamed["targetUtilizationPercent"]) == ("Developer", 85.5)
    cleared = admin.put(f"/roles/{role['id']}", json={"name": "Developer",
                                                     "targetUtilizationPercent": None}).json()
    assert cleared["targetUtilizationPercent"] is None


def test_bad_input_names_every_field(admin):
    response = admin.post("/roles", json={"name": " ", "targetUtilizationPercent": 140})
    assert response.status_code == 400
    fields = {f["field"] for f in response.json()["errors"]["fields"]}
    assert fields == {"name", "targetUtilizationPercent"}


def test_a_promotion_is_effective_dated(admin, world, database, tenant_id):
    ada = world["ada"].account_id
    senior = admin.post("/roles", json={"name": "Senior"}).json()
    put = admin.put(f"/roles/{senior['id']}/members",
                    json={"accountIds": [ada], "effectiveFrom": "2026-10-01"})
    assert put.status_code == 200, put.text
    assert put.json()["accountIds"] == [ada]
    before = admin.get(f"/roles/{senior['id']}/members", params={"date": "2026-09-30"}).json()
    after = admin.get(f"/roles/{senior['id']}/members", params={"date": "2026-10-01"}).json()
    assert (before["accountIds"], after["accountIds"]) == ([], [ada])
    with database.transaction(tenant_id=tenant_id) as session:
        assert role_of(session, tenant_id, ada, date(2026, 9, 30)).name == "Default"
        assert role_of(session, tenant_id, ada, date(2026, 10, 1)).name == "Senior"
        assert role_of(session, tenant_id, "nobody", date(2026, 10, 1)).is_default


def test_members_left_out_of_a_put_fall_back_to_the_default_from_that_day(admin, world):
    ada, bob = world["ada"].account_id, world["bob"].account_id
    lead = admin.post("/roles", json={"name": "Lead"}).json()
    admin.put(f"/roles/{lead['id']}/members", json={"accountIds": [ada, bob],
                                                    "effectiveFrom": "2026-01-01"})
    admin.put(f"/roles/{lead['id']}/members", json={"accountIds": [bob],
                                                    "effectiveFrom": "2026-06-01"})
    march = admin.get(f"/roles/{lead['id']}/members", params={"date": "2026-03-01"}).json()
    july = admin.get(f"/roles/{lead['id']}/members", params={"date": "2026-07-01"}).json()
    assert (march["accountIds"], july["accountIds"]) == (sorted([ada, bob]), [bob])


def test_deleting_a_role_moves_its_members_to_the_default(admin, world, database, tenant_id):
    ada = world["ada"].account_id
    temp = admin.post("/roles", json={"name": "Temp"}).json()
    admin.put(f"/roles/{temp['id']}/members", json={"accountIds": [ada],
                                                    "effectiveFrom": "2026-01-01"})
    assert admin.delete(f"/roles/{temp['id']}").status_code == 204
    assert admin.get(f"/roles/{temp['id']}").status_code == 404
    with database.transaction(tenant_id=tenant_id) as session:
        assert role_of(session, tenant_id, ada, date(2026, 2, 1)).is_default


def test_racing_first_uses_create_one_default(database, tenant_id):
    barrier = threading.Barrier(4)
    errors = []

    def first_use():
        try:
            with database.transaction(tenant_id=tenant_id) as session:
                barrier.wait(timeout=10)
                default_role(session, tenant_id)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=first_use) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database.transaction(tenant_id=tenant_id) as session:
        assert session.scalar(select(func.count()).select_from(Role)
                              .where(Role.is_default)) == 1
