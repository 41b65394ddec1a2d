"""The audit trail (issue 9): every change to tracked entities, field by field, hash-chained.

Recording is automatic: a flush hook turns each flushed change of a tracked model (worklogs,
approvals, accounts and their customers, categories and milestones, links, work attributes,
rates, expenses, shares, settings — teams and schemes included — and periods) into an
entry, so no write path can forget it. ``record`` is the one function that appends an entry;
other modules either register their model with ``track`` or call ``record`` themselves.

Who and where come from the session (``act_as``): a Jira user, an API token, or the system;
source panel, api, webhook or job. Entries are kept with the session, each under the
(nested) transaction that recorded it, so a rolled-back savepoint takes its entries with it.
At commit they are sealed and inserted in one statement: the tenant's chain head is locked,
each entry gets the next ``seq``, the previous entry's hash and its own hash. Sealing in memory
writes each entry once, finished (issue 11: inserting unsealed rows, reading them back and
updating them cost a third of a sync batch's audit time, and an index write per index). The
head lock is taken last, just before commit, so it never waits on other row locks while held.
There is no update or delete path here; on PostgreSQL a trigger refuses them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from decimal import Decimal

from sqlalchemy import event
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from ..models import Account
from ..models import AccountCategory
from ..models import AccountLink
from ..models import AppSession
from ..models import AuditChainHead
from ..models import AuditEntry
from ..models import Customer
from ..models import ExchangeRate
from ..models import Expense
from ..models import Holiday
from ..models import HolidayScheme
from ..models import HolidaySchemeMember
from ..models import Invoice
from ..models import Milestone
from ..models import PeriodClosure
from ..models import Rate
from ..models import Role
from ..models import RoleAssignment
from ..models import Share
from ..models import Team
from ..models import TeamMembership
from ..models import TenantSetting
from ..models import TimesheetApproval
from ..models import WorkAttribute
from ..models import WorkloadScheme
from ..models import WorkloadSchemeMember
from ..models import Worklog
from ..models.worklog import BOOKKEEPING as WORKLOG_BOOKKEEPING
from .bulk import column_defaults
from .bulk import insert_rows

ACTOR_KEY = "audit_actor"
_PENDING_KEY = "audit_pending_entries"  # [(recording transaction, entry)], sealed at commit
ENTITY_TYPES = ("worklog", "approval", "rate", "role", "account", "accountlink",
                "workattribute", "expense", "invoice", "share", "settings", "period")
ACTIONS = ("Created", "Updated", "Deleted", "Synced")
# Bookkeeping that is not a business change (push progress, timestamps, ids).
IGNORED_FIELDS = {"id", "tenant_id", "created_at", "updated_at", "push_state", "push_attempts",
                  "push_error", "pushed_as", "jira_worklog_id"}


@dataclass(frozen=True)
class Actor:
    kind: str  # user | token | system
    account_id: str | None
    source: str  # panel | api | webhook | job


SYSTEM_JOB = Actor("system", None, "job")
SYSTEM_WEBHOOK = Actor("system", None, "webhook")


@dataclass(frozen=True)
class Tracked:
    entity_type: str
    parent: str | None = None  # attribute naming the parent entity
    ignored: frozenset[str] = frozenset()  # the model's own derived or bookkeeping columns
    # Names the model in ``entity_id`` ("team:3") where it shares an entity type with others.
    kind: str | None = None


_TRACKED: dict[type, Tracked] = {}


def track(model: type, entity_type: str, *, parent: str | None = None,
          ignored: frozenset[str] = frozenset(), kind: str | None = None) -> None:
    """Audit every flushed change of ``model`` as ``entity_type``, except ``ignored`` columns;
    ``kind`` prefixes its ids when other models share the entity type (their ids overlap)."""
    _TRACKED[model] = Tracked(entity_type, parent, ignored, kind)


# A worklog's priced amounts and push state are derived or bookkeeping (re-pricing is not a
# change of the worklog); what it says is audited.
track(Worklog, "worklog", parent="issue_jira_id", ignored=WORKLOG_BOOKKEEPING)
track(TimesheetApproval, "approval", parent="account_id")
track(Account, "account")
track(AccountLink, "accountlink", parent="account_id")
track(WorkAttribute, "workattribute")
track(TenantSetting, "settings")
track(PeriodClosure, "period")
track(Role, "role")
track(RoleAssignment, "role", parent="account_id")
track(Invoice, "invoice", parent="account_key")
track(Rate, "rate", parent="account_key")
track(ExchangeRate, "rate", kind="exchangerate")
# An expense's cost and revenue are priced from the rate tables: derived, like a worklog's.
track(Expense, "expense", parent="account_key", ignored=frozenset({
    "cost_base", "cost_currency", "revenue", "revenue_currency", "revenue_base",
    "price_error"}))
track(Milestone, "account", parent="account_key", kind="milestone")
track(Customer, "account", kind="customer")
track(AccountCategory, "account", kind="category")
track(Team, "settings", kind="team")
track(TeamMembership, "settings", parent="team_id", kind="teammembership")
track(WorkloadScheme, "settings", kind="workloadscheme")
track(WorkloadSchemeMember, "settings", parent="scheme_id", kind="workloadschememember")
track(HolidayScheme, "settings", kind="holidayscheme")
track(Holiday, "settings", parent="scheme_id", kind="holiday")
track(HolidaySchemeMember, "settings", parent="scheme_id", kind="holidayschememember")
# A share's token hash is the secret itself: never copied into the trail.
track(Share, "share", parent="account_key", ignored=frozenset({"token_hash"}))


def act_as(session: Session, actor: Actor) -> None:
    """Attribute this session's changes to ``actor``."""
    session.info[ACTOR_KEY] = actor


