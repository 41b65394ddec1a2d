"""``/api/4/periods`` and ``/api/4/timesheet-approvals``: Tempo's approval endpoints over
``addon.domain.approvals`` (the state machine) and ``addon.domain.periods``."""

from __future__ import annotations

from datetime import date

from flask import jsonify
from flask import request

from connect.context import allow_context_qsh

from ..caller import current_caller
from ..caller import site_admins
from ..domain import access
from ..domain import approvals
from ..domain import periods
from ..domain.errors import Forbidden
from ..domain.errors import NotFound
from ..domain.policy import load_policy
from ..models.base import utcnow
from . import bp
from . import serialize
from .envelope import result_list
from .inputs import Problems
from .inputs import json_body
from .inputs import parse_date
from .inputs import parse_str
from .inputs import tenant_session

MAX_BULK = 5000


def _session():
    return tenant_session()


def _period(session, *, required: bool = True) -> periods.Period:
    """The approval period named by ``?from=&to=`` (``to`` optional); today's when absent."""
    problems = Problems()
    start = parse_date(request.args.get("from"), "from", problems, required=required)
    end = parse_date(request.args.get("to"), "to", problems)
    problems.raise_if_any()
    settings = periods.load_settings(session)
    if start is None:
        return periods.period_of(settings, utcnow().date())
    return periods.exact_period(settings, start, end)


def approval_json(session, caller, subj, *, spent: int, discrepancies: int) -> dict:
    row, period = subj.row, subj.period
    base = f"{serialize.api_base()}/timesheet-approvals/user/{subj.user}"
    query = f"?from={period.start.isoformat()}&to={period.end.isoformat()}"
    policy = load_policy(session)
    return {
        "self": base + query,
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "requiredSeconds": approvals.required_seconds(policy, period),
        "timeSpentSeconds": spent,
        "status": {
            "key": subj.status,
            "comment": row.comment if row else None,
            "actor": serialize.user_ref(row.actor_account_id) if row else None,
            "updatedAt": serialize.instant(row.updated_at) if row else None,
            "requiredSecondsAtSubmit": row.required_seconds_at_submit if row else None,
            "timeSpentSecondsAtSubmit": row.time_spent_seconds_at_submit if row else None,
            "discrepancies": discrepancies,
        },
        "user": serialize.user_ref(subj.user),
        "reviewer": serialize.user_ref(subj.reviewer),
        "actions": {action: {"self": f"{base}/{action}{query}"}
                    for action in approvals.allowed_actions(caller, subj)},
        "worklogs": {"self": f"{serialize.api_base()}/worklogs/user/{subj.user}{query}"},
    }


def _describe(session, caller, subj) -> dict:
    spent = approvals.time_spent(session, [subj.user], subj.period).get(subj.user, 0)
    counts = approvals.open_discrepancies(session, [subj.row.id] if subj.row else [])
    return approval_json(session, caller, subj, spent=spent,
                         discrepancies=counts.get(subj.row.id, 0) if subj.row else 0)


@bp.get("/periods")
@allow_context_qsh
def list_periods():
    session = _session()
    problems = Problems()
    first = parse_date(request.args.get("from"), "from", problems, required=True)
    last = parse_date(request.args.get("to"), "to", problems, required=True)
    problems.raise_if_any()
    listed = periods.periods_between(periods.load_settings(session), first, last)
    closures = {c.period_from: c.status for c in periods.closures_between(session, first, last)}
    return jsonify({"periods": [
        {"from": p.start.isoformat(), "to": p.end.isoformat(),
         "status": closures.get(p.start, "OPEN")} for p in listed]})


@bp.put("/periods/<start>")
@allow_context_qsh
def set_period(start):
    caller = current_caller()
    problems = Problems()
    day = parse_date(start, "from", problems, required=True)
    status = parse_str(json_body().get("status"), "status", problems, required=True)
    problems.raise_if_any()
    if not access.may_manage_periods(caller):
        raise Forbidden("only site administrators may open or close periods")
    session = _session()
    with session.begin():
        period = periods.exact_period(periods.load_settings(session), day, None)
        row = periods.set_period_status(session, period, status, actor=caller.account_id,
                                        now=utcnow())
        body = {"from": row.period_from.isoformat(), "to": row.period_to.isoformat(),
                "status": row.status}
    return jsonify(body)


