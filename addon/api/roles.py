"""``/api/4/roles`` (Tempo's ``{id, name, default}``) and role members, effective-dated."""

from __future__ import annotations

from flask import jsonify
from flask import request

from connect.context import allow_context_qsh
from connect.context import current_context

from ..caller import require_site_admin
from ..domain import roles
from ..models.base import utcnow
from . import bp
from . import serialize
from .envelope import result_list
from .inputs import Problems
from .inputs import json_body_exact
from .inputs import parse_date
from .inputs import tenant_session
from .money import reprice_after_commit


def _tenant() -> int:
    return current_context().tenant_id


@bp.get("/roles")
@allow_context_qsh
def list_roles():
    session = tenant_session()
    with session.begin():  # the default role may be made on first use: keep it
        result = result_list([serialize.role(r) for r in roles.list_roles(session, _tenant())])
    return jsonify(result)


@bp.get("/roles/default")
@allow_context_qsh
def default_role():
    session = tenant_session()
    with session.begin():
        result = serialize.role(roles.default_role(session, _tenant()))
    return jsonify(result)


@bp.get("/roles/<id:role_id>")
@allow_context_qsh
def get_role(role_id):
    session = tenant_session()
    with session.begin():
        result = serialize.role(roles.get_role(session, _tenant(), role_id))
    return jsonify(result)


@bp.post("/roles")
@allow_context_qsh
def create_role():
    require_site_admin()
    body = json_body_exact()
    session = tenant_session()
    with session.begin():
        role = roles.create_role(session, _tenant(), name=body.get("name"),
                                 default=body.get("default") is True,
                                 target_utilization_percent=body.get("targetUtilizationPercent"))
        result = serialize.role(role)
    return jsonify(result)


@bp.put("/roles/<id:role_id>")
@allow_context_qsh
def replace_role(role_id):
    """Tempo fields replace; ``targetUtilizationPercent`` (ours) is kept when absent."""
    require_site_admin()
    body = json_body_exact()
    session = tenant_session()
    with session.begin():
        role = roles.replace_role(
            session, _tenant(), role_id, name=body.get("name"), default=body.get("default"),
            target_utilization_percent=body.get("targetUtilizationPercent", roles.UNSET))
        result = serialize.role(role)
    return jsonify(result)


@bp.delete("/roles/<id:role_id>")
@allow_context_qsh
def delete_role(role_id):
    require_site_admin()
    session = tenant_session()
    with session.begin():
        roles.delete_role(session, _tenant(), role_id)
        reprice_after_commit(session)
    return "", 204


@bp.put("/roles/<id:role_id>/members")
@allow_context_qsh
def set_members(role_id):
    """From ``effectiveFrom`` (default: today, UTC) exactly ``accountIds`` hold this role."""
    require_site_admin()
    body = json_body_exact()
    problems = Problems()
    since = parse_date(body.get("effectiveFrom"), "effectiveFrom", problems) or utcnow().date()
    problems.raise_if_any()
    session = tenant_session()
    with session.begin():
        if roles.set_members(session, _tenant(), role_id, body.get("accountIds"), since):
            reprice_after_commit(session)
        result = _members(session, role_id, since)
    return jsonify(result)


@bp.get("/roles/<id:role_id>/members")
@allow_context_qsh
def members(role_id):
    problems = Problems()
    day = parse_date(request.args.get("date"), "date", problems) or utcnow().date()
    problems.raise_if_any()
    session = tenant_session()
    with session.begin():
        result = _members(session, role_id, day)
    return jsonify(result)


def _members(session, role_id: int, day) -> dict:
    role = roles.get_role(session, _tenant(), role_id)
    return {
        "self": f"{serialize.api_base()}/roles/{role.id}/members",
        "role": serialize.role(role), "date": day.isoformat(),
        "accountIds": roles.members_on(session, _tenant(), role.id, day),
        "assignments": [{"accountId": a.account_id, "effectiveFrom": a.effective_from.isoformat()}
                        for a in roles.assignments_of_role(session, _tenant(), role.id)],
    }
