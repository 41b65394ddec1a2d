"""Webhooks land in the durable inbox and are applied to the synced copy."""

from __future__ import annotations

import re

from sqlalchemy import func
from sqlalchemy import select

from addon.domain import inbox
from addon.models import InboxEvent
from addon.models import JiraIssue
from addon.models import JiraWorklog
from addon.models.base import utcnow
from tests.sql_capture import sent_statements
from tests.world import tenant_id_of


def test_issue_webhook_is_stored_and_applied(installed_site, app, database, run_jobs):
    model = installed_site.model
    project = model.add_project("ACME")
    issue = model.add_issue(project, "First")
    response = installed_site.send_webhook("jira:issue_created",
                                           model.issue_event_payload(issue, "jira:issue_created"))
    assert response.status_code == 204
    run_jobs()
    with database.transaction(tenant_id=tenant_id_of(app, installed_site)) as session:
        (row,) = session.scalars(select(JiraIssue))
        assert (row.key, row.summary, row.project_jira_id) == (issue.key, "First",
                                                               str(project.id))
        assert session.scalar(select(InboxEvent.status)) == "done"


def test_duplicate_delivery_is_acknowledged_and_stored_once(installed_site, app, database,
                                                            run_jobs):
    model = installed_site.model
    issue = model.add_issue(model.add_project("ACME"), "First")
    payload = model.issue_event_payload(issue, "jira:issue_created")
    for _ in range(3):
        assert installed_site.send_webhook("jira:issue_created", payload,
                                           identifier="delivery-1").status_code == 204
    assert installed_site.send_webhook("jira:issue_created", payload).status_code == 204
    run_jobs()
    with database.transaction(tenant_id=tenant_id_of(app, installed_site)) as session:
        assert session.scalar(select(func.count(InboxEvent.id))) == 1


def test_worklog_webhook_fetches_the_unknown_issue(installed_site, app, database, run_jobs):
    model = installed_site.model
    user = model.add_user("Ada")
    issue = model.add_issue(model.add_project("ACME"), "Work")
    worklog = model.add_worklog(issue, user.account_id, 3600,
                                started="2026-11-23T09:00:00.000+0530")
    installed_site.send_webhook("worklog_created",
                                model.worklog_event_payload(worklog, "worklog_created"))
    run_jobs()
    with database.transaction(tenant_id=tenant_id_of(app, installed_site)) as session:
        (row,) = session.scalars(select(JiraWorklog))
        assert row.time_spent_seconds == 3600 and row.started_offset_minutes == 330
        assert session.scalar(select(JiraIssue.key)) == issue.key


def test_webhook_without_a_valid_jwt_is_refused_and_stores_nothing(installed_site, live_app,
                                                                   http, database):
    token = installed_site.sign_app_request("POST", "/webhooks/jira", qsh="context-qsh")
    response = http.post(f"{live_app.url}/webhooks/jira", headers={"Authorization": f"JWT {token}"},
                         json={"webhookEvent": "jira:issue_created", "issue": {"id": "1"}})
    assert response.status_code == 401
    with database.transaction(all_tenants=True) as session:
        assert session.scalar(select(func.count(InboxEvent.id))) == 0


def test_unsupported_event_is_a_400_naming_the_field(installed_site, live_app, http):
    token = installed_site.sign_app_request("POST", "/webhooks/jira")
    response = http.post(f"{live_app.url}/webhooks/jira", headers={"Authorization": f"JWT {token}"},
                         json={"webhookEvent": "board_created"})
    assert response.status_code == 400
    assert response.json()["errors"]["fields"][0]["field"] == "webhookEvent"


# ``status = %(status_1)s`` (psycopg) or ``status = ?`` (SQLite): a parameter, not the value.
BOUND_STATUS = re.compile(r"status\s*(=|!=|<>|IN)\s*\(?\s*(%\(|\?|\$)", re.IGNORECASE)


def test_inbox_queries_send_the_status_as_text_so_partial_indexes_serve_prepared_plans(
        installed_site, app, database):
    # A generic plan (psycopg prepares a statement after five runs) cannot use an index
    # partial on status for ``status = $1``; bench/claim_plan.py prints the claim's.
    now = utcnow()
    with sent_statements(database.engine) as captured:
        with database.transaction(tenant_id=tenant_id_of(app, installed_site)) as session:
            session.execute(inbox.claim_query(session, 10, now)).all()
            inbox.count_due(session, now)
            inbox.inbox_stats(session)
            inbox.parked_events(session)
            inbox.replay_parked(session, now=now)
        with database.transaction(all_tenants=True) as session:
            inbox.tenants_with_due_events(session, now)
            inbox.purge_done_events(session, before=now, limit=10)
    sent = [statement for statement, _ in captured]
    conditions = [s.split("WHERE", 1)[1] for s in sent if "inbox_events" in s and "WHERE" in s]
    assert len(conditions) == 8
    assert [c for c in conditions if BOUND_STATUS.search(c)] == []
    written = {status for c in conditions for status in re.findall(r"status = '(\w+)'", c)}
    assert written == {"pending", "done", "parked"}
    # As IN (subquery) PostgreSQL hash-joins the whole table against the ids it picked.
    purge = next(s for s in sent if s.startswith("DELETE"))
    if database.dialect == "postgresql":
        assert "inbox_events.id = any(array((SELECT" in purge
