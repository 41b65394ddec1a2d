"""Accounts, customers, categories and links over ``/api/4``, and which account applies."""

from __future__ import annotations

import pytest

from tests.fakejira.app_fields import app_field
from tests.fakejira.app_fields import issue_value


@pytest.fixture
def admin(api, world):
    return api.as_user(world["admin"].account_id)


@pytest.fixture
def setup(admin, world, run_jobs):
    """A billable and an internal category, a customer, and three accounts."""
    for key, name, kind in (("BILL", "Billable", "BILLABLE"), ("INT", "Internal", "INTERNAL")):
        assert admin.post("/account-categories", json={
            "key": key, "name": name, "typeName": kind}).status_code == 200
    assert admin.post("/customers", json={"key": "ACME", "name": "Acme Corp"}).status_code == 200
    accounts = {
        "ACME-DEV": {"categoryKey": "BILL", "customerKey": "ACME",
                     "leadAccountId": world["bob"].account_id},
        "ACME-SUP": {"categoryKey": "BILL", "customerKey": "ACME"},
        "INTERNAL": {"categoryKey": "INT", "global": True},
    }
    for key, extra in accounts.items():
        response = admin.post("/accounts", json={"key": key, "name": key.title(),
                                                 "status": "OPEN", **extra})
        assert response.status_code == 200, response.text
    run_jobs()
    return accounts


def _log(client, world, issue, **overrides):
    body = {"issueId": issue.id, "startDate": "2026-11-23", "timeSpentSeconds": 3600}
    body.update(overrides)
    return client.post("/worklogs", json=body)


def _account_attr(key):
    return [{"key": "_Account_", "value": key}]


def test_account_crud_in_tempo_shape(admin, api, setup):
    listed = api.get("/accounts").json()
    assert [a["key"] for a in listed["results"]] == ["ACME-DEV", "ACME-SUP", "INTERNAL"]
    dev = listed["results"][0]
    assert dev["category"]["type"] == {"name": "BILLABLE"} and dev["customer"]["key"] == "ACME"
    assert dev["billableByDefault"] is True and dev["global"] is False
    assert api.get(f"/accounts/{dev['id']}").json()["key"] == "ACME-DEV"
    replaced = admin.put("/accounts/ACME-DEV", json={"name": "Acme development",
                                                     "status": "CLOSED"})
    assert replaced.status_code == 200
    body = replaced.json()
    assert body["status"] == "CLOSED" and body["category"] is None  # PUT replaces everything
    found = api.post("/accounts/search", json={"statuses": ["OPEN"]}).json()
    assert {a["key"] for a in found["results"]} == {"ACME-SUP", "INTERNAL"}
    assert admin.delete("/accounts/ACME-SUP").status_code == 204
    assert api.get("/accounts/ACME-SUP").status_code == 404


def test_account_setup_is_for_admins_and_validated(api, admin, setup):
    assert api.post("/accounts", json={"key": "X", "name": "X"}).status_code == 403
    bad = admin.post("/accounts", json={"key": "NEW", "name": "New", "status": "PAUSED",
                                        "categoryKey": "NOPE", "currency": "euro"})
    assert bad.status_code == 400
    assert {f["field"] for f in bad.json()["errors"]["fields"]} == {
        "status", "categoryKey", "currency"}
    assert admin.post("/accounts", json={"key": "ACME-DEV", "name": "again"}).status_code == 409
    assert admin.post("/account-categories", json={"key": "Z", "name": "Z",
                                                   "typeName": "FREE"}).status_code == 400


