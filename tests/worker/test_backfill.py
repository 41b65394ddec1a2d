"""Backfill: the app's copy ends equal to the fake Jira's state, resumably, in bounded memory."""

from __future__ import annotations

import gc
import importlib
import sys
import threading
import time
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from addon.cli import main as cli
from addon.domain.account_field import account_field_id
from addon.domain.backfill import PAUSED
from addon.domain.backfill import BackfillBusy
from addon.domain.backfill import run_backfill
from addon.domain.progress import BACKFILL
from addon.domain.progress import DONE
from addon.domain.progress import FAILED
from addon.domain.progress import RECONCILE
from addon.domain.progress import RUNNING
from addon.domain.progress import progress_of
from addon.jira import JiraUnavailable
from addon.jobs import BACKFILL_JOB
from addon.models import JiraIssue
from addon.models import JiraProject
from addon.models import JiraWorklog
from addon.models import SyncState
from tests.fakejira.app_fields import app_field
from tests.world import tenant_id_of
from worker.jobs.backfill import backfill_now
from worker.jobs.backfill import backfill_tenant
from worker.jobs.sync import jira_source

SEARCH = "/rest/api/3/search/jql"
WORKLOG_LIST = "/rest/api/3/worklog/list"


def jira_snapshot(site) -> dict[str, dict]:
    """The fake's state, projected onto what the app mirrors."""
    model = site.model
    account = app_field(site, "account-field").id
    with model.lock:
        return {
            "projects": {str(p.id): p.key for p in model.projects.values()},
            "issues": {str(i.id): (i.key, str(i.project_id),
                                   None if i.parent_id is None else str(i.parent_id),
                                   _option_id(i.custom_fields.get(account)))
                       for i in model.issues.values()},
            "worklogs": {str(w.id): (str(w.issue_id), w.time_spent_seconds, w.started)
                         for w in model.worklogs.values()},
        }


def _option_id(value) -> str | None:
    return None if value is None else str(value["id"])


def app_snapshot(database, tenant_id: int) -> dict[str, dict]:
    """The app's live (not tombstoned) copy, in ``jira_snapshot``'s shape."""
    with database.transaction(tenant_id=tenant_id) as session:
        def live(model):
            return session.scalars(select(model).where(model.deleted_at.is_(None)))

        return {
            "projects": {p.jira_id: p.key for p in live(JiraProject)},
            "issues": {i.jira_id: (i.key, i.project_jira_id, i.parent_jira_id,
                                   i.account_field_value) for i in live(JiraIssue)},
            "worklogs": {w.jira_id: (w.issue_jira_id, w.time_spent_seconds,
                                     round(w.started_at.timestamp() * 1000))
                         for w in live(JiraWorklog)},
        }


def backfill(app, site, **options) -> str:
    tenant_id = tenant_id_of(app, site)
    with app.app_context():
        database = app.extensions["ledgerline.db"]
        return run_backfill(lambda: database.transaction(tenant_id=tenant_id),
                            jira_source(tenant_id), addon_key="ledgerline", **options)


def state_of(database, tenant_id: int, kind: str = BACKFILL) -> SyncState:
    with database.transaction(tenant_id=tenant_id) as session:
        return session.scalar(select(SyncState).where(SyncState.kind == kind))


def seed_site(site, **counts):
    """Seeded data plus the shapes seeding lacks: subtasks and Account field values."""
    seeded = site.model.seed(**counts)
    account = app_field(site, "account-field").id
    for number, issue in enumerate(seeded.issues[:counts.get("issues_per_project", 50)]):
        if number % 4 == 1:
            site.model.update_issue(issue, custom_fields={account: {"id": 7, "value": "ACME"}})
        if number % 7 == 3 and not issue.issue_type.hierarchy_level:
            site.model.add_issue(issue.project_id, "A subtask", issue_type="Subtask",
                                 parent=issue)
    return seeded


