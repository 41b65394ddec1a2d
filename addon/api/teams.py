"""``/api/4/teams`` and ``/api/4/team-memberships`` (inclusive ``to``; see capacity.teams)."""

from __future__ import annotations

from flask import jsonify

from connect.context import allow_context_qsh
from connect.context import current_context

from ..db import request_session
from ..domain import access
from ..domain.capacity import teams
from ..models.base import utcnow
from . import bp
from . import capacity_io as io
from .envelope import result_list
from .inputs import Problems
from .inputs import json_body
from .inputs import parse_date
from .inputs import parse_str


def _session():
    return request_session(current_context().tenant_id)


def _team_fields(body: dict) -> dict:
    problems = Problems()
    values = {"name": parse_str(body.get("name"), "name", problems, required=True,
                                max_length=255),
              "summary": parse_str(body.get("summary"), "summary", problems),
              "lead_account_id": parse_str(body.get("leadAccountId"), "leadAccountId",
                                           problems, max_length=128)}
    problems.raise_if_any("invalid team")
    return values


@bp.get("/teams")
@allow_context_qsh
def list_teams():
    io.caller()
    return jsonify(result_list([io.team(t) for t in teams.list_teams(_session())]))


@bp.get("/teams/<int:team_id>")
@allow_context_qsh
def get_team(team_id):
    io.caller()
    return jsonify(io.team(teams.get_team(_session(), team_id)))


@bp.post("/teams")
@allow_context_qsh
def create_team():
    actor, admin = io.caller()
    access.require_capacity_admin(actor_is_admin=admin)
    session = _session()
    with session.begin():
        result = io.team(teams.save_team(session, None, **_team_fields(json_body())))
    return jsonify(result)


@bp.put("/teams/<int:team_id>")
@allow_context_qsh
def update_team(team_id):
    actor, admin = io.caller()
    access.require_capacity_admin(actor_is_admin=admin)
    session = _session()
    with session.begin():
        result = io.team(teams.save_team(session, team_id, **_team_fields(json_body())))
    return jsonify(result)


@bp.delete("/teams/<int:team_id>")
@allow_context_qsh
def delete_team(team_id):
    actor, admin = io.caller()
    access.require_capacity_admin(actor_is_admin=admin)
    session = _session()
    with session.begin():
        teams.delete_team(session, team_id)
    return "", 204


@bp.get("/teams/<int:team_id>/members")
@allow_context_qsh
def team_members(team_id):
    """Memberships active today (Tempo's "active members")."""
    io.caller()
    session = _session()
    teams.get_team(session, team_id)
    today = utcnow().date()
    return jsonify(result_list([io.membership(m) for m in teams.search_memberships(
        session, team_ids=[team_id], active_from=today, active_to=today)]))


@bp.get("/team-memberships/team/<int:team_id>")
@allow_context_qsh
def memberships_of_team(team_id):
    io.caller()
    session = _session()
    teams.get_team(session, team_id)
    return jsonify(result_list([io.membership(m) for m in teams.search_memberships(
        session, team_ids=[team_id])]))


@bp.post("/team-memberships")
@allow_context_qsh
def create_membership():
    actor, admin = io.caller()
    values = io.membership_input(json_body(), today=utcnow().date())
    session = _session()
    with session.begin():
        result = io.membership(teams.save_membership(session, None, values, actor=actor,
                                                     actor_is_admin=admin))
    return jsonify(result)


@bp.get("/team-memberships/<int:membership_id>")
@allow_context_qsh
def get_membership(membership_id):
    io.caller()
    return jsonify(io.membership(teams.get_membership(_session(), membership_id)))


@bp.put("/team-memberships/<int:membership_id>")
@allow_context_qsh
def update_membership(membership_id):
    actor, admin = io.caller()
    values = io.membership_input(json_body(), today=utcnow().date())
    session = _session()
    with session.begin():
        result = io.membership(teams.save_membership(session, membership_id, values,
                                                     actor=actor, actor_is_admin=admin))
    return jsonify(result)


@bp.delete("/team-memberships/<int:membership_id>")
@allow_context_qsh
def delete_membership(membership_id):
    actor, admin = io.caller()
    session = _session()
    with session.begin():
        teams.delete_membership(session, membership_id, actor=actor, actor_is_admin=admin)
    return "", 204


@bp.post("/team-memberships/search")
@allow_context_qsh
def search_memberships():
    """``{teamIds, accountIds, from, to}``: memberships overlapping ``from..to``."""
    io.caller()
    body = json_body()
    problems = Problems()
    start = parse_date(body.get("from"), "from", problems)
    end = parse_date(body.get("to"), "to", problems)
    team_ids, account_ids = body.get("teamIds") or [], body.get("accountIds") or []
    if not isinstance(team_ids, list) or not all(isinstance(t, int) for t in team_ids):
        problems.add("teamIds", "'teamIds' must be a list of team ids")
    if not isinstance(account_ids, list) or not all(isinstance(a, str) for a in account_ids):
        problems.add("accountIds", "'accountIds' must be a list of account ids")
    problems.raise_if_any()
    return jsonify(result_list([io.membership(m) for m in teams.search_memberships(
        _session(), team_ids=team_ids, account_ids=account_ids, active_from=start,
        active_to=end)]))
