"""The README's worked example (three people, two accounts, October 2026), built over HTTP."""

from __future__ import annotations

from tests.money.conftest import add_rate
from tests.money.conftest import make_account


def build(admin, world, run_jobs) -> dict:
    """Base EUR; Ada is Senior; rates, worklogs and one expense as in the README."""
    ada, bob, cy = (world[n].account_id for n in ("ada", "bob", "admin"))
    admin.put("/globalconfiguration", json={"currencyCode": "EUR"})
    admin.post("/account-categories", json={"key": "BILL", "name": "Billable",
                                            "typeName": "BILLABLE"})
    make_account(admin, "ACME", project=world["project"])
    make_account(admin, "GLOBEX", billingRounding={"mode": "UP", "minutes": 15},
                 **{"global": True})
    senior = admin.post("/roles", json={"name": "Senior"}).json()
    admin.put(f"/roles/{senior['id']}/members", json={"accountIds": [ada],
                                                      "effectiveFrom": "2026-01-01"})
    add_rate(admin, "COST", {"type": "SITE"}, 40)
    add_rate(admin, "COST", {"type": "ROLE", "roleId": senior["id"]}, 60)
    add_rate(admin, "COST", {"type": "USER", "accountId": cy}, 50)
    add_rate(admin, "BILLING", {"type": "SITE"}, 100)
    add_rate(admin, "BILLING", {"type": "SITE"}, 110, effective="2026-10-15")
    add_rate(admin, "BILLING", {"type": "ROLE", "roleId": senior["id"]}, 140)
    add_rate(admin, "BILLING", {"type": "ACCOUNT", "accountKey": "GLOBEX"}, 120)
    add_rate(admin, "BILLING", {"type": "ACCOUNT_USER", "accountKey": "ACME", "accountId": bob},
             90)
    run_jobs()
    story, epic = world["story"], world["epic"]
    globex = [{"key": "_Account_", "value": "GLOBEX"}]
    ids = [_log(admin, story, ada, "2026-10-05", 8 * 3600),
           _log(admin, story, bob, "2026-10-06", 6 * 3600),
           _log(admin, epic, cy, "2026-10-20", 4 * 3600, billableSeconds=2 * 3600),
           _log(admin, story, ada, "2026-10-12", 3 * 3600, attributes=globex),
           _log(admin, story, bob, "2026-10-21", 3000, attributes=globex),
           _log(admin, epic, cy, "2026-10-22", 2 * 3600, billableSeconds=0, attributes=globex)]
    expense = admin.post("/expenses", json={
        "accountKey": "GLOBEX", "date": "2026-10-15", "category": "TRAVEL", "billable": True,
        "amount": {"value": 200, "currencyCode": "EUR"}, "markupPercent": 10})
    assert expense.status_code == 200, expense.text
    run_jobs()
    return {"worklogs": ids, "senior": senior}


def _log(admin, issue, author, day, seconds, **extra):
    response = admin.post("/worklogs", json={"issueId": issue.id, "authorAccountId": author,
                                             "startDate": day, "timeSpentSeconds": seconds,
                                             **extra})
    assert response.status_code == 200, response.text
    return response.json()["tempoWorklogId"]
