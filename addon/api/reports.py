"""``/api/4/reports/*``: costs (JSON, CSV, XLSX), estimate vs actual, billable ratio."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response
from flask import jsonify
from flask import request

from connect.context import allow_context_qsh
from connect.context import current_context

from ..db import request_session
from ..domain.errors import Forbidden
from ..domain.reports import export
from ..domain.reports.billable_ratio import billable_ratio
from ..domain.reports.cost import CostQuery
from ..domain.reports.cost import cost_report
from ..domain.reports.cost import validate
from ..domain.reports.estimate_vs_actual import estimate_vs_actual
from ..domain.spreadsheets import XLSX_MIMETYPE
from ..models.base import utcnow
from . import bp
from . import serialize
from .inputs import Problems
from .inputs import parse_date
from .inputs import parse_int
from .money import caller_money_access


def _session():
    return request_session(current_context().tenant_id)


def _period(problems: Problems):
    today = utcnow().date()
    date_from = parse_date(request.args.get("from"), "from", problems) or today.replace(day=1)
    date_to = parse_date(request.args.get("to"), "to", problems) or today
    return date_from, date_to


def _group_by() -> list[str]:
    raw = request.args.getlist("groupBy")
    return [g.strip() for part in raw for g in part.split(",") if g.strip()] or ["account"]


def _cost_query(accounts) -> CostQuery:
    problems = Problems()
    date_from, date_to = _period(problems)
    role = parse_int(request.args.get("roleId"), "roleId", problems, minimum=1)
    problems.raise_if_any()
    args = request.args
    return CostQuery(date_from, date_to, validate(_group_by(), date_from, date_to),
                     account_key=args.get("accountKey"), customer_key=args.get("customerKey"),
                     project_id=args.get("projectId"), author=args.get("accountId"),
                     role_id=role, epic_id=args.get("epicId"),
                     issue_id=args.get("issueId"), accounts=accounts)


def _drill_link(query: CostQuery, row) -> str | None:
    """Where a row's figures come from: the next level down, ending at the worklogs."""
    base = {"from": query.date_from.isoformat(), "to": query.date_to.isoformat()}
    if row.id is None:
        return None
    if row.type == "issue":
        return f"{serialize.api_base()}/worklogs/issue/{row.id}?{urlencode(base)}"
    step = {"account": ("epic", "accountKey"), "epic": ("issue", "epicId"),
            "project": ("epic", "projectId"), "user": ("account", "accountId")}.get(row.type)
    if step is None:
        return None
    kept = {k: v for k, v in request.args.items() if k not in ("groupBy", "format", "jwt")}
    params = {**kept, **base, "groupBy": step[0], step[1]: str(row.id)}
    return f"{serialize.api_base()}/reports/costs?{urlencode(params)}"


@bp.get("/reports/costs")
@allow_context_qsh
def costs():
    """Cost, revenue and margin grouped one or two levels deep; ``format=csv|xlsx`` for files."""
    session = _session()
    access = caller_money_access(session)
    if not access.sees_any_costs:
        raise Forbidden("cost reports are shown to site administrators and account leads")
    report = cost_report(session, current_context().tenant_id,
                         _cost_query(access.report_accounts()))
    kind = request.args.get("format")
    if kind == "csv":
        return Response(export.to_csv(report), mimetype="text/csv", headers={
            "Content-Disposition": "attachment; filename=costs.csv"})
    if kind == "xlsx":
        return Response(export.to_xlsx(report), headers={
            "Content-Disposition": "attachment; filename=costs.xlsx"},
            mimetype=XLSX_MIMETYPE)
    return jsonify(serialize.cost_report(report, lambda row: _drill_link(report.query, row)))


@bp.get("/reports/estimate-vs-actual")
@allow_context_qsh
def estimates():
    """By epic: original estimates of the epic and its issues vs the time logged on them."""
    problems = Problems()
    project_id, account_key = request.args.get("projectId"), request.args.get("accountKey")
    if not project_id and not account_key:
        problems.add("projectId", "give 'projectId' or 'accountKey'", "required")
    problems.raise_if_any()
    rows = estimate_vs_actual(_session(), current_context().tenant_id, project_id=project_id,
                              account_key=account_key)
    return jsonify(serialize.estimate_rows(rows))


@bp.get("/reports/billable-ratio")
@allow_context_qsh
def ratio():
    """Billable ÷ total hours by user or account. People who see no costs see their own."""
    problems = Problems()
    date_from, date_to = _period(problems)
    group = request.args.get("groupBy") or "user"
    if group not in ("user", "account"):
        problems.add("groupBy", "groupBy must be user or account")
    problems.raise_if_any()
    session = _session()
    access = caller_money_access(session)
    rows = billable_ratio(session, current_context().tenant_id, date_from=date_from,
                          date_to=date_to, group_by=group,
                          accounts=access.report_accounts() if access.sees_any_costs else None,
                          author=None if access.sees_any_costs else access.caller)
    return jsonify(serialize.ratio_rows(rows, group, date_from, date_to))
