"""The capacity board over HTTP: a team across Auckland and Los Angeles, commitments counted
in team totals only, memberships with inclusive ends (and Tempo's exclusive ones converted),
over-allocation, logged time on the author's local day, filters and the week start."""

from __future__ import annotations

from .conftest import H
from .conftest import ok
from .conftest import team_with


def _board(client, **params) -> dict:
    return ok(client.get("/capacity", params={"granularity": "WEEK", **params}))


def _row(board: dict, account_id: str) -> list[dict]:
    (row,) = [r for r in board["results"] if r["user"]["accountId"] == account_id]
    return row["periods"]


def test_three_full_members_and_one_half_make_140_hours_a_week(admin, crew):
    people = [(crew[n].account_id, 100) for n in ("ada", "bob", "kiri")]
    team = team_with(admin, "Core", people + [(crew["lou"].account_id, 50)])
    board = _board(admin, **{"from": "2026-03-02", "to": "2026-03-08", "teamId": team})
    assert board["teamTotals"][0]["availableSeconds"] == 140 * H
    # A person's own row is not scaled by their commitment.
    assert _row(board, crew["lou"].account_id)[0]["availableSeconds"] == 40 * H
    assert len(board["results"]) == 4


def test_auckland_and_los_angeles_on_one_team_in_a_dst_week(admin, crew):
    kiri, lou = crew["kiri"].account_id, crew["lou"].account_id
    team = team_with(admin, "Pacific", [(kiri, 100), (lou, 100)])
    # Kiri logs Monday 9 March 08:30 in Auckland: still Sunday 8 March in UTC and in LA.
    ok(admin.as_user(kiri).post("/worklogs", json={
        "issueId": int(crew["story"].id), "startDate": "2026-03-09", "startTime": "08:30:00",
        "timeSpentSeconds": 2 * H, "timeZone": "Pacific/Auckland"}))
    board = _board(admin, **{"from": "2026-03-02", "to": "2026-03-15", "teamId": team})
    assert [p["availableSeconds"] for p in _row(board, lou)] == [40 * H, 40 * H]
    assert [p["loggedSeconds"] for p in _row(board, kiri)] == [0, 2 * H]
    assert {r["user"]["timeZone"] for r in board["results"]} == {"Pacific/Auckland",
                                                                 "America/Los_Angeles"}
    assert [t["availableSeconds"] for t in board["teamTotals"]] == [80 * H, 80 * H]


def test_membership_ends_are_inclusive_and_tempo_s_exclusive_to_is_converted(admin, crew):
    team = ok(admin.post("/teams", json={"name": "Short stay"}))
    ours = ok(admin.post("/team-memberships", json={
        "teamId": team["id"], "accountId": crew["ada"].account_id, "commitmentPercent": 50,
        "from": "2026-03-02", "to": "2026-03-03"}))
    tempo = ok(admin.post("/team-memberships", json={
        "teamId": team["id"], "accountId": crew["bob"].account_id, "commitmentPercent": 100,
        "from": "2026-03-02", "to": "2026-03-04", "useInclusiveEndDate": False}))
    assert (ours["to"], ours["inclusiveTo"]) == ("2026-03-03", "2026-03-03")
    assert (tempo["to"], tempo["inclusiveTo"], tempo["exclusiveTo"]) == (
        "2026-03-03", "2026-03-03", "2026-03-04")
    board = _board(admin, **{"from": "2026-03-02", "to": "2026-03-08", "teamId": team["id"]})
    # Ada: 2 days × 8 h × 50 %; Bob: 2 days × 8 h.
    assert board["teamTotals"][0]["availableSeconds"] == 8 * H + 16 * H
    overlap = admin.post("/team-memberships", json={
        "teamId": team["id"], "accountId": crew["ada"].account_id, "from": "2026-03-03"})
    assert overlap.status_code == 409
    backwards = admin.post("/team-memberships", json={
        "teamId": team["id"], "accountId": crew["kiri"].account_id, "from": "2026-03-05",
        "to": "2026-03-04", "commitmentPercent": 0})
    assert {f["field"] for f in backwards.json()["errors"]["fields"]} == {
        "to", "commitmentPercent"}


def test_over_allocation_is_flagged_per_period(admin, crew):
    ada = crew["ada"].account_id
    for seconds in (30 * H, 12 * H):
        ok(admin.post("/plans", json={
            "assigneeId": ada, "planItemType": "ISSUE", "planItemId": crew["story"].id,
            "startDate": "2026-03-02", "endDate": "2026-03-06", "plannedSeconds": seconds}))
    board = _board(admin, **{"from": "2026-03-02", "to": "2026-03-15"})
    first, second = _row(board, ada)
    assert (first["plannedSeconds"], first["remainingSeconds"], first["overAllocated"]) == (
        42 * H, -2 * H, True)
    assert (second["plannedSeconds"], second["overAllocated"]) == (0, False)


def test_filters_by_project_and_account_and_role(admin, crew):
    ada, bob = crew["ada"].account_id, crew["bob"].account_id
    ok(admin.post("/plans", json={
        "assigneeId": ada, "planItemType": "ISSUE", "planItemId": crew["story"].id,
        "startDate": "2026-03-02", "endDate": "2026-03-02", "plannedSeconds": H}))
    span = {"from": "2026-03-02", "to": "2026-03-08"}
    by_project = _board(admin, **span, projectId=crew["project"].id)
    assert [r["user"]["accountId"] for r in by_project["results"]] == [ada]
    assert _board(admin, **span, accountKey="NONE")["results"] == []
    role = ok(admin.post("/roles", json={"name": "Reviewer"}))["id"]
    team = ok(admin.post("/teams", json={"name": "Roles"}))
    ok(admin.post("/team-memberships", json={"teamId": team["id"], "accountId": bob,
                                             "roleId": role, "from": "2026-01-01"}))
    assert [r["user"]["accountId"] for r in _board(admin, **span, roleId=role)["results"]] == [
        bob]


def test_weeks_start_on_the_configured_day(admin, crew):
    assert ok(admin.get("/globalconfiguration"))["weekStart"] == 1
    assert ok(admin.put("/globalconfiguration", json={"weekStart": "SUNDAY"}))["weekStart"] == 7
    board = _board(admin, **{"from": "2026-03-02", "to": "2026-03-10"})
    assert board["weekStart"] == "SUNDAY"
    assert [(p["from"], p["to"]) for p in board["results"][0]["periods"]] == [
        ("2026-03-02", "2026-03-07"), ("2026-03-08", "2026-03-10")]
    bad = admin.put("/globalconfiguration", json={"weekStart": 9})
    assert bad.status_code == 400 and bad.json()["errors"]["fields"][0]["field"] == "weekStart"


def test_people_see_their_own_row_and_leads_their_members(api, admin, crew):
    ada, bob = crew["ada"].account_id, crew["bob"].account_id
    span = {"from": "2026-03-02", "to": "2026-03-08"}
    assert [r["user"]["accountId"] for r in _board(api, **span)["results"]] == [ada]
    team_with(admin, "Led", [(bob, 100)], lead=ada)
    assert {r["user"]["accountId"] for r in _board(api, **span)["results"]} == {ada, bob}
    assert len(_board(admin, **span)["results"]) >= 4