def _plain(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def record(session: Session, *, tenant_id: int, entity_type: str, entity_id: str,
           action: str, changes: list[dict], parent_id: str | None = None,
           now: datetime | None = None) -> None:
    """Append one (unsealed) entry in the session's transaction; sealed at commit."""
    _insert_entries(session, [_entry(session, tenant_id=tenant_id, entity_type=entity_type,
                                     entity_id=entity_id, action=action, changes=changes,
                                     parent_id=parent_id, now=now)])


def _entry(session: Session, *, tenant_id: int, entity_type: str, entity_id: str,
           action: str, changes: list[dict], parent_id: str | None,
           now: datetime | None) -> dict:
    actor = session.info.get(ACTOR_KEY, SYSTEM_JOB)
    if action in ("Created", "Updated") and actor.source in ("webhook", "job"):
        action = "Synced"
    stamp = {"created_at": now} if now is not None else {}  # else the column's default, at seal
    return {"tenant_id": tenant_id, **stamp,
            "actor_type": actor.kind, "actor_id": actor.account_id, "source": actor.source,
            "entity_type": entity_type, "entity_id": entity_id, "parent_id": parent_id,
            "action": action, "changes": changes}


def _insert_entries(session: Session, entries: list[dict]) -> None:
    """Keep ``entries`` with the innermost transaction, to be sealed and inserted at commit."""
    if not entries:
        return
    if session.get_transaction() is None:
        session.connection()  # begins the transaction the entries belong to
    owner = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING_KEY, []).extend((owner, entry) for entry in entries)


def _drop_rolled_back(session: Session, previous_transaction) -> None:
    """A rolled-back transaction takes the entries recorded in it (and in its savepoints)."""
    pending = session.info.get(_PENDING_KEY)
    if pending:
        pending[:] = [(owner, entry) for owner, entry in pending
                      if not _within(owner, previous_transaction)]


def _within(owner, transaction) -> bool:
    while owner is not None:
        if owner is transaction:
            return True
        owner = owner.parent
    return False


def _forget_on_end(session: Session, transaction) -> None:
    """Entries never outlive the session's outermost transaction (closed without commit)."""
    if transaction.parent is None:
        session.info.pop(_PENDING_KEY, None)


