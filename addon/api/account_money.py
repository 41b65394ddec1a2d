"""An account's money: milestones, budget alerts and the financial summary (site admins and
the account's lead)."""

from __future__ import annotations

from flask import jsonify
from flask import request

from connect.context import allow_context_qsh
from connect.context import current_context

from ..caller import require_site_admin
from ..db import request_session
from ..domain import milestones
from ..domain.accounts import get_account
from ..domain.budgets import alerts
from ..domain.budgets import burn
from ..domain.errors import Forbidden
from ..domain.reports.financials import financial_summary
from ..models.base import utcnow
from . import bp
from . import serialize
from .envelope import result_list
from .inputs import Problems
from .inputs import json_body_exact
from .inputs import parse_date
from .money import caller_money_access


def _session():
    return request_session(current_context().tenant_id)


def _require_sees(session, key: str) -> None:
    if not caller_money_access(session).sees_costs(key):
        raise Forbidden("an account's money is shown to site administrators and its lead")


@bp.get("/accounts/<key>/milestones")
@allow_context_qsh
def account_milestones(key):
    session = _session()
    _require_sees(session, key)
    account = get_account(session, key)
    return jsonify(result_list([serialize.milestone(m, issue, account.currency)
                                for m, issue in milestones.list_milestones(session, key)]))


def _save_milestone(key, milestone_id=None):
    require_site_admin()
    body = json_body_exact()
    session = _session()
    with session.begin():
        row, issue = milestones.save_milestone(session, key, issue_id=body.get("issueId"),
                                               value=body.get("value"), name=body.get("name"),
                                               milestone_id=milestone_id)
        result = serialize.milestone(row, issue, get_account(session, key).currency)
    return jsonify(result)


@bp.post("/accounts/<key>/milestones")
@allow_context_qsh
def create_milestone(key):
    return _save_milestone(key)


@bp.put("/accounts/<key>/milestones/<int:milestone_id>")
@allow_context_qsh
def replace_milestone(key, milestone_id):
    return _save_milestone(key, milestone_id)


@bp.delete("/accounts/<key>/milestones/<int:milestone_id>")
@allow_context_qsh
def delete_milestone(key, milestone_id):
    require_site_admin()
    session = _session()
    with session.begin():
        milestones.delete_milestone(session, key, milestone_id)
    return "", 204


@bp.get("/accounts/<key>/alerts")
@allow_context_qsh
def account_alerts(key):
    """Each budget threshold crossed, once, and the burn now."""
    session = _session()
    _require_sees(session, key)
    account = get_account(session, key)
    now = burn(session, account, day=utcnow().date())
    body = result_list([serialize.budget_alert(a) for a in alerts(session, key)])
    body["burn"] = serialize.burn(now, account.currency)
    return jsonify(body)


@bp.get("/accounts/<key>/financials/summary")
@allow_context_qsh
def account_financial_summary(key):
    problems = Problems()
    day = parse_date(request.args.get("date"), "date", problems) or utcnow().date()
    problems.raise_if_any()
    session = _session()
    _require_sees(session, key)
    summary = financial_summary(session, get_account(session, key), day=day)
    return jsonify(serialize.financial_summary(summary, day))
