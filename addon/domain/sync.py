"""Applying Jira's truth to the synced copy: idempotent and order-insensitive.

Every entity keeps the version it reflects (Jira's ``updated`` in ms, or the event time where
Jira has none). An update older than what is stored is ignored; a delete is a tombstone that no
later-arriving event can undo (Jira never restores deleted issues or worklogs). Only a read by
id that finds the entity alive in Jira (``confirmed_live``, from reconciliation) lifts one: the
tombstone was then inferred wrongly, e.g. from a project deletion after the issue had moved.
Webhooks, backfill and reconciliation all go through these same functions.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from ..jira.source import ISSUE_FIELDS
from ..jira.source import JiraSource
from ..models import Expense
from ..models import JiraIssue
from ..models import JiraProject
from ..models import JiraUser
from ..models import JiraWorklog
from ..models import Worklog
from .sync_batch import add_row
from .sync_batch import current_batch
from .sync_batch import find_row
from .sync_batch import flush
from .worklogs import adopt_jira_worklog

ISSUE_EVENTS = ("jira:issue_created", "jira:issue_updated", "jira:issue_deleted")
WORKLOG_EVENTS = ("worklog_created", "worklog_updated", "worklog_deleted")
PROJECT_EVENTS = ("project_created", "project_updated", "project_deleted")
SYNC_EVENTS = ISSUE_EVENTS + WORKLOG_EVENTS + PROJECT_EVENTS


class SyncDataError(ValueError):
    """A Jira payload lacks what we need (the event is parked with this message)."""


def parse_jira_time(value: str) -> tuple[datetime, int]:
    """Jira's ``2026-11-23T09:00:00.000+0530`` → (aware UTC datetime, offset in minutes)."""
    try:  # Python 3.11 reads Jira's form natively, several times faster than strptime
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        try:
            parsed = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
        except (TypeError, ValueError) as exc:
            raise SyncDataError(f"unreadable Jira time {value!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    offset = parsed.utcoffset() or timedelta(0)
    try:
        return parsed.astimezone(UTC), int(offset.total_seconds() // 60)
    except OverflowError as exc:  # year 1 at +14:00, say: no real Jira time
        raise SyncDataError(f"Jira time {value!r} is out of range") from exc


def jira_time_ms(value: str | None) -> int | None:
    if not value:
        return None
    instant, _ = parse_jira_time(value)
    try:
        return int(instant.timestamp() * 1000)
    except (OverflowError, ValueError) as exc:
        raise SyncDataError(f"Jira time {value!r} is out of range") from exc


def _option_value(raw) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, dict):
        value = raw.get("id", raw.get("value"))
        return None if value is None else str(value)
    if isinstance(raw, list):
        return _option_value(raw[0]) if raw else None
    return str(raw)


def _by_jira_id(session: Session, model, jira_id: str):
    return find_row(session, model, jira_id)


def _tombstone(session: Session, model, jira_id: str, now: datetime, **placeholder):
    """Mark the row deleted; for an entity never seen, store a placeholder that is born deleted,
    so a late created/updated event for it cannot bring it back."""
    row = _by_jira_id(session, model, jira_id)
    if row is None:
        row = model(jira_id=jira_id, **placeholder)
        add_row(session, model, jira_id, row)
    row.deleted_at = row.deleted_at or now
    return row


def _stored(session: Session, model, jira_id: str, *, confirmed_live: bool):
    """The row we hold; a tombstone that a by-id read from Jira just contradicted is lifted."""
    row = _by_jira_id(session, model, jira_id)
    if confirmed_live and row is not None and row.deleted:
        row.deleted_at = None
    return row


def _fresh(row, version_ms: int) -> bool:
    """Whether an incoming state at ``version_ms`` may be written over ``row``."""
    return row is None or (not row.deleted and version_ms >= row.version_ms)


def upsert_user(session: Session, user: dict | None) -> None:
    if not user or not user.get("accountId"):
        return
    row = find_row(session, JiraUser, user["accountId"])
    if row is None:
        row = JiraUser(account_id=user["accountId"])
        add_row(session, JiraUser, row.account_id, row)
    row.display_name = user.get("displayName", row.display_name)
    row.time_zone = user.get("timeZone", row.time_zone)
    row.account_type = user.get("accountType", row.account_type)
    row.active = bool(user.get("active", row.active if row.active is not None else True))


def apply_project(session: Session, data: dict, version_ms: int) -> JiraProject | None:
    jira_id = str(data.get("id") or "")
    if not jira_id or not data.get("key"):
        raise SyncDataError("project payload without id/key")
    row = _by_jira_id(session, JiraProject, jira_id)
    if not _fresh(row, version_ms):
        return row
    if row is None:
        row = JiraProject(jira_id=jira_id)
        add_row(session, JiraProject, jira_id, row)
    row.key = data["key"]
    row.name = data.get("name") or data["key"]
    lead = data.get("lead") or data.get("projectLead") or {}
    row.lead_account_id = lead.get("accountId")
    row.version_ms = version_ms
    upsert_user(session, lead or None)
    return row


def delete_project(session: Session, jira_id: str, *, now: datetime) -> None:
    """Tombstone the project with its issues and their worklogs (Jira deletes them together)."""
    _tombstone(session, JiraProject, jira_id, now, key=f"#{jira_id}", name="(deleted)")
    flush(session)  # inside a batch (no autoflush) the query must see the batch's issues
    issue_ids = session.scalars(
        select(JiraIssue.jira_id).where(JiraIssue.project_jira_id == jira_id,
                                        JiraIssue.deleted_at.is_(None))
    ).all()
    for issue_id in issue_ids:
        delete_issue(session, issue_id, now=now)


def apply_issue(session: Session, data: dict, *, account_field: str | None, now: datetime,
                confirmed_live: bool = False) -> JiraIssue | None:
    """Upsert an issue from its REST/webhook JSON unless what we hold is newer or deleted.

    ``confirmed_live``: the data was just read from Jira by id, so the issue exists now. A
    tombstone we hold was then inferred wrongly (e.g. from a project deletion that happened
    after the issue had moved away; Jira cannot restore deleted issues) and is lifted.
    """
    jira_id = str(data.get("id") or "")
    fields = data.get("fields") or {}
    project = fields.get("project") or {}
    if not jira_id or not data.get("key") or not project.get("id"):
        raise SyncDataError("issue payload without id, key or project")
    version_ms = jira_time_ms(fields.get("updated")) or 0
    row = _stored(session, JiraIssue, jira_id, confirmed_live=confirmed_live)
    if not _fresh(row, version_ms):
        return row
    if row is None:
        row = JiraIssue(jira_id=jira_id)
        add_row(session, JiraIssue, jira_id, row)
    issue_type = fields.get("issuetype") or {}
    moved_from = row.project_jira_id
    row.key = data["key"]
    row.project_jira_id = str(project["id"])
    if moved_from and moved_from != row.project_jira_id:
        _follow_move(session, jira_id, row.project_jira_id)
    row.summary = fields.get("summary") or ""
    row.issue_type = issue_type.get("name")
    row.hierarchy_level = int(issue_type.get("hierarchyLevel") or 0)
    row.status = (fields.get("status") or {}).get("name")
    row.status_category = ((fields.get("status") or {}).get("statusCategory") or {}).get("key")
    row.parent_jira_id = str(fields["parent"]["id"]) if fields.get("parent") else None
    row.original_estimate_seconds = fields.get("timeoriginalestimate")
    row.remaining_estimate_seconds = fields.get("timeestimate")
    if account_field is not None and account_field in fields:
        row.account_field_value = _option_value(fields.get(account_field))
    row.version_ms = version_ms
    if _ensure_project(session, project).deleted:
        # Its project is gone from Jira, and with it the issue and its worklogs. They are
        # tombstoned here, not only the issue: Jira lists no /worklog/deleted tombstone for
        # worklogs removed with their issue, and no pass revisits a deleted issue.
        delete_issue(session, jira_id, now=now)
    return row


def _follow_move(session: Session, issue_jira_id: str, project_jira_id: str) -> None:
    """An issue moved to another project takes its time and expenses along: who may see them
    (Browse Projects) and the per-project reports follow the issue's project. What the
    worklogs say is unchanged, so their ``updatedAt`` stays."""
    flush(session)  # inside a batch (no autoflush) this batch's new worklogs must be included
    for model in (Worklog, Expense):
        session.execute(update(model).where(model.issue_jira_id == issue_jira_id)
                        .values(project_jira_id=project_jira_id)
                        .execution_options(synchronize_session="fetch"))


def set_remaining_estimate(session: Session, issue_jira_id: str, seconds: int) -> None:
    """Mirror a remaining estimate we just set in Jira (its ``issue_updated`` follows)."""
    session.execute(update(JiraIssue).where(JiraIssue.jira_id == issue_jira_id)
                    .values(remaining_estimate_seconds=seconds)
                    .execution_options(synchronize_session="fetch"))


def _ensure_project(session: Session, project: dict) -> JiraProject:
    """Issues name their project: learn it if project events or backfill have not yet."""
    row = _by_jira_id(session, JiraProject, str(project["id"]))
    if row is None:
        row = JiraProject(jira_id=str(project["id"]), key=project.get("key") or "",
                          name=project.get("name") or project.get("key") or "", version_ms=0)
        add_row(session, JiraProject, row.jira_id, row)
    return row


def delete_issue(session: Session, jira_id: str, *, now: datetime) -> None:
    """Tombstone the issue and its worklogs (Jira sends no worklog_deleted for those)."""
    _tombstone(session, JiraIssue, jira_id, now, key=f"#{jira_id}", project_jira_id="")
    flush(session)  # inside a batch (no autoflush) the update must reach the batch's worklogs
    for model in (JiraWorklog, Worklog):
        session.execute(
            update(model)
            .where(model.issue_jira_id == jira_id, model.deleted_at.is_(None))
            .values(deleted_at=now)
            .execution_options(synchronize_session="fetch")
        )


def ensure_issue(session: Session, issue_jira_id: str, source: JiraSource, *,
                 account_field: str | None, now: datetime) -> JiraIssue | None:
    """The issue a worklog belongs to, fetched from Jira when we have not seen it yet."""
    row = _by_jira_id(session, JiraIssue, issue_jira_id)
    if row is not None:
        return row
    batch = current_batch(session)
    data = batch.fetched_issues.pop(issue_jira_id, None) if batch is not None else None
    if data is None:
        data = source.issue(issue_jira_id, fields=issue_fields(account_field))
    if data is None:
        delete_issue(session, issue_jira_id, now=now)
        return None
    return apply_issue(session, data, account_field=account_field, now=now)


def issue_fields(account_field: str | None) -> tuple[str, ...]:
    """What every issue read asks Jira for: our fields, and the Account field once known."""
    return ISSUE_FIELDS + ((account_field,) if account_field else ())


def apply_worklog(session: Session, data: dict, source: JiraSource, *,
                  account_field: str | None, now: datetime,
                  confirmed_live: bool = False) -> JiraWorklog | None:
    """Upsert a worklog (see ``apply_issue`` for ``confirmed_live``)."""
    jira_id = str(data.get("id") or "")
    issue_jira_id = str(data.get("issueId") or "")
    if not jira_id or not issue_jira_id or not data.get("started"):
        raise SyncDataError("worklog payload without id, issueId or started")
    version_ms = jira_time_ms(data.get("updated")) or 0
    row = _stored(session, JiraWorklog, jira_id, confirmed_live=confirmed_live)
    if not _fresh(row, version_ms):
        return row
    issue = ensure_issue(session, issue_jira_id, source, account_field=account_field, now=now)
    started_at, offset = parse_jira_time(data["started"])
    if row is None:
        row = JiraWorklog(jira_id=jira_id)
        add_row(session, JiraWorklog, jira_id, row)
    row.issue_jira_id = issue_jira_id
    row.author_account_id = (data.get("author") or {}).get("accountId")
    row.started_at = started_at
    row.started_offset_minutes = offset
    row.time_spent_seconds = int(data.get("timeSpentSeconds") or 0)
    row.comment = _comment_text(data.get("comment"))
    row.version_ms = version_ms
    if issue is None or issue.deleted:
        # Jira no longer has the issue, so it has none of its worklogs either.
        row.deleted_at = issue.deleted_at if issue is not None else now
    upsert_user(session, data.get("author"))
    if current_batch(session) is None:
        session.flush()
    adopt_jira_worklog(session, row, now=now)
    return row


def delete_worklog(session: Session, jira_id: str, *, now: datetime) -> None:
    row = _tombstone(session, JiraWorklog, jira_id, now, issue_jira_id="", started_at=now,
                     time_spent_seconds=0)
    adopt_jira_worklog(session, row, now=now)


def _comment_text(comment) -> str | None:
    """Plain text of a worklog comment: webhooks send text, the REST API sends ADF."""
    if comment is None or isinstance(comment, str):
        return comment

    def text_of(node: dict) -> str:
        return node.get("text", "") + "".join(text_of(c) for c in node.get("content", []))

    return "\n".join(text_of(block) for block in comment.get("content", []))


def apply_event(session: Session, event_type: str, payload: dict, source: JiraSource, *,
                now: datetime, account_field: str | None) -> None:
    """Apply one webhook body. Raises SyncDataError for a body we cannot use.

    ``account_field`` is the Account field's id (``account_field_id``), read once per batch.
    """
    upsert_user(session, payload.get("user"))
    if event_type in ("jira:issue_created", "jira:issue_updated"):
        apply_issue(session, _require(payload, "issue"), account_field=account_field,
                    now=now)
    elif event_type == "jira:issue_deleted":
        delete_issue(session, str(_require(payload, "issue").get("id")), now=now)
    elif event_type in ("worklog_created", "worklog_updated"):
        apply_worklog(session, _require(payload, "worklog"), source,
                      account_field=account_field, now=now)
    elif event_type == "worklog_deleted":
        delete_worklog(session, str(_require(payload, "worklog").get("id")), now=now)
    elif event_type in ("project_created", "project_updated"):
        apply_project(session, _require(payload, "project"), int(payload.get("timestamp") or 0))
    elif event_type == "project_deleted":
        delete_project(session, str(_require(payload, "project").get("id")), now=now)
    else:
        raise SyncDataError(f"unsupported event {event_type!r}")


def _require(payload: dict, name: str) -> dict:
    value = payload.get(name)
    if not isinstance(value, dict) or not value.get("id"):
        raise SyncDataError(f"{name} missing from the payload")
    return value
