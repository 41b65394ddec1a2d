"""Every documented response validates against ``/api/4/openapi.json``."""

from __future__ import annotations

import pytest
import requests
from jsonschema import Draft202012Validator


@pytest.fixture
def spec(live_app):
    document = requests.get(f"{live_app.url}/api/4/openapi.json", timeout=10).json()
    assert document["openapi"].startswith("3.1")
    return document


@pytest.fixture
def conforms(spec):
    def check(response, path: str, method: str):
        operation = spec["paths"][path][method]
        status = str(response.status_code)
        assert status in operation["responses"], (path, method, status, response.text)
        content = operation["responses"][status].get("content")
        if content is None:
            assert not response.content
            return
        schema = dict(content["application/json"]["schema"])
        schema["components"] = spec["components"]
        Draft202012Validator(schema).validate(response.json())

    return check


def test_the_document_lists_every_api_route(spec, app):
    documented = {path.replace("{", "<").split("<")[0] for path in spec["paths"]}
    served = {rule.rule.removeprefix("/api/4").split("<")[0] for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/4/") and not rule.rule.endswith("openapi.json")}
    assert served - documented == set()


def test_responses_match_the_document(api, world, conforms, run_jobs):
    admin = api.as_user(world["admin"].account_id)
    story, project = world["story"], world["project"]
    conforms(admin.post("/account-categories", json={"key": "B", "name": "B",
                                                     "typeName": "BILLABLE"}),
             "/account-categories", "post")
    conforms(admin.post("/customers", json={"key": "C", "name": "C"}), "/customers", "post")
    account = admin.post("/accounts", json={"key": "ACC", "name": "Acc", "categoryKey": "B",
                                            "customerKey": "C", "status": "OPEN",
                                            "leadAccountId": world["bob"].account_id})
    conforms(account, "/accounts", "post")
    link = admin.post("/account-links", json={"accountKey": "ACC", "scopeType": "PROJECT",
                                              "scopeId": project.id, "default": True})
    conforms(link, "/account-links", "post")
    conforms(api.get(f"/account-links/{link.json()['id']}"), "/account-links/{id}", "get")
    conforms(api.get(f"/account-links/project/{project.id}",
                     params={"includeGlobalAccounts": "true"}),
             "/account-links/project/{id}", "get")
    conforms(api.get("/accounts"), "/accounts", "get")
    conforms(api.get(f"/accounts/{account.json()['id']}"), "/accounts/{id}", "get")
    conforms(api.get("/accounts/ACC/links"), "/accounts/{key}/links", "get")
    conforms(api.get("/customers"), "/customers", "get")
    conforms(api.get("/account-categories"), "/account-categories", "get")
    conforms(admin.post("/work-attributes", json={"key": "_T_", "name": "T",
                                                  "type": "STATIC_LIST", "values": ["A"]}),
             "/work-attributes", "post")
    conforms(api.get("/work-attributes"), "/work-attributes", "get")
    conforms(api.get("/globalconfiguration"), "/globalconfiguration", "get")
    made = api.post("/worklogs", json={"issueId": story.id, "startDate": "2026-11-23",
                                       "timeSpentSeconds": 600})
    conforms(made, "/worklogs", "post")
    worklog_id = made.json()["tempoWorklogId"]
    conforms(api.get(f"/worklogs/{worklog_id}"), "/worklogs/{id}", "get")
    conforms(api.get("/worklogs", params={"limit": 1}), "/worklogs", "get")
    conforms(api.post("/worklogs/search", json={"issueIds": [story.id]}),
             "/worklogs/search", "post")
    conforms(api.get(f"/worklogs/issue/{story.id}"), "/worklogs/issue/{issueId}", "get")
    conforms(api.get("/worklogs/account/ACC"), "/worklogs/account/{accountKey}", "get")
    conforms(api.get(f"/worklogs/project/{project.id}"), "/worklogs/project/{projectId}", "get")
    conforms(api.post("/worklogs/tempo-to-jira", json={"tempoWorklogIds": [worklog_id]}),
             "/worklogs/tempo-to-jira", "post")
    conforms(api.get(f"/issues/{story.key}"), "/issues/{idOrKey}", "get")
    conforms(api.post("/worklogs", json={"issueId": story.id}), "/worklogs", "post")  # 400
    token = api.post("/tokens", json={"name": "ci"})
    conforms(token, "/tokens", "post")
    conforms(api.get("/tokens"), "/tokens", "get")
    conforms(api.delete(f"/worklogs/{worklog_id}"), "/worklogs/{id}", "delete")
