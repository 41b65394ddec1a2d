"""Who sees which worklogs and issues: Jira's Browse Projects, asked once per user and applied
in SQL, plus one's own worklogs; site admins see everything (issue 13)."""

from __future__ import annotations

import pytest

from addon.caller import VISIBILITY_CACHE_KEY
from addon.domain.access import VISIBILITY_CACHE_SECONDS
from addon.domain.access import VisibilityCache

CHECK = "/rest/api/3/permissions/check"


def _descriptions(response) -> list[str]:
    assert response.status_code == 200, response.text
    return sorted(w["description"] for w in response.json()["results"])


def _count(response) -> int:
    assert response.status_code == 200, response.text
    return response.json()["metadata"]["count"]


def _browse_checks(site, account_id: str) -> int:
    return sum(1 for r in site.requests_log if r.path == CHECK and r.body
               and r.body.get("accountId") == account_id and "projectPermissions" in r.body)


@pytest.fixture
def ada(api):
    """The API as Ada, who may browse ACME but not SECRET (see ``hidden``)."""
    return api


def test_without_browse_projects_only_ones_own_worklogs_of_that_project_show(ada, world,
                                                                             hidden):
    secret, vault = hidden["secret"], hidden["vault"]
    assert _descriptions(ada.get("/worklogs")) == ["ada_secret", "bob_acme"]
    assert _count(ada.get("/worklogs")) == 2
    assert _descriptions(ada.get(f"/worklogs/project/{secret.id}")) == ["ada_secret"]
    assert _descriptions(ada.get(f"/worklogs/issue/{vault.id}")) == ["ada_secret"]
    assert _descriptions(ada.get(f"/worklogs/user/{world['bob'].account_id}")) == ["bob_acme"]
    assert _descriptions(ada.get(f"/worklogs/user/{world['admin'].account_id}")) == []
    searched = ada.post("/worklogs/search", json={"projectIds": [secret.id, world["project"].id]})
    assert _descriptions(searched) == ["ada_secret", "bob_acme"]


def test_a_hidden_worklog_by_id_is_not_found_but_ones_own_is(ada, hidden):
    made = hidden["worklogs"]
    hidden_one = ada.get(f"/worklogs/{made['bob_secret']['tempoWorklogId']}")
    assert hidden_one.status_code == 404
    assert hidden_one.json()["errors"]["message"]
    assert ada.get(f"/worklogs/{made['ada_secret']['tempoWorklogId']}").status_code == 200


def test_id_mappings_leave_out_hidden_worklogs(ada, hidden):
    made = hidden["worklogs"]
    jira_ids = [int(w["jiraWorklogId"]) for w in made.values()]
    tempo_ids = [w["tempoWorklogId"] for w in made.values()]
    mapped = ada.post("/worklogs/jira-to-tempo", json={"jiraWorklogIds": jira_ids}).json()
    expected = {made["bob_acme"]["tempoWorklogId"], made["ada_secret"]["tempoWorklogId"]}
    assert {r["tempoWorklogId"] for r in mapped["results"]} == expected
    assert mapped["metadata"]["count"] == 2
    back = ada.post("/worklogs/tempo-to-jira", json={"tempoWorklogIds": tempo_ids}).json()
    assert {r["tempoWorklogId"] for r in back["results"]} == expected


def test_paging_counts_only_visible_worklogs(ada, hidden):
    first = ada.get("/worklogs", params={"limit": 1}).json()
    assert first["metadata"]["count"] == 1 and "next" in first["metadata"]
    second = ada.get("/worklogs", params={"limit": 1, "offset": 1}).json()
    assert second["metadata"]["count"] == 1 and "next" not in second["metadata"]
    third = ada.get("/worklogs", params={"limit": 1, "offset": 2}).json()
    assert third["metadata"]["count"] == 0


def test_an_issue_of_a_project_one_may_not_browse_is_not_found(ada, world, hidden):
    assert ada.get(f"/issues/{hidden['vault'].key}").status_code == 404
    assert ada.get(f"/issues/{hidden['vault'].id}").status_code == 404
    shown = ada.get(f"/issues/{world['story'].key}")
    assert shown.status_code == 200 and shown.json()["summary"] == "Invoice export"


def test_site_admins_see_everything_whatever_their_project_grants(api, world, hidden):
    world["model"].restrict_browsing(world["admin"], [])
    admin = api.as_user(world["admin"].account_id)
    assert _count(admin.get("/worklogs")) == 4
    assert admin.get(f"/issues/{hidden['vault'].key}").status_code == 200


def test_by_default_everyone_browses_every_project(api, world, hidden):
    bob = api.as_user(world["bob"].account_id)
    assert _descriptions(bob.get("/worklogs")) == ["ada_secret", "admin_secret", "bob_acme",
                                                   "bob_secret"]


