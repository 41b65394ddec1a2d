"""Ours: how far the copy of Jira is, and the admin's levers (resync, replay parked events)."""

from __future__ import annotations

from flask import jsonify

from connect.context import allow_context_qsh
from connect.context import current_context

from ..caller import require_site_admin
from ..db import request_session
from ..domain.inbox import replay_parked
from ..domain.sync_status import sync_overview
from ..jobs import BACKFILL_JOB
from ..jobs import DRAIN_INBOX_JOB
from ..jobs import backfill_key
from ..jobs import drain_key
from ..jobs import get_jobs
from ..models.base import utcnow
from . import bp
from .inputs import Problems
from .inputs import json_body
from .serialize import instant


def _progress(progress) -> dict:
    return {"status": progress.status, "phase": progress.phase, "done": progress.done,
            "total": progress.total, "ratePerSecond": progress.rate_per_second,
            "etaSeconds": progress.eta_seconds, "startedAt": instant(progress.started_at),
            "finishedAt": instant(progress.finished_at), "lastError": progress.last_error,
            "summary": progress.summary()}


@bp.get("/sync/status")
@allow_context_qsh
def status():
    """Admins only: parked events carry Jira's error texts and payload details."""
    require_site_admin()
    overview = sync_overview(request_session(current_context().tenant_id), now=utcnow())
    return jsonify({
        "backfill": _progress(overview.backfill),
        "reconcile": _progress(overview.reconcile),
        "inbox": {"pending": overview.inbox.pending, "parked": overview.inbox.parked,
                  "oldestPendingAt": instant(overview.inbox.oldest_pending)},
        "parked": [{"id": e.id, "eventType": e.event_type, "receivedAt": instant(e.received_at),
                    "attempts": e.attempts, "lastError": e.last_error}
                   for e in overview.parked],
    })


@bp.post("/sync/backfill")
@allow_context_qsh
def resync():
    """Ours: copy the site's Jira again (resumes a crashed run; one per site at a time)."""
    require_site_admin()
    tenant_id = current_context().tenant_id
    get_jobs().enqueue_once(backfill_key(tenant_id), BACKFILL_JOB, tenant_id, True,
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
    get_jobs().enqueue_once(drain_key(context.tenant_id), DRAIN_INBOX_JOB, context.tenant_id,
                            queue="sync")
    return jsonify({"replayed": count})
