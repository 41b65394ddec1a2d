"""The user schedule over HTTP: weekends, holidays (whole and half days), absences, a scheme
change in the middle of a range, and DST weeks in Auckland and Los Angeles."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

from .conftest import H
from .conftest import ok
from .conftest import schedule
from .conftest import week

W, N = "WORKING_DAY", "NON_WORKING_DAY"


def test_without_schemes_a_person_works_eight_hours_monday_to_friday(api, crew):
    days = schedule(api, crew["ada"].account_id, "2026-03-06", "2026-03-09")
    assert days == [("2026-03-06", 8 * H, W), ("2026-03-07", 0, N), ("2026-03-08", 0, N),
                    ("2026-03-09", 8 * H, W)]


def test_a_scheme_must_list_all_seven_days_exactly_once(admin):
    six = week(8, 8, 8, 8, 8, 0, 0)[:6]
    response = admin.post("/workload-schemes", json={"name": "Six", "days": six})
    assert response.status_code == 400
    assert {f["field"] for f in response.json()["errors"]["fields"]} == {"days"}
    doubled = week(8, 8, 8, 8, 8, 0, 0)
    doubled[6] = {"day": "MONDAY", "requiredSeconds": -1}
    fields = {f["field"] for f in admin.post("/workload-schemes", json={
        "name": "Doubled", "days": doubled}).json()["errors"]["fields"]}
    assert fields == {"days[6].day", "days[6].requiredSeconds"}
    assert ok(admin.get("/workload-schemes"))["results"] == []


def test_holidays_whole_and_half_days_and_on_a_weekend(admin, crew):
    scheme = ok(admin.post("/holiday-schemes", json={"name": "Berlin"}))
    ok(admin.post(f"/holiday-schemes/{scheme['id']}/members",
                  json={"accountIds": [crew["ada"].account_id]}))
    for day, duration in (("2026-12-24", 4 * H), ("2026-12-25", None), ("2026-12-26", None)):
        ok(admin.post(f"/holiday-schemes/{scheme['id']}/holidays", json={
            "name": "Xmas", "date": day, "durationSeconds": duration}))
    days = schedule(admin, crew["ada"].account_id, "2026-12-24", "2026-12-26")
    assert days == [("2026-12-24", 4 * H, "HOLIDAY"), ("2026-12-25", 0, "HOLIDAY"),
                    ("2026-12-26", 0, "HOLIDAY_AND_NON_WORKING_DAY")]
    # Bob follows no holiday scheme (and there is no default one): his days are untouched.
    assert schedule(admin, crew["bob"].account_id, "2026-12-24", "2026-12-24") == [
        ("2026-12-24", 8 * H, W)]
    duplicate = admin.post(f"/holiday-schemes/{scheme['id']}/holidays", json={
        "name": "Again", "date": "2026-12-25"})
    assert duplicate.status_code == 409


def test_absences_whole_and_partial_days(api, crew):
    me = crew["ada"].account_id
    ok(api.post("/absences", json={"from": "2026-03-02", "to": "2026-03-03",
                                   "type": "VACATION"}))
    ok(api.post("/absences", json={"from": "2026-03-04", "secondsPerDay": 3 * H,
                                   "type": "OTHER", "note": "dentist"}))
    assert schedule(api, me, "2026-03-02", "2026-03-05") == [
        ("2026-03-02", 0, "ABSENCE"), ("2026-03-03", 0, "ABSENCE"),
        ("2026-03-04", 5 * H, W), ("2026-03-05", 8 * H, W)]
    someone_else = api.post("/absences", json={"accountId": crew["bob"].account_id,
                                               "from": "2026-03-02", "type": "SICK"})
    assert someone_else.status_code == 403


def test_a_scheme_change_in_the_middle_of_a_range_keeps_the_earlier_days(admin, crew):
    part_time = ok(admin.post("/workload-schemes", json={
        "name": "Four days", "days": week(6, 6, 6, 6, 0, 0, 0)}))
    ok(admin.post(f"/workload-schemes/{part_time['id']}/members", json={
        "accountIds": [crew["ada"].account_id], "effectiveFrom": "2026-03-05"}))
    days = schedule(admin, crew["ada"].account_id, "2026-03-02", "2026-03-06")
    assert [d[1] for d in days] == [8 * H, 8 * H, 8 * H, 6 * H, 0]
    assert days[-1][2] == N
    members = ok(admin.get(f"/workload-schemes/{part_time['id']}/members"))["results"]
    assert members == [{"accountId": crew["ada"].account_id, "effectiveFrom": "2026-03-05"}]


def test_the_default_scheme_applies_to_people_never_moved(admin, crew):
    short = ok(admin.post("/workload-schemes", json={"name": "Short",
                                                     "days": week(7, 7, 7, 7, 7, 0, 0)}))
    ok(admin.put(f"/workload-schemes/{short['id']}/default"))
    assert schedule(admin, crew["bob"].account_id, "2026-03-02", "2026-03-02") == [
        ("2026-03-02", 7 * H, W)]
    mine = ok(admin.get(f"/workload-schemes/users/{crew['bob'].account_id}"))
    assert mine["id"] == short["id"] and mine["defaultScheme"] is True
    assert admin.delete(f"/workload-schemes/{short['id']}").status_code == 409


def test_dst_weeks_are_seven_calendar_days_in_auckland_and_los_angeles(api, crew):
    # Los Angeles springs forward on Sunday 8 March 2026; Auckland falls back on 5 April 2026.
    for person, monday, sunday in ((crew["lou"], "2026-03-02", "2026-03-08"),
                                   (crew["kiri"], "2026-03-30", "2026-04-05")):
        days = schedule(api.as_user(person.account_id), person.account_id, monday, sunday)
        first = date.fromisoformat(monday)
        assert [d[0] for d in days] == [(first + timedelta(days=i)).isoformat()
                                        for i in range(7)]
        assert sum(d[1] for d in days) == 40 * H
        assert [d[2] for d in days] == [W] * 5 + [N] * 2


def test_people_see_only_their_own_schedule_unless_they_lead_or_administer(api, crew):
    response = api.get(f"/user-schedule/{crew['bob'].account_id}",
                       params={"from": "2026-03-02", "to": "2026-03-02"})
    assert response.status_code == 403
    missing = api.get(f"/user-schedule/{crew['ada'].account_id}", params={"from": "x"})
    assert missing.status_code == 400
    assert {f["field"] for f in missing.json()["errors"]["fields"]} == {"from", "to"}


def test_people_list_their_own_absences_and_admins_everyone_s(api, admin, crew):
    ada, bob = crew["ada"].account_id, crew["bob"].account_id
    ok(admin.post("/absences", json={"accountId": bob, "from": "2026-03-02", "type": "SICK"}))
    ok(api.post("/absences", json={"from": "2026-03-03", "type": "VACATION"}))
    assert [a["accountId"] for a in ok(api.get("/absences"))["results"]] == [ada]
    assert ok(api.get("/absences", params={"accountId": bob}))["results"] == []
    everyone = ok(admin.get("/absences", params={"from": "2026-03-01", "to": "2026-03-31"}))
    assert [a["accountId"] for a in everyone["results"]] == [bob, ada]