def test_links_and_the_one_default_per_project(admin, api, setup, world):
    project_id = world["project"].id
    first = admin.post("/account-links", json={"accountKey": "ACME-DEV", "scopeType": "PROJECT",
                                               "scopeId": project_id, "default": True})
    assert first.status_code == 200, first.text
    second = admin.post("/account-links", json={"accountKey": "ACME-SUP", "scopeType": "PROJECT",
                                                "scopeId": project_id})
    made = admin.request("PATCH", f"/account-links/{second.json()['id']}/make-default")
    assert made.status_code == 200 and made.json()["default"] is True
    links = api.get(f"/account-links/project/{project_id}").json()["results"]
    assert [(link["account"]["key"], link["default"]) for link in links] == [
        ("ACME-SUP", True), ("ACME-DEV", False)]
    with_global = api.get(f"/account-links/project/{project_id}",
                          params={"includeGlobalAccounts": "true"}).json()["results"]
    assert "INTERNAL" in {link["account"]["key"] for link in with_global}
    assert [link["scope"]["id"] for link in api.get("/accounts/ACME-DEV/links").json()[
        "results"]] == [project_id]
    unknown = admin.post("/account-links", json={"accountKey": "ACME-DEV", "scopeId": 424242})
    assert unknown.status_code == 400
    assert unknown.json()["errors"]["fields"][0]["field"] == "scopeId"


def test_bulk_project_mapping(admin, api, setup, world):
    project_id = world["project"].id
    mapped = admin.post("/project-accounts", json={"mappings": [
        {"projectId": project_id, "accountKey": "ACME-DEV"}]})
    assert mapped.status_code == 200 and mapped.json()["changed"] == 1
    assert api.get(f"/issues/{world['story'].key}").json()["account"]["rule"] == (
        "PROJECT_DEFAULT")
    refused = admin.post("/project-accounts", json={"mappings": [
        {"projectId": project_id, "accountKey": "NOPE"}]})
    assert refused.status_code == 404
    assert api.get(f"/issues/{world['story'].key}").json()["account"]["key"] == "ACME-DEV"


def _set_issue_account(world, run_jobs, issue, account_key):
    """Select the account's option in the issue's Account field in Jira; deliver the webhook."""
    site, model = world["site"], world["model"]
    field = app_field(site, "account-field")
    option = next(o for o in field.options.values()
                  if o.properties.get("accountKey") == account_key)
    model.update_issue(issue, custom_fields={field.id: issue_value(option)})
    site.send_webhook("jira:issue_updated",
                      model.issue_event_payload(issue, "jira:issue_updated"))
    run_jobs()


def test_every_account_rule_in_order(admin, api, setup, world, run_jobs):
    story, epic, project_id = world["story"], world["epic"], world["project"].id
    assert _log(api, world, story).json()["account"]["rule"] == "NONE"

    admin.post("/account-links", json={"accountKey": "ACME-SUP", "scopeId": project_id,
                                       "default": True})
    made = _log(api, world, story).json()
    assert made["account"] == {"key": "ACME-SUP", "rule": "PROJECT_DEFAULT"}
    assert made["billableSeconds"] == 3600  # a BILLABLE category bills by default

    _set_issue_account(world, run_jobs, epic, "ACME-DEV")
    assert _log(api, world, story).json()["account"] == {"key": "ACME-DEV", "rule": "EPIC"}
    assert api.get(f"/issues/{story.key}").json()["account"]["viaIssueKey"] == epic.key

    _set_issue_account(world, run_jobs, story, "INTERNAL")
    issue_rule = _log(api, world, story).json()
    assert issue_rule["account"] == {"key": "INTERNAL", "rule": "ISSUE"}
    assert issue_rule["billableSeconds"] == 0  # INTERNAL does not bill by default

    chosen = _log(api, world, story, attributes=_account_attr("ACME-SUP")).json()
    assert chosen["account"] == {"key": "ACME-SUP", "rule": "WORKLOG"}
    values = chosen["attributes"]["values"]
    assert {"key": "_Account_", "value": "ACME-SUP"} in values


def test_a_chosen_account_must_be_global_or_linked(api, setup, world):
    refused = _log(api, world, world["story"], attributes=_account_attr("ACME-DEV"))
    assert refused.status_code == 422
    assert refused.json()["errors"]["fields"][0]["field"] == "attributes._Account_"
    assert _log(api, world, world["story"],
                attributes=_account_attr("INTERNAL")).status_code == 200