def _changes(obj, ignored: frozenset[str], *, created: bool, deleted: bool) -> list[dict]:
    state = inspect(obj)
    changes = []
    for attr in state.mapper.column_attrs:
        name = attr.key
        if name in IGNORED_FIELDS or name in ignored:
            continue
        history = state.attrs[name].history
        current = getattr(obj, name)
        if created:
            if current is not None:
                changes.append({"field": name, "previous": None, "new": _plain(current)})
        elif deleted:
            changes.append({"field": name, "previous": _plain(current), "new": None})
        elif history.has_changes():
            previous = history.deleted[0] if history.deleted else None
            if _plain(previous) != _plain(current):
                changes.append({"field": name, "previous": _plain(previous),
                                "new": _plain(current)})
    return changes


def is_tracked(model: type) -> bool:
    return model in _TRACKED


def record_inserted(session: Session, model: type, rows: list[dict]) -> None:
    """Entries for rows of a tracked ``model`` inserted outside the unit of work (a sync
    batch's new worklogs, by Core): the same ``Created`` entries the flush hook would write,
    built from the inserted values, ``id`` included."""
    tracked = _TRACKED[model]
    names = [a.key for a in inspect(model).column_attrs
             if a.key not in IGNORED_FIELDS and a.key not in tracked.ignored]
    entries = []
    for row in rows:
        changes = [{"field": name, "previous": None, "new": _plain(row[name])}
                   for name in names if row.get(name) is not None]
        if not changes:
            continue
        parent = row.get(tracked.parent) if tracked.parent else None
        entries.append(_entry(session, tenant_id=row["tenant_id"],
                              entity_type=tracked.entity_type,
                              entity_id=_kind_id(tracked, row["id"]),
                              action=_action("Created", changes),
                              changes=changes,
                              parent_id=str(parent) if parent is not None else None, now=None))
    _insert_entries(session, entries)


def _action(kind: str, changes: list[dict]) -> str:
    if any(c["field"] == "deleted_at" and c["previous"] is None and c["new"] for c in changes):
        return "Deleted"  # soft deletion
    return kind


def _entity_id(obj, tracked: Tracked) -> str:
    if isinstance(obj, TenantSetting):
        return obj.name
    return _kind_id(tracked, obj.id)


def _kind_id(tracked: Tracked, row_id: int) -> str:
    return f"{tracked.kind}:{row_id}" if tracked.kind else str(row_id)


def _audit_flush(session: Session, _flush_context) -> None:
    entries = []
    for objects, kind in ((session.new, "Created"), (session.dirty, "Updated"),
                          (session.deleted, "Deleted")):
        for obj in list(objects):
            tracked = _TRACKED.get(type(obj))
            if tracked is None:
                continue
            changes = _changes(obj, tracked.ignored, created=kind == "Created",
                               deleted=kind == "Deleted")
            if not changes:
                continue
            action = _action(kind, changes)
            parent = getattr(obj, tracked.parent) if tracked.parent else None
            entries.append(_entry(session, tenant_id=obj.tenant_id,
                                  entity_type=tracked.entity_type,
                                  entity_id=_entity_id(obj, tracked), action=action,
                                  changes=changes,
                                  parent_id=str(parent) if parent is not None else None,
                                  now=None))
    _insert_entries(session, entries)


def entry_hash(entry: Mapping, prev_hash: str | None) -> str:
    """SHA-256 over the entry's content, its place in the chain and the previous hash."""
    content = {
        "tenant": entry["tenant_id"], "seq": entry["seq"], "at": _plain(entry["created_at"]),
        "actor": [entry["actor_type"], entry["actor_id"], entry["source"]],
        "entity": [entry["entity_type"], entry["entity_id"], entry["parent_id"]],
        "action": entry["action"], "changes": entry["changes"], "prev": prev_hash}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _lock_head(session: Session, tenant_id: int) -> tuple[int, str | None]:
    conn = session.connection()
    table = AuditChainHead.__table__
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(table).values(tenant_id=tenant_id, seq=0)
                 .on_conflict_do_nothing(index_elements=["tenant_id"]))
    row = conn.execute(select(table.c.seq, table.c.last_hash)
                       .where(table.c.tenant_id == tenant_id).with_for_update()).one()
    return row.seq, row.last_hash


