"""``/api/4/sync``: backfill progress, inbox backlog, parked events and their replay."""

from __future__ import annotations

from sqlalchemy import select

from addon.domain.inbox import receive_webhook
from addon.models import InboxEvent
from addon.models.base import utcnow
from addon.models.sync import INBOX_PARKED
from tests.world import tenant_id_of


def _park_unapplied_event(database, tenant_id: int, payload: dict) -> None:
    """An event parked while Jira was down (its retries ran out), its payload fine."""
    with database.transaction(tenant_id=tenant_id) as session:
        receive_webhook(session, event_type="jira:issue_created", identifier=None,
                        payload=payload, now=utcnow())
        event = session.scalar(select(InboxEvent).order_by(InboxEvent.id.desc()))
        event.status, event.attempts = INBOX_PARKED, 8
        event.last_error = "JiraUnavailable: Jira 503: down for maintenance"


def test_replay_applies_a_parked_event_that_can_now_succeed(api, world, app, database,
                                                            run_jobs):
    model = world["model"]
    late = model.add_issue(world["project"], "Missed while Jira was down")
    _park_unapplied_event(database, tenant_id_of(app, world["site"]),
                          model.issue_event_payload(late, "jira:issue_created"))
    assert api.get(f"/issues/{late.key}").status_code == 404
    assert api.post("/sync/parked/replay", json={}).status_code == 403
    admin = api.as_user(world["admin"].account_id)
    assert admin.get("/sync/status").json()["inbox"]["parked"] == 1  # refused means untouched

    assert admin.post("/sync/parked/replay", json={}).json() == {"replayed": 1}
    run_jobs()
    inbox = admin.get("/sync/status").json()["inbox"]
    assert (inbox["parked"], inbox["pending"]) == (0, 0)
    assert api.get(f"/issues/{late.key}").json()["summary"] == "Missed while Jira was down"


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


def test_resync_is_for_admins_and_copies_jira_again(api, world, run_jobs):
    assert api.post("/sync/backfill").status_code == 403
    admin = api.as_user(world["admin"].account_id)
    late = world["model"].add_issue(world["project"], "Only a resync will see me")
    assert api.get(f"/issues/{late.key}").status_code == 404
    queued = admin.post("/sync/backfill")
    assert queued.status_code == 202 and queued.json() == {"queued": True}
    run_jobs()
    assert admin.get("/sync/status").json()["backfill"]["status"] == "done"
    assert api.get(f"/issues/{late.key}").json()["summary"] == "Only a resync will see me"