def test_closed_accounts_take_no_new_time_and_archived_are_hidden(admin, api, setup, world):
    project_id = world["project"].id
    admin.post("/account-links", json={"accountKey": "ACME-DEV", "scopeId": project_id,
                                       "default": True})
    admin.put("/accounts/ACME-DEV", json={"name": "Acme dev", "status": "CLOSED",
                                          "categoryKey": "BILL"})
    closed = _log(api, world, world["story"])
    assert closed.status_code == 422
    assert closed.json()["errors"]["fields"][0]["code"] == "account_closed"
    admin.put("/accounts/INTERNAL", json={"name": "Internal", "status": "ARCHIVED",
                                          "global": True})
    picker = api.get(f"/account-links/project/{project_id}",
                     params={"includeGlobalAccounts": "true"}).json()["results"]
    assert "INTERNAL" not in {link["account"]["key"] for link in picker}


def test_an_issue_moved_to_another_epic_and_project_changes_its_account(admin, api, setup,
                                                                        world, run_jobs):
    model, site = world["model"], world["site"]
    other_epic = model.add_issue(world["project"], "Support epic", issue_type="Epic")
    site.send_webhook("jira:issue_created",
                      model.issue_event_payload(other_epic, "jira:issue_created"))
    run_jobs()
    _set_issue_account(world, run_jobs, world["epic"], "ACME-DEV")
    _set_issue_account(world, run_jobs, other_epic, "ACME-SUP")
    story = world["story"]
    assert api.get(f"/issues/{story.key}").json()["account"]["key"] == "ACME-DEV"

    model.update_issue(story, parent=other_epic)
    site.send_webhook("jira:issue_updated", model.issue_event_payload(story, "jira:issue_updated"))
    run_jobs()
    assert api.get(f"/issues/{story.id}").json()["account"] == {
        "key": "ACME-SUP", "name": "Acme-Sup", "rule": "EPIC", "viaIssueKey": other_epic.key}

    elsewhere = model.add_project("GLOB", "Globex")
    site.send_webhook("project_created", model.project_event_payload(elsewhere,
                                                                     "project_created"))
    run_jobs()
    linked = admin.post("/account-links", json={"accountKey": "INTERNAL",
                                                "scopeId": elsewhere.id, "default": True})
    assert linked.status_code == 200, linked.text
    model.update_issue(story, project=elsewhere, parent=None)
    site.send_webhook("jira:issue_updated", model.issue_event_payload(story, "jira:issue_updated"))
    run_jobs()
    moved = api.get(f"/issues/{story.id}").json()
    assert moved["key"].startswith("GLOB-")
    assert moved["account"]["key"] == "INTERNAL" and moved["account"]["rule"] == (
        "PROJECT_DEFAULT")


def test_a_tempo_put_keeps_our_extension_fields_and_resets_tempo_fields(admin, api, setup):
    """A Tempo script re-sending an account it does not fully know must not erase our fields."""
    created = admin.post("/accounts", json={
        "key": "EXT", "name": "Ext", "status": "OPEN", "currency": "EUR",
        "contractType": "FIXED_FEE", "monthlyBudget": 80, "customerKey": "ACME"})
    assert created.status_code == 200, created.text
    tempo_body = {"key": "EXT", "name": "Ext renamed", "status": "OPEN"}
    replaced = admin.put("/accounts/EXT", json=tempo_body)
    assert replaced.status_code == 200, replaced.text
    body = replaced.json()
    assert (body["currency"], body["contractType"]) == ("EUR", "FIXED_FEE")
    assert body["name"] == "Ext renamed"
    assert body["monthlyBudget"] is None and body["customer"] is None  # Tempo's rule: reset
    again = admin.get(f"/accounts/{body['id']}").json()
    assert (again["currency"], again["contractType"]) == ("EUR", "FIXED_FEE")
    cleared = admin.put("/accounts/EXT", json={**tempo_body, "currency": None,
                                               "contractType": "RETAINER"}).json()
    assert (cleared["currency"], cleared["contractType"]) == ("USD", "RETAINER")
    bad = admin.put("/accounts/EXT", json={**tempo_body, "currency": "euro"})
    assert bad.status_code == 400 and bad.json()["errors"]["fields"][0]["field"] == "currency"


def test_openapi_says_which_fields_a_put_keeps(api):
    spec = api.get("/openapi.json").json()
    description = spec["paths"]["/accounts/{key}"]["put"]["description"]
    assert "`currency`" in description and "`contractType`" in description
