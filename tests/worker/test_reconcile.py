"""Reconciliation: whatever webhooks were lost, the copy converges on Jira."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy import update

from addon.domain.progress import DONE
from addon.domain.progress import FAILED
from addon.domain.progress import RECONCILE
from addon.domain.reconcile import OVERLAP_MS
from addon.domain.sync_runs import epoch_ms
from addon.jira import JiraUnavailable
from addon.models import SyncState
from addon.models import Tenant
from tests.world import tenant_id_of
from worker.jobs.reconcile import reconcile_all
from worker.jobs.reconcile import reconcile_tenant
from worker.schedule import PERIODIC_JOBS

from .test_backfill import app_snapshot
from .test_backfill import backfill
from .test_backfill import jira_snapshot
from .test_backfill import seed_site
from .test_backfill import state_of


def backfilled(app, site, **counts) -> int:
    seed_site(site, **{"projects": 2, "issues_per_project": 20, "worklogs_per_issue": 2,
                       **counts})
    assert backfill(app, site) == DONE
    return tenant_id_of(app, site)


def reconcile_now(app, tenant_id: int, full: bool = False):
    with app.app_context():
        return reconcile_tenant(tenant_id, full)


def move_cursor(database, tenant_id: int, **positions) -> None:
    with database.transaction(tenant_id=tenant_id) as session:
        state = session.scalar(select(SyncState).where(SyncState.kind == RECONCILE))
        state.cursor = {**state.cursor, **positions}


def test_missed_worklog_and_issue_webhooks_are_repaired(installed_site, app, database):
    tenant_id = backfilled(app, installed_site)
    model = installed_site.model
    first, second = sorted(model.projects.values(), key=lambda p: p.id)
    issues = sorted(model.issues.values(), key=lambda i: i.id)
    author = next(iter(model.users.values())).account_id
    # Jira changes, with every webhook lost:
    model.add_worklog(issues[1], author, 5400)
    model.update_worklog(next(iter(model.worklogs.values())).id, time_spent_seconds=60)
    model.delete_worklog(model.issue_worklogs(issues[2].id)[0].id)
    third = model.add_project("NEW")
    model.add_worklog(model.add_issue(third, "In a new project"), author, 600)
    model.update_issue(issues[3], project=third)  # moved: new key, new project
    model.update_issue(issues[4], parent=None)
    model.add_issue(first, "Created while the webhooks were down")
    model.delete_project(second)
    assert app_snapshot(database, tenant_id) != jira_snapshot(installed_site)

    result = reconcile_now(app, tenant_id)

    assert app_snapshot(database, tenant_id) == jira_snapshot(installed_site)
    assert result.projects_removed == 1 and result.worklogs_removed == 1
    state = state_of(database, tenant_id, RECONCILE)
    assert (state.status, state.last_error) == (DONE, None)
    assert state.cursor["issues_ms"] == epoch_ms(state.started_at)  # the next window's start


def test_an_issue_moved_out_of_a_deleted_project_survives(installed_site, app, database):
    """Both webhooks lost: the move is applied before the old project is tombstoned."""
    tenant_id = backfilled(app, installed_site, projects=1)
    model = installed_site.model
    old, new = model.add_project("OLD"), model.add_project("NEW")
    issue = model.add_issue(old, "Moves out")
    reconcile_now(app, tenant_id)
    model.update_issue(issue, project=new)
    model.delete_project(old)

    assert reconcile_now(app, tenant_id).projects_removed == 1
    assert app_snapshot(database, tenant_id) == jira_snapshot(installed_site)
    assert app_snapshot(database, tenant_id)["issues"][str(issue.id)][1] == str(new.id)


def test_only_the_full_sweep_notices_a_lost_issue_delete(installed_site, app, database):
    tenant_id = backfilled(app, installed_site)
    model = installed_site.model
    first, second = sorted(model.projects.values(), key=lambda p: p.id)
    deleted, moved = sorted((i for i in model.issues.values() if i.project_id == first.id
                             and not i.issue_type.hierarchy_level), key=lambda i: i.id)[:2]
    model.delete_issue(deleted)
    assert reconcile_now(app, tenant_id).issues_removed == 0
    assert deleted.key in {key for key, *_ in app_snapshot(database, tenant_id)["issues"].values()}

    # A move and a create from before the window: only a by-id comparison can find them; and
    # an issue moved into a project deleted since (no feed reports that issue gone).
    model.update_issue(moved, project=second)
    created = model.add_issue(second, "Never announced")
    doomed = model.add_project("DOOMED")
    lost = next(i for i in model.issues.values() if i.project_id == first.id and i.id not in
                (deleted.id, moved.id) and not i.issue_type.hierarchy_level and not
                any(c.parent_id == i.id for c in model.issues.values()))
    model.update_issue(lost, project=doomed)
    model.delete_project(doomed)
    later = int((datetime.now(UTC) + timedelta(minutes=10)).timestamp() * 1000)
    move_cursor(database, tenant_id, issues_ms=later)

    result = reconcile_now(app, tenant_id, full=True)

    assert result.issues_removed == 2  # deleted and lost; the moved one was looked up, kept
    snapshot = app_snapshot(database, tenant_id)
    assert snapshot == jira_snapshot(installed_site)
    assert snapshot["issues"][str(moved.id)][1] == str(second.id)
    assert str(created.id) in snapshot["issues"]
    assert state_of(database, tenant_id, RECONCILE).cursor["full_ms"] > later - 86_400_000


def test_nothing_to_reconcile_before_the_backfill_hands_over(installed_site, app, database):
    installed_site.model.seed(projects=1, issues_per_project=3, worklogs_per_issue=1)
    tenant_id = tenant_id_of(app, installed_site)
    assert reconcile_now(app, tenant_id) is None
    assert state_of(database, tenant_id, RECONCILE) is None
    assert not [r for r in installed_site.requests_log if r.path.startswith("/rest/api")]


def test_a_failed_pass_keeps_its_committed_positions_and_the_next_one_finishes(
        installed_site, app, database):
    tenant_id = backfilled(app, installed_site)
    model = installed_site.model
    before = state_of(database, tenant_id, RECONCILE).cursor
    worklog = next(iter(model.worklogs.values()))
    model.delete_worklog(worklog.id)
    model.add_worklog(next(iter(model.issues.values())), worklog.author_id, 120)
    installed_site.fail_next(1, status=500, path_prefix="/rest/api/3/worklog/deleted")

    with pytest.raises(JiraUnavailable):
        reconcile_now(app, tenant_id)
    failed = state_of(database, tenant_id, RECONCILE)
    assert failed.status == FAILED and "500" in failed.last_error
    assert failed.cursor["worklogs_ms"] > before["worklogs_ms"]  # committed with its page
    assert failed.cursor["deleted_ms"] == before["deleted_ms"]
    assert app_snapshot(database, tenant_id) != jira_snapshot(installed_site)

    reconcile_now(app, tenant_id)
    assert app_snapshot(database, tenant_id) == jira_snapshot(installed_site)
    assert state_of(database, tenant_id, RECONCILE).status == DONE


def test_each_pass_starts_an_overlap_before_the_stored_positions(installed_site, app, database):
    tenant_id = backfilled(app, installed_site, projects=1, issues_per_project=2)
    position = int(datetime.now(UTC).timestamp() * 1000)
    move_cursor(database, tenant_id, worklogs_ms=position, deleted_ms=position,
                issues_ms=position)
    reconcile_now(app, tenant_id)
    asked = {r.path: r for r in installed_site.requests_log if r.path.startswith(
        "/rest/api/3/worklog/") and r.method == "GET"}
    assert int(asked["/rest/api/3/worklog/updated"].query["since"]) == position - OVERLAP_MS
    assert int(asked["/rest/api/3/worklog/deleted"].query["since"]) == position - OVERLAP_MS
    (search,) = [r for r in installed_site.requests_log if r.path == "/rest/api/3/search/jql"
                 and "updated" in (r.body or {}).get("jql", "")][-1:]
    assert search.body["jql"] == 'updated >= "-3m" ORDER BY id ASC'


def test_the_planner_reconciles_done_tenants_and_restarts_due_backfills(
        installed_site, jira_site, live_app, app, database, run_jobs):
    done_tenant = backfilled(app, installed_site)
    fresh = jira_site("fresh")
    assert fresh.install(live_app.url).status_code == 204
    fresh.model.seed(projects=1, issues_per_project=5, worklogs_per_issue=1)
    fresh_tenant = tenant_id_of(app, fresh)
    recent_failure = jira_site("failing")
    assert recent_failure.install(live_app.url).status_code == 204
    failing_tenant = tenant_id_of(app, recent_failure)
    with database.transaction(tenant_id=failing_tenant) as session:
        session.add(SyncState(kind="backfill", status=FAILED, phase="issues",
                              cursor={"failures": 1}))
    with app.app_context():
        app.extensions["ledgerline.tenants"].ensure_demo_tenant(base_url="http://demo.invalid")
    installed_site.model.add_issue(next(iter(installed_site.model.projects.values())), "Lost")

    with app.app_context():
        plan = reconcile_all()
    run_jobs()

    assert plan.backfill == (fresh_tenant,)  # the failure is in backoff; demo has no Jira
    assert plan.reconcile == ((done_tenant, False),)
    assert app_snapshot(database, done_tenant) == jira_snapshot(installed_site)
    assert state_of(database, fresh_tenant).status == DONE
    assert app_snapshot(database, fresh_tenant) == jira_snapshot(fresh)

    move_cursor(database, done_tenant, full_ms=0)
    with database.transaction() as session:
        session.execute(update(Tenant).where(Tenant.id == failing_tenant)
                        .values(enabled=False))
    with app.app_context():
        plan = reconcile_all()
    run_jobs()
    assert dict(plan.reconcile)[done_tenant] is True
    assert failing_tenant not in plan.backfill


def test_reconciliation_is_scheduled_every_five_minutes():
    (job,) = [job for job in PERIODIC_JOBS if job.name == "reconcile-tenants"]
    assert (job.func, job.interval_seconds, job.queue) == (reconcile_all, 300, "sync")
