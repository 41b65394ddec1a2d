"""A Jira-side edit or deletion of a worklog in a locked period leaves the approved record
as it is and is recorded as a discrepancy, which an admin resolves (issue 9)."""

from __future__ import annotations

from .helpers import approval
from .helpers import log_time
from .helpers import transition


def _approve(t):
    assert transition(t["user"], t["ada"], "submit").status_code == 200
    assert transition(t["reviewer"], t["ada"], "approve").status_code == 200


def _edit_in_jira(world, jira_id, run_jobs, **changes):
    site, model = world["site"], world["model"]
    model.update_worklog(jira_id, **changes)
    site.send_webhook("worklog_updated", model.worklog_event_payload(
        model.worklog(jira_id), "worklog_updated"))
    run_jobs()


def test_a_jira_edit_of_an_approved_worklog_is_a_discrepancy(timesheet, world, run_jobs):
    t = timesheet
    worklog_id, jira_id = t["worklog"]["tempoWorklogId"], t["worklog"]["jiraWorklogId"]
    _approve(t)
    _edit_in_jira(world, jira_id, run_jobs, time_spent_seconds=900, comment="edited in Jira")
    kept = t["user"].get(f"/worklogs/{worklog_id}").json()
    assert (kept["timeSpentSeconds"], kept["description"]) == (3600, "work")
    found = t["admin"].get("/discrepancies", params={"status": "OPEN"}).json()["results"]
    assert len(found) == 1
    assert found[0]["kind"] == "CHANGED" and found[0]["worklog"]["tempoWorklogId"] == worklog_id
    assert found[0]["recorded"]["timeSpentSeconds"] == 3600
    assert found[0]["jira"]["timeSpentSeconds"] == 900
    assert found[0]["jira"]["description"] == "edited in Jira"
    status = approval(t["user"], t["ada"]).json()["status"]
    assert (status["key"], status["discrepancies"]) == ("APPROVED", 1)
    assert t["user"].get("/discrepancies").json()["metadata"]["count"] == 1  # her own
    assert t["other"].get("/discrepancies").json()["metadata"]["count"] == 0
    _edit_in_jira(world, jira_id, run_jobs, time_spent_seconds=1200)
    again = t["admin"].get("/discrepancies").json()["results"]
    assert len(again) == 1 and again[0]["jira"]["timeSpentSeconds"] == 1200


def test_in_one_batch_only_the_locked_authors_worklog_keeps_its_record(
        timesheet, world, run_jobs):
    t = timesheet
    bobs = log_time(t["reviewer"], world).json()  # Bob's own week stays open
    run_jobs()
    _approve(t)
    site, model = world["site"], world["model"]
    for made in (t["worklog"], bobs):
        model.update_worklog(made["jiraWorklogId"], time_spent_seconds=900)
        site.send_webhook("worklog_updated", model.worklog_event_payload(
            model.worklog(made["jiraWorklogId"]), "worklog_updated"))
    run_jobs()  # one drain applies both events as one batch
    spent = {w["tempoWorklogId"]: t["admin"].get(f"/worklogs/{w['tempoWorklogId']}").json()[
        "timeSpentSeconds"] for w in (t["worklog"], bobs)}
    assert spent == {t["worklog"]["tempoWorklogId"]: 3600, bobs["tempoWorklogId"]: 900}
    found = t["admin"].get("/discrepancies").json()["results"]
    assert [d["worklog"]["tempoWorklogId"] for d in found] == [t["worklog"]["tempoWorklogId"]]


def test_keeping_jiras_version_reopens_the_period(timesheet, world, run_jobs):
    t = timesheet
    worklog_id, jira_id = t["worklog"]["tempoWorklogId"], t["worklog"]["jiraWorklogId"]
    _approve(t)
    _edit_in_jira(world, jira_id, run_jobs, time_spent_seconds=900)
    found = t["admin"].get("/discrepancies").json()["results"][0]
    assert t["user"].post(f"/discrepancies/{found['id']}/resolve",
                          json={"keep": "JIRA"}).status_code == 403
    assert t["admin"].post(f"/discrepancies/{found['id']}/resolve",
                           json={"keep": "MINE"}).status_code == 400
    resolved = t["admin"].post(f"/discrepancies/{found['id']}/resolve", json={"keep": "JIRA"})
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "RESOLVED"
    assert approval(t["user"], t["ada"]).json()["status"]["key"] == "OPEN"
    assert t["user"].get(f"/worklogs/{worklog_id}").json()["timeSpentSeconds"] == 900
    assert t["admin"].post(f"/discrepancies/{found['id']}/resolve",
                           json={"keep": "JIRA"}).status_code == 409


def test_a_jira_deletion_in_a_period_in_review_keeps_the_submitted_record(
        timesheet, world, run_jobs):
    t = timesheet
    worklog_id, jira_id = t["worklog"]["tempoWorklogId"], t["worklog"]["jiraWorklogId"]
    assert transition(t["user"], t["ada"], "submit").status_code == 200
    site, model = world["site"], world["model"]
    payload = model.worklog_event_payload(model.worklog(jira_id), "worklog_deleted")
    model.delete_worklog(jira_id)
    site.send_webhook("worklog_deleted", payload)
    run_jobs()
    assert t["user"].get(f"/worklogs/{worklog_id}").status_code == 200
    found = t["admin"].get("/discrepancies").json()["results"]
    assert [(d["kind"], d["jira"]) for d in found] == [("DELETED", None)]
    resolved = t["admin"].post(f"/discrepancies/{found[0]['id']}/resolve",
                               json={"keep": "APPROVED"})
    assert resolved.json()["resolution"] == "APPROVED"
    assert approval(t["user"], t["ada"]).json()["status"]["key"] == "IN_REVIEW"