def _seal(session: Session) -> None:
    """Chain this transaction's entries, per tenant, under the head's row lock, and insert
    them finished: one statement per tenant."""
    if session.in_nested_transaction():
        return  # sealed once, at the outermost commit
    session.flush()
    pending = session.info.pop(_PENDING_KEY, [])
    by_tenant: dict[int, list[dict]] = {}
    for _, entry in pending:
        by_tenant.setdefault(entry["tenant_id"], []).append(entry)
    table = AuditEntry.__table__
    recorded_at = column_defaults(table, ["created_at"])["created_at"]
    for tenant_id in sorted(by_tenant):
        entries = by_tenant[tenant_id]
        seq, last_hash = _lock_head(session, tenant_id)
        for entry in entries:
            entry.setdefault("created_at", recorded_at)
            seq += 1
            entry["seq"], entry["prev_hash"] = seq, last_hash
            last_hash = entry["hash"] = entry_hash(entry, last_hash)
        insert_rows(session, table, entries)
        head = AuditChainHead.__table__
        session.connection().execute(update(head).where(head.c.tenant_id == tenant_id)
                                     .values(seq=seq, last_hash=last_hash))


@dataclass(frozen=True)
class Verification:
    valid: bool
    entries: int
    first_broken_id: int | None


def verify_chain(session: Session) -> Verification:
    """Walk the session tenant's chain in order, recomputing every hash.

    An edited entry fails its own hash; a deleted one leaves a gap in ``seq`` (or, at the
    end, disagrees with the chain head). ``first_broken_id`` is the first entry that does not
    verify (for a truncated end: the last entry left).
    """
    table = AuditEntry.__table__
    rows = session.connection().execute(
        select(table).where(table.c.tenant_id == session.tenant_id)
        .order_by(table.c.seq.asc().nulls_last(), table.c.id)).yield_per(1000)
    count, previous, last_id = 0, None, None
    for row in rows:
        count += 1
        if row.hash is None or row.seq != count or row.prev_hash != previous or \
                entry_hash(row._mapping, row.prev_hash) != row.hash:
            return Verification(False, count, row.id)
        previous, last_id = row.hash, row.id
    head = session.get(AuditChainHead, session.tenant_id)
    if head is not None and (head.seq, head.last_hash) != (count, previous):
        return Verification(False, count, last_id)
    return Verification(True, count, None)


@dataclass(frozen=True)
class AuditQuery:
    first: date
    last: date | None = None
    entity_types: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()


def search_entries(session: Session, query: AuditQuery, *, after_id: int | None,
                   limit: int) -> list[AuditEntry]:
    """Entries matching ``query`` in id order, after ``after_id`` (cursor paging)."""
    start = datetime.combine(query.first, time.min, tzinfo=UTC)
    statement = select(AuditEntry).where(AuditEntry.created_at >= start)
    if query.last is not None:
        end = datetime.combine(query.last, time.max, tzinfo=UTC)
        statement = statement.where(AuditEntry.created_at <= end)
    if query.entity_types:
        statement = statement.where(AuditEntry.entity_type.in_(query.entity_types))
    if query.actions:
        statement = statement.where(AuditEntry.action.in_(query.actions))
    if query.authors:
        statement = statement.where(AuditEntry.actor_id.in_(query.authors))
    if after_id is not None:
        statement = statement.where(AuditEntry.id > after_id)
    return list(session.scalars(statement.order_by(AuditEntry.id).limit(limit)))


def init_app(_app=None) -> None:
    """Install the recording hooks on every app session (idempotent)."""
    if not event.contains(AppSession, "after_flush", _audit_flush):
        event.listen(AppSession, "after_flush", _audit_flush)
        event.listen(AppSession, "after_soft_rollback", _drop_rolled_back)
        event.listen(AppSession, "after_transaction_end", _forget_on_end)
        event.listen(AppSession, "before_commit", _seal)
