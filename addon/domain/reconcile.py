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

import copy
import logging
import math
import random
from collections.abc import Callable
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import asdict
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..jira.source import ISSUE_FIELDS
from ..jira.source import JiraSource
from ..jira.source import JiraUnavailable
from ..models import JiraIssue
from ..models import JiraProject
from ..models import JiraWorklog
from ..models import SyncState
from ..models import Tenant
from ..models.base import utcnow
from .jql import is_jql_id
from .jql import project_jql
from .progress import BACKFILL
from .progress import DONE
from .progress import FAILED
from .progress import IDLE
from .progress import RECONCILE
from .progress import RUNNING
from .progress import heartbeat_fresh
from .progress import mark
from .progress import sync_state
from .sync import SyncDataError
from .sync import account_field_id
from .sync import apply_issue
from .sync import apply_project
from .sync import apply_worklog
from .sync import delete_issue
from .sync import delete_project
from .sync import delete_worklog

OVERLAP_MS = 120_000
FULL_SWEEP_EVERY_MS = 86_400_000
# Jira allows pages of up to 5000 issues when only ids are asked for.
ID_PAGE = 5000
# REST reads carry no version of their own; stamp them a little in the past so a webhook for a
# change made just after the read still wins even if Jira's clock is somewhat behind ours.
READ_VERSION_MARGIN_MS = 60_000
# A failed backfill is retried by the periodic planner after 5 min, 10, 20, … at most 6 h.
RETRY_BASE = timedelta(minutes=5)
RETRY_MAX = timedelta(hours=6)

log = logging.getLogger(__name__)
Transaction = Callable[[], AbstractContextManager[Session]]


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def read_version(now: datetime) -> int:
    """The ``version_ms`` for state read over REST at ``now`` (see READ_VERSION_MARGIN_MS)."""
    return epoch_ms(now) - READ_VERSION_MARGIN_MS


def apply_each(items: Iterable[dict], apply: Callable[[dict], object]) -> int:
    """Apply each item; one Jira payload we cannot read is logged and skipped, not fatal."""
    applied = 0
    for data in items:
        try:
            apply(data)
        except SyncDataError as exc:
            log.warning("sync skipped an unreadable item",
                        extra={"item": data.get("id"), "error": str(exc)})
            continue
        applied += 1
    return applied


def start_reconciliation(session: Session, *, since: datetime) -> None:
    """Hand over from a finished backfill: reconcile everything changed since ``since``."""
    state = sync_state(session, RECONCILE, for_update=True)
    since_ms = epoch_ms(since)
    state.cursor = {"worklogs_ms": since_ms, "deleted_ms": since_ms, "issues_ms": since_ms,
                    "full_ms": since_ms}
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
    cursor: dict
    result: ReconcileResult
    phase: str | None = "issues"

    def commit(self, work: Callable[[Session, SyncState], None]) -> None:
        """Apply ``work`` and save positions and counts in one transaction."""
        with self.transaction() as session:
            state = sync_state(session, RECONCILE, for_update=True)
            work(session, state)
            self.cursor["counts"] = self.result.counts()
            state.cursor = copy.deepcopy(self.cursor)
            state.phase = self.phase
            state.done = sum(self.result.counts().values())

    def issue_fields(self) -> tuple[str, ...]:
        return ISSUE_FIELDS + ((self.account_field,) if self.account_field else ())


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
        if not state.cursor.get("issues_ms"):
            return None
        state.status, state.phase, state.done = RUNNING, "issues", 0
        state.started_at, state.finished_at, state.last_error = started, None, None
        state.cursor = {**state.cursor, "mark": mark(0, started)}
        run = _Pass(transaction, source, clock, account_field_id(session),
                    copy.deepcopy(state.cursor), ReconcileResult(full=full))
    try:
        # Issues first: a missed move must land before the old project's tombstone, which
        # takes the issues the copy still files under it (and tombstones are final).
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
        # Tombstones are final: a listing that merely missed a project must not delete it.
        if run.source.project(jira_id) is not None:
            continue

        def remove(session: Session, _state: SyncState, jira_id=jira_id) -> None:
            delete_project(session, jira_id, now=run.clock())
            run.result.projects_removed += 1

        run.commit(remove)


def _worklog_feed(run: _Pass, kind: str) -> None:
    """Worklogs Jira changed (``updated``) or deleted since the stored position."""
    run.phase = f"worklogs {kind}"
    key = "worklogs_ms" if kind == "updated" else "deleted_ms"
    since = max(0, run.cursor[key] - OVERLAP_MS)
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
            run.cursor[key] = until

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
    since = run.cursor["issues_ms"] - OVERLAP_MS
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
                run.cursor["issues_ms"] = epoch_ms(started)

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
        run.cursor.pop("mark", None)
        if run.result.full:
            run.cursor["full_ms"] = epoch_ms(started)

    run.phase = None
    run.commit(work)


def _record_failure(transaction: Transaction, exc: Exception) -> None:
    with transaction() as session:
        state = sync_state(session, RECONCILE, for_update=True)
        state.status = FAILED
        state.last_error = f"{type(exc).__name__}: {exc}"[:2000]


@dataclass(frozen=True)
class SyncPlan:
    """What the periodic planner queues: backfills to (re)start, reconciliations to run."""

    backfill: tuple[int, ...] = ()
    reconcile: tuple[tuple[int, bool], ...] = ()  # (tenant id, full sweep due)


def plan_sync(session: Session, *, now: datetime) -> SyncPlan:
    """Decide, for every active tenant, whether it needs a backfill or a reconciliation.

    A backfill is due when none ever ran (the install hook's job was lost), when a running one
    went quiet (its worker died), or when a failed one has waited out its backoff. Tenants
    whose backfill is done get a reconciliation, with the full sweep once a day. Needs a
    session opened with ``all_tenants=True``.
    """
    tenants = session.scalars(select(Tenant.id).where(
        Tenant.installed.is_(True), Tenant.enabled.is_(True), Tenant.is_demo.is_(False),
    ).order_by(Tenant.id)).all()
    states = {(state.tenant_id, state.kind): state for state in session.scalars(
        select(SyncState).where(SyncState.kind.in_((BACKFILL, RECONCILE))))}
    backfill: list[int] = []
    reconcile_plan: list[tuple[int, bool]] = []
    for tenant_id in tenants:
        state = states.get((tenant_id, BACKFILL))
        if state is None or state.status != DONE:
            if _backfill_due(state, now):
                backfill.append(tenant_id)
            continue
        current = states.get((tenant_id, RECONCILE))
        if current is not None and current.status == RUNNING and heartbeat_fresh(current, now):
            continue
        reconcile_plan.append((tenant_id, _full_sweep_due(current, now)))
    return SyncPlan(tuple(backfill), tuple(reconcile_plan))


def _backfill_due(state: SyncState | None, now: datetime) -> bool:
    if state is None or state.status == IDLE:
        return True
    if state.status == RUNNING:
        return not heartbeat_fresh(state, now)
    failures = max(1, state.cursor.get("failures", 1))
    wait = min(RETRY_MAX, RETRY_BASE * 2 ** (failures - 1))
    # Jitter, so tenants that failed together (a Jira outage) do not all retry on one tick.
    return now >= state.updated_at + wait * random.uniform(0.5, 1.0)  # noqa: S311 - not crypto


def _full_sweep_due(state: SyncState | None, now: datetime) -> bool:
    full_ms = (state.cursor if state is not None else {}).get("full_ms")
    return full_ms is None or epoch_ms(now) - full_ms >= FULL_SWEEP_EVERY_MS
