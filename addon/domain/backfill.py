"""Backfill: copy a tenant's Jira into the synced copy, page by page, resumable after a crash.

Phases run in order: ``fields`` (the id Jira gave our Account field), ``projects``, ``issues``
(per project, ``ORDER BY id``) and ``worklogs`` (Jira's ``/worklog/updated`` feed from the
beginning, then ``/worklog/list`` for each page of ids). Each page is applied and committed in the
same transaction as the cursor that points past it, so a crash resumes after the last committed
page; a page replayed after a crash is harmless because every apply is idempotent. Only one page
is held in memory at a time.

One run owns the backfill at a time: it writes its id into the cursor and each commit checks it
under a row lock, so a second worker stops instead of interleaving. A running state whose
heartbeat is stale (``progress.STALE_AFTER``) belonged to a dead worker and may be taken over.
What changes in Jira while the backfill runs is caught by reconciliation, which the backfill
hands over to when it finishes, starting from the backfill's own start time.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.orm import Session

from ..jira.source import JiraSource
from ..jira.source import JiraUnavailable
from ..models import JiraIssue
from ..models import JiraProject
from ..models import JiraWorklog
from ..models import SyncState
from ..models import Worklog
from ..models.base import utcnow
from .account_field import account_field_id
from .account_field import find_account_field_id
from .account_field import remember_account_field_id
from .errors import error_text
from .jql import is_jql_id
from .jql import project_jql
from .jql import projects_in
from .progress import BACKFILL
from .progress import DONE
from .progress import FAILED
from .progress import RUNNING
from .progress import SyncProgress
from .progress import heartbeat_fresh
from .progress import mark
from .progress import progress_of
from .progress import sync_state
from .reconcile import start_reconciliation
from .sync import apply_issue
from .sync import apply_project
from .sync import apply_worklog
from .sync import issue_fields
from .sync_batch import prefetched
from .sync_cursors import BackfillCursor
from .sync_runs import Transaction
from .sync_runs import apply_each
from .sync_runs import epoch_ms
from .sync_runs import read_version

PHASES = ("fields", "projects", "issues", "worklogs")
PAUSED = "paused"
# Projects per approximate-count JQL (``project in (...)``), to keep the JQL short.
COUNT_CHUNK = 50
# The tables a backfill fills, often from empty. PostgreSQL keeps the plan of a prepared statement
# until the table's statistics change, and a plan made while a table was empty scans the whole
# tenant for every lookup by id: the load turns quadratic (measured: 50k worklogs read 1.4 billion
# index entries). Its docs ("Populating a Database") say to ANALYZE after bulk loading; autovacuum
# would eventually, but it may lag or be off, so the backfill does it after the first page of a
# phase and every ``ANALYZE_EVERY_PAGES`` pages.
FILLED_TABLES = (JiraIssue, JiraWorklog, Worklog)
ANALYZE_EVERY_PAGES = 25

log = logging.getLogger(__name__)
ProgressCallback = Callable[[SyncProgress], None]


class BackfillBusy(RuntimeError):
    """Another live run is copying this tenant."""


class BackfillSuperseded(BackfillBusy):
    """This run was presumed dead and another took over; it stops without writing."""


class _Paused(Exception):
    """The time budget is spent; everything up to here is committed."""


@dataclass
class _Run:
    transaction: Transaction
    source: JiraSource
    addon_key: str
    clock: Callable[[], datetime]
    on_progress: ProgressCallback | None
    deadline: float | None
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    cursor: BackfillCursor = field(default_factory=BackfillCursor)
    account_field: str | None = None
    pages: int = 0

    def commit(self, work: Callable[[Session, SyncState], None]) -> None:
        """Apply ``work`` and save the cursor in one transaction, then report progress.

        Raises BackfillSuperseded (rolling ``work`` back) when another run owns the backfill.
        """
        with self.transaction() as session:
            state = sync_state(session, BACKFILL, for_update=True)
            if BackfillCursor.from_json(state.cursor).owner != self.run_id:
                raise BackfillSuperseded("another run took over this tenant's backfill")
            work(session, state)
            self.cursor.failures = 0  # progress was made
            state.cursor = self.cursor.to_json()
            progress = progress_of(state, BACKFILL, now=self.clock())
        if self.on_progress is not None:
            self.on_progress(progress)

    def page_done(self) -> None:
        """Count a committed page; refresh the planner's statistics now and then."""
        self.pages += 1
        if self.pages == 1 or self.pages % ANALYZE_EVERY_PAGES == 0:
            with self.transaction() as session:
                if session.bind.dialect.name == "postgresql":
                    for model in FILLED_TABLES:
                        session.execute(text(f'ANALYZE "{model.__tablename__}"'))

    def check_budget(self) -> None:
        """Pause between pages once the budget is spent (a slice always makes progress)."""
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise _Paused

    def count(self, kind: str, amount: int) -> None:
        self.cursor.counts[kind] = self.cursor.counts.get(kind, 0) + amount

    def move(self, **positions) -> None:
        """Set cursor fields (by name, checked) for the next commit to save."""
        self.cursor = replace(self.cursor, **positions)

    def issue_fields(self) -> tuple[str, ...]:
        return issue_fields(self.account_field)


