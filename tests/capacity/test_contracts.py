"""Capacity responses validate against /api/4/openapi.json; public holidays import from the
``holidays`` package; scheme management is the administrators'; anonymous calls get 401."""

from __future__ import annotations

import pytest
import requests
from jsonschema import Draft202012Validator

from .conftest import H
from .conftest import ok
from .conftest import week


@pytest.fixture
def conforms(live_app):
    spec = requests.get(f"{live_app.url}/api/4/openapi.json", timeout=10).json()

    def check(response, path: str, method: str):
        operation = spec["paths"][path][method]
        status = str(response.status_code)
        assert status in operation["responses"], (path, method, status, response.text)
        content = operation["responses"][status].get("content")
        if content is None:
            assert not response.content
            return response
        schema = dict(content["application/json"]["schema"])
        schema["components"] = spec["components"]
        Draft202012Validator(schema).validate(response.json())
        return response

    return check


def test_capacity_responses_match_the_document(admin, crew, conforms):
    ada = crew["ada"].account_id
    span = {"from": "2026-03-02", "to": "2026-03-08"}
    team = conforms(admin.post("/teams", json={"name": "T", "leadAccountId": ada}),
                    "/teams", "post").json()
    conforms(admin.get("/teams"), "/teams", "get")
    conforms(admin.get(f"/teams/{team['id']}"), "/teams/{id}", "get")
    member = conforms(admin.post("/team-memberships", json={
        "teamId": team["id"], "accountId": ada, "from": "2026-03-01"}),
        "/team-memberships", "post").json()
    conforms(admin.get(f"/teams/{team['id']}/members"), "/teams/{id}/members", "get")
    conforms(admin.get(f"/team-memberships/{member['id']}"), "/team-memberships/{id}", "get")
    conforms(admin.post("/team-memberships/search", json={"teamIds": [team["id"]]}),
             "/team-memberships/search", "post")
    scheme = conforms(admin.post("/workload-schemes", json={
        "name": "W", "days": week(8, 8, 8, 8, 8, 0, 0)}), "/workload-schemes", "post").json()
    conforms(admin.get(f"/workload-schemes/users/{ada}"),
             "/workload-schemes/users/{accountId}", "get")
    conforms(admin.post(f"/workload-schemes/{scheme['id']}/members", json={
        "accountIds": [ada]}), "/workload-schemes/{id}/members", "post")
    conforms(admin.get("/workload-schemes"), "/workload-schemes", "get")
    holidays = conforms(admin.post("/holiday-schemes", json={"name": "H"}),
                        "/holiday-schemes", "post").json()
    conforms(admin.post(f"/holiday-schemes/{holidays['id']}/holidays", json={
        "name": "Half", "date": "2026-03-03", "durationSeconds": 4 * H}),
        "/holiday-schemes/{id}/holidays", "post")
    conforms(admin.get(f"/holiday-schemes/{holidays['id']}/holidays"),
             "/holiday-schemes/{id}/holidays", "get")
    conforms(admin.post("/absences", json={"accountId": ada, "from": "2026-03-04"}),
             "/absences", "post")
    conforms(admin.get("/absences"), "/absences", "get")
    conforms(admin.get(f"/user-schedule/{ada}", params=span), "/user-schedule/{accountId}",
             "get")
    plan = conforms(admin.post("/plans", json={
        "assigneeId": ada, "planItemType": "ISSUE", "planItemId": crew["story"].id,
        "startDate": "2026-03-02", "endDate": "2026-03-06", "plannedSeconds": 10 * H}),
        "/plans", "post").json()
    conforms(admin.get(f"/plans/{plan['id']}"), "/plans/{id}", "get")
    conforms(admin.get("/plans", params=span), "/plans", "get")
    conforms(admin.post(f"/plans/{plan['id']}/split", json={"date": "2026-03-05"}),
             "/plans/{id}/split", "post")
    conforms(admin.get("/capacity", params={**span, "teamId": team["id"]}), "/capacity", "get")
    conforms(admin.get("/reports/utilization", params={**span, "groupBy": "team"}),
             "/reports/utilization", "get")
    conforms(admin.post("/plans", json={}), "/plans", "post")  # 400
    conforms(admin.delete(f"/plans/{plan['id']}"), "/plans/{id}", "delete")


def test_public_holidays_import_and_dates_already_there_are_skipped(admin):
    scheme = ok(admin.post("/holiday-schemes", json={"name": "New Zealand"}))
    url = f"/holiday-schemes/{scheme['id']}/holidays"
    ok(admin.post(url, json={"name": "Our own Waitangi", "date": "2026-02-06"}))
    added = ok(admin.post(f"{url}/import", json={"country": "NZ", "subdivision": "AUK",
                                                 "year": 2026}))["results"]
    dates = {h["date"] for h in added}
    assert "2026-12-25" in dates and "2026-02-06" not in dates
    assert all(h["durationSeconds"] is None for h in added)
    again = ok(admin.post(f"{url}/import", json={"country": "NZ", "subdivision": "AUK",
                                                 "year": 2026}))
    assert again["results"] == []
    waitangi = [h for h in ok(admin.get(url, params={"year": 2026}))["results"]
                if h["date"] == "2026-02-06"]
    assert [h["name"] for h in waitangi] == ["Our own Waitangi"]
    bad = admin.post(f"{url}/import", json={"country": "XX", "year": 2026})
    assert bad.status_code == 400 and bad.json()["errors"]["fields"][0]["field"] == "country"


def test_schemes_and_teams_are_managed_by_administrators_only(api, crew):
    assert api.post("/workload-schemes", json={
        "name": "Mine", "days": week(1, 1, 1, 1, 1, 1, 1)}).status_code == 403
    assert api.post("/holiday-schemes", json={"name": "Mine"}).status_code == 403
    assert api.post("/teams", json={"name": "Mine"}).status_code == 403


def test_a_team_lead_manages_the_team_s_memberships(api, admin, crew):
    ada, bob = crew["ada"].account_id, crew["bob"].account_id
    led = ok(admin.post("/teams", json={"name": "Led", "leadAccountId": ada}))
    other = ok(admin.post("/teams", json={"name": "Other"}))
    made = ok(api.post("/team-memberships", json={"teamId": led["id"], "accountId": bob}))
    assert api.post("/team-memberships", json={"teamId": other["id"],
                                                "accountId": bob}).status_code == 403
    assert api.as_user(bob).delete(f"/team-memberships/{made['id']}").status_code == 403
    assert api.delete(f"/team-memberships/{made['id']}").status_code == 204


def test_anonymous_calls_are_refused(api, crew):
    for path in ("/teams", "/capacity?from=2026-03-02&to=2026-03-08", "/workload-schemes"):
        assert api.as_user(None).get(path).status_code == 401
