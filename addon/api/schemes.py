"""``/api/4/workload-schemes``, ``/api/4/holiday-schemes`` (+ holidays, members, import) and
``/api/4/absences``. Schemes and holidays are the site administrators'; absences are people's own
(admins record anyone's)."""

from __future__ import annotations

from flask import jsonify
from flask import request

from connect.context import allow_context_qsh
from connect.context import current_context

from ..db import request_session
from ..domain import access
from ..domain.capacity import holidays
from ..domain.capacity import schemes
from ..models.base import utcnow
from . import bp
from . import capacity_io as io
from .envelope import result_list
from .inputs import Problems
from .inputs import json_body
from .inputs import parse_date
from .inputs import parse_int
from .inputs import parse_str


def _session():
    return request_session(current_context().tenant_id)


def _admin_session():
    """The session for a scheme write, after checking the caller is a site administrator."""
    _, admin = io.caller()
    access.require_capacity_admin(actor_is_admin=admin)
    return _session()


def _account_ids(body: dict) -> list[str]:
    ids = body.get("accountIds")
    if not isinstance(ids, list) or not ids or not all(isinstance(a, str) and a for a in ids):
        problems = Problems()
        problems.add("accountIds", "'accountIds' must be a non-empty list of account ids")
        problems.raise_if_any()
    return ids


@bp.get("/workload-schemes")
@allow_context_qsh
def list_workload_schemes():
    io.caller()
    session = _session()
    counts = schemes.member_counts(session)
    return jsonify(result_list([io.workload_scheme(s, counts.get(s.id, 0))
                                for s in schemes.list_schemes(session)]))


@bp.get("/workload-schemes/<int:scheme_id>")
@allow_context_qsh
def get_workload_scheme(scheme_id):
    io.caller()
    return jsonify(io.workload_scheme(schemes.get_scheme(_session(), scheme_id)))


def _save_workload_scheme(scheme_id):
    body = json_body()
    session = _admin_session()
    with session.begin():
        result = io.workload_scheme(schemes.save_scheme(
            session, scheme_id, name=body.get("name"), description=body.get("description"),
            days=body.get("days")))
    return jsonify(result)


@bp.post("/workload-schemes")
@allow_context_qsh
def create_workload_scheme():
    return _save_workload_scheme(None)


@bp.put("/workload-schemes/<int:scheme_id>")
@allow_context_qsh
def update_workload_scheme(scheme_id):
    return _save_workload_scheme(scheme_id)


@bp.delete("/workload-schemes/<int:scheme_id>")
@allow_context_qsh
def delete_workload_scheme(scheme_id):
    session = _admin_session()
    with session.begin():
        schemes.delete_scheme(session, scheme_id)
    return "", 204


@bp.put("/workload-schemes/<int:scheme_id>/default")
@allow_context_qsh
def default_workload_scheme(scheme_id):
    session = _admin_session()
    with session.begin():
        result = io.workload_scheme(schemes.make_default(session, scheme_id))
    return jsonify(result)


@bp.post("/workload-schemes/<int:scheme_id>/members")
@allow_context_qsh
def add_workload_scheme_members(scheme_id):
    """``{accountIds, effectiveFrom}``: from that day (default today where each person is)."""
    body = json_body()
    problems = Problems()
    effective = parse_date(body.get("effectiveFrom"), "effectiveFrom", problems)
    problems.raise_if_any()
    people = _account_ids(body)
    session = _admin_session()
    with session.begin():
        rows = schemes.add_members(session, scheme_id, people, effective_from=effective,
                                   now=utcnow())
        result = [{"accountId": r.account_id, "effectiveFrom": r.effective_from.isoformat()}
                  for r in rows]
    return jsonify(result_list(result))


@bp.get("/workload-schemes/<int:scheme_id>/members")
@allow_context_qsh
def workload_scheme_members(scheme_id):
    io.caller()
    return jsonify(result_list([
        {"accountId": r.account_id, "effectiveFrom": r.effective_from.isoformat()}
        for r in schemes.scheme_members(_session(), scheme_id)]))


@bp.get("/workload-schemes/users/<account_id>")
@allow_context_qsh
def workload_scheme_of_user(account_id):
    """The scheme the person works to today (where they are)."""
    actor, admin = io.caller()
    session = _session()
    access.require_can_see_person(session, actor, account_id, actor_is_admin=admin)
    scheme = schemes.scheme_for_user_today(session, account_id, now=utcnow())
    return jsonify(io.workload_scheme(scheme))


@bp.get("/holiday-schemes")
@allow_context_qsh
def list_holiday_schemes():
    io.caller()
    return jsonify(result_list([io.holiday_scheme(s)
                                for s in holidays.list_holiday_schemes(_session())]))


