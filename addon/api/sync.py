"""Ours: how far the copy of Jira is, and the admin's levers (resync, replay parked events)."""

from __future__ import annotations

from flask import jsonify

from connect.context import allow_context_qsh
from connect.context import current_context

from ..db import request_session
from ..domain.inbox import inbox_stats
from ..domain.inbox import parked_events
from ..domain.inbox import replay_parked
from ..domain.progress import BACKFILL
from ..domain.progress import RECONCILE
from ..domain.progress import sync_progress
from ..jobs import BACKFILL_JOB
from ..jobs import DRAIN_INBOX_JOB
from ..jobs import get_jobs
from ..models.base import utcnow
from . import bp
from .auth import require_site_admin
from .inputs import Problems
from .inputs import json_body
from .serialize import instant


def _progress(progress) -> dict:
    return {"status": progress.status, "phase": progress.phase, "done": progress.done,
            "total": progress.total, "ratePerSecond": progress.rate_per_second,
            "etaSeconds": progress.eta_seconds, "startedAt": instant(progress.started_at),
            "finishedAt": instant(progress.finished_at), "lastError": progress.last_error,
            "summary": progress.summary()}


def sync_status_body(session) -> dict:
    now = utcnow()
    stats = inbox_stats(session)
    return {
        "backfill": _progress(sync_progress(session, BACKFILL, now=now)),
        "reconcile": _progress(sync_progress(session, RECONCILE, now=now)),
        "inbox": {"pending": stats.pending, "parked": stats.parked,
                  "oldestPendingAt": instant(stats.oldest_pending)},
        "parked": [{"id": e.id, "eventType": e.event_type, "receivedAt": instant(e.received_at),
                    "attempts": e.attempts, "lastError": e.last_error}
                   for e in parked_events(session, limit=50)],
    }


@bp.get("/sync/status")
@allow_context_qsh
def status():
    return jsonify(sync_status_body(request_session(current_context().tenant_id)))


@bp.post("/sync/backfill")
@allow_context_qsh
def resync():
    """Ours: copy the site's Jira again (resumes a crashed run; one per site at a time)."""
    require_site_admin()
    tenant_id = current_context().tenant_id
    get_jobs().enqueue_once(f"backfill:{tenant_id}", BACKFILL_JOB, tenant_id, True,
                            queue="sync")  # restart=True: copy everything again
    return jsonify({"queued": True}), 202


@bp.post("/sync/parked/replay")
@allow_context_qsh
def replay():
    """Ours: put parked events (all, or ``{"ids": [...]}``) back in the queue."""
    require_site_admin()
    body = json_body()
    problems = Problems()
    ids = body.get("ids")
    if ids is not None and (not isinstance(ids, list) or
                            not all(isinstance(i, int) for i in ids)):
        problems.add("ids", "'ids' must be a list of event ids")
    problems.raise_if_any()
    context = current_context()
    session = request_session(context.tenant_id)
    with session.begin():
        count = replay_parked(session, now=utcnow(), event_ids=ids)
    get_jobs().enqueue_once(f"drain:{context.tenant_id}", DRAIN_INBOX_JOB, context.tenant_id,
                            queue="sync")
    return jsonify({"replayed": count})