def test_one_permission_check_serves_many_reads(ada, world, hidden):
    site, ada_id = world["site"], world["ada"].account_id
    before = _browse_checks(site, ada_id)
    ada.get("/worklogs")
    ada.get(f"/worklogs/issue/{hidden['vault'].id}")
    ada.get(f"/issues/{world['story'].key}")
    ada.post("/worklogs/search", json={})
    assert _browse_checks(site, ada_id) - before == 1


def test_the_answer_expires_so_a_revoked_grant_takes_effect(ada, app, world, hidden,
                                                           monkeypatch):
    now = [0.0]
    monkeypatch.setitem(app.extensions, VISIBILITY_CACHE_KEY,
                        VisibilityCache(clock=lambda: now[0]))
    site, ada_id = world["site"], world["ada"].account_id
    before = _browse_checks(site, ada_id)
    assert _count(ada.get("/worklogs")) == 2
    world["model"].restrict_browsing(world["ada"], [])
    now[0] += VISIBILITY_CACHE_SECONDS - 1
    assert _count(ada.get("/worklogs")) == 2  # still the remembered answer
    now[0] += 2
    assert _descriptions(ada.get("/worklogs")) == ["ada_secret"]
    assert _browse_checks(site, ada_id) - before == 2


def test_a_newly_synced_project_is_asked_about_at_once(ada, world, hidden, run_jobs):
    site, model, ada_id = world["site"], world["model"], world["ada"].account_id
    ada.get("/worklogs")
    fresh = model.add_project("NEW")
    model.restrict_browsing(world["ada"], [world["project"], fresh])
    issue = model.add_issue(fresh, "Kick-off")
    site.send_webhook("jira:issue_created", model.issue_event_payload(
        issue, "jira:issue_created", user_account_id=ada_id))
    run_jobs()
    before = _browse_checks(site, ada_id)
    assert ada.get(f"/issues/{issue.key}").status_code == 200
    assert _browse_checks(site, ada_id) - before == 1


def test_jira_down_is_a_503_not_everything(ada, world, hidden):
    world["site"].fail_next(20, status=500, retry_after=None, path_prefix=CHECK)
    response = ada.get("/worklogs")
    assert response.status_code == 503
    assert response.json()["errors"]["code"] == "jira_unavailable"
    assert ada.get(f"/issues/{world['story'].key}").status_code == 503


def test_time_cannot_be_logged_on_an_issue_one_may_not_browse(ada, world, hidden):
    """Answered exactly as for an unknown issue, so a write cannot probe what exists."""
    hidden_issue = ada.post("/worklogs", json={
        "issueId": hidden["vault"].id, "startDate": "2026-11-24", "timeSpentSeconds": 600})
    unknown_issue = ada.post("/worklogs", json={
        "issueId": "999999", "startDate": "2026-11-24", "timeSpentSeconds": 600})
    assert hidden_issue.status_code == unknown_issue.status_code == 400
    assert hidden_issue.json()["errors"]["message"] == \
        unknown_issue.json()["errors"]["message"].replace("999999", str(hidden["vault"].id))
    assert [p["field"] for p in hidden_issue.json()["errors"]["fields"]] == ["issueId"]
    assert _descriptions(ada.get(f"/worklogs/issue/{hidden['vault'].id}")) == ["ada_secret"]


def test_a_hidden_worklog_cannot_be_changed_or_deleted_but_ones_own_can(ada, hidden):
    made = hidden["worklogs"]
    bobs = made["bob_secret"]["tempoWorklogId"]
    assert ada.put(f"/worklogs/{bobs}", json={
        "issueId": hidden["vault"].id, "startDate": "2026-11-23", "timeSpentSeconds": 60,
        "description": "rewritten"}).status_code == 404
    assert ada.delete(f"/worklogs/{bobs}").status_code == 404
    own = made["ada_secret"]["tempoWorklogId"]
    assert ada.delete(f"/worklogs/{own}").status_code == 204


def test_time_follows_its_issue_into_another_project(ada, world, hidden, run_jobs):
    """Moved out of SECRET into ACME, the issue's worklogs show to those who browse ACME, and
    what they say (and their updatedAt) is unchanged."""
    model, site, vault = world["model"], world["site"], hidden["vault"]
    before = {w["description"]: w["updatedAt"] for w in hidden["worklogs"].values()}
    model.update_issue(vault, project=world["project"])
    site.send_webhook("jira:issue_updated", model.issue_event_payload(vault, "jira:issue_updated"))
    run_jobs()
    shown = ada.get(f"/worklogs/project/{world['project'].id}").json()["results"]
    assert {w["description"] for w in shown} == {"bob_acme", "bob_secret", "admin_secret",
                                                 "ada_secret"}
    assert {w["description"]: w["updatedAt"] for w in shown} == before
    assert _count(ada.get(f"/worklogs/project/{hidden['secret'].id}")) == 0
