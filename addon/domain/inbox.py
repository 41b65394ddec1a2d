"""The durable webhook inbox: store first, apply later, never lose or double-apply an event.

A webhook is written here in one short transaction and acknowledged. Workers then claim due
rows, apply each inside a savepoint and mark it done in the same transaction, so a crash rolls
back both together. A failing event is retried with backoff and, after ``MAX_ATTEMPTS``, parked
with its error for an admin to see and replay.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import Row
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..jira.source import JiraSource
from ..models import InboxEvent
from ..models.sync import INBOX_DONE
from ..models.sync import INBOX_PARKED
from ..models.sync import INBOX_PENDING
from ..models.sync import IS_DONE
from ..models.sync import IS_PARKED
from ..models.sync import IS_PENDING
from . import audit
from .account_field import account_field_id
from .errors import error_text
from .sync import SYNC_EVENTS
from .sync import SyncDataError
from .sync import apply_event
from .sync import issue_fields
from .sync import jira_time_ms
from .sync_batch import batch_lookups
from .sync_batch import fetch_unknown_issues
from .sync_batch import finish_batch
from .sync_batch import prefetch

MAX_ATTEMPTS = 8
BASE_BACKOFF_SECONDS = 15
MAX_BACKOFF_SECONDS = 3600


class UnknownEvent(ValueError):
    """The webhook names an event this app does not subscribe to."""


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _entity_id(entity: dict) -> str | None:
    """Jira ids are short numbers; anything else cannot key a delivery (it is stored unkeyed)."""
    value = entity.get("id")
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = str(value)
    return text if 0 < len(text) <= 32 and "\x00" not in text else None


def dedupe_key(event_type: str, payload: dict) -> str | None:
    """Event + entity + version: the same change delivered twice has the same key.

    A payload of an unexpected shape has no key: it is stored, and processing parks it with
    the reason (a webhook never gets a 500 for its shape).
    """
    if event_type.startswith("jira:issue"):
        entity = _dict(payload.get("issue"))
        version = jira_time_ms(_dict(entity.get("fields")).get("updated"))
    elif event_type.startswith("worklog"):
        entity = _dict(payload.get("worklog"))
        version = jira_time_ms(entity.get("updated"))
    else:
        entity = _dict(payload.get("project"))
        version = payload.get("timestamp")
        version = version if isinstance(version, int) and not isinstance(version, bool) \
            else None
    entity_id = _entity_id(entity)
    if entity_id is None:
        return None
    if event_type.endswith("_deleted"):
        return f"{event_type}:{entity_id}"
    return f"{event_type}:{entity_id}:{version}" if version else None


IDENTIFIER_MAX = 128  # the column; Jira's identifiers are UUIDs


def receive_webhook(session: Session, *, event_type: str, identifier: str | None,
                    payload: dict, now: datetime) -> bool:
    """Store a delivery unless it was seen before. Returns whether it was new."""
    if event_type not in SYNC_EVENTS:
        raise UnknownEvent(event_type)
    try:
        key = dedupe_key(event_type, payload)
    except SyncDataError:
        key = None  # stored anyway; processing will park it with the reason
    values = {
        "tenant_id": session.tenant_id, "event_type": event_type,
        "webhook_identifier": identifier or None, "dedupe_key": key, "received_at": now,
        "payload": payload, "status": INBOX_PENDING, "attempts": 0, "next_attempt_at": now,
    }
    statement = _insert_statement(session.bind.dialect.name)
    return session.execute(statement, values).scalar() is not None


def _insert_statement(dialect: str):
    """One statement per dialect, values bound per call: built and compiled once (issue 11)."""
    if dialect not in _INSERTS:
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        table = InboxEvent.__table__
        _INSERTS[dialect] = insert(table).on_conflict_do_nothing().returning(table.c.id)
    return _INSERTS[dialect]


_INSERTS: dict[str, object] = {}


@dataclass(frozen=True)
class DrainResult:
    applied: int
    retried: int
    parked: int
    remaining: int
    claimed: int = 0  # 0 while due events remain: another worker holds them


def claim_query(session: Session, limit: int, now: datetime):
    """The ``limit`` earliest due events of the session's tenant, locked for this worker.

    By due time, so the scan of ``ix_inbox_events_claim`` stops after ``limit`` rows instead of
    walking the primary key past other tenants' backlogs (``bench/claim_plan.py``). Plain
    rows, not ORM objects: a batch only reads them, and marks them done by one ``UPDATE``.
    ``IS_PENDING`` and the other status tests spell the status in the SQL, so the partial
    indexes serve prepared (generic) plans too (``models.sync``)."""
    query = (select(InboxEvent.id, InboxEvent.event_type, InboxEvent.payload,
                    InboxEvent.attempts)
             .where(IS_PENDING, InboxEvent.next_attempt_at <= now)
             .order_by(InboxEvent.next_attempt_at, InboxEvent.id).limit(limit))
    if session.bind.dialect.name == "postgresql":
        # Concurrent workers take disjoint batches instead of waiting on each other.
        query = query.with_for_update(skip_locked=True)
    return query


def _claim(session: Session, limit: int, now: datetime) -> list[Row]:
    return list(session.execute(claim_query(session, limit, now)))


def backoff(attempts: int) -> timedelta:
    """Exponential with full jitter, so retries of many failed events do not stampede."""
    ceiling = min(MAX_BACKOFF_SECONDS, BASE_BACKOFF_SECONDS * 2 ** (attempts - 1))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311 - not crypto


def process_due_events(session: Session, source: JiraSource, *, now: datetime,
                       limit: int = 100) -> DrainResult:
    """Apply up to ``limit`` due events of this session's tenant. The caller commits.

    The batch is applied in one savepoint with its lookups prefetched (``sync_batch``); if any
    event fails, that savepoint is rolled back and the batch is applied again one savepoint per
    event, so the failing event is recorded (retry or park) and the others still apply.
    """
    audit.act_as(session, audit.SYSTEM_WEBHOOK)
    account_field = account_field_id(session)
    events = _claim(session, limit, now)
    # A second try sees rows a concurrent worker's batch committed meanwhile (e.g. an issue
    # both batches first met), which failed the first try on a unique key.
    if any(_apply_as_batch(session, events, source, now=now, account_field=account_field)
           for _ in range(2)):
        _mark_done(session, events, now)
        applied, retried, parked = len(events), 0, 0
    else:
        applied, retried, parked = _apply_one_by_one(session, events, source, now=now,
                                                     account_field=account_field)
    session.flush()
    return DrainResult(applied, retried, parked, remaining=count_due(session, now),
                       claimed=len(events))


def _apply_as_batch(session: Session, events: list[Row], source: JiraSource, *,
                    now: datetime, account_field: str | None) -> bool:
    if not events:
        return True
    try:
        # No autoflush: every row the batch reads is prefetched or its own (sync_batch).
        with batch_lookups(session), session.begin_nested(), session.no_autoflush:
            bodies = [(e.event_type, e.payload) for e in events]
            prefetch(session, bodies)
            fetch_unknown_issues(session, source, issue_fields(account_field),
                                 _issues_to_fetch(bodies))
            for event_type, payload in bodies:
                apply_event(session, event_type, payload, source, now=now,
                            account_field=account_field)
            finish_batch(session)
    except Exception:  # noqa: BLE001 - each event is retried alone and its failure recorded
        return False
    return True


def _issues_to_fetch(bodies: list[tuple[str, dict]]) -> set[str]:
    """Issues named by worklog events and by no issue event of the batch."""
    by_worklogs = {str((p.get("worklog") or {}).get("issueId") or "") for t, p in bodies
                   if t.startswith("worklog")}
    by_issue_events = {str((p.get("issue") or {}).get("id") or "") for t, p in bodies
                       if t.startswith("jira:issue")}
    return by_worklogs - by_issue_events - {""}


def _mark_done(session: Session, events: list[Row], now: datetime) -> None:
    """One ``UPDATE`` for the batch's events."""
    if not events:
        return
    session.execute(update(InboxEvent).where(InboxEvent.id.in_([e.id for e in events]))
                    .values(status=INBOX_DONE, processed_at=now,
                            attempts=InboxEvent.attempts + 1)
                    .execution_options(synchronize_session=False))


