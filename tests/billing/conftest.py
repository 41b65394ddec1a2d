"""A billing world (issue 9): base currency EUR; account ACME (EUR, led by Bob) is the project's
default; the site bills 100/h. Ada logs three entries and Bob one in the ISO week of
2026-11-23, there is one billable expense, and both timesheets are approved. Carol is a plain
user."""

from __future__ import annotations

import pytest

from tests.money.conftest import add_rate
from tests.money.conftest import make_account

WEEK = {"from": "2026-11-23", "to": "2026-11-29"}
NEXT_WEEK = {"from": "2026-11-30", "to": "2026-12-06"}


def log(client, issue, day, seconds, description="work", **extra):
    response = client.post("/worklogs", json={
        "issueId": issue.id, "startDate": day, "startTime": "09:00:00",
        "timeSpentSeconds": seconds, "description": description,
        "attributes": [{"key": "_Account_", "value": "ACME"}], **extra})
    assert response.status_code == 200, response.text
    return response.json()["tempoWorklogId"]


def expense(client, day, value, description="train", **extra):
    response = client.post("/expenses", json={
        "accountKey": "ACME", "date": day, "category": "TRAVEL", "billable": True,
        "amount": {"value": value, "currencyCode": "EUR"}, "description": description,
        **extra})
    assert response.status_code == 200, response.text
    return response.json()["id"]


def approve(submitter, reviewer, account_id, period=None):
    for client, action in ((submitter, "submit"), (reviewer, "approve")):
        response = client.post(f"/timesheet-approvals/user/{account_id}/{action}",
                               params=period or WEEK, json={})
        assert response.status_code == 200, response.text


@pytest.fixture
def billing(api, world, run_jobs):
    admin = api.as_user(world["admin"].account_id)
    bob = api.as_user(world["bob"].account_id)
    carol = world["model"].add_user("Carol Outsider")
    assert admin.put("/globalconfiguration", json={"currencyCode": "EUR"}).status_code == 200
    assert admin.post("/account-categories", json={"key": "BILL", "name": "Billable",
                                                   "typeName": "BILLABLE"}).status_code == 200
    make_account(admin, "ACME", lead=world["bob"].account_id, project=world["project"])
    add_rate(admin, "BILLING", {"type": "SITE"}, 100)
    add_rate(admin, "COST", {"type": "SITE"}, 40)
    run_jobs()
    story, epic = world["story"], world["epic"]
    worklogs = [log(api, story, "2026-11-24", 5400), log(api, story, "2026-11-25", 8400),
                log(api, epic, "2026-11-26", 1000, description="<script>x</script>"),
                log(bob, epic, "2026-11-27", 2700)]
    expense_id = expense(admin, "2026-11-26", "123.45", markupPercent=10,
                         description="<b>night train</b>")
    approve(api, bob, world["ada"].account_id)
    approve(bob, admin, world["bob"].account_id)
    run_jobs()
    return {"admin": admin, "lead": bob, "ada": api, "other": api.as_user(carol.account_id),
            "anonymous": api.as_user(None), "worklogs": worklogs, "expense": expense_id}
