"""Self-tests of the fake's REST data endpoints and model helpers."""

from __future__ import annotations

import time

import pytest

from .jql import JqlError
from .jql import parse
from .standin import call_as_app
from .timefmt import format_instant

SEARCH = "/rest/api/3/search/jql"


def _search_all(site, jql, *, post=False, max_results=100):
    keys, token, pages = [], None, 0
    while True:
        if post:
            body = {"jql": jql, "fields": ["summary"], "maxResults": max_results}
            if token:
                body["nextPageToken"] = token
            response = call_as_app(site, "POST", SEARCH, json=body)
        else:
            query = f"?jql={jql.replace(' ', '%20')}&fields=summary&maxResults={max_results}"
            if token:
                query += f"&nextPageToken={token}"
            response = call_as_app(site, "GET", SEARCH + query)
        assert response.status_code == 200, response.text
        page = response.json()
        keys += [issue["key"] for issue in page["issues"]]
        pages += 1
        if page["isLast"]:
            assert "nextPageToken" not in page
            return keys, pages
        token = page["nextPageToken"]


@pytest.mark.parametrize("post", [False, True])
def test_search_pages_with_next_page_token(site, post):
    seeded = site.model.seed(projects=1, issues_per_project=250, worklogs_per_issue=0)
    keys, pages = _search_all(site, "project = SA ORDER BY id", post=post)
    assert pages == 3
    assert keys == [issue.key for issue in seeded.issues]


def test_search_fields_date_filter_and_errors(site):
    project = site.model.add_project("ACME")
    old = site.model.add_issue(project, "old")
    time.sleep(0.002)
    cutoff = format_instant(site.model.now())[:16].replace("T", " ")
    new = site.model.add_issue(project, "new", issue_type="Epic")
    site.model.update_issue(old, summary="old, edited")
    found, _ = _search_all(site, f'project in (ACME) AND updated >= "{cutoff}" ORDER BY updated')
    assert found[-1] == old.key and new.key in found
    ids_only = call_as_app(site, "GET", f"{SEARCH}?jql=project%20%3D%20ACME").json()
    assert ids_only["issues"][0].keys() == {"id", "key", "self"}
    for bad in ("ORDER BY id", "project = NOPE", "assignee = currentUser()"):
        response = call_as_app(site, "GET", f"{SEARCH}?jql={bad.replace(' ', '%20')}")
        assert response.status_code == 400, bad


def test_jql_reads_dates_in_the_users_time_zone(site):
    issue = site.model.add_issue(site.model.add_project("TZ"), "x")
    next_minute = format_instant(issue.updated + 60_000)[:16].replace("T", " ")
    query = f'updated < "{next_minute}"'
    assert parse(query, site.model, "UTC").run([issue]) == [issue]
    # The same wall-clock text is 14 hours earlier in Kiritimati (UTC+14).
    assert parse(query, site.model, "Pacific/Kiritimati").run([issue]) == []
    with pytest.raises(JqlError):
        parse("project = TZ OR project = X", site.model, "UTC")


def test_issue_shape_and_moves(site):
    model = site.model
    epic = model.add_issue(model.add_project("ONE"), "Epic", issue_type="Epic")
    story = model.add_issue("ONE", "Story", issue_type="Story", parent=epic,
                            original_estimate=7200)
    model.update_issue(story, project=model.add_project("TWO"), parent=None)
    moved = call_as_app(site, "GET", "/rest/api/3/issue/ONE-2").json()
    assert moved["key"] == "TWO-1"
    fields = moved["fields"]
    assert fields["project"]["key"] == "TWO" and "parent" not in fields
    assert fields["issuetype"] == {**fields["issuetype"], "name": "Story", "hierarchyLevel": 0}
    assert fields["timeoriginalestimate"] == 7200
    payload = model.issue_event_payload(story, "jira:issue_updated")
    assert {"IssueParentAssociation", "Key"} <= {i["field"] for i in payload["changelog"]["items"]}
    with pytest.raises(ValueError):
        model.add_issue("TWO", "bad", issue_type="Subtask")


def test_worklog_crud_estimates_and_properties(site):
    issue = site.model.add_issue(site.model.add_project("WL"), "x", original_estimate=36000)
    base = f"/rest/api/3/issue/{issue.key}/worklog"
    body = {"started": "2026-11-23T09:00:00.000+0000", "timeSpent": "2h"}
    created = call_as_app(site, "POST", base, json=body)
    assert created.status_code == 201, created.text
    worklog_id = created.json()["id"]
    assert created.json()["author"]["accountId"] == site.app_user.account_id
    assert issue.remaining_estimate == 36000 - 7200
    updated = call_as_app(site, "PUT", f"{base}/{worklog_id}", json={"timeSpentSeconds": 3600})
    assert updated.json()["timeSpentSeconds"] == 3600
    assert issue.remaining_estimate == 36000 - 3600
    prop = f"{base}/{worklog_id}/properties/ledgerline"
    assert call_as_app(site, "PUT", prop, json={"account": "ACME"}).status_code == 201
    assert call_as_app(site, "GET", prop).json()["value"] == {"account": "ACME"}
    listed = call_as_app(site, "GET", f"{base}?expand=properties").json()
    assert listed["total"] == 1 and listed["worklogs"][0]["properties"][0]["key"] == "ledgerline"
    bad = call_as_app(site, "POST", base, json={"started": "2026-11-23", "timeSpent": "1h",
                                                "comment": "plain"})
    assert set(bad.json()["errors"]) == {"started", "comment"}
    # The stand-in declares READ WRITE only: DELETE needs the DELETE scope, as in Jira.
    assert call_as_app(site, "DELETE", f"{base}/{worklog_id}").status_code == 403