def _apply_one_by_one(session: Session, events: list[Row], source: JiraSource, *,
                      now: datetime, account_field: str | None) -> tuple[int, int, int]:
    applied = retried = parked = 0
    for event in events:
        try:
            with session.begin_nested():
                apply_event(session, event.event_type, event.payload, source, now=now,
                            account_field=account_field)
        except Exception as exc:  # any failure is recorded on the event, never lost
            attempts = event.attempts + 1
            failure = {"attempts": attempts, "last_error": error_text(exc)}
            if isinstance(exc, SyncDataError) or attempts >= MAX_ATTEMPTS:
                failure["status"] = INBOX_PARKED
                parked += 1
            else:
                failure["next_attempt_at"] = now + backoff(attempts)
                retried += 1
            session.execute(update(InboxEvent).where(InboxEvent.id == event.id)
                            .values(failure).execution_options(synchronize_session=False))
            continue
        _mark_done(session, [event], now)
        applied += 1
    return applied, retried, parked


def count_due(session: Session, now: datetime) -> int:
    return session.scalar(select(func.count(InboxEvent.id)).where(
        IS_PENDING, InboxEvent.next_attempt_at <= now))


def tenants_with_due_events(session: Session, now: datetime) -> list[int]:
    """Tenants whose inbox has events due by ``now`` (an all-tenants session)."""
    return list(session.scalars(select(InboxEvent.tenant_id).distinct().where(
        IS_PENDING, InboxEvent.next_attempt_at <= now)))


