"""Per-batch lookups for applying many inbox events in one go (issue 11).

Applying one event used to cost about a dozen queries: the issue, the mirror worklog, the app
worklog, the author, the account rules, the work attributes — each looked up by one id, each
query also flushing whatever the previous event left pending. A batch instead loads every row
its events name with a few ``IN`` queries up front (``prefetch``), fetches the issues nobody has
seen yet from Jira with one search, and answers the rest of its lookups from memory. The rows
are the session's own ORM objects, so changes to rows that existed go through the unit of work
as before and are flushed together when the batch's savepoint is released.

New rows (mirror issues, worklogs and users, and the app worklogs adopted from them) are
different: the batch keeps them as plain, session-less objects and inserts them with one
``COPY`` per table (``write_new_rows``, ``bulk.insert_rows``) when the batch ends or before
the batch's logic needs them in the database (``flush``). Profiles showed first the unit of
work's multi-row ``INSERT … RETURNING`` of those rows, then an ``executemany``'s per-row
parameter handling, costing more than applying them. An audited model's rows (app worklogs)
get their ids from the sequence first, so that their audit entries can name them
(``audit.record_inserted``). A row that another worker inserted meanwhile fails the insert on
its unique key, as the flush did, and the batch is tried again.

Work that reads the batch's rows back in aggregate (a budget's burn) is asked for with
``at_batch_end`` and done once per key by ``finish_batch``, after the rows are written.

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

from sqlalchemy import func
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
from . import audit
from .bulk import insert_rows

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
    new: dict[type, list] = field(default_factory=dict)  # rows to insert (Core)
    new_ids: set[int] = field(default_factory=set)  # ``id()`` of the rows in ``new``
    at_end: dict[tuple, Callable[[], object]] = field(default_factory=dict)


# Which column each cached model is looked up by.
_KEYS = {JiraIssue: "jira_id", JiraProject: "jira_id", JiraWorklog: "jira_id",
         JiraUser: "account_id", Worklog: "jira_worklog_id"}
# New rows of these are inserted by ``write_new_rows`` inside a batch (no ORM relationships);
# the sequence fills ``id``, the columns' defaults the timestamps.
_CORE_INSERTED = (JiraIssue, JiraWorklog, JiraUser, Worklog)
_SERVER_FILLED = ("id", "created_at", "updated_at")


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
        finish_batch(session)


def at_batch_end(session: Session, key: tuple, work: Callable[[], object]) -> bool:
    """Leave ``work`` to the end of the batch, once per ``key`` (the last one asked wins);
    False outside a batch, where the caller does it now."""
    batch = current_batch(session)
    if batch is None:
        return False
    batch.at_end[key] = work
    return True


def finish_batch(session: Session) -> None:
    """Write the batch's new rows, then do the work left to its end."""
    write_new_rows(session)
    batch = current_batch(session)
    while batch.at_end:
        batch.at_end.pop(next(iter(batch.at_end)))()


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
    batch = current_batch(session)
    if batch is not None and model in _CORE_INSERTED:
        batch.new.setdefault(model, []).append(row)
        batch.new_ids.add(id(row))
    else:
        session.add(row)
    remember(session, model, key, row)


def new_row(session: Session, model: type, key: str, values: dict):
    """A new row of ``model`` holding ``values``, added as ``add_row`` does."""
    batch = current_batch(session)
    if batch is not None and model in _CORE_INSERTED:
        row = model()
        row.__dict__.update(values)  # see ``set_fields``
    else:
        row = model(**values)
    add_row(session, model, key, row)
    return row


def set_fields(session: Session, row, values: dict) -> None:
    """Set ``values`` on ``row``.

    A row this batch inserts by Core gets them straight in its ``__dict__``: nothing needs to
    track its changes, since ``write_new_rows`` inserts what that dict holds, and the ORM's
    instrumented setter cost a tenth of a backfill. Any other row goes through the ORM."""
    batch = current_batch(session)
    if batch is not None and id(row) in batch.new_ids:
        row.__dict__.update(values)
        return
    for name, value in values.items():
        setattr(row, name, value)


def write_new_rows(session: Session) -> None:
    """Insert the batch's new rows, one ``COPY`` per table (``bulk.insert_rows``).

    They are then forgotten by the batch: a later lookup reads the stored row back as an ORM
    object, so the rest of the batch changes it through the unit of work.
    """
    batch = current_batch(session)
    if batch is None:
        return
    for model, rows in batch.new.items():
        table = model.__table__
        columns = [c for c in table.c if c.key not in _SERVER_FILLED]
        values = [{c.key: _column_value(session, row, c) for c in columns} for row in rows]
        if audit.is_tracked(model):
            for row_values, row_id in zip(values, _new_ids(session, table, len(rows)),
                                          strict=True):
                row_values["id"] = row_id
        insert_rows(session, table, values)
        if audit.is_tracked(model):
            audit.record_inserted(session, model, values)
        for row in rows:
            batch.rows.pop((model, getattr(row, _KEYS[model])), None)
    batch.new.clear()
    batch.new_ids.clear()


def _new_ids(session: Session, table, count: int) -> list[int]:
    """``count`` ids for new rows of ``table``, in order: from its sequence on PostgreSQL; on
    SQLite, whose writers take turns, after the highest one stored."""
    if session.bind.dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence(table.name, table.c.id.name)
        return sorted(session.scalars(select(func.nextval(sequence))
                                      .select_from(func.generate_series(1, count))))
    highest = session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
    return list(range(highest + 1, highest + 1 + count))


def _column_value(session: Session, row, column):
    """What the unit of work would insert: the attribute, or the column's default if the
    attribute was never set."""
    state = row.__dict__  # the set attributes (not the instrumented getter: a hot path)
    if column.key == "tenant_id":
        return state.get("tenant_id") or session.tenant_id
    if column.key not in state and column.default is not None:
        default = column.default
        return default.arg if default.is_scalar else default.arg(None)
    return state.get(column.key)


def flush(session: Session) -> None:
    """Make every row the batch wrote so far visible to SQL (an ``UPDATE`` over them, say)."""
    write_new_rows(session)
    session.flush()


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
