"""``/api/4/worklogs`` over HTTP: Tempo's contract, pushed to Jira as the user."""

from __future__ import annotations


def _body(world, **overrides):
    body = {"issueId": world["story"].id, "authorAccountId": world["ada"].account_id,
            "startDate": "2026-11-23", "startTime": "09:30:00", "timeSpentSeconds": 5400,
            "description": "Export invoices"}
    body.update(overrides)
    return body


def test_create_returns_tempo_shape_and_pushes_to_jira_as_the_user(api, world):
    response = api.post("/worklogs", json=_body(world))
    assert response.status_code == 200, response.text
    worklog = response.json()
    assert worklog["tempoWorklogId"] > 0
    assert worklog["issue"]["id"] == world["story"].id
    assert worklog["issue"]["key"] == world["story"].key
    assert worklog["startDate"] == "2026-11-23" and worklog["startTime"] == "09:30:00"
    assert worklog["startDateTimeUtc"] == "2026-11-23T08:30:00.000Z"  # Berlin is UTC+1
    assert worklog["author"]["accountId"] == world["ada"].account_id
    assert worklog["billableSeconds"] == 0  # no account: nothing bills by default
    assert worklog["pushState"] == "SYNCED"
    jira = world["model"].worklog(worklog["jiraWorklogId"])
    assert jira.author_id == world["ada"].account_id
    assert jira.time_spent_seconds == 5400
    assert jira.properties["ledgerline"]["tempoWorklogId"] == worklog["tempoWorklogId"]
