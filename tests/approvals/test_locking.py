"""Locking on every app write path (REST API; the panel and "My time" write through the same
endpoints): create, edit, delete and move into a locked period are 409 naming the period and
its state; admin period closures CLOSED_FOR_USERS and CLOSED."""

from __future__ import annotations

import pytest

from .helpers import NEXT_WEEK
from .helpers import WEEK
from .helpers import log_time
from .helpers import transition


def _edit(client, worklog, **changes):
    body = {"issueId": worklog["issue"]["id"], "startDate": worklog["startDate"],
            "startTime": worklog["startTime"], "timeSpentSeconds": 7200,
            "attributes": [{"key": "_Account_", "value": "ACC"}]}
    body.update(changes)
    return client.put(f"/worklogs/{worklog['tempoWorklogId']}", json=body)


@pytest.fixture(params=["IN_REVIEW", "APPROVED"])
def locked(request, timesheet, world):
    t = timesheet
    open_one = log_time(t["user"], world, day="2026-12-01")
    assert open_one.status_code == 200
    assert transition(t["user"], t["ada"], "submit").status_code == 200
    if request.param == "APPROVED":
        assert transition(t["reviewer"], t["ada"], "approve").status_code == 200
    return {**t, "state": request.param, "open_one": open_one.json()}


def _assert_locked(response, state):
    assert response.status_code == 409, response.text
    message = response.json()["errors"]["message"]
    assert f"{WEEK['from']}..{WEEK['to']}" in message and state in message


def test_every_write_path_is_locked(locked, world):
    t, state = locked, locked["state"]
    _assert_locked(log_time(t["user"], world), state)                      # create
    _assert_locked(log_time(t["admin"], world, authorAccountId=t["ada"]), state)
    _assert_locked(_edit(t["user"], t["worklog"]), state)                  # edit
    _assert_locked(_edit(t["admin"], t["worklog"]), state)
    _assert_locked(t["user"].delete(f"/worklogs/{t['worklog']['tempoWorklogId']}"), state)
    _assert_locked(_edit(t["user"], t["open_one"], startDate="2026-11-25"), state)  # move in
    assert _edit(t["user"], t["open_one"]).status_code == 200  # the next week is open
    assert t["user"].get(f"/worklogs/{t['worklog']['tempoWorklogId']}").json()[
        "timeSpentSeconds"] == 3600


def test_reopened_and_recalled_periods_are_writable_again(timesheet, world):
    t = timesheet
    transition(t["user"], t["ada"], "submit")
    transition(t["user"], t["ada"], "recall")
    assert log_time(t["user"], world).status_code == 200


def test_closed_for_users_lets_admins_and_reviewers_correct(timesheet, world):
    t = timesheet
    assert t["user"].put(f"/periods/{NEXT_WEEK['from']}",
                         json={"status": "CLOSED"}).status_code == 403
    closed = t["admin"].put(f"/periods/{NEXT_WEEK['from']}", json={"status": "CLOSED_FOR_USERS"})
    assert closed.status_code == 200 and closed.json()["status"] == "CLOSED_FOR_USERS"
    refused = log_time(t["user"], world, day="2026-12-01")
    assert refused.status_code == 409
    assert "2026-11-30..2026-12-06 is CLOSED_FOR_USERS" in refused.json()["errors"]["message"]
    assert log_time(t["admin"], world, day="2026-12-01",
                    authorAccountId=t["ada"]).status_code == 200
    assert log_time(t["reviewer"], world, day="2026-12-02",
                    authorAccountId=t["ada"]).status_code == 200
    listed = t["user"].get("/periods", params={"from": "2026-11-23", "to": "2026-12-06"})
    assert listed.json()["periods"] == [
        {**WEEK, "status": "OPEN"}, {**NEXT_WEEK, "status": "CLOSED_FOR_USERS"}]
    t["admin"].put(f"/periods/{NEXT_WEEK['from']}", json={"status": "CLOSED"})
    made = log_time(t["admin"], world, day="2026-12-03", authorAccountId=t["ada"])
    assert made.status_code == 409 and "is CLOSED" in made.json()["errors"]["message"]


def test_period_settings_are_stored_bounded_and_keep_the_rest(timesheet):
    admin, user = timesheet["admin"], timesheet["user"]
    bad = admin.put("/globalconfiguration", json={
        "approvalPeriod": "YEAR", "approvalWeekStart": 9, "policy": {"maxSecondsPerDay": -1},
        "weekStart": 0, "currencyCode": "EURO"})
    assert bad.status_code == 400
    assert {f["field"] for f in bad.json()["errors"]["fields"]} == {
        "approvalPeriod", "approvalWeekStart", "policy.maxSecondsPerDay", "weekStart",
        "currencyCode"}
    assert user.put("/globalconfiguration", json={"approvalPeriod": "MONTH"}).status_code == 403
    changed = admin.put("/globalconfiguration", json={"approvalPeriod": "MONTH",
                                                      "policy": {"descriptionRequired": True}})
    assert changed.status_code == 200
    kept = admin.put("/globalconfiguration", json={"approvalWeekStart": 7}).json()
    assert (kept["approvalPeriod"], kept["approvalWeekStart"]) == ("MONTH", 7)
    assert kept["policy"]["descriptionRequired"] is True
    months = user.get("/periods", params={"from": "2026-11-15", "to": "2026-12-02"}).json()
    assert [(p["from"], p["to"]) for p in months["periods"]] == [
        ("2026-11-01", "2026-11-30"), ("2026-12-01", "2026-12-31")]
    admin.put("/globalconfiguration", json={"approvalPeriod": "WEEK"})
    weeks = user.get("/periods", params={"from": "2026-11-23", "to": "2026-11-23"}).json()
    assert weeks["periods"][0]["from"] == "2026-11-22"  # Sunday-start weeks