def run_backfill(transaction: Transaction, source: JiraSource, *, addon_key: str,
                 restart: bool = False, time_budget: float | None = None,
                 on_progress: ProgressCallback | None = None,
                 clock: Callable[[], datetime] = utcnow) -> str:
    """Run the tenant's backfill, or resume an interrupted one, until done or out of time.

    ``transaction()`` opens a unit of work for the tenant; ``clock`` is read per page since a
    backfill takes minutes. ``restart`` starts over even when a previous run can be resumed.
    Returns ``DONE``, or ``PAUSED`` when ``time_budget`` seconds ran out (call again to go on).
    Raises BackfillBusy when another live run holds the backfill (BackfillSuperseded if one
    took it over from this run); any other error (e.g. JiraUnavailable after the session's own
    retries) is recorded on the state and re-raised.
    """
    deadline = None if time_budget is None else time.monotonic() + time_budget
    run = _Run(transaction, source, addon_key, clock, on_progress, deadline)
    phase, resuming = _claim(run, restart=restart)
    try:
        for name in PHASES[PHASES.index(phase):]:
            _STEPS[name](run, resuming=resuming and name == phase)
        _finish(run)
    except _Paused:
        run.commit(lambda _session, _state: run.move(owner=None))
        return PAUSED
    except BackfillSuperseded:
        raise
    except Exception as exc:
        _record_failure(run, exc)
        raise
    return DONE


def _claim(run: _Run, *, restart: bool) -> tuple[str, bool]:
    """Take the backfill for this run; returns (phase to start in, whether it resumes)."""
    now = run.clock()
    with run.transaction() as session:
        state = sync_state(session, BACKFILL, for_update=True)
        stored = BackfillCursor.from_json(state.cursor)
        if state.status == RUNNING and stored.owner and heartbeat_fresh(state, now):
            raise BackfillBusy(f"a backfill is already running (phase {state.phase}, last "
                               f"heartbeat {state.updated_at:%Y-%m-%d %H:%M:%S} UTC)")
        resuming = not restart and state.status in (RUNNING, FAILED) and state.phase in PHASES
        cursor = stored if resuming else BackfillCursor()
        if not resuming:
            state.phase, state.done, state.total, state.started_at = PHASES[0], 0, None, now
        state.status, state.finished_at, state.last_error = RUNNING, None, None
        run.cursor = replace(cursor, owner=run.run_id, mark=mark(state.done, now))
        state.cursor = run.cursor.to_json()
        run.account_field = account_field_id(session)
        return state.phase, resuming


def _start_phase(run: _Run, phase: str, *, total: int | None = None, **cursor) -> None:
    now = run.clock()

    def work(_session: Session, state: SyncState) -> None:
        state.phase, state.done, state.total = phase, 0, total
        run.move(mark=mark(0, now), **cursor)

    run.commit(work)
    run.pages = 0


def _fields(run: _Run, *, resuming: bool) -> None:
    field_id = find_account_field_id(run.source.fields(), run.addon_key)
    run.account_field = field_id
    run.commit(lambda session, _state: remember_account_field_id(session, field_id))


def _projects(run: _Run, *, resuming: bool) -> None:
    """All projects, a page per commit. Small, so a resumed run simply reads them again."""
    _start_phase(run, "projects")
    run.cursor.counts["projects"] = 0
    version = read_version(run.clock())
    for page in run.source.projects():
        def work(session: Session, state: SyncState, page=page) -> None:
            applied = apply_each(page, lambda data: apply_project(session, data, version))
            state.done += applied
            run.count("projects", applied)

        run.commit(work)


def _issues(run: _Run, *, resuming: bool) -> None:
    if not resuming:
        projects = _live_projects(run)
        _start_phase(run, "issues", total=_approximate_total(run.source, projects),
                     project=projects[0] if projects else None, token=None, after=None,
                     last=None)
    while run.cursor.project:
        _issue_page(run)
        if run.cursor.project:
            run.check_budget()


def _issue_page(run: _Run) -> None:
    """One search page of the current project, committed with the position after it."""
    project = run.cursor.project
    page = _search(run, project)
    issues = [] if page is None else page.get("issues", [])
    token = None if page is None else page.get("nextPageToken")
    finished = not issues or not token or page.get("isLast", True)

    def work(session: Session, state: SyncState) -> None:
        now = run.clock()
        with prefetched(session, [("jira:issue_updated", {"issue": i}) for i in issues]):
            applied = apply_each(issues, lambda data: apply_issue(
                session, data, account_field=run.account_field, now=now))
        state.done += applied
        run.count("issues", applied)
        if finished:
            run.move(project=_next_project(session, project), token=None, after=None,
                     last=None)
        else:
            run.move(token=token, last=issues[-1]["id"])

    run.commit(work)
    run.page_done()


