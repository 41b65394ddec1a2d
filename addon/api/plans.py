"""``/api/4/plans`` (Tempo's Plan/PlanInput, plus ACCOUNT items, ``billable`` and split),
``/api/4/user-schedule/{accountId}`` and ``/api/4/absences``."""

from __future__ import annotations

from flask import jsonify

from connect.context import allow_context_qsh
from connect.context import current_context

from ..db import request_session
from ..domain import access
from ..domain.capacity import holidays
from ..domain.capacity import plans
from ..domain.capacity.board import check_range
from ..domain.capacity.schedule import user_schedule
from . import bp
from . import capacity_io as io
from .envelope import result_list
from .inputs import Problems
from .inputs import json_body
from .inputs import parse_date
from .inputs import query_list


def _session():
    return request_session(current_context().tenant_id)


def _plans_json(session, found) -> list[dict]:
    days = plans.plan_days(session, [p.id for p in found])
    return [io.plan(p, days.get(p.id, [])) for p in found]


@bp.get("/user-schedule/<account_id>")
@allow_context_qsh
def schedule_of_user(account_id):
    actor, admin = io.caller()
    start, end = io.query_range()
    check_range(start, end)
    session = _session()
    access.require_can_see_person(session, actor, account_id, actor_is_admin=admin)
    return jsonify(result_list([io.schedule_day(d) for d in user_schedule(
        session, account_id, start, end)]))


@bp.post("/plans")
@allow_context_qsh
def create_plan():
    actor, admin = io.caller()
    values = io.plan_input(json_body())
    session = _session()
    with session.begin():
        plan = plans.create_plan(session, actor, values, actor_is_admin=admin)
        result = _plans_json(session, [plan])[0]
    return jsonify(result)


@bp.get("/plans/<int:plan_id>")
@allow_context_qsh
def get_plan(plan_id):
    actor, admin = io.caller()
    session = _session()
    return jsonify(_plans_json(session, [plans.get_plan(session, actor, plan_id,
                                                        actor_is_admin=admin)])[0])


@bp.put("/plans/<int:plan_id>")
@allow_context_qsh
def update_plan(plan_id):
    actor, admin = io.caller()
    values = io.plan_input(json_body())
    session = _session()
    with session.begin():
        plan = plans.replace_plan(session, actor, plan_id, values, actor_is_admin=admin)
        result = _plans_json(session, [plan])[0]
    return jsonify(result)


@bp.delete("/plans/<int:plan_id>")
@allow_context_qsh
def delete_plan(plan_id):
    actor, admin = io.caller()
    session = _session()
    with session.begin():
        plans.delete_plan(session, actor, plan_id, actor_is_admin=admin)
    return "", 204


@bp.post("/plans/<int:plan_id>/split")
@allow_context_qsh
def split_plan(plan_id):
    """Ours: ``{date}`` — the plan ends the day before; a new plan takes the rest."""
    actor, admin = io.caller()
    problems = Problems()
    at = parse_date(json_body().get("date"), "date", problems, required=True)
    problems.raise_if_any()
    session = _session()
    with session.begin():
        parts = plans.split_plan(session, actor, plan_id, at, actor_is_admin=admin)
        result = _plans_json(session, list(parts))
    return jsonify(result_list(result))


def _search(spec: plans.PlanFilter):
    actor, admin = io.caller()
    check_range(spec.start, spec.end)
    session = _session()
    return jsonify(result_list(_plans_json(session, plans.search_plans(
        session, actor, spec, actor_is_admin=admin))))


@bp.get("/plans")
@allow_context_qsh
def list_plans():
    start, end = io.query_range()
    return _search(plans.PlanFilter(start, end, account_ids=tuple(query_list("accountId")),
                                    plan_ids=tuple(int(i) for i in query_list("planId")
                                                   if i.isdigit())))


@bp.get("/plans/user/<account_id>")
@allow_context_qsh
def plans_of_user(account_id):
    start, end = io.query_range()
    return _search(plans.PlanFilter(start, end, account_ids=(account_id,)))


def _strings(body: dict, name: str, problems: Problems) -> tuple[str, ...]:
    values = body.get(name) or []
    if not isinstance(values, list) or not all(isinstance(v, str | int) and not isinstance(
            v, bool) for v in values):
        problems.add(name, f"'{name}' must be a list")
        return ()
    return tuple(str(v) for v in values)


@bp.post("/plans/search")
@allow_context_qsh
def search_plans():
    """Tempo's PlanSearchInput (``from``, ``to``, ``accountIds``, ``issueIds``, …) + ours."""
    body = json_body()
    problems = Problems()
    start = parse_date(body.get("from"), "from", problems, required=True)
    end = parse_date(body.get("to"), "to", problems, required=True)
    lists = {name: _strings(body, key, problems) for name, key in (
        ("account_ids", "accountIds"), ("item_types", "planItemTypes"),
        ("issue_ids", "issueIds"), ("project_ids", "projectIds"),
        ("account_keys", "accountKeys"), ("plan_ids", "planIds"))}
    if not all(p.isdigit() for p in lists["plan_ids"]):
        problems.add("planIds", "'planIds' must be plan ids")
    problems.raise_if_any("invalid search")
    lists["plan_ids"] = tuple(int(p) for p in lists["plan_ids"])
    return _search(plans.PlanFilter(start, end, **lists))


@bp.get("/absences")
@allow_context_qsh
def list_absences():
    actor, admin = io.caller()
    start, end = io.query_range(required=False)
    return jsonify(result_list([io.absence(a) for a in holidays.list_absences(
        _session(), actor, actor_is_admin=admin, wanted=set(query_list("accountId")),
        start=start, end=end)]))


@bp.post("/absences")
@allow_context_qsh
def create_absence():
    actor, admin = io.caller()
    values = io.absence_input(json_body(), actor=actor)
    session = _session()
    with session.begin():
        result = io.absence(holidays.save_absence(session, None, values, actor=actor,
                                                  actor_is_admin=admin))
    return jsonify(result)


@bp.put("/absences/<int:absence_id>")
@allow_context_qsh
def update_absence(absence_id):
    actor, admin = io.caller()
    values = io.absence_input(json_body(), actor=actor)
    session = _session()
    with session.begin():
        result = io.absence(holidays.save_absence(session, absence_id, values, actor=actor,
                                                  actor_is_admin=admin))
    return jsonify(result)


@bp.delete("/absences/<int:absence_id>")
@allow_context_qsh
def delete_absence(absence_id):
    actor, admin = io.caller()
    session = _session()
    with session.begin():
        holidays.delete_absence(session, absence_id, actor=actor, actor_is_admin=admin)
    return "", 204


@bp.get("/absences/<int:absence_id>")
@allow_context_qsh
def get_absence(absence_id):
    actor, admin = io.caller()
    session = _session()
    absence = holidays.get_absence(session, absence_id)
    access.require_can_see_person(session, actor, absence.account_id, actor_is_admin=admin)
    return jsonify(io.absence(absence))
