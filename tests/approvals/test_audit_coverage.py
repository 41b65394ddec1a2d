"""Every audited entity family over HTTP: a change to rates, expenses, account data (customers,
categories, milestones) and settings (teams, memberships, workload and holiday schemes, their
members and holidays) is found by the papertrail search with its field-level changes. Where
models share an entity type their ids overlap, so ``entityId`` names the kind ("team:3")."""

from __future__ import annotations

import pytest

from tests.capacity.conftest import week
from tests.money.conftest import make_account


def ok(response) -> dict:
    assert response.status_code in (200, 201), response.text
    return response.json() if response.content else {}


@pytest.fixture
def admin(api, world):
    client = api.as_user(world["admin"].account_id)
    ok(client.put("/globalconfiguration", json={"currencyCode": "EUR"}))
    return client


def _trail(admin, entity_type: str) -> list[dict]:
    return ok(admin.post("/papertrail/search", json={
        "from": "2000-01-01", "entityType": [entity_type]}))["results"]


def _change(entries, entity_id, action: str, field: str) -> dict:
    """The change of ``field`` in the entry for ``entity_id`` with ``action``."""
    entry = next(e for e in entries if e["entityId"] == str(entity_id) and e["action"] == action)
    return next(c for c in entry["changes"] if c["field"] == field)


def test_rates_and_exchange_rates_are_audited(admin):
    rate = ok(admin.post("/rates", json={"category": "BILLING", "scope": {"type": "SITE"},
                                         "rate": {"value": 100}}))
    ok(admin.put(f"/rates/{rate['id']}", json={"category": "BILLING", "scope": {"type": "SITE"},
                                               "rate": {"value": 120}}))
    fx = ok(admin.post("/exchange-rates", json={"fromCurrency": "USD", "toCurrency": "EUR",
                                                "rate": "0.9", "effectiveDate": "2026-11-01"}))
    entries = _trail(admin, "rate")
    changed = _change(entries, rate["id"], "Updated", "value")
    assert (float(changed["previous"]), float(changed["new"])) == (100, 120)
    assert _change(entries, rate["id"], "Created", "category")["new"] == "BILLING"
    assert _change(entries, f"exchangerate:{fx['id']}", "Created", "from_currency")["new"] == "USD"


def test_expenses_are_audited_without_their_derived_prices(admin, world, run_jobs):
    ok(admin.post("/account-categories", json={"key": "BILL", "name": "Billable",
                                               "typeName": "BILLABLE"}))
    make_account(admin, "ACME", project=world["project"])
    body = {"accountKey": "ACME", "date": "2026-11-20", "category": "TRAVEL",
            "amount": {"value": "200.00", "currencyCode": "EUR"}, "billable": True,
            "description": "Train"}
    expense = ok(admin.post("/expenses", json=body))
    ok(admin.put(f"/expenses/{expense['id']}", json={**body, "description": "Taxi"}))
    run_jobs()
    entries = _trail(admin, "expense")
    assert _change(entries, expense["id"], "Updated", "description") == {
        "field": "description", "previous": "Train", "new": "Taxi"}
    assert all(e["parentId"] == "ACME" for e in entries)
    fields = {c["field"] for e in entries for c in e["changes"]}
    assert not fields & {"cost_base", "revenue", "revenue_base", "price_error"}


def test_customers_categories_and_milestones_are_account_changes(admin, world):
    customer = ok(admin.post("/customers", json={"key": "CU", "name": "Customer"}))
    ok(admin.put("/customers/CU", json={"key": "CU", "name": "Renamed"}))
    category = ok(admin.post("/account-categories", json={"key": "BILL", "name": "Billable",
                                                          "typeName": "BILLABLE"}))
    make_account(admin, "ACME", project=world["project"], contractType="FIXED_FEE",
                 fixedFee={"price": 9000, "budgetedHours": 100, "recognition": "MILESTONES"})
    milestone = ok(admin.post("/accounts/ACME/milestones", json={"issueId": world["epic"].id,
                                                                 "value": 6000}))
    entries = _trail(admin, "account")
    assert _change(entries, f"customer:{customer['id']}", "Updated", "name") == {
        "field": "name", "previous": "Customer", "new": "Renamed"}
    assert _change(entries, f"category:{category['id']}", "Created",
                   "type_name")["new"] == "BILLABLE"
    created = _change(entries, f"milestone:{milestone['id']}", "Created", "value")
    assert float(created["new"]) == 6000
    assert next(e for e in entries if e["entityId"] == f"milestone:{milestone['id']}")[
        "parentId"] == "ACME"