def _search(run: _Run, project: str) -> dict | None:
    """The next page of ``project``, falling back when Jira refuses the stored position (400).

    A ``nextPageToken`` can expire (the worker was down for a while): search again for the ids
    after the last applied issue. Jira validates that issue, so if it was deleted since, start
    the project over (re-applying is harmless). A 400 for a fresh search means the project is
    gone: None, and reconciliation tombstones it.
    """
    if not is_jql_id(project):
        log.warning("backfill skipped a project whose id is not numeric",
                    extra={"project": str(project)[:64]})
        return None
    while True:
        token, after = run.cursor.token, run.cursor.after
        if after is not None and not is_jql_id(after):
            run.move(after=None, last=None)
            continue
        try:
            return run.source.search_page(project_jql(project, after), run.issue_fields(), token)
        except JiraUnavailable as exc:
            if exc.status != 400:
                raise
            if token:
                run.move(token=None, after=run.cursor.last)
            elif after is not None:
                run.move(after=None, last=None)
            else:
                log.warning("backfill skipped a project Jira refuses to search",
                            extra={"project": project, "error": str(exc)})
                return None


def _live_projects(run: _Run) -> list[str]:
    with run.transaction() as session:
        return list(session.scalars(select(JiraProject.jira_id)
                                    .where(JiraProject.deleted_at.is_(None))
                                    .order_by(JiraProject.jira_id)))


def _next_project(session: Session, after: str) -> str | None:
    """The project after ``after`` in the same order as ``_live_projects``."""
    return session.scalar(select(func.min(JiraProject.jira_id))
                          .where(JiraProject.deleted_at.is_(None), JiraProject.jira_id > after))


def _approximate_total(source: JiraSource, projects: list[str]) -> int | None:
    """Jira's approximate issue count over all projects; None when Jira cannot count."""
    total = 0
    for start in range(0, len(projects), COUNT_CHUNK):
        count = source.approximate_count(projects_in(projects[start:start + COUNT_CHUNK]))
        if count is None:
            return None
        total += count
    return total


def _worklogs(run: _Run, *, resuming: bool) -> None:
    """Every worklog, oldest change first, through ``/worklog/updated`` and ``/worklog/list``."""
    if not resuming:
        _start_phase(run, "worklogs", since=0, first=None,
                     end=epoch_ms(run.clock()))
    while not _worklog_page(run):
        run.check_budget()


def _worklog_page(run: _Run) -> bool:
    """Apply one feed page; returns whether it was the last."""
    since = run.cursor.since
    page = run.source.worklog_changes("updated", since)
    values = page.get("values", [])
    worklogs = run.source.worklogs([str(v["worklogId"]) for v in values]) if values else []
    last_page = page.get("lastPage", True) or not values
    # A full page ends at its youngest change; the next one starts there (Jira's nextPage).
    until = max(int(page.get("until") or since), since + 1)

    def work(session: Session, state: SyncState) -> None:
        now = run.clock()
        with prefetched(session, [("worklog_updated", {"worklog": w}) for w in worklogs]):
            applied = apply_each(worklogs, lambda data: apply_worklog(
                session, data, run.source, account_field=run.account_field, now=now))
        state.done += applied
        run.count("worklogs", applied)
        if run.cursor.first is None and values:
            run.cursor.first = int(values[0]["updatedTime"])
        run.cursor.since = until
        state.total = state.done if last_page else _estimate_total(state.done, run.cursor, until)

    run.commit(work)
    run.page_done()
    return last_page


def _estimate_total(done: int, cursor: BackfillCursor, position: int) -> int | None:
    """Jira cannot count worklogs: extrapolate from how far the feed is through time."""
    first, end = cursor.first, cursor.end
    if first is None or end <= first or position <= first:
        return None
    fraction = min(1.0, (position - first) / (end - first))
    return max(done, round(done / fraction))


def _finish(run: _Run) -> None:
    now = run.clock()

    def work(session: Session, state: SyncState) -> None:
        state.status, state.phase, state.finished_at = DONE, None, now
        state.total = state.done
        run.cursor = BackfillCursor(counts=run.cursor.counts)
        start_reconciliation(session, since=state.started_at)

    run.commit(work)
    log.info("backfill finished", extra={"counts": run.cursor.counts})


def _record_failure(run: _Run, exc: Exception) -> None:
    """Mark the state failed (resumable from its committed cursor) unless another run owns it."""
    with run.transaction() as session:
        state = sync_state(session, BACKFILL, for_update=True)
        stored = BackfillCursor.from_json(state.cursor)
        if stored.owner != run.run_id:
            return
        state.status = FAILED
        state.last_error = error_text(exc)
        state.cursor = replace(stored, owner=None, failures=stored.failures + 1).to_json()


_STEPS = {"fields": _fields, "projects": _projects, "issues": _issues, "worklogs": _worklogs}
