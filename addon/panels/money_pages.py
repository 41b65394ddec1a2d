"""Money pages inside Jira: the cost report (grouping, filters, drill-down, exports) and the
account page (terms, budget burn over time, alerts, margin). Charts are server-side SVG."""

from __future__ import annotations

from datetime import date

from flask import render_template
from flask import request

from connect.context import allow_context_qsh
from connect.context import current_context
from connect.context import mint_context_token

from ..caller import is_site_admin
from ..db import request_session
from ..domain.access import money_access
from ..domain.account_terms import thresholds_of
from ..domain.accounts import get_account
from ..domain.budgets import alerts
from ..domain.budgets import burn
from ..domain.budgets import burn_series
from ..domain.errors import DomainError
from ..domain.errors import NotFound
from ..domain.money import format_amount
from ..domain.reports.cost import CostQuery
from ..domain.reports.cost import cost_report
from ..domain.reports.cost import validate
from ..domain.reports.dimensions import DIMENSIONS
from ..domain.reports.financials import financial_summary
from ..errors import ApiError
from ..models.base import utcnow
from . import bp
from .charts import burn_line
from .charts import cost_revenue_bars

DRILL = {"account": ("epic", "accountKey"), "epic": ("issue", "epicId"),
         "project": ("epic", "projectId"), "user": ("account", "accountId")}


def _access(session):
    context = current_context()
    try:
        admin = is_site_admin()
    except ApiError:
        admin = False
    return money_access(session, context.tenant_id, context.account_id, is_site_admin=admin)


def _day(name: str, default: date) -> date:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return default


def _cost_context(session, access) -> dict:
    today = utcnow().date()
    group_by = [g for g in request.args.get("groupBy", "account").split(",") if g]
    try:
        query = CostQuery(_day("from", today.replace(day=1)), _day("to", today),
                          validate(group_by, None, None),
                          account_key=request.args.get("accountKey") or None,
                          epic_id=request.args.get("epicId") or None,
                          project_id=request.args.get("projectId") or None,
                          author=request.args.get("accountId") or None,
                          accounts=access.report_accounts())
    except DomainError as exc:
        return {"problem": exc.message, "dimensions": DIMENSIONS}
    report = cost_report(session, current_context().tenant_id, query)
    chart = cost_revenue_bars([str(r.name or r.id or "—") for r in report.rows],
                              [r.figures.cost for r in report.rows],
                              [r.figures.revenue for r in report.rows], report.currency)
    return {"report": report, "chart": chart, "drill": DRILL, "dimensions": DIMENSIONS,
            "amount": format_amount, "args": request.args}


@bp.get("/pages/costs")
def costs_page():
    context = current_context()
    session = request_session(context.tenant_id)
    access = _access(session)
    if not access.sees_any_costs:
        return render_template("money_forbidden.html"), 403
    return render_template("costs.html", **_cost_context(session, access),
                           token=mint_context_token(context.tenant, context.account_id))


@bp.get("/pages/costs/view")
@allow_context_qsh
def costs_view():
    """The report part of the page, fetched again when filters change or a row drills down."""
    session = request_session(current_context().tenant_id)
    access = _access(session)
    if not access.sees_any_costs:
        return render_template("money_forbidden.html"), 403
    return render_template("_costs.html", **_cost_context(session, access))


def _account_context(session, key: str) -> dict:
    account = get_account(session, key)
    today = utcnow().date()
    points = burn_series(session, account, date_from=date(today.year - 1, today.month, 1),
                         date_to=today)
    return {"account": account, "burn": burn(session, account, day=today),
            "chart": burn_line(points, thresholds_of(account)) if points else None,
            "alerts": alerts(session, key), "summary": financial_summary(
                session, account, day=today), "amount": format_amount}


@bp.get("/pages/account")
def account_page():
    context = current_context()
    session = request_session(context.tenant_id)
    key = request.args.get("accountKey", "")
    if not _access(session).sees_costs(key):
        return render_template("money_forbidden.html"), 403
    try:
        page = _account_context(session, key)
    except NotFound:
        # Inside Jira's iframe: a page saying so, not a JSON error.
        return render_template("account_missing.html", key=key), 404
    return render_template("account_money.html", **page,
                           token=mint_context_token(context.tenant, context.account_id))
