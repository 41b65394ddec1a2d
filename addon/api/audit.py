"""``/api/4/papertrail/search`` (Tempo's audit search, CSV too), ``/api/4/audit/verify`` and
``/api/4/discrepancies``: site admins only."""

from __future__ import annotations

import json

from flask import Response
from flask import jsonify
from flask import request

from connect.context import allow_context_qsh

from ..caller import current_caller
from ..domain import access
from ..domain import audit
from ..domain import discrepancies
from ..domain.errors import Forbidden
from ..domain.spreadsheets import csv_bytes
from ..models.base import utcnow
from . import bp
from . import serialize
from .envelope import result_list
from .inputs import Problems
from .inputs import json_body
from .inputs import parse_date
from .inputs import parse_str
from .inputs import tenant_session

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
CSV_COLUMNS = ("id", "timestamp", "action", "entityType", "entityId", "parentId", "author",
               "actorType", "source", "changes")


def _session():
    return tenant_session()


def _admin():
    caller = current_caller()
    if not access.may_read_audit(caller):
        raise Forbidden("only site administrators may do this")
    return caller


def _strings(body: dict, name: str, problems: Problems, allowed=None) -> tuple[str, ...]:
    values = body.get(name) or []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        problems.add(name, f"'{name}' must be a list of strings")
        return ()
    bad = [v for v in values if allowed and v not in allowed]
    if bad:
        problems.add(name, f"unknown {name}: {', '.join(bad)}; one of {', '.join(allowed)}")
    return tuple(values)


def _query() -> tuple[audit.AuditQuery, int | None, int]:
    body = json_body()
    problems = Problems()
    first = parse_date(body.get("from"), "from", problems, required=True)
    last = parse_date(body.get("to"), "to", problems)
    query = audit.AuditQuery(
        first=first, last=last,
        entity_types=_strings(body, "entityType", problems, audit.ENTITY_TYPES),
        actions=_strings(body, "action", problems, audit.ACTIONS),
        authors=_strings(body, "author", problems))
    token, raw_limit = request.args.get("nextPageToken"), request.args.get("limit")
    if token is not None and not token.isdigit():
        problems.add("nextPageToken", "'nextPageToken' is not one this API gave out")
    limit = DEFAULT_LIMIT
    if raw_limit is not None:
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
            problems.add("limit", f"'limit' must be between 1 and {MAX_LIMIT}")
        else:
            limit = int(raw_limit)
    problems.raise_if_any()
    return query, int(token) if token else None, limit


def entry_json(e) -> dict:
    author = serialize.user_ref(e.actor_id) if e.actor_id else None
    return {"id": e.id, "timestamp": serialize.instant(e.created_at), "action": e.action,
            "entityType": e.entity_type, "entityId": e.entity_id, "parentId": e.parent_id,
            "author": author, "actorType": e.actor_type, "source": e.source,
            "changes": e.changes}


def _csv(entries) -> Response:
    rows = [CSV_COLUMNS] + [
        [e.id, serialize.instant(e.created_at), e.action, e.entity_type, e.entity_id,
         e.parent_id, e.actor_id, e.actor_type, e.source, json.dumps(e.changes, sort_keys=True)]
        for e in entries]
    return Response(csv_bytes(rows), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=papertrail.csv"})


@bp.post("/papertrail/search")
@allow_context_qsh
def papertrail_search():
    _admin()
    query, after, limit = _query()
    session = _session()
    if request.args.get("format") == "csv":
        return _csv(audit.search_entries(session, query, after_id=after, limit=MAX_LIMIT * 100))
    entries = audit.search_entries(session, query, after_id=after, limit=limit + 1)
    more, entries = len(entries) > limit, entries[:limit]
    metadata = {"count": len(entries), "limit": limit}
    if more:
        metadata["next"] = (f"{serialize.api_base()}/papertrail/search?limit={limit}"
                            f"&nextPageToken={entries[-1].id}")
        metadata["nextPageToken"] = str(entries[-1].id)
    return jsonify({"self": f"{serialize.api_base()}/papertrail/search", "metadata": metadata,
                    "results": [entry_json(e) for e in entries]})


@bp.get("/audit/verify")
@allow_context_qsh
def audit_verify():
    _admin()
    result = audit.verify_chain(_session())
    return jsonify({"valid": result.valid, "entries": result.entries,
                    "firstBrokenId": result.first_broken_id})


def discrepancy_json(d) -> dict:
    return {"self": f"{serialize.api_base()}/discrepancies/{d.id}", "id": d.id,
            "worklog": {"self": f"{serialize.api_base()}/worklogs/{d.worklog_id}",
                        "tempoWorklogId": d.worklog_id},
            "approvalId": d.approval_id, "kind": d.kind, "recorded": d.recorded,
            "jira": d.jira, "status": d.status, "resolution": d.resolution,
            "resolvedBy": serialize.user_ref(d.resolved_by),
            "detectedAt": serialize.instant(d.detected_at),
            "resolvedAt": serialize.instant(d.resolved_at)}


@bp.get("/discrepancies")
@allow_context_qsh
def list_discrepancies():
    caller = current_caller()
    rows = discrepancies.list_discrepancies(
        _session(), status=request.args.get("status"),
        visible_to=None if caller.is_site_admin else caller.account_id)
    return jsonify(result_list([discrepancy_json(d) for d in rows]))


@bp.post("/discrepancies/<int:discrepancy_id>/resolve")
@allow_context_qsh
def resolve_discrepancy(discrepancy_id):
    caller = _admin()
    problems = Problems()
    keep = parse_str(json_body().get("keep"), "keep", problems, required=True)
    problems.raise_if_any()
    session = _session()
    with session.begin():
        row = discrepancies.resolve(session, discrepancy_id, keep, actor=caller.account_id,
                                    now=utcnow())
        body = discrepancy_json(row)
    return jsonify(body)
