"""Roles in capacity: a membership's roleId (must exist, survives the role as null), the board's
roleId filter (held roles are effective-dated), and utilization by role against its target."""

from __future__ import annotations

from .conftest import H
from .conftest import ok
from .conftest import team_with
from .test_utilization import SPAN
from .test_utilization import _example


def _role(admin, name: str, target=None) -> dict:
    return ok(admin.post("/roles", json={"name": name, "targetUtilizationPercent": target}))


def test_a_membership_role_must_exist_and_is_shown_by_name(admin, crew):
    team = ok(admin.post("/teams", json={"name": "Roles"}))
    body = {"teamId": team["id"], "accountId": crew["ada"].account_id, "from": "2026-03-02"}
    missing = admin.post("/team-memberships", json={**body, "roleId": 999})
    assert missing.status_code == 400
    assert missing.json()["errors"]["fields"][0]["field"] == "roleId"
    role = _role(admin, "Architect")
    made = ok(admin.post("/team-memberships", json={**body, "roleId": role["id"]}))
    assert made["role"] == {"id": role["id"], "name": "Architect"}
    assert admin.delete(f"/roles/{role['id']}").status_code == 204
    assert ok(admin.get(f"/team-memberships/{made['id']}"))["role"] is None


def test_the_board_filters_by_held_role_and_by_membership_role(admin, crew):
    ada, bob, kiri = (crew[n].account_id for n in ("ada", "bob", "kiri"))
    consultant, lead = _role(admin, "Consultant"), _role(admin, "Lead")
    # Bob becomes a consultant in the middle of the range; Ada was one long before.
    ok(admin.put(f"/roles/{consultant['id']}/members", json={"accountIds": [ada],
                                                             "effectiveFrom": "2026-01-01"}))
    ok(admin.put(f"/roles/{consultant['id']}/members", json={"accountIds": [ada, bob],
                                                             "effectiveFrom": "2026-03-05"}))
    team = ok(admin.post("/teams", json={"name": "Leads"}))
    ok(admin.post("/team-memberships", json={"teamId": team["id"], "accountId": kiri,
                                             "roleId": lead["id"], "from": "2026-01-01"}))
    span = {"from": "2026-03-02", "to": "2026-03-08"}

    def people(role_id, **more):
        board = ok(admin.get("/capacity", params={**span, **more, "roleId": role_id}))
        return {r["user"]["accountId"] for r in board["results"]}

    assert people(consultant["id"]) == {ada, bob}
    assert people(consultant["id"], to="2026-03-04") == {ada}
    assert people(lead["id"]) == {kiri}
    assert admin.get("/capacity", params={**span, "roleId": 999}).status_code == 400


def test_utilization_by_role_counts_each_day_for_the_role_held_and_shows_the_gap(
        admin, api, crew):
    _example(admin, api, crew)
    consultant = _role(admin, "Consultant", 80)
    junior = _role(admin, "Junior", "60.5")
    ok(admin.put(f"/roles/{consultant['id']}/members", json={
        "accountIds": [crew["ada"].account_id], "effectiveFrom": "2026-01-01"}))
    # Bob is a junior until Wednesday, a consultant from Thursday 28 May.
    ok(admin.put(f"/roles/{junior['id']}/members", json={
        "accountIds": [crew["bob"].account_id], "effectiveFrom": "2026-01-01"}))
    ok(admin.put(f"/roles/{consultant['id']}/members", json={  # PUT names every member
        "accountIds": [crew["ada"].account_id, crew["bob"].account_id],
        "effectiveFrom": "2026-05-28"}))
    rows = {r["groupName"]: r for r in ok(admin.get("/reports/utilization", params={
        **SPAN, "groupBy": "role"}))["results"]}
    # Consultant: Ada's 32 h plus Bob's Thursday and Friday (16 h, 8 h logged, 4 h billable).
    assert (rows["Consultant"]["availableSeconds"], rows["Consultant"]["loggedSeconds"],
            rows["Consultant"]["billableSeconds"]) == (48 * H, 38 * H, 28 * H)
    assert rows["Consultant"]["billableUtilizationPercent"] == 58.33
    assert (rows["Consultant"]["targetUtilizationPercent"], rows["Consultant"]["gapPercent"]) \
        == (80, 21.67)
    assert (rows["Junior"]["availableSeconds"], rows["Junior"]["targetUtilizationPercent"],
            rows["Junior"]["gapPercent"]) == (16 * H, 60.5, 35.5)
    users = {r["group"]: r for r in ok(admin.get("/reports/utilization", params={
        **SPAN, "groupBy": "user"}))["results"]}
    assert users[crew["ada"].account_id]["gapPercent"] == 5


def test_team_lead_membership_role_does_not_leak_other_teams(admin, api, crew):
    team_with(admin, "Mine", [(crew["bob"].account_id, 100)], lead=crew["ada"].account_id)
    team_with(admin, "Theirs", [(crew["kiri"].account_id, 100)])
    rows = ok(api.get("/reports/utilization", params={**SPAN, "groupBy": "team"}))["results"]
    assert [r["groupName"] for r in rows] == ["Mine"]