def test_backfill_copies_projects_issues_and_worklogs(installed_site, app, database):
    seed_site(installed_site, projects=3, issues_per_project=40, worklogs_per_issue=3)
    before = datetime.now(UTC)

    assert backfill(app, installed_site) == DONE

    tenant_id = tenant_id_of(app, installed_site)
    expected = jira_snapshot(installed_site)
    assert app_snapshot(database, tenant_id) == expected
    state = state_of(database, tenant_id)
    assert (state.status, state.phase, state.last_error) == (DONE, None, None)
    assert state.cursor["counts"] == {"projects": 3, "issues": len(expected["issues"]),
                                      "worklogs": len(expected["worklogs"])}
    with database.transaction(tenant_id=tenant_id) as session:
        assert account_field_id(session) == app_field(installed_site, "account-field").id
    # Reconciliation continues from the moment the backfill started.
    handover = state_of(database, tenant_id, RECONCILE).cursor
    assert handover["issues_ms"] == handover["worklogs_ms"] == handover["deleted_ms"]
    assert before <= datetime.fromtimestamp(handover["issues_ms"] / 1000, UTC) <= state.finished_at


def test_a_bigger_site_streams_in_bounded_memory_through_rate_limits(installed_site, app,
                                                                     database):
    """The scaled-down twin of bench/backfill.py (10k issues / 100k worklogs, peak memory).

    Nothing may be retained from one page to the next: after warm-up the number of allocated
    blocks stays flat, where keeping each 500-worklog page would add tens of thousands. The
    429s are fewer in a row than the session's retries, so they are absorbed, never fatal.
    """
    seed_site(installed_site, projects=2, issues_per_project=300, worklogs_per_issue=5)
    installed_site.worklog_page_size = 500
    blocks = []

    def measure_and_rate_limit(progress) -> None:
        if not progress.done:
            return
        if progress.phase == "worklogs":
            gc.collect()
            blocks.append(sys.getallocatedblocks())
        installed_site.fail_next(2, status=429, retry_after="0")  # after each applied page

    assert backfill(app, installed_site, on_progress=measure_and_rate_limit) == DONE
    assert sum(r.status == 429 for r in installed_site.requests_log) >= 2 * (len(blocks) + 6)
    assert app_snapshot(database, tenant_id_of(app, installed_site)) == \
        jira_snapshot(installed_site)
    assert len(blocks) == 6
    assert blocks[-1] - blocks[2] < 8_000, blocks


def test_a_failed_run_resumes_from_its_last_page_without_gaps(installed_site, app, database):
    seed_site(installed_site, projects=2, issues_per_project=250, worklogs_per_issue=2)
    installed_site.worklog_page_size = 300
    tenant_id = tenant_id_of(app, installed_site)
    failed_at = []

    def fail_midway(progress) -> None:
        if progress.phase == "issues" and progress.done >= 300 and not failed_at:
            failed_at.append(progress.done)
            installed_site.fail_next(1, status=500, path_prefix=SEARCH)

    with pytest.raises(JiraUnavailable):
        backfill(app, installed_site, on_progress=fail_midway)
    failed = state_of(database, tenant_id)
    assert (failed.status, failed.phase, failed.done) == (FAILED, "issues", failed_at[0])
    assert "500" in failed.last_error
    searches_before = sum(r.path == SEARCH for r in installed_site.requests_log)

    def fail_in_worklogs(progress) -> None:
        if progress.phase == "worklogs" and progress.done >= 300 and len(failed_at) == 1:
            failed_at.append(progress.done)
            installed_site.fail_next(1, status=500, path_prefix=WORKLOG_LIST)

    with pytest.raises(JiraUnavailable):
        backfill(app, installed_site, on_progress=fail_in_worklogs)
    assert state_of(database, tenant_id).done == failed_at[1]
    assert backfill(app, installed_site) == DONE

    # The second run went on from where the first failed: it searched only the pages left.
    remaining_pages = (len(installed_site.model.issues) - failed_at[0]) // 100 + 2
    searches = sum(r.path == SEARCH for r in installed_site.requests_log) - searches_before
    assert searches <= remaining_pages + 1
    assert app_snapshot(database, tenant_id) == jira_snapshot(installed_site)
    with database.transaction(tenant_id=tenant_id) as session:
        assert session.scalar(select(func.count(JiraWorklog.id))) == \
            len(installed_site.model.worklogs)
    assert state_of(database, tenant_id).cursor["counts"]["issues"] >= \
        len(installed_site.model.issues)


