"""``/api/4/sync``: backfill progress, inbox backlog, parked events and their replay."""

from __future__ import annotations


def test_status_shows_backlog_and_parked_events_and_replays_them(api, world, run_jobs):
    site = world["site"]
    site.send_webhook("jira:issue_updated", {"webhookEvent": "jira:issue_updated",
                                             "issue": {"id": "77", "fields": {}}})
    run_jobs()
    admin = api.as_user(world["admin"].account_id)
    assert api.get("/sync/status").status_code == 403  # Jira's error texts are for admins
    status = admin.get("/sync/status")
    assert status.status_code == 200
    body = status.json()
    assert body["inbox"]["parked"] == 1 and body["inbox"]["pending"] == 0
    (parked,) = body["parked"]
    assert parked["eventType"] == "jira:issue_updated" and "issue payload" in parked["lastError"]
    assert set(body["backfill"]) >= {"status", "done", "total", "ratePerSecond", "etaSeconds"}

    assert api.post("/sync/parked/replay", json={}).status_code == 403
    replayed = admin.post("/sync/parked/replay", json={"ids": [parked["id"]]})
    assert replayed.status_code == 200 and replayed.json() == {"replayed": 1}
    run_jobs()
    assert admin.get("/sync/status").json()["inbox"]["parked"] == 1  # the same bad body parks again
    bad = admin.post("/sync/parked/replay", json={"ids": "all"})
    assert bad.status_code == 400 and bad.json()["errors"]["fields"][0]["field"] == "ids"


def test_resync_is_for_admins(api, world):
    assert api.post("/sync/backfill").status_code == 403
