"""``/api/4/capacity`` (the board's figures) and ``/api/4/reports/utilization`` (JSON, CSV,
XLSX)."""

from __future__ import annotations

from flask import Response
from flask import jsonify
from flask import request

from connect.context import allow_context_qsh
from connect.context import current_context

from ..db import request_session
from ..domain.capacity.board import CapacityQuery
from ..domain.capacity.board import capacity_board
from ..domain.capacity.periods import GRANULARITIES
from ..domain.reports.utilization import GROUPINGS
from ..domain.reports.utilization import utilization
from ..domain.spreadsheets import XLSX_MIMETYPE
from ..domain.spreadsheets import csv_bytes
from ..domain.spreadsheets import xlsx_bytes
from . import bp
from . import capacity_io as io
from .envelope import self_url
from .inputs import Problems
from .inputs import parse_int

UTILIZATION_COLUMNS = ("group", "groupName", "availableSeconds", "loggedSeconds",
                       "billableSeconds", "billableUtilizationPercent",
                       "totalUtilizationPercent", "targetUtilizationPercent", "gapPercent")


def _session():
    return request_session(current_context().tenant_id)


def _capacity_query() -> CapacityQuery:
    start, end = io.query_range()
    problems = Problems()
    granularity = request.args.get("granularity", "WEEK").upper()
    if granularity not in GRANULARITIES:
        problems.add("granularity", f"must be one of {', '.join(GRANULARITIES)}")
    team_id = parse_int(request.args.get("teamId"), "teamId", problems)
    role_id = parse_int(request.args.get("roleId"), "roleId", problems)
    project_id = request.args.get("projectId") or None
    if project_id is not None and not (project_id.isascii() and project_id.isdigit()):
        problems.add("projectId", "'projectId' must be a Jira project id")
    problems.raise_if_any()
    return CapacityQuery(start, end, granularity, team_id=team_id,
                         account_key=request.args.get("accountKey") or None,
                         project_id=project_id, role_id=role_id)


@bp.get("/capacity")
@allow_context_qsh
def capacity():
    actor, admin = io.caller()
    query = _capacity_query()
    board = capacity_board(_session(), actor, query, actor_is_admin=admin)
    return jsonify({"self": self_url(), **io.board(board, query.start, query.end,
                                                   query.granularity)})


@bp.get("/reports/utilization")
@allow_context_qsh
def utilization_report():
    actor, admin = io.caller()
    start, end = io.query_range()
    group_by = request.args.get("groupBy", "user")
    export = request.args.get("format", "json").lower()
    problems = Problems()
    if group_by not in GROUPINGS:
        problems.add("groupBy", f"'groupBy' must be one of {', '.join(GROUPINGS)}")
    if export not in ("json", "csv", "xlsx"):
        problems.add("format", "'format' must be json, csv or xlsx")
    problems.raise_if_any()
    rows = [io.utilization_row(r) for r in utilization(
        _session(), actor, start, end, group_by, actor_is_admin=admin)]
    name = f"utilization-{group_by}-{start.isoformat()}-{end.isoformat()}"
    if export == "csv":
        return _csv(rows, name)
    if export == "xlsx":
        return _xlsx(rows, name)
    return jsonify({"self": self_url(), "from": start.isoformat(), "to": end.isoformat(),
                    "groupBy": group_by, "metadata": {"count": len(rows)}, "results": rows})


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


def _table(rows: list[dict]) -> list[list]:
    return [UTILIZATION_COLUMNS] + [[row[c] for c in UTILIZATION_COLUMNS] for row in rows]


def _csv(rows: list[dict], name: str) -> Response:
    return _download(csv_bytes(_table(rows)), "text/csv", f"{name}.csv")


def _xlsx(rows: list[dict], name: str) -> Response:
    return _download(xlsx_bytes(_table(rows), title="Utilization"), XLSX_MIMETYPE,
                     f"{name}.xlsx")
