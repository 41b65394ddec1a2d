"""Webhooks arrive late, twice and out of order: the copy still ends as Jira's truth."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from addon.domain.inbox import parked_events
from addon.models import JiraIssue
from addon.models import JiraProject
from addon.models import JiraUser
from addon.models import JiraWorklog
from tests.world import tenant_id_of


@pytest.fixture
def deliver(installed_site, run_jobs):
    def send(*events):
        for event, payload in events:
            assert installed_site.send_webhook(event, payload).status_code == 204
        run_jobs()

    return send


@pytest.fixture
def copy(app, installed_site, database):
    tenant_id = tenant_id_of(app, installed_site)

    def rows(model, **where):
        with database.transaction(tenant_id=tenant_id) as session:
            query = select(model).filter_by(**where).order_by(model.id)
            return list(session.scalars(query))

    return rows


def _issue_event(model, issue, event="jira:issue_updated"):
    return event, model.issue_event_payload(issue, event)


def _worklog_event(model, worklog, event="worklog_updated"):
    return event, model.worklog_event_payload(worklog, event)


def test_an_older_update_never_overwrites_a_newer_one(installed_site, deliver, copy):
    model = installed_site.model
    issue = model.add_issue(model.add_project("ACME"), "v1")
    model.update_issue(issue, summary="v2")
    older = _issue_event(model, issue)
    model.update_issue(issue, summary="v3")
    newer = _issue_event(model, issue)
    deliver(newer, older)
    (row,) = copy(JiraIssue)
    assert row.summary == "v3"


def test_a_deleted_issue_is_not_resurrected_by_a_late_update(installed_site, deliver, copy):
    model = installed_site.model
    issue = model.add_issue(model.add_project("ACME"), "doomed")
    late_update = _issue_event(model, issue, "jira:issue_created")
    model.delete_issue(issue)
    deliver(("jira:issue_deleted", model.issue_event_payload(issue, "jira:issue_deleted")),
            late_update)
    (row,) = copy(JiraIssue)
    assert row.deleted


def test_a_worklog_deleted_before_its_create_arrives_stays_deleted(installed_site, deliver, copy):
    model = installed_site.model
    user = model.add_user("Ada")
    issue = model.add_issue(model.add_project("ACME"), "work")
    worklog = model.add_worklog(issue, user.account_id, 1800)
    created = _worklog_event(model, worklog, "worklog_created")
    model.delete_worklog(worklog.id)
    deliver(_worklog_event(model, worklog, "worklog_deleted"), created, created)
    (row,) = copy(JiraWorklog)
    assert row.deleted


def test_deleting_an_issue_tombstones_its_worklogs(installed_site, deliver, copy):
    model = installed_site.model
    user = model.add_user("Ada")
    issue = model.add_issue(model.add_project("ACME"), "work")
    worklog = model.add_worklog(issue, user.account_id, 1800)
    deliver(_worklog_event(model, worklog, "worklog_created"))
    model.delete_issue(issue)
    deliver(_issue_event(model, issue, "jira:issue_deleted"))
    assert [w.deleted for w in copy(JiraWorklog)] == [True]


def test_an_issue_moved_between_epics_and_projects_follows(installed_site, deliver, copy):
    model = installed_site.model
    acme, globex = model.add_project("ACME"), model.add_project("GLOB")
    epic_a = model.add_issue(acme, "Epic A", issue_type="Epic")
    epic_b = model.add_issue(acme, "Epic B", issue_type="Epic")
    story = model.add_issue(acme, "Story", parent=epic_a)
    deliver(_issue_event(model, story, "jira:issue_created"))
    model.update_issue(story, parent=epic_b)
    deliver(_issue_event(model, story))
    assert copy(JiraIssue, jira_id=str(story.id))[0].parent_jira_id == str(epic_b.id)
    model.update_issue(story, project=globex, parent=None)
    deliver(_issue_event(model, story))
    (row,) = copy(JiraIssue, jira_id=str(story.id))
    assert (row.key, row.project_jira_id, row.parent_jira_id) == (
        model.issue(story.id).key, str(globex.id), None)
    assert row.key.startswith("GLOB-")


def test_worklog_updates_apply_in_version_order(installed_site, deliver, copy):
    model = installed_site.model
    user = model.add_user("Ada", time_zone="Asia/Kolkata")
    issue = model.add_issue(model.add_project("ACME"), "work")
    worklog = model.add_worklog(issue, user.account_id, 600)
    first = _worklog_event(model, worklog, "worklog_created")
    model.update_worklog(worklog.id, time_spent_seconds=5400)
    second = _worklog_event(model, worklog)
    deliver(second, first, second)
    (row,) = copy(JiraWorklog)
    assert row.time_spent_seconds == 5400
    (author,) = copy(JiraUser, account_id=user.account_id)
    assert author.time_zone == "Asia/Kolkata"


def test_project_events_create_rename_and_delete(installed_site, deliver, copy):
    model = installed_site.model
    project = model.add_project("ACME", "Acme")
    created = ("project_created", model.project_event_payload(project, "project_created"))
    model.update_project(project, name="Acme Corp")
    renamed = ("project_updated", model.project_event_payload(project, "project_updated"))
    deliver(renamed, created)
    assert copy(JiraProject)[0].name == "Acme Corp"
    deliver(("project_deleted", model.project_event_payload(project, "project_deleted")))
    assert copy(JiraProject)[0].deleted


def test_a_body_we_cannot_use_is_parked_with_its_reason(installed_site, deliver, app, database):
    deliver(("jira:issue_updated", {"webhookEvent": "jira:issue_updated",
                                    "issue": {"id": "1", "fields": {}}}))
    tenant_id = tenant_id_of(app, installed_site)
    with database.transaction(tenant_id=tenant_id) as session:
        (event,) = parked_events(session)
        assert "issue payload without" in event.last_error