def test_resume_survives_an_expired_token_and_a_deleted_resume_point(installed_site, app,
                                                                     database):
    seed_site(installed_site, projects=1, issues_per_project=350, worklogs_per_issue=1)
    tenant_id = tenant_id_of(app, installed_site)

    def fail_after_two_pages(progress) -> None:
        if progress.phase == "issues" and progress.done == 200:
            installed_site.fail_next(1, status=500, path_prefix=SEARCH)

    with pytest.raises(JiraUnavailable):
        backfill(app, installed_site, on_progress=fail_after_two_pages)
    with database.transaction(tenant_id=tenant_id) as session:
        state = session.scalar(select(SyncState).where(SyncState.kind == BACKFILL))
        state.cursor = {**state.cursor, "token": "expired-long-ago"}
        last_applied = state.cursor["last"]
    installed_site.model.delete_issue(last_applied)  # `id > last` is now refused too

    assert backfill(app, installed_site) == DONE
    copied = app_snapshot(database, tenant_id)["issues"]
    assert copied.pop(last_applied)  # deleted after it was copied: reconciliation's to repair
    assert copied == jira_snapshot(installed_site)["issues"]
    refused = [r for r in installed_site.requests_log if r.path == SEARCH and r.status == 400]
    assert len(refused) == 2


def test_one_backfill_at_a_time_and_a_dead_one_is_taken_over(installed_site, app, database):
    seed_site(installed_site, projects=1, issues_per_project=30, worklogs_per_issue=1)
    tenant_id = tenant_id_of(app, installed_site)
    with database.transaction(tenant_id=tenant_id) as session:
        session.add(SyncState(kind=BACKFILL, status=RUNNING, phase="issues", started_at=
                              datetime.now(UTC), cursor={"owner": "another-worker"}))
    with pytest.raises(BackfillBusy):
        backfill(app, installed_site)
    with app.app_context():
        assert backfill_tenant(tenant_id) == "busy"

    with database.transaction(tenant_id=tenant_id) as session:
        session.execute(update(SyncState).values(
            updated_at=datetime.now(UTC) - timedelta(minutes=20)))
    assert backfill(app, installed_site, restart=True) == DONE
    assert app_snapshot(database, tenant_id) == jira_snapshot(installed_site)


def test_a_time_budget_pauses_and_the_next_slice_continues(installed_site, app, database):
    seed_site(installed_site, projects=2, issues_per_project=150, worklogs_per_issue=2)
    installed_site.worklog_page_size = 100
    tenant_id = tenant_id_of(app, installed_site)
    slices = 1
    while backfill(app, installed_site, time_budget=0) == PAUSED:
        state = state_of(database, tenant_id)
        assert state.status == RUNNING and state.cursor["owner"] is None
        slices += 1
    # One page per slice: 2 + 2 issue pages (156 and 150 issues), 6 worklog pages; the slice
    # that ends the issues goes on into the first worklog page.
    assert slices == 9
    assert app_snapshot(database, tenant_id) == jira_snapshot(installed_site)


