"""Reconciliation: the synced copy converges on Jira whatever webhooks were lost.

Jira does not promise webhook delivery; we promise convergence. Every few minutes each tenant's
copy is repaired from what Jira reports changed since the last pass: issues updated (JQL),
worklogs updated (``/worklog/updated`` → ``/worklog/list``) and deleted (``/worklog/deleted``),
and the project list (projects Jira no longer has are tombstoned). Once a day a full sweep lists
every issue id per project: Jira has no feed of deleted issues, so that is the only way to notice
an issue deletion whose webhook was lost.

Positions advance page by page, committed with the page they follow, so a pass that dies (say, the
first one after a long outage, outlasting its job timeout) continues where it stopped. Each pass
starts ``OVERLAP_MS`` before the stored positions, which absorbs clock skew between us and Jira and
JQL's minute precision; re-applying the overlap costs nothing because every apply is idempotent.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..jira.source import JiraSource
from ..jira.source import JiraUnavailable
from ..models import JiraIssue
from ..models import JiraProject
from ..models import JiraWorklog
from ..models import SyncState
from ..models.base import utcnow
from .account_field import account_field_id
from .errors import error_text
from .jql import is_jql_id
from .jql import project_jql
from .progress import BACKFILL
from .progress import DONE
from .progress import FAILED
from .progress import IDLE
from .progress import RECONCILE
from .progress import RUNNING
from .progress import mark
from .progress import sync_state
from .sync import apply_issue
from .sync import apply_project
from .sync import apply_worklog
from .sync import delete_issue
from .sync import delete_project
from .sync import delete_worklog
from .sync import issue_fields
from .sync_cursors import ReconcileCursor
from .sync_runs import Transaction
from .sync_runs import apply_each
from .sync_runs import epoch_ms
from .sync_runs import read_version

OVERLAP_MS = 120_000
# Jira allows pages of up to 5000 issues when only ids are asked for.
ID_PAGE = 5000


def start_reconciliation(session: Session, *, since: datetime) -> None:
    """Hand over from a finished backfill: reconcile everything changed since ``since``."""
    state = sync_state(session, RECONCILE, for_update=True)
    since_ms = epoch_ms(since)
    state.cursor = ReconcileCursor(issues_ms=since_ms, worklogs_ms=since_ms, deleted_ms=since_ms,
                                   full_ms=since_ms).to_json()
    state.status, state.last_error = IDLE, None


@dataclass
class ReconcileResult:
    """What one pass read and applied (re-reads of the overlap included)."""

    full: bool = False
    projects: int = 0
    projects_removed: int = 0
    worklogs: int = 0
    worklogs_removed: int = 0
    issues: int = 0
    issues_removed: int = 0

    def counts(self) -> dict[str, int]:
        return {name: n for name, n in asdict(self).items() if name != "full" and n}


@dataclass
class _Pass:
    transaction: Transaction
    source: JiraSource
    clock: Callable[[], datetime]
    account_field: str | None
    cursor: ReconcileCursor
    result: ReconcileResult
    phase: str | None = "issues"

    def commit(self, work: Callable[[Session, SyncState], None]) -> None:
        """Apply ``work`` and save positions and counts in one transaction."""
        with self.transaction() as session:
            state = sync_state(session, RECONCILE, for_update=True)
            work(session, state)
            self.cursor.counts = self.result.counts()
            state.cursor = self.cursor.to_json()
            state.phase = self.phase
            state.done = sum(self.result.counts().values())

    def issue_fields(self) -> tuple[str, ...]:
        return issue_fields(self.account_field)


def reconcile(transaction: Transaction, source: JiraSource, *, full: bool = False,
              clock: Callable[[], datetime] = utcnow) -> ReconcileResult | None:
    """One reconciliation pass over the tenant's copy; ``full`` adds the issue-id sweep.

    Returns None when the tenant has no finished backfill yet (the backfill hands over to
    reconciliation when it ends). Errors (e.g. JiraUnavailable) are recorded on the state and
    re-raised; positions committed before them stay, so the next pass continues from there.
    """
    started = clock()
    with transaction() as session:
        if session.scalar(select(SyncState.status).where(SyncState.kind == BACKFILL)) != DONE:
            return None
        state = sync_state(session, RECONCILE, for_update=True)
        cursor = ReconcileCursor.from_json(state.cursor)
        if not cursor.issues_ms:
            return None
        state.status, state.phase, state.done = RUNNING, "issues", 0
        state.started_at, state.finished_at, state.last_error = started, None, None
        cursor.mark = mark(0, started)
        state.cursor = cursor.to_json()
        run = _Pass(transaction, source, clock, account_field_id(session), cursor,
                    ReconcileResult(full=full))
    try:
        # Issues first: a missed move must land before the old project's tombstone, which
        # takes the issues the copy still files under it (only the daily sweep's by-id reads
        # would lift those tombstones again).
        _issues(run, started)
        _worklog_feed(run, "updated")
        _worklog_feed(run, "deleted")
        _projects(run)
        if full:
            _sweep(run)
        _finish(run, started)
    except Exception as exc:
        _record_failure(transaction, exc)
        raise
    return run.result


def _projects(run: _Pass) -> None:
    """Upsert every project Jira lists; tombstone local ones Jira confirms are gone."""
    run.phase = "projects"
    version = read_version(run.clock())
    listed: set[str] = set()
    for page in run.source.projects():
        listed.update(str(project.get("id")) for project in page)

        def work(session: Session, _state: SyncState, page=page) -> None:
            run.result.projects += apply_each(
                page, lambda data: apply_project(session, data, version))

        run.commit(work)
    with run.transaction() as session:
        local = set(session.scalars(select(JiraProject.jira_id)
                                    .where(JiraProject.deleted_at.is_(None))))
    for jira_id in sorted(local - listed):
        # A listing that merely missed a project must not tombstone it: events never lift a
        # tombstone, only a read by id that finds the entity alive does. So ask by id first.
        if run.source.project(jira_id) is not None:
            continue

        def remove(session: Session, _state: SyncState, jira_id=jira_id) -> None:
            delete_project(session, jira_id, now=run.clock())
            run.result.projects_removed += 1

        run.commit(remove)


def _worklog_feed(run: _Pass, kind: str) -> None:
    """Worklogs Jira changed (``updated``) or deleted since the stored position."""
    run.phase = f"worklogs {kind}"
    position = "worklogs_ms" if kind == "updated" else "deleted_ms"
    since = max(0, getattr(run.cursor, position) - OVERLAP_MS)
    while True:
        page = run.source.worklog_changes(kind, since)
        ids = [str(value["worklogId"]) for value in page.get("values", [])]
        worklogs = run.source.worklogs(ids) if ids and kind == "updated" else []
        last_page = page.get("lastPage", True) or not ids
        until = max(int(page.get("until") or since), since + 1)

        def work(session: Session, _state: SyncState, ids=ids, worklogs=worklogs,
                 until=until) -> None:
            now = run.clock()
            if kind == "updated":
                run.result.worklogs += apply_each(worklogs, lambda data: apply_worklog(
                    session, data, run.source, account_field=run.account_field, now=now))
            else:
                for jira_id in ids:
                    delete_worklog(session, jira_id, now=now)
                run.result.worklogs_removed += len(ids)
            setattr(run.cursor, position, until)

        run.commit(work)
        if last_page:
            return
        since = until


def _issues(run: _Pass, started: datetime) -> None:
    """Issues updated since the stored position (moves, edits, creates whose webhook was lost).

    The JQL uses a relative ``-Nm``: an absolute date would be read in the app user's time zone,
    which we do not know, while a relative one is evaluated on Jira's own clock.
    """
    run.phase = "issues"
    since = run.cursor.issues_ms - OVERLAP_MS
    minutes = max(1, math.ceil((epoch_ms(started) - since) / 60_000))
    jql = f'updated >= "-{minutes}m" ORDER BY id ASC'
    token = None
    while True:
        page = run.source.search_page(jql, run.issue_fields(), token)
        issues = page.get("issues", [])
        token = page.get("nextPageToken")
        last_page = not issues or not token or page.get("isLast", True)

        def work(session: Session, _state: SyncState, issues=issues,
                 last_page=last_page) -> None:
            now = run.clock()
            run.result.issues += apply_each(issues, lambda data: apply_issue(
                session, data, account_field=run.account_field, now=now))
            if last_page:
                run.cursor.issues_ms = epoch_ms(started)

        run.commit(work)
        if last_page:
            return


def _sweep(run: _Pass) -> None:
    run.phase = "sweep"
    with run.transaction() as session:
        projects = list(session.scalars(select(JiraProject.jira_id)
                                        .where(JiraProject.deleted_at.is_(None))
                                        .order_by(JiraProject.jira_id)))
    for project in projects:
        if is_jql_id(project):  # only validated numeric ids go into JQL
            _sweep_project(run, project)


def _sweep_project(run: _Pass, project: str) -> None:
    """Compare the project's issue ids with Jira's; look up each difference by id.

    An issue missing from Jira's list may have moved to another project rather than been
    deleted, so it is deleted only when fetching it by id answers 404.
    """
    with run.transaction() as session:
        local = set(session.scalars(select(JiraIssue.jira_id).where(
            JiraIssue.project_jira_id == project, JiraIssue.deleted_at.is_(None))))
    unknown: list[str] = []
    token = None
    while True:
        try:
            page = run.source.search_page(project_jql(project), ("id",), token,
                                          max_results=ID_PAGE)
        except JiraUnavailable as exc:
            if exc.status == 400:  # the project went away mid-pass; the next pass tombstones it
                return
            raise
        for issue in page.get("issues", []):
            if issue["id"] in local:
                local.discard(issue["id"])
            else:
                unknown.append(issue["id"])
        token = page.get("nextPageToken")
        if not page.get("issues") or not token or page.get("isLast", True):
            break
    for jira_id in sorted(local) + unknown:
        _repair_issue(run, jira_id)


def _repair_issue(run: _Pass, jira_id: str) -> None:
    data = run.source.issue(jira_id, run.issue_fields())

    def work(session: Session, _state: SyncState) -> None:
        if data is None:
            delete_issue(session, jira_id, now=run.clock())
            run.result.issues_removed += 1
        else:
            now = run.clock()
            run.result.issues += apply_each([data], lambda found: apply_issue(
                session, found, account_field=run.account_field, now=now, confirmed_live=True))
            _restore_worklogs(run, session, jira_id)

    run.commit(work)


def _restore_worklogs(run: _Pass, session: Session, issue_jira_id: str) -> None:
    """Re-read the worklogs of an issue we had wrongly tombstoned (their feed won't resend)."""
    tombstoned = session.scalar(select(JiraWorklog.id).where(
        JiraWorklog.issue_jira_id == issue_jira_id, JiraWorklog.deleted_at.is_not(None)))
    if tombstoned is None:
        return
    for page in run.source.issue_worklogs(issue_jira_id):
        apply_each(page, lambda found: apply_worklog(
            session, found, run.source, account_field=run.account_field, now=run.clock(),
            confirmed_live=True))


def _finish(run: _Pass, started: datetime) -> None:
    def work(_session: Session, state: SyncState) -> None:
        state.status, state.finished_at = DONE, run.clock()
        run.cursor.mark = None
        if run.result.full:
            run.cursor.full_ms = epoch_ms(started)

    run.phase = None
    run.commit(work)


def _record_failure(transaction: Transaction, exc: Exception) -> None:
    with transaction() as session:
        state = sync_state(session, RECONCILE, for_update=True)
        state.status = FAILED
        state.last_error = error_text(exc)