def test_teams_and_schemes_are_settings_changes(admin, world):
    ada = world["ada"].account_id
    team = ok(admin.post("/teams", json={"name": "Core"}))
    ok(admin.put(f"/teams/{team['id']}", json={"name": "Core team"}))
    membership = ok(admin.post("/team-memberships", json={
        "teamId": team["id"], "accountId": ada, "from": "2026-03-01"}))
    workload = ok(admin.post("/workload-schemes", json={
        "name": "Four days", "days": week(8, 8, 8, 8, 0, 0, 0)}))
    ok(admin.post(f"/workload-schemes/{workload['id']}/members", json={"accountIds": [ada]}))
    holidays = ok(admin.post("/holiday-schemes", json={"name": "Public"}))
    holiday = ok(admin.post(f"/holiday-schemes/{holidays['id']}/holidays", json={
        "name": "Strike", "date": "2026-03-02"}))
    ok(admin.post(f"/holiday-schemes/{holidays['id']}/members", json={"accountIds": [ada]}))
    entries = _trail(admin, "settings")
    assert _change(entries, f"team:{team['id']}", "Updated", "name") == {
        "field": "name", "previous": "Core", "new": "Core team"}
    assert _change(entries, f"teammembership:{membership['id']}", "Created",
                   "account_id")["new"] == ada
    assert _change(entries, f"workloadscheme:{workload['id']}", "Created",
                   "name")["new"] == "Four days"
    assert _change(entries, f"holiday:{holiday['id']}", "Created", "name")["new"] == "Strike"
    members = [e for e in entries if e["action"] == "Created" and
               {"field": "account_id", "previous": None, "new": ada} in e["changes"]]
    # The team membership, the workload scheme's member and the holiday scheme's member.
    assert {(e["entityId"].split(":")[0], e["parentId"]) for e in members} == {
        ("teammembership", str(team["id"])), ("workloadschememember", str(workload["id"])),
        ("holidayschememember", str(holidays["id"]))}


def test_worklogs_first_seen_in_jira_are_audited_as_synced_with_their_ids(admin, world,
                                                                         run_jobs):
    """A drain inserts the worklogs Jira sent without the unit of work; each still gets its
    entry, naming the stored worklog, and the chain still verifies."""
    site, model = world["site"], world["model"]
    sent = [model.add_worklog(world["story"], world["ada"].account_id, 600 * n,
                              started="2026-11-02T09:00:00.000+0000") for n in (1, 2, 3)]
    for worklog in sent:
        site.send_webhook("worklog_created", model.worklog_event_payload(worklog,
                                                                         "worklog_created"))
    run_jobs()
    stored = {str(w["jiraWorklogId"]): w for w in ok(admin.get(
        f"/worklogs/issue/{world['story'].id}"))["results"]}
    entries = _trail(admin, "worklog")
    for worklog in sent:
        mine = stored[str(worklog.id)]
        entry = next(e for e in entries if e["entityId"] == str(mine["tempoWorklogId"]))
        assert (entry["action"], entry["parentId"]) == ("Synced", str(world["story"].id))
        changes = {c["field"]: c["new"] for c in entry["changes"]}
        assert changes["time_spent_seconds"] == mine["timeSpentSeconds"]
        assert changes["author_account_id"] == world["ada"].account_id
        assert not changes.keys() & {"cost", "revenue", "push_state", "jira_worklog_id"}
    assert ok(admin.get("/audit/verify"))["valid"] is True
