"""Worklogs end to end: list, replace, delete, permissions, Jira down, echoes, fallbacks."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

from sqlalchemy import select

from addon.models import Worklog
from worker.jobs.worklogs import push_pending_worklogs


def _make(client, world, **overrides):
    body = {"issueId": world["story"].id, "startDate": "2026-11-23", "startTime": "10:00:00",
            "timeSpentSeconds": 1800, "description": "first"}
    body.update(overrides)
    response = client.post("/worklogs", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_list_pages_with_tempo_envelope(api, world):
    for day in range(20, 25):
        _make(api, world, startDate=f"2026-11-{day}")
    first = api.get("/worklogs", params={"limit": 2}).json()
    assert first["metadata"]["count"] == 2 and first["metadata"]["limit"] == 2
    assert [w["startDate"] for w in first["results"]] == ["2026-11-20", "2026-11-21"]
    assert "previous" not in first["metadata"]
    second = api.get("/worklogs", params={"limit": 2, "offset": 2}).json()
    assert [w["startDate"] for w in second["results"]] == ["2026-11-22", "2026-11-23"]
    assert "limit=2" in second["metadata"]["next"] and "previous" in second["metadata"]
    ranged = api.get("/worklogs", params={"from": "2026-11-21", "to": "2026-11-22"}).json()
    assert ranged["metadata"]["count"] == 2 and "next" not in ranged["metadata"]
    by_issue = api.get(f"/worklogs/issue/{world['story'].id}").json()
    assert by_issue["metadata"]["count"] == 5
    by_user = api.get(f"/worklogs/user/{world['ada'].account_id}").json()
    assert by_user["metadata"]["count"] == 5
    newest_first = api.get("/worklogs", params={"orderBy": "ID", "limit": 1}).json()
    assert newest_first["results"][0]["startDate"] == "2026-11-24"


def test_limit_out_of_bounds_is_a_400(api):
    for limit in ("0", "5001", "x"):
        response = api.get("/worklogs", params={"limit": limit})
        assert response.status_code == 400
        assert response.json()["errors"]["fields"][0]["field"] == "limit"


def test_put_replaces_the_whole_worklog_and_updates_jira(api, world):
    made = _make(api, world)
    replaced = api.put(f"/worklogs/{made['tempoWorklogId']}", json={
        "startDate": "2026-11-23", "timeSpentSeconds": 3600})
    assert replaced.status_code == 200, replaced.text
    body = replaced.json()
    assert body["description"] == "" and body["startTime"] == "00:00:00"
    assert body["jiraWorklogId"] == made["jiraWorklogId"]
    assert world["model"].worklog(made["jiraWorklogId"]).time_spent_seconds == 3600


def test_put_cannot_move_a_worklog_to_another_issue(api, world):
    made = _make(api, world)
    moved = api.put(f"/worklogs/{made['tempoWorklogId']}", json={
        "issueId": world["epic"].id, "startDate": "2026-11-23", "timeSpentSeconds": 60})
    assert moved.status_code == 400
    assert moved.json()["errors"]["fields"][0]["field"] == "issueId"


def test_delete_is_204_and_removes_it_from_jira(api, world):
    made = _make(api, world)
    assert api.delete(f"/worklogs/{made['tempoWorklogId']}").status_code == 204
    assert api.get(f"/worklogs/{made['tempoWorklogId']}").status_code == 404
    assert str(made["jiraWorklogId"]) not in {str(w) for w in world["model"].worklogs}
    deletion = [r for r in world["site"].requests_log if r.method == "DELETE"]
    assert [(r.auth, r.account_id) for r in deletion] == [("bearer", world["ada"].account_id)]


def test_users_edit_only_their_own_time_admins_act_for_anyone(api, world):
    made = _make(api, world)
    bob = api.as_user(world["bob"].account_id)
    admin = api.as_user(world["admin"].account_id)
    path = f"/worklogs/{made['tempoWorklogId']}"
    replacement = {"startDate": "2026-11-23", "timeSpentSeconds": 60}
    assert bob.put(path, json=replacement).status_code == 403
    assert bob.delete(path).status_code == 403
    for_ada = bob.post("/worklogs", json={"issueId": world["story"].id, "startDate": "2026-11-23",
                                          "timeSpentSeconds": 60,
                                          "authorAccountId": world["ada"].account_id})
    assert for_ada.status_code == 403
    assert admin.put(path, json=replacement).status_code == 200
    by_admin = _make(admin, world, authorAccountId=world["bob"].account_id)
    assert by_admin["author"]["accountId"] == world["bob"].account_id
    assert admin.delete(path).status_code == 204


def test_anonymous_context_cannot_write(api, world):
    anonymous = api.as_user(None)
    response = anonymous.post("/worklogs", json={"issueId": world["story"].id,
                                                 "startDate": "2026-11-23",
                                                 "timeSpentSeconds": 60})
    assert response.status_code == 401


def test_jira_down_keeps_the_worklog_pending_then_pushes_it(api, world, app, database):
    # Jira answered who may browse what a moment ago (a write needs that), then went down.
    assert api.get("/worklogs").status_code == 200
    world["site"].fail_next(5, status=503, retry_after="0")  # one push: a call and 4 retries
    made = _make(api, world)
    assert made["pushState"] == "PENDING" and made["jiraWorklogId"] is None
    assert not world["model"].worklogs
    with database.transaction(all_tenants=True) as session:
        session.execute(Worklog.__table__.update().values(push_attempts=0))
    with app.app_context():
        assert push_pending_worklogs() == 1
    pushed = api.get(f"/worklogs/{made['tempoWorklogId']}").json()
    assert pushed["pushState"] == "SYNCED" and pushed["jiraWorklogId"]
    assert world["model"].worklog(pushed["jiraWorklogId"]).author_id == world["ada"].account_id


def test_the_webhook_echo_of_our_own_write_is_merged(api, world, run_jobs, database):
    made = _make(api, world)
    jira_worklog = world["model"].worklog(made["jiraWorklogId"])
    for _ in range(2):
        world["site"].send_webhook("worklog_created", world["model"].worklog_event_payload(
            jira_worklog, "worklog_created"))
    run_jobs()
    with database.transaction(all_tenants=True) as session:
        rows = list(session.scalars(select(Worklog)))
    assert len(rows) == 1 and rows[0].id == made["tempoWorklogId"]
    assert rows[0].description == "first"


def test_worklogs_made_in_jira_are_adopted_with_defaults(api, world, run_jobs):
    model = world["model"]
    native = model.add_worklog(world["story"], world["bob"].account_id, 2700,
                               started="2026-11-23T23:30:00.000-0300")
    world["site"].send_webhook("worklog_created",
                               model.worklog_event_payload(native, "worklog_created"))
    run_jobs()
    (adopted,) = api.get(f"/worklogs/user/{world['bob'].account_id}").json()["results"]
    assert adopted["jiraWorklogId"] == native.id
    assert adopted["startDate"] == "2026-11-23"  # Bob's day in São Paulo, not UTC's 24th
    assert adopted["startDateTimeUtc"] == "2026-11-24T02:30:00.000Z"
    assert adopted["billableSeconds"] == 0 and adopted["complete"] is True
    ids = api.post("/worklogs/jira-to-tempo", json={"jiraWorklogIds": [native.id]}).json()
    assert ids["results"] == [{"tempoWorklogId": adopted["tempoWorklogId"],
                               "jiraWorklogId": native.id}]
    back = api.post("/worklogs/tempo-to-jira",
                    json={"tempoWorklogIds": [adopted["tempoWorklogId"]]}).json()
    assert back["results"][0]["jiraWorklogId"] == native.id


def test_missing_impersonation_grant_falls_back_to_the_app(jira_site, live_app, run_jobs):
    site = jira_site("legacy")
    assert site.install(live_app.url, body_overrides={"oauthClientId": None}).status_code == 204
    model = site.model
    ada = model.add_user("Ada")
    story = model.add_issue(model.add_project("LEG"), "Story")
    site.send_webhook("jira:issue_created", model.issue_event_payload(
        story, "jira:issue_created", user_account_id=ada.account_id))
    run_jobs()
    from tests.world import ApiClient

    client = ApiClient(live_app.url, site, ada.account_id)
    made = _make(client, {"story": story})
    assert made["pushState"] == "SYNCED" and made["author"]["accountId"] == ada.account_id
    jira_worklog = model.worklog(made["jiraWorklogId"])
    assert jira_worklog.author_id == site.app_user.account_id
    assert jira_worklog.properties["ledgerline"]["authorAccountId"] == ada.account_id


def test_an_account_lead_logs_for_others_on_their_account(api, world):
    admin = api.as_user(world["admin"].account_id)
    admin.post("/accounts", json={"key": "LEAD", "name": "Led by Bob", "global": True,
                                  "leadAccountId": world["bob"].account_id})
    bob = api.as_user(world["bob"].account_id)
    body = {"issueId": world["story"].id, "startDate": "2026-11-23", "timeSpentSeconds": 600,
            "authorAccountId": world["ada"].account_id}
    assert bob.post("/worklogs", json=body).status_code == 403
    led = bob.post("/worklogs", json={**body, "attributes": [{"key": "_Account_",
                                                               "value": "LEAD"}]})
    assert led.status_code == 200, led.text
    assert led.json()["author"]["accountId"] == world["ada"].account_id


def test_edits_and_deletes_in_jira_flow_back(api, world, run_jobs):
    made = _make(api, world, billableSeconds=1800)
    model, site = world["model"], world["site"]
    model.update_worklog(made["jiraWorklogId"], time_spent_seconds=900, comment="changed in Jira")
    site.send_webhook("worklog_updated", model.worklog_event_payload(
        model.worklog(made["jiraWorklogId"]), "worklog_updated"))
    run_jobs()
    followed = api.get(f"/worklogs/{made['tempoWorklogId']}").json()
    assert followed["timeSpentSeconds"] == 900 and followed["description"] == "changed in Jira"
    assert followed["billableSeconds"] == 900  # never more than the time spent
    gone = model.worklog(made["jiraWorklogId"])
    model.delete_worklog(made["jiraWorklogId"])
    site.send_webhook("worklog_deleted", model.worklog_event_payload(gone, "worklog_deleted"))
    run_jobs()
    assert api.get(f"/worklogs/{made['tempoWorklogId']}").status_code == 404


def test_native_worklogs_missing_required_attributes_are_flagged_not_dropped(api, world,
                                                                            run_jobs):
    admin = api.as_user(world["admin"].account_id)
    admin.post("/work-attributes", json={"key": "_WorkType_", "name": "Work type",
                                         "type": "STATIC_LIST", "required": True,
                                         "values": ["DEV"]})
    native = world["model"].add_worklog(world["story"], world["ada"].account_id, 600)
    world["site"].send_webhook("worklog_created", world["model"].worklog_event_payload(
        native, "worklog_created"))
    run_jobs()
    (adopted,) = api.get(f"/worklogs/issue/{world['story'].id}").json()["results"]
    assert adopted["complete"] is False and adopted["jiraWorklogId"] == native.id


def test_failed_push_retries_leave_updated_at_alone(api, world, app, database):
    """A client polling ``updatedFrom`` must not see a worklog again because a push failed."""
    world["site"].fail_next(15, status=503, retry_after="0",  # the first push and two retries
                            path_prefix="/rest/api/3/issue/")
    made = _make(api, world)
    assert made["pushState"] == "PENDING"
    for _ in range(2):
        with database.transaction(all_tenants=True) as session:
            session.execute(Worklog.__table__.update().values(  # the back-off has passed
                push_attempted_at=datetime(2000, 1, 1, tzinfo=UTC)))
        with app.app_context():
            assert push_pending_worklogs() == 0
    again = api.get(f"/worklogs/{made['tempoWorklogId']}").json()
    assert again["pushState"] == "PENDING" and again["updatedAt"] == made["updatedAt"]
    with database.transaction(all_tenants=True) as session:
        assert session.scalar(select(Worklog.push_attempts)) >= 3
    edited = api.put(f"/worklogs/{made['tempoWorklogId']}", json={
        "startDate": made["startDate"], "timeSpentSeconds": 1800}).json()
    assert edited["updatedAt"] > made["updatedAt"]


def test_remaining_estimate_reaches_jira_with_the_worklog(api, world):
    """Tempo clients set the issue's remaining estimate with ``remainingEstimateSeconds``."""
    story = world["model"].issue(world["story"].id)
    made = _make(api, world, remainingEstimateSeconds=5 * 3600)
    assert made["pushState"] == "SYNCED"
    assert story.remaining_estimate == 5 * 3600
    assert api.get(f"/issues/{story.key}").json()["remainingEstimateSeconds"] == 5 * 3600
    api.put(f"/worklogs/{made['tempoWorklogId']}", json={
        "startDate": made["startDate"], "timeSpentSeconds": 3600, "remainingEstimate": "2h 30m"})
    assert story.remaining_estimate == 2 * 3600 + 1800
    bad = api.post("/worklogs", json={"issueId": story.id, "startDate": "2026-11-23",
                                      "timeSpentSeconds": 60, "remainingEstimateSeconds": -1})
    assert bad.status_code == 400
    assert bad.json()["errors"]["fields"][0]["field"] == "remainingEstimateSeconds"