def test_worklog_feeds_page_and_bulk_fetch(site):
    site.worklog_page_size = 10
    issue = site.model.add_issue(site.model.add_project("FEED"), "x")
    made = [site.model.add_worklog(issue, site.admin.account_id, 60 * (n + 1)) for n in range(25)]
    since = made[0].created - 1
    seen, path = [], f"/rest/api/3/worklog/updated?since={since}"
    while True:
        page = call_as_app(site, "GET", path).json()
        seen += [v["worklogId"] for v in page["values"]]
        if page["lastPage"]:
            break
        path = page["nextPage"].removeprefix(site.url)
    assert seen == [w.id for w in made]
    site.model.delete_worklog(made[3].id)
    deleted = call_as_app(site, "GET", f"/rest/api/3/worklog/deleted?since={since}").json()
    assert [v["worklogId"] for v in deleted["values"]] == [made[3].id]
    fetched = call_as_app(site, "POST", "/rest/api/3/worklog/list",
                          json={"ids": [w.id for w in made]}).json()
    assert len(fetched) == 24
    too_many = call_as_app(site, "POST", "/rest/api/3/worklog/list", json={"ids": [1] * 1001})
    assert too_many.status_code == 400


def test_projects_users_and_permissions(site):
    for n in range(3):
        site.model.add_project(f"P{chr(65 + n)}")
    page = call_as_app(site, "GET", "/rest/api/3/project/search?maxResults=2").json()
    assert (page["total"], page["isLast"], len(page["values"])) == (3, False, 2)
    assert call_as_app(site, "GET", "/rest/api/3/project/PB").json()["key"] == "PB"
    assert call_as_app(site, "GET", "/rest/api/3/project/NOPE").status_code == 404
    me = call_as_app(site, "GET", "/rest/api/3/myself").json()
    assert me["accountType"] == "app"
    check = {"globalPermissions": ["ADMINISTER"], "accountId": site.admin.account_id}
    granted = call_as_app(site, "POST", "/rest/api/3/permissions/check", json=check).json()
    assert granted["globalPermissions"] == ["ADMINISTER"]
    site.model.add_custom_field("Story Points")
    names = {f["name"] for f in call_as_app(site, "GET", "/rest/api/3/field").json()}
    assert {"Summary", "Story Points"} <= names


def test_project_permissions_follow_each_users_browsing(site):
    acme, secret = site.model.add_project("ACME"), site.model.add_project("SECRET")
    ada = site.model.add_user("Ada")
    check = {"accountId": ada.account_id, "projectPermissions": [
        {"permissions": ["BROWSE_PROJECTS"], "projects": [acme.id, secret.id, 99999]}]}
    everything = call_as_app(site, "POST", "/rest/api/3/permissions/check", json=check).json()
    assert everything["projectPermissions"][0]["projects"] == [acme.id, secret.id]
    site.model.restrict_browsing(ada, [acme])
    restricted = call_as_app(site, "POST", "/rest/api/3/permissions/check", json=check).json()
    assert restricted["projectPermissions"] == [
        {"permission": "BROWSE_PROJECTS", "projects": [acme.id], "issues": []}]
    too_many = {"accountId": ada.account_id, "projectPermissions": [
        {"permissions": ["BROWSE_PROJECTS"], "projects": list(range(1001))}]}
    assert call_as_app(site, "POST", "/rest/api/3/permissions/check",
                       json=too_many).status_code == 400


def test_seed_is_fast_at_scale(site):
    started = time.perf_counter()
    seeded = site.model.seed(projects=2, issues_per_project=5000, worklogs_per_issue=10)
    assert time.perf_counter() - started < 5
    assert (len(seeded.issues), seeded.worklog_count) == (10_000, 100_000)
    stamps = [w.updated for w in site.model.worklogs.values()]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_model_deletes_and_event_payloads(site):
    model = site.model
    project = model.add_project("DEL", lead_account_id=site.admin.account_id)
    issue = model.add_issue(project, "x")
    worklog = model.add_worklog(issue, site.admin.account_id, 600, comment="Fixed it")
    payload = model.worklog_event_payload(worklog, "worklog_created")
    assert payload["worklog"]["comment"] == "Fixed it"
    assert payload["worklog"]["issueId"] == str(issue.id)
    model.delete_issue(issue)
    assert worklog.id not in model.worklogs and model.deleted_worklogs == []
    assert call_as_app(site, "GET", f"/rest/api/3/issue/{issue.key}").status_code == 404
    renamed = model.update_project(project, name="Deleted soon")
    event = model.project_event_payload(renamed, "project_updated")
    assert event["project"]["projectLead"]["accountId"] == site.admin.account_id
    model.delete_project(project)
    assert model.find_project("DEL") is None
