"""Plans over HTTP: spreading a total over working days in proportion (half days get half, the
remainder on the last day), over every day when asked, per-day plans, split, re-spread when a
holiday arrives later, and who may plan whom."""

from __future__ import annotations

from .conftest import H
from .conftest import ok
from .conftest import team_with


def _days(plan: dict) -> dict[str, int]:
    return {d["date"]: d["plannedSeconds"] for d in plan["plannedTime"]["days"]["values"]}


def _plan(client, assignee: str, item: dict, start: str, end: str, **extra):
    return client.post("/plans", json={"assigneeId": assignee, "assigneeType": "USER",
                                       "startDate": start, "endDate": end, **item, **extra})


def test_a_total_follows_the_schedule_half_day_gets_half_remainder_on_last_day(admin, crew):
    scheme = ok(admin.post("/holiday-schemes", json={"name": "Default"}))
    ok(admin.put(f"/holiday-schemes/{scheme['id']}/default"))
    ok(admin.post(f"/holiday-schemes/{scheme['id']}/holidays", json={
        "name": "Half", "date": "2026-03-04", "durationSeconds": 4 * H}))
    story = {"planItemType": "ISSUE", "planItemId": crew["story"].id}
    # Mon–Sun: 8 + 8 + 4 + 8 + 8 = 36 h of working time; 10 h + 1 s to spread.
    plan = ok(_plan(admin, crew["ada"].account_id, story, "2026-03-02", "2026-03-08",
                    plannedSeconds=10 * H + 1))
    assert _days(plan) == {"2026-03-02": 8000, "2026-03-03": 8000, "2026-03-04": 4000,
                           "2026-03-05": 8000, "2026-03-06": 8001}
    assert plan["totalPlannedSeconds"] == 10 * H + 1
    assert plan["effortPersistenceType"] == "TOTAL_SECONDS"
    assert plan["planItem"] == {"id": int(crew["story"].id), "type": "ISSUE"}


def test_include_non_working_days_spreads_evenly_over_every_calendar_day(admin, crew):
    plan = ok(_plan(admin, crew["bob"].account_id,
                    {"planItemType": "PROJECT", "planItemId": crew["project"].id},
                    "2026-03-06", "2026-03-08", plannedSeconds=10, includeNonWorkingDays=True))
    assert _days(plan) == {"2026-03-06": 3, "2026-03-07": 3, "2026-03-08": 4}


def test_per_day_plans_land_on_working_days_and_weekends_alone_are_refused(admin, crew):
    project = {"planItemType": "PROJECT", "planItemId": crew["project"].id}
    plan = ok(_plan(admin, crew["bob"].account_id, project, "2026-03-06", "2026-03-09",
                    plannedSecondsPerDay=2 * H))
    assert _days(plan) == {"2026-03-06": 2 * H, "2026-03-09": 2 * H}
    weekend = _plan(admin, crew["bob"].account_id, project, "2026-03-07", "2026-03-08",
                    plannedSeconds=H)
    assert weekend.status_code == 422
    assert weekend.json()["errors"]["fields"][0]["code"] == "no_working_time"


def test_bad_plan_input_names_every_field_and_writes_nothing(admin, crew):
    response = admin.post("/plans", json={"assigneeType": "GENERIC", "planItemType": "EPIC",
                                          "startDate": "2026-13-01", "endDate": "soon"})
    assert response.status_code == 400
    fields = {f["field"] for f in response.json()["errors"]["fields"]}
    assert fields >= {"assigneeId", "assigneeType", "planItemType", "planItemId", "startDate",
                      "endDate"}
    unknown = _plan(admin, crew["ada"].account_id, {"planItemType": "ACCOUNT",
                                                    "planItemId": "NOPE"},
                    "2026-03-02", "2026-03-02", plannedSeconds=H)
    assert unknown.status_code == 400
    assert ok(admin.get("/plans", params={"from": "2026-01-01", "to": "2026-12-31"})
              )["results"] == []


def test_a_holiday_added_later_re_spreads_the_plan(admin, crew):
    plan = ok(_plan(admin, crew["ada"].account_id,
                    {"planItemType": "ISSUE", "planItemId": crew["story"].id},
                    "2026-03-02", "2026-03-03", plannedSeconds=4 * H))
    assert _days(plan) == {"2026-03-02": 2 * H, "2026-03-03": 2 * H}
    scheme = ok(admin.post("/holiday-schemes", json={"name": "Local"}))
    ok(admin.post(f"/holiday-schemes/{scheme['id']}/members",
                  json={"accountIds": [crew["ada"].account_id]}))
    ok(admin.post(f"/holiday-schemes/{scheme['id']}/holidays",
                  json={"name": "Strike", "date": "2026-03-02"}))
    assert _days(ok(admin.get(f"/plans/{plan['id']}"))) == {"2026-03-03": 4 * H}


def test_split_keeps_each_part_s_time_and_put_keeps_billable(admin, crew):
    plan = ok(_plan(admin, crew["ada"].account_id,
                    {"planItemType": "ISSUE", "planItemId": crew["story"].id},
                    "2026-03-02", "2026-03-06", plannedSeconds=10 * H, billable=False))
    first, second = ok(admin.post(f"/plans/{plan['id']}/split",
                                  json={"date": "2026-03-05"}))["results"]
    assert (first["endDate"], first["totalPlannedSeconds"]) == ("2026-03-04", 6 * H)
    assert (second["startDate"], second["totalPlannedSeconds"]) == ("2026-03-05", 4 * H)
    replaced = ok(admin.put(f"/plans/{second['id']}", json={
        "assigneeId": crew["ada"].account_id, "planItemType": "ISSUE",
        "planItemId": crew["story"].id, "startDate": "2026-03-05", "endDate": "2026-03-06",
        "plannedSecondsPerDay": H}))
    assert replaced["billable"] is False and replaced["effortPersistenceType"] == \
        "SECONDS_PER_DAY"
    assert admin.delete(f"/plans/{first['id']}").status_code == 204
    assert admin.get(f"/plans/{first['id']}").status_code == 404


def test_leads_plan_their_members_users_see_only_their_own(api, admin, crew):
    ada, bob, kiri = (crew[n].account_id for n in ("ada", "bob", "kiri"))
    team_with(admin, "Delivery", [(bob, 100)], lead=ada)
    story = {"planItemType": "ISSUE", "planItemId": crew["story"].id}
    ok(_plan(api, bob, story, "2026-03-02", "2026-03-02", plannedSeconds=H))
    assert _plan(api, kiri, story, "2026-03-02", "2026-03-02",
                 plannedSeconds=H).status_code == 403
    bob_client = api.as_user(bob)
    assert _plan(bob_client, bob, story, "2026-03-02", "2026-03-02",
                 plannedSeconds=H).status_code == 403
    ok(_plan(admin, kiri, story, "2026-03-02", "2026-03-02", plannedSeconds=H))
    mine = ok(bob_client.get(f"/plans/user/{bob}", params={"from": "2026-03-01",
                                                           "to": "2026-03-31"}))
    assert [p["assignee"]["id"] for p in mine["results"]] == [bob]
    everyone = ok(bob_client.post("/plans/search", json={"from": "2026-03-01",
                                                          "to": "2026-03-31"}))
    assert [p["assignee"]["id"] for p in everyone["results"]] == [bob]
    by_project = ok(admin.post("/plans/search", json={
        "from": "2026-03-01", "to": "2026-03-31", "projectIds": [crew["project"].id]}))
    assert by_project["metadata"]["count"] == 2
