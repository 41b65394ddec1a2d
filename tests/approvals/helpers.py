"""A timesheet world: Ada logs to an account Bob leads (Bob reviews her), the site admin, and
Carol, who has nothing to do with it. The period is the ISO week of 2026-11-23."""

from __future__ import annotations

import pytest

WEEK = {"from": "2026-11-23", "to": "2026-11-29"}
NEXT_WEEK = {"from": "2026-11-30", "to": "2026-12-06"}


def log_time(client, world, day="2026-11-24", seconds=3600, **extra):
    body = {"issueId": world["story"].id, "startDate": day, "startTime": "09:00:00",
            "timeSpentSeconds": seconds, "description": "work",
            "attributes": [{"key": "_Account_", "value": "ACC"}], **extra}
    return client.post("/worklogs", json=body)


@pytest.fixture
def timesheet(api, world):
    """Ada has an hour on Bob's account in WEEK; returns the API clients by role."""
    carol = world["model"].add_user("Carol Outsider")
    admin = api.as_user(world["admin"].account_id)
    assert admin.post("/accounts", json={
        "key": "ACC", "name": "Acc", "status": "OPEN",
        "leadAccountId": world["bob"].account_id}).status_code == 200
    assert admin.post("/account-links", json={
        "accountKey": "ACC", "scopeType": "PROJECT", "scopeId": world["project"].id,
        "default": True}).status_code == 200
    made = log_time(api, world)
    assert made.status_code == 200, made.text
    return {"user": api, "reviewer": api.as_user(world["bob"].account_id), "admin": admin,
            "other": api.as_user(carol.account_id), "worklog": made.json(),
            "ada": world["ada"].account_id, "bob": world["bob"].account_id}


def transition(client, user, action, period=None, **body):
    return client.post(f"/timesheet-approvals/user/{user}/{action}", params=period or WEEK,
                       json=body)


def approval(client, user, period=None):
    return client.get(f"/timesheet-approvals/user/{user}", params=period or WEEK)
