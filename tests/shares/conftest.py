"""A shared-report world: account ACME (led by Bob, billed at 100 EUR/h) and GLOBEX on the same
project, with Ada's time on both, inside and outside November 2026; an issue whose summary is
markup, to see it escaped; and clients by role."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from tests.money.conftest import add_rate
from tests.money.conftest import make_account

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


def log(client, issue, account: str, day: str, seconds: int):
    response = client.post("/worklogs", json={
        "issueId": issue.id, "startDate": day, "startTime": "09:00:00",
        "timeSpentSeconds": seconds, "description": "work",
        "attributes": [{"key": "_Account_", "value": account}]})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def shared(api, world, run_jobs):
    site, model = world["site"], world["model"]
    admin = api.as_user(world["admin"].account_id)
    evil = model.add_issue(world["project"], "<script>alert('x')</script> & <b>bold</b>",
                           parent=world["epic"])
    site.send_webhook("jira:issue_created", model.issue_event_payload(
        evil, "jira:issue_created", user_account_id=world["ada"].account_id))
    run_jobs()
    assert admin.put("/globalconfiguration", json={"currencyCode": "EUR"}).status_code == 200
    assert admin.post("/account-categories", json={"key": "BILL", "name": "Billable",
                                                   "typeName": "BILLABLE"}).status_code == 200
    make_account(admin, "ACME", lead=world["bob"].account_id, project=world["project"])
    make_account(admin, "GLOBEX")
    assert admin.post("/account-links", json={
        "accountKey": "GLOBEX", "scopeType": "PROJECT", "scopeId": world["project"].id,
        "default": False}).status_code == 200
    add_rate(admin, "BILLING", {"type": "SITE"}, 100)
    add_rate(admin, "COST", {"type": "SITE"}, 37)
    log(api, world["story"], "ACME", "2026-11-24", 7200)       # 2 h: in the share
    log(api, evil, "ACME", "2026-11-25", 1800)                 # 0.5 h: in the share
    log(api, world["story"], "GLOBEX", "2026-11-24", 36000)    # another account
    log(api, world["story"], "ACME", "2026-12-02", 54000)      # after the period
    run_jobs()
    carol = model.add_user("Carol Outsider")
    return {"admin": admin, "lead": api.as_user(world["bob"].account_id), "user": api,
            "other": api.as_user(carol.account_id), "anonymous": api.as_user(None),
            "evil": evil}


def share_body(**overrides) -> dict:
    return {"accountKey": "ACME", **NOVEMBER, "show": ["hours_by_epic", "hours_by_issue",
                                                       "hours_by_person"],
            "expiresAt": in_days(30), **overrides}


def in_days(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