@bp.get("/timesheet-approvals/user/<account_id>")
@allow_context_qsh
def user_approval(account_id):
    caller = current_caller()
    session = _session()
    subj = approvals.subject(session, account_id, _period(session), site_admins=site_admins())
    return jsonify(_describe(session, caller, subj))


@bp.get("/timesheet-approvals/user/<account_id>/reviewers")
@allow_context_qsh
def reviewers(account_id):
    current_caller()
    session = _session()
    found = access.timesheet_reviewers(session, account_id, _period(session, required=False),
                                       site_admins=site_admins())
    return jsonify(result_list([serialize.user_ref(r) for r in found]))


@bp.post("/timesheet-approvals/user/<account_id>/<action>")
@allow_context_qsh
def transition(account_id, action):
    caller = current_caller()
    body = request.get_json(silent=True) or {}
    problems = Problems()
    comment = parse_str(body.get("comment"), "comment", problems)
    reviewer = parse_str(body.get("reviewerAccountId"), "reviewerAccountId", problems)
    problems.raise_if_any()
    if action not in approvals.TRANSITIONS:
        raise NotFound(f"no such approval action: {action}")
    session = _session()
    admins = site_admins()
    with session.begin():
        subj = approvals.transition(
            session, caller, account_id, _period(session), action, comment=comment,
            reviewer=reviewer, site_admins=admins, policy=load_policy(session), now=utcnow())
        result = _describe(session, caller, subj)
    return jsonify(result)


@bp.get("/timesheet-approvals/waiting")
@allow_context_qsh
def waiting():
    caller = current_caller()
    session = _session()
    rows = approvals.waiting_for(session, caller, now=utcnow())
    results = []
    for row in rows:
        period = periods.Period(row.period_from, row.period_to)
        results.append(_describe(session, caller, approvals.Subject(
            row.account_id, period, row, row.reviewer_account_id)))
    return jsonify(result_list(results))


def _bulk_input() -> tuple[date, date | None, list[str], str | None]:
    body = json_body()
    problems = Problems()
    start = parse_date(body.get("from"), "from", problems, required=True)
    end = parse_date(body.get("to"), "to", problems)
    users = body.get("accountIds")
    if not isinstance(users, list) or not users or not all(
            isinstance(u, str) and u for u in users):
        problems.add("accountIds", "'accountIds' must be a non-empty list of account ids")
    elif len(users) > MAX_BULK:
        problems.add("accountIds", f"at most {MAX_BULK} people at once", "too_many")
    comment = parse_str(body.get("comment"), "comment", problems)
    problems.raise_if_any()
    return start, end, users, comment


@bp.post("/timesheet-approvals/approve")
@allow_context_qsh
def bulk_approve():
    """Ours beside Tempo's per-user approve: many people at once, one answer per person."""
    caller = current_caller()
    start, end, users, comment = _bulk_input()
    session = _session()
    with session.begin():
        period = periods.exact_period(periods.load_settings(session), start, end)
        answers = approvals.bulk_approve(session, caller, users, period, comment=comment,
                                         now=utcnow())
    results = [{"user": serialize.user_ref(a.user), "approved": a.approved, "status": a.status,
                "reason": None if a.approved else {"code": a.code, "message": a.message}}
               for a in answers]
    return jsonify({"self": serialize.api_base() + "/timesheet-approvals/approve",
                    "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
                    "metadata": {"count": len(results),
                                 "approved": sum(1 for a in answers if a.approved)},
                    "results": results})


@bp.post("/timesheet-approvals/logs/search")
@allow_context_qsh
def search_logs():
    current_caller()
    body = json_body()
    problems = Problems()
    users = body.get("userAccountIds") or []
    if not isinstance(users, list) or not all(isinstance(u, str) for u in users):
        problems.add("userAccountIds", "'userAccountIds' must be a list of account ids")
    updated_from = parse_date(body.get("updatedFrom"), "updatedFrom", problems)
    problems.raise_if_any()
    rows = approvals.search_logs(_session(), users, updated_from, limit=5000)
    return jsonify(result_list([{
        "user": serialize.user_ref(r.account_id), "action": r.action.upper(),
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "fromStatus": r.from_status,
        "status": {"key": r.to_status, "comment": r.comment,
                   "actor": serialize.user_ref(r.actor_account_id),
                   "updatedAt": serialize.instant(r.created_at)},
        "reviewer": serialize.user_ref(r.reviewer_account_id),
        "approvalId": r.approval_id} for r, start, end in rows]))
