"""API tokens, work attributes, the global configuration and the synced issue view."""

from __future__ import annotations


def test_a_token_acts_as_its_owner_until_revoked(api, world):
    created = api.post("/tokens", json={"name": "BI export"})
    assert created.status_code == 201
    token = created.json()["token"]
    assert token.startswith("llt_")
    listed = api.get("/tokens").json()["results"]
    assert [t["name"] for t in listed] == ["BI export"] and "token" not in listed[0]
    made = api.post("/worklogs", token=token, json={
        "issueId": world["story"].id, "startDate": "2026-11-23", "timeSpentSeconds": 600})
    assert made.status_code == 200, made.text
    assert made.json()["author"]["accountId"] == world["ada"].account_id
    assert api.delete(f"/tokens/{created.json()['id']}").status_code == 204
    refused = api.get("/worklogs", token=token)
    assert refused.status_code == 401
    assert refused.json()["errors"]["code"] == "invalid_api_token"


def test_an_unknown_token_is_401(api):
    assert api.get("/worklogs", token="llt_not-a-real-token").status_code == 401


def test_only_admins_define_work_attributes(api, world):
    attribute = {"key": "_WorkType_", "name": "Work type", "type": "STATIC_LIST",
                 "required": True, "values": ["DEV", "MEET"],
                 "names": {"DEV": "Development", "MEET": "Meeting"}}
    assert api.post("/work-attributes", json=attribute).status_code == 403
    admin = api.as_user(world["admin"].account_id)
    created = admin.post("/work-attributes", json=attribute)
    assert created.status_code == 200, created.text
    assert created.json()["names"] == {"DEV": "Development", "MEET": "Meeting"}
    assert [a["key"] for a in api.get("/work-attributes").json()["results"]] == ["_WorkType_"]
    duplicate = admin.post("/work-attributes", json=attribute)
    assert duplicate.status_code == 409


def test_bad_work_attribute_names_each_field(api, world):
    admin = api.as_user(world["admin"].account_id)
    response = admin.post("/work-attributes", json={"key": "bad key!", "type": "COLOR"})
    assert response.status_code == 400
    fields = {f["field"] for f in response.json()["errors"]["fields"]}
    assert fields == {"key", "name", "type"}


def test_global_configuration_mirrors_the_policy(api, world):
    config = api.get("/globalconfiguration").json()
    assert config["worklogDescriptionOptional"] is True
    # Only names a stored setting backs: no constants posing as configuration.
    assert set(config) == {"currencyCode", "maxHoursPerDayPerUser", "numberOfDaysAllowedIntoFuture",
                           "worklogDescriptionOptional", "weekStart", "approvalPeriod",
                           "approvalWeekStart", "policy"}
    admin = api.as_user(world["admin"].account_id)
    changed = admin.put("/globalconfiguration", json={"policy": {"descriptionRequired": True,
                                                                 "maxSecondsPerDay": 36000}})
    assert changed.status_code == 200, changed.text
    assert changed.json()["worklogDescriptionOptional"] is False
    assert changed.json()["maxHoursPerDayPerUser"] == 10
    assert api.put("/globalconfiguration", json={"policy": {}}).status_code == 403
    bad = admin.put("/globalconfiguration", json={"policy": {"maxSecondsPerDay": -1}})
    assert bad.status_code == 400
    assert bad.json()["errors"]["fields"][0]["field"] == "policy.maxSecondsPerDay"


def test_issue_view_shows_the_synced_issue_and_its_account_rule(api, world):
    story = world["story"]
    body = api.get(f"/issues/{story.key}").json()
    assert body["id"] == story.id and body["key"] == story.key
    assert body["parent"]["key"] == world["epic"].key
    assert body["project"] == {"id": int(world["project"].id), "key": "ACME", "name": "Acme Corp"}
    assert body["account"] == {"key": None, "name": None, "rule": "NONE", "viaIssueKey": None}
    assert api.get(f"/issues/{story.id}").json()["key"] == story.key
    assert api.get("/issues/NOPE-1").status_code == 404
