"""Every capture rule on the REST write path: refused with the field named, nothing written."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select

from addon.models import Worklog


def _body(world, **overrides):
    body = {"issueId": world["story"].id, "startDate": "2026-11-23", "startTime": "09:00:00",
            "timeSpentSeconds": 3600, "description": "work"}
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


@pytest.fixture
def nothing_written(database, world):
    def check():
        with database.transaction(all_tenants=True) as session:
            assert session.scalar(select(func.count(Worklog.id))) == 0
        assert not world["model"].worklogs

    return check


@pytest.fixture
def admin(api, world):
    return api.as_user(world["admin"].account_id)


def _fields(response) -> set[str]:
    return {f["field"] for f in response.json()["errors"]["fields"]}


@pytest.mark.parametrize(("overrides", "field"), [
    ({"issueId": None}, "issueId"),
    ({"issueId": "ACME-1"}, "issueId"),
    ({"issueId": 999999}, "issueId"),
    ({"startDate": None}, "startDate"),
    ({"startDate": "23/11/2026"}, "startDate"),
    ({"startDate": "2026-02-30"}, "startDate"),
    ({"startTime": "25:00"}, "startTime"),
    ({"timeSpentSeconds": None}, "timeSpentSeconds"),
    ({"timeSpentSeconds": 0}, "timeSpentSeconds"),
    ({"timeSpentSeconds": "lots"}, "timeSpentSeconds"),
    ({"billableSeconds": 3601}, "billableSeconds"),
    ({"billableSeconds": -1}, "billableSeconds"),
    ({"timeZone": "Mars/Olympus"}, "timeZone"),
    ({"attributes": "nope"}, "attributes"),
    ({"attributes": [{"key": "_Nope_", "value": "x"}]}, "attributes._Nope_"),
    ({"timeSpentSeconds": None, "timeSpent": "an hour"}, "timeSpent"),
])
def test_malformed_input_is_a_400_naming_the_field(api, world, nothing_written, overrides, field):
    response = api.post("/worklogs", json=_body(world, **overrides))
    assert response.status_code == 400, response.text
    assert field in _fields(response)
    nothing_written()


def test_jira_duration_notation_is_accepted(api, world):
    response = api.post("/worklogs", json=_body(world, timeSpentSeconds=None, timeSpent="1h 30m"))
    assert response.status_code == 200, response.text
    assert response.json()["timeSpentSeconds"] == 5400


def _set_policy(admin, **policy):
    response = admin.put("/globalconfiguration", json={"policy": policy})
    assert response.status_code == 200, response.text


TODAY = date.today()


@pytest.mark.parametrize(("policy", "overrides", "field"), [
    ({"descriptionRequired": True}, {"description": "  "}, "description"),
    ({"accountRequired": True}, {}, "attributes._Account_"),
    ({"minDurationSeconds": 900}, {"timeSpentSeconds": 600}, "timeSpentSeconds"),
    ({"maxDurationSeconds": 7200}, {"timeSpentSeconds": 7201}, "timeSpentSeconds"),
    ({"daysBackAllowed": 7}, {"startDate": (TODAY - timedelta(days=8)).isoformat()}, "startDate"),
    ({"daysAheadAllowed": 1}, {"startDate": (TODAY + timedelta(days=2)).isoformat()},
     "startDate"),
])
def test_policy_violations_are_a_422_naming_the_field(api, admin, world, nothing_written, policy,
                                                      overrides, field):
    _set_policy(admin, **policy)
    response = api.post("/worklogs", json=_body(world, **overrides))
    assert response.status_code == 422, response.text
    assert field in _fields(response)
    nothing_written()


def test_daily_maximum_counts_the_authors_day(api, admin, world):
    _set_policy(admin, maxSecondsPerDay=8 * 3600)
    assert api.post("/worklogs", json=_body(world, timeSpentSeconds=6 * 3600)).status_code == 200
    over = api.post("/worklogs", json=_body(world, timeSpentSeconds=3 * 3600))
    assert over.status_code == 422 and "timeSpentSeconds" in _fields(over)
    other_day = api.post("/worklogs", json=_body(world, startDate="2026-11-24",
                                                 timeSpentSeconds=3 * 3600))
    assert other_day.status_code == 200
    bob = api.as_user(world["bob"].account_id)
    assert bob.post("/worklogs", json=_body(world, timeSpentSeconds=3 * 3600)).status_code == 200


def test_editing_a_worklog_does_not_count_it_twice_against_the_daily_maximum(api, admin, world):
    _set_policy(admin, maxSecondsPerDay=4 * 3600)
    made = api.post("/worklogs", json=_body(world, timeSpentSeconds=3 * 3600)).json()
    edited = api.put(f"/worklogs/{made['tempoWorklogId']}",
                     json=_body(world, timeSpentSeconds=4 * 3600))
    assert edited.status_code == 200, edited.text


def test_required_attributes_are_enforced_at_capture(api, admin, world, nothing_written):
    admin.post("/work-attributes", json={"key": "_WorkType_", "name": "Work type",
                                         "type": "STATIC_LIST", "required": True,
                                         "values": ["DEV", "MEET"]})
    missing = api.post("/worklogs", json=_body(world))
    assert missing.status_code == 400 and "attributes._WorkType_" in _fields(missing)
    wrong = api.post("/worklogs", json=_body(world, attributes=[{"key": "_WorkType_",
                                                                  "value": "PLAY"}]))
    assert wrong.status_code == 400 and "attributes._WorkType_" in _fields(wrong)
    nothing_written()
    ok = api.post("/worklogs", json=_body(world, attributes=[{"key": "_WorkType_",
                                                               "value": "DEV"}]))
    assert ok.status_code == 200, ok.text
    values = ok.json()["attributes"]["values"]
    assert {"key": "_WorkType_", "value": "DEV"} in values and ok.json()["complete"] is True


@pytest.mark.parametrize(("billable", "expected"), [(None, 0), (0, 0), (1800, 1800),
                                                    (3600, 3600)])
def test_billable_seconds_bounds(api, world, billable, expected):
    response = api.post("/worklogs", json=_body(world, billableSeconds=billable))
    assert response.status_code == 200, response.text
    assert response.json()["billableSeconds"] == expected