@bp.get("/holiday-schemes/<int:scheme_id>")
@allow_context_qsh
def get_holiday_scheme(scheme_id):
    io.caller()
    return jsonify(io.holiday_scheme(holidays.get_holiday_scheme(_session(), scheme_id)))


def _save_holiday_scheme(scheme_id):
    body = json_body()
    session = _admin_session()
    with session.begin():
        result = io.holiday_scheme(holidays.save_holiday_scheme(
            session, scheme_id, name=body.get("name"), description=body.get("description")))
    return jsonify(result)


@bp.post("/holiday-schemes")
@allow_context_qsh
def create_holiday_scheme():
    return _save_holiday_scheme(None)


@bp.put("/holiday-schemes/<int:scheme_id>")
@allow_context_qsh
def update_holiday_scheme(scheme_id):
    return _save_holiday_scheme(scheme_id)


@bp.delete("/holiday-schemes/<int:scheme_id>")
@allow_context_qsh
def delete_holiday_scheme(scheme_id):
    session = _admin_session()
    with session.begin():
        holidays.delete_holiday_scheme(session, scheme_id)
    return "", 204


@bp.put("/holiday-schemes/<int:scheme_id>/default")
@allow_context_qsh
def default_holiday_scheme(scheme_id):
    session = _admin_session()
    with session.begin():
        result = io.holiday_scheme(holidays.make_default_holiday_scheme(session, scheme_id))
    return jsonify(result)


@bp.get("/holiday-schemes/<int:scheme_id>/holidays")
@allow_context_qsh
def list_holidays(scheme_id):
    io.caller()
    problems = Problems()
    year = parse_int(request.args.get("year"), "year", problems, minimum=1)
    problems.raise_if_any()
    return jsonify(result_list([io.holiday(h) for h in holidays.list_holidays(
        _session(), scheme_id, year)]))


@bp.post("/holiday-schemes/<int:scheme_id>/holidays")
@allow_context_qsh
def create_holiday(scheme_id):
    values = io.holiday_input(json_body())
    session = _admin_session()
    with session.begin():
        result = io.holiday(holidays.save_holiday(session, scheme_id, None, values))
    return jsonify(result)


@bp.get("/holiday-schemes/<int:scheme_id>/holidays/<int:holiday_id>")
@allow_context_qsh
def get_holiday(scheme_id, holiday_id):
    io.caller()
    return jsonify(io.holiday(holidays.get_holiday(_session(), scheme_id, holiday_id)))


@bp.put("/holiday-schemes/<int:scheme_id>/holidays/<int:holiday_id>")
@allow_context_qsh
def update_holiday(scheme_id, holiday_id):
    values = io.holiday_input(json_body())
    session = _admin_session()
    with session.begin():
        result = io.holiday(holidays.save_holiday(session, scheme_id, holiday_id, values))
    return jsonify(result)


@bp.delete("/holiday-schemes/<int:scheme_id>/holidays/<int:holiday_id>")
@allow_context_qsh
def delete_holiday(scheme_id, holiday_id):
    session = _admin_session()
    with session.begin():
        holidays.delete_holiday(session, scheme_id, holiday_id)
    return "", 204


@bp.post("/holiday-schemes/<int:scheme_id>/holidays/import")
@allow_context_qsh
def import_holidays(scheme_id):
    """Ours: ``{country, subdivision, year}`` from the ``holidays`` package (whole days)."""
    body = json_body()
    problems = Problems()
    country = parse_str(body.get("country"), "country", problems, required=True, max_length=8)
    subdivision = parse_str(body.get("subdivision"), "subdivision", problems, max_length=16)
    year = parse_int(body.get("year"), "year", problems, required=True, minimum=1900)
    problems.raise_if_any("invalid import")
    session = _admin_session()
    with session.begin():
        added = holidays.import_holidays(session, scheme_id, country=country,
                                         subdivision=subdivision, year=year)
        result = [io.holiday(h) for h in added]
    return jsonify(result_list(result))


@bp.post("/holiday-schemes/<int:scheme_id>/members")
@allow_context_qsh
def add_holiday_scheme_members(scheme_id):
    people = _account_ids(json_body())
    session = _admin_session()
    with session.begin():
        result = holidays.set_holiday_scheme_members(session, scheme_id, people)
    return jsonify(result_list([{"accountId": a} for a in result]))


@bp.get("/holiday-schemes/<int:scheme_id>/members")
@allow_context_qsh
def holiday_scheme_members(scheme_id):
    io.caller()
    return jsonify(result_list([{"accountId": a} for a in holidays.holiday_scheme_members(
        _session(), scheme_id)]))
