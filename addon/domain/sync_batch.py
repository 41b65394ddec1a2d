"""Per-batch lookups for applying many inbox events in one go (issue 11).

Applying one event used to cost about a dozen queries: the issue, the mirror worklog, the app
worklog, the author, the account rules, the work attributes — each looked up by one id, each
query also flushing whatever the previous event left pending. A batch instead loads every row
its events name with a few ``IN`` queries up front (``prefetch``), fetches the issues nobody has
seen yet from Jira with one search, and answers the rest of its lookups from memory. The rows
are the session's own ORM objects, so writes go through the unit of work as before and are
flushed together (one multi-row INSERT per table) when the batch's savepoint is released.

The batch lives on ``session.info`` for the duration of one ``with batch_lookups(...)`` block;
outside it (API writes, per-event retries) every lookup queries the database as before.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..jira.source import JiraSource
from ..jira.source import JiraUnavailable
from ..models import JiraIssue
from ..models import JiraProject
from ..models import JiraUser
from ..models import JiraWorklog
from ..models import Worklog
from ..models.worklog import PUSH_PENDING

BATCH_KEY = "ledgerline.sync_batch"
IN_CHUNK = 500  # ids per IN (...) query
SEARCH_CHUNK = 50  # issue ids per JQL search


@dataclass
class SyncBatch:
    """What one batch has read: rows by (model, key), with None for "known to be absent"."""

    rows: dict[tuple[type, str], object | None] = field(default_factory=dict)
    fetched_issues: dict[str, dict] = field(default_factory=dict)
    linkable: list[Worklog] = field(default_factory=list)
    memo: dict[tuple, object] = field(default_factory=dict)


# Which column each cached model is looked up by.
_KEYS = {JiraIssue: "jira_id", JiraProject: "jira_id", JiraWorklog: "jira_id",
         JiraUser: "account_id", Worklog: "jira_worklog_id"}


def current_batch(session: Session) -> SyncBatch | None:
    return session.info.get(BATCH_KEY)


@contextmanager
def batch_lookups(session: Session) -> Iterator[SyncBatch]:
    """Answer lookups from a per-batch cache inside the block; always removed afterwards."""
    batch = SyncBatch()
    session.info[BATCH_KEY] = batch
    try:
        yield batch
    finally:
        session.info.pop(BATCH_KEY, None)


@contextmanager
def prefetched(session: Session, events: list[tuple[str, dict]]) -> Iterator[SyncBatch]:
    """Batch lookups for a page of Jira data (backfill, reconcile), its rows loaded up front."""
    with batch_lookups(session) as batch:
        prefetch(session, events)
        yield batch


def find_row(session: Session, model: type, key: str):
    """The row of ``model`` whose lookup column equals ``key`` (cached inside a batch)."""
    batch = current_batch(session)
    if batch is not None and (model, key) in batch.rows:
        return batch.rows[(model, key)]
    row = session.scalar(select(model).where(getattr(model, _KEYS[model]) == key))
    if batch is not None:
        batch.rows[(model, key)] = row
    return row


def add_row(session: Session, model: type, key: str, row) -> None:
    """Add a new row and let later lookups in the batch find it without a flush."""
    session.add(row)
    remember(session, model, key, row)


def remember(session: Session, model: type, key: str, row) -> None:
    batch = current_batch(session)
    if batch is not None:
        batch.rows[(model, key)] = row


def memoized(session: Session, key: tuple, compute: Callable[[], object]):
    """``compute()``, once per batch for tables sync never writes (accounts, attributes)."""
    batch = current_batch(session)
    if batch is None:
        return compute()
    if key not in batch.memo:
        batch.memo[key] = compute()
    return batch.memo[key]


def prefetch(session: Session, events: Iterable[tuple[str, dict]]) -> None:
    """Load every row the events name, a few ``IN`` queries per table."""
    batch = current_batch(session)
    wanted: dict[type, set[str]] = {model: set() for model in _KEYS}
    for event_type, payload in events:
        _collect(event_type, payload, wanted)
    wanted[Worklog] = set(wanted[JiraWorklog])
    for model, keys in wanted.items():
        column = getattr(model, _KEYS[model])
        keys.discard("")
        for chunk in _chunks(sorted(keys), IN_CHUNK):
            found = {getattr(r, _KEYS[model]): r
                     for r in session.scalars(select(model).where(column.in_(chunk)))}
            batch.rows.update({(model, key): found.get(key) for key in chunk})
    if wanted[JiraIssue]:
        batch.linkable = list(session.scalars(select(Worklog).where(
            Worklog.jira_worklog_id.is_(None), Worklog.push_state == PUSH_PENDING,
            Worklog.deleted_at.is_(None), Worklog.issue_jira_id.in_(sorted(wanted[JiraIssue])))))


def _collect(event_type: str, payload: dict, wanted: dict[type, set[str]]) -> None:
    user = payload.get("user")
    if isinstance(user, dict) and user.get("accountId"):
        wanted[JiraUser].add(str(user["accountId"]))
    body = payload.get("issue") or payload.get("worklog") or payload.get("project")
    if not isinstance(body, dict) or not body.get("id"):
        return
    if event_type.startswith("jira:issue"):
        wanted[JiraIssue].add(str(body["id"]))
        project = (body.get("fields") or {}).get("project") or {}
        if project.get("id"):
            wanted[JiraProject].add(str(project["id"]))
    elif event_type.startswith("worklog"):
        wanted[JiraWorklog].add(str(body["id"]))
        if body.get("issueId"):
            wanted[JiraIssue].add(str(body["issueId"]))
        author = body.get("author") or {}
        if author.get("accountId"):
            wanted[JiraUser].add(str(author["accountId"]))
    else:
        wanted[JiraProject].add(str(body["id"]))


def fetch_unknown_issues(session: Session, source: JiraSource, fields: tuple[str, ...],
                         issue_ids: Iterable[str]) -> None:
    """Fetch the issues the batch needs and we have never seen, many per JQL search.

    Jira refuses a whole ``id in (...)`` search when one id no longer exists (400); those
    chunks are left to the one-by-one fetch, which learns the deletion.
    """
    batch = current_batch(session)
    unknown = sorted({i for i in issue_ids if i and batch.rows.get((JiraIssue, i)) is None
                      and i not in batch.fetched_issues})
    for chunk in _chunks(unknown, SEARCH_CHUNK):
        try:
            page = source.search_page(f"id in ({', '.join(chunk)})", fields, None,
                                      max_results=len(chunk))
        except JiraUnavailable as exc:
            if exc.status == 400:
                continue
            raise
        for issue in page.get("issues") or []:
            batch.fetched_issues[str(issue.get("id"))] = issue


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