def replay_parked(session: Session, *, now: datetime, event_ids: list[int] | None = None) -> int:
    """Put parked events back in the queue (all, or the given ids). Returns how many."""
    query = update(InboxEvent).where(IS_PARKED)
    if event_ids is not None:
        query = query.where(InboxEvent.id.in_(event_ids))
    result = session.execute(query.values(status=INBOX_PENDING, attempts=0, next_attempt_at=now)
                             .execution_options(synchronize_session=False))
    return result.rowcount


@dataclass(frozen=True)
class InboxStats:
    pending: int
    parked: int
    oldest_pending: datetime | None


def inbox_stats(session: Session) -> InboxStats:
    """One query per status, each read from its partial index (not a scan of the done)."""
    pending, oldest = session.execute(
        select(func.count(InboxEvent.id), func.min(InboxEvent.received_at)).where(IS_PENDING)
    ).one()
    parked = session.scalar(select(func.count(InboxEvent.id)).where(IS_PARKED))
    return InboxStats(pending, parked, oldest)


def parked_events(session: Session, limit: int = 100) -> list[InboxEvent]:
    return list(session.scalars(select(InboxEvent).where(IS_PARKED)
                                .order_by(InboxEvent.next_attempt_at, InboxEvent.id).limit(limit)))


def purge_done_events(session: Session, *, before: datetime, limit: int) -> int:
    """Delete up to ``limit`` events applied before ``before`` (an all-tenants session).

    Done events are kept only as long as deduplication needs them (Jira retries a delivery for
    hours); re-applying one that comes back later is harmless, since applying is idempotent.
    Parked and pending events are never deleted here. Returns how many went.

    On PostgreSQL the ids are collected into an array first (``= ANY(ARRAY(…))``), so the
    delete looks each one up by primary key; as ``IN (…)`` the planner hash-joins the whole
    table against them: 81 ms instead of 6 ms a batch at 600,000 rows (``bench/claim_plan.py``).
    """
    oldest = (select(InboxEvent.id)
              .where(IS_DONE, InboxEvent.processed_at < before)
              .order_by(InboxEvent.processed_at).limit(limit)).scalar_subquery()
    chosen = (InboxEvent.id == func.any(func.array(oldest))
              if session.bind.dialect.name == "postgresql" else InboxEvent.id.in_(oldest))
    result = session.execute(delete(InboxEvent).where(chosen)
                             .execution_options(synchronize_session=False))
    return result.rowcount