def test_progress_reports_done_total_rate_and_eta(installed_site, app, database):
    seed_site(installed_site, projects=2, issues_per_project=120, worklogs_per_issue=3)
    installed_site.worklog_page_size = 100
    issues, worklogs = len(installed_site.model.issues), len(installed_site.model.worklogs)
    reports = []
    backfill(app, installed_site, on_progress=reports.append)

    by_phase = {}
    for report in reports:
        by_phase.setdefault(report.phase, []).append(report)
    assert by_phase["issues"][0].total == issues  # Jira's (approximate) count
    assert [r.done for r in by_phase["issues"]][-1] == issues
    estimates = [r for r in by_phase["worklogs"] if r.done]
    assert len(estimates) > 3 and all(r.total >= r.done for r in estimates)  # extrapolated
    assert estimates[-1].total == estimates[-1].done == worklogs
    assert reports[-1].status == DONE and reports[-1].counts["worklogs"] == worklogs

    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    running = SyncState(kind=BACKFILL, status=RUNNING, phase="issues", done=600, total=1000,
                        cursor={"mark": {"ms": int(now.timestamp() * 1000) - 60_000,
                                         "done": 300}})
    progress = progress_of(running, BACKFILL, now=now)
    assert (progress.rate_per_second, progress.eta_seconds, progress.fraction) == (5, 80, 0.6)
    assert "issues 600/1,000 (60%)" in progress.summary() and "ETA 1m20s" in progress.summary()


def test_the_install_hook_job_runs_the_backfill(installed_site, app, database, run_jobs):
    seed_site(installed_site, projects=1, issues_per_project=20, worklogs_per_issue=2)
    module, _, name = BACKFILL_JOB.rpartition(".")
    assert getattr(importlib.import_module(module), name) is backfill_tenant
    tenant_id = tenant_id_of(app, installed_site)
    with app.app_context():
        app.extensions["ledgerline.jobs"].enqueue(BACKFILL_JOB, tenant_id, queue="sync")
    run_jobs()
    assert state_of(database, tenant_id).status == DONE
    assert app_snapshot(database, tenant_id) == jira_snapshot(installed_site)


def test_resync_command_shows_progress_and_sync_status(installed_site, app, database):
    seed_site(installed_site, projects=1, issues_per_project=30, worklogs_per_issue=2)
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["resync", "--tenant", installed_site.client_key])
    assert result.exit_code == 0, result.output
    assert "issues" in result.output and "worklogs" in result.output
    assert "backfill done" in result.output and "60 worklogs" in result.output

    status = runner.invoke(cli, ["sync-status", "--tenant", installed_site.client_key])
    assert status.exit_code == 0, status.output
    assert "backfill done" in status.output and "reconcile idle" in status.output
    assert "inbox 0 pending · 0 parked" in status.output


def test_resync_resume_and_its_errors(installed_site, app, database):
    seed_site(installed_site, projects=1, issues_per_project=30, worklogs_per_issue=2)
    runner = app.test_cli_runner()
    unknown = runner.invoke(cli, ["resync", "--tenant", "jira:no-such-site"])
    assert unknown.exit_code != 0 and "no tenant with clientKey" in unknown.output
    assert runner.invoke(cli, ["sync-status", "--tenant", "nope"]).exit_code != 0

    installed_site.fail_next(1, status=500, path_prefix=WORKLOG_LIST)
    failed = runner.invoke(cli, ["resync", "--tenant", installed_site.client_key])
    assert failed.exit_code != 0 and "--resume" in failed.output
    resumed = runner.invoke(cli, ["resync", "--tenant", installed_site.client_key, "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert app_snapshot(database, tenant_id_of(app, installed_site)) == \
        jira_snapshot(installed_site)


def test_backfill_now_skips_a_tenant_that_is_not_active(installed_site, app):
    installed_site.uninstall()
    with app.app_context():
        assert backfill_now(tenant_id_of(app, installed_site)) == "skipped"


def test_heartbeat_is_fresh_while_a_slow_page_is_applied(installed_site, app, database):
    """A second worker checking in mid-run sees the first one's recent heartbeat."""
    seed_site(installed_site, projects=1, issues_per_project=200, worklogs_per_issue=1)
    outcome = []
    started = threading.Event()

    def slow(progress) -> None:
        started.set()
        time.sleep(0.05)

    runner = threading.Thread(target=lambda: outcome.append(
        backfill(app, installed_site, on_progress=slow)))
    runner.start()
    started.wait(10)
    with pytest.raises(BackfillBusy):
        backfill(app, installed_site)
    runner.join(180)  # generous: on a loaded 2-core box 200 issues can take a while
    assert not runner.is_alive(), "the first backfill never finished"
    assert outcome == [DONE]
