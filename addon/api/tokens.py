"""Ours: ``/api/4/tokens``, personal API tokens (an admin's token acts with the admin's rights)."""

from __future__ import annotations

from flask import jsonify

from connect.context import allow_context_qsh

from ..caller import is_site_admin
from ..caller import require_user
from ..domain import api_tokens
from ..domain.access import token_owner_filter
from ..models.base import utcnow
from . import bp
from . import serialize
from .envelope import result_list
from .inputs import json_body
from .inputs import tenant_session


def _token_json(row, token: str | None = None) -> dict:
    body = {"id": row.id, "name": row.name, "prefix": row.prefix,
            "owner": serialize.user_ref(row.owner_account_id),
            "createdAt": serialize.instant(row.created_at),
            "lastUsedAt": serialize.instant(row.last_used_at),
            "revokedAt": serialize.instant(row.revoked_at)}
    if token is not None:
        body["token"] = token  # shown this once; only its hash is stored
    return body


@bp.post("/tokens")
@allow_context_qsh
def create_token():
    """Ours: a personal API token (an admin's token acts with the admin's rights: a site token)."""
    owner = require_user()
    session = tenant_session()
    with session.begin():
        token, row = api_tokens.create_token(session, owner=owner, name=json_body().get("name"),
                                             now=utcnow())
        result = _token_json(row, token)
    return jsonify(result), 201


@bp.get("/tokens")
@allow_context_qsh
def list_tokens():
    caller = require_user()
    owner = token_owner_filter(caller, caller_is_admin=is_site_admin())
    return jsonify(result_list([_token_json(r) for r in api_tokens.list_tokens(
        tenant_session(), owner=owner)]))


@bp.delete("/tokens/<id:token_id>")
@allow_context_qsh
def revoke_token(token_id):
    caller = require_user()
    session = tenant_session()
    admin = is_site_admin()
    with session.begin():
        api_tokens.revoke_token(session, token_id, actor=caller, actor_is_admin=admin,
                                now=utcnow())
    return "", 204
