"""``/api/4/shares``: client-shared report links over ``addon.domain.shares`` (site admins and
the account's lead). The link's ``url`` is in the create answer only; the token is not stored."""

from __future__ import annotations

from flask import jsonify

from connect.context import allow_context_qsh

from ..caller import current_caller
from ..domain import shares
from ..models.base import utcnow
from . import bp
from . import serialize
from .envelope import public_base
from .envelope import result_list
from .inputs import Problems
from .inputs import json_body
from .inputs import parse_date
from .inputs import parse_instant
from .inputs import parse_str
from .inputs import parse_str_list
from .inputs import tenant_session


def share_json(share) -> dict:
    return {"id": share.id, "self": f"{serialize.api_base()}/shares/{share.id}",
            "accountKey": share.account_key, "from": share.date_from.isoformat(),
            "to": share.date_to.isoformat(), "show": list(share.show),
            "expiresAt": serialize.instant(share.expires_at),
            "createdAt": serialize.instant(share.created_at),
            "createdBy": serialize.user_ref(share.created_by),
            "revokedAt": serialize.instant(share.revoked_at)}


def _draft() -> tuple[shares.ShareDraft, Problems]:
    body = json_body()
    problems = Problems()
    draft = shares.ShareDraft(
        account_key=parse_str(body.get("accountKey"), "accountKey", problems, max_length=255),
        date_from=parse_date(body.get("from"), "from", problems),
        date_to=parse_date(body.get("to"), "to", problems),
        show=parse_str_list(body.get("show"), "show", problems, max_length=64),
        expires_at=parse_instant(body.get("expiresAt"), "expiresAt", problems))
    return draft, problems


@bp.post("/shares")
@allow_context_qsh
def create_share():
    caller = current_caller()
    draft, problems = _draft()
    session = tenant_session()
    with session.begin():
        token, share = shares.create_share(session, caller, draft, now=utcnow(),
                                           reported=problems.items)
        body = {**share_json(share), "url": f"{public_base()}/share/{token}"}
    return jsonify(body), 201


@bp.get("/shares")
@allow_context_qsh
def list_shares():
    found = shares.list_shares(tenant_session(), current_caller())
    return jsonify(result_list([share_json(s) for s in found]))


@bp.get("/shares/<id:share_id>")
@allow_context_qsh
def get_share(share_id):
    return jsonify(share_json(shares.get_share(tenant_session(), current_caller(), share_id)))


@bp.delete("/shares/<id:share_id>")
@allow_context_qsh
def revoke_share(share_id):
    caller = current_caller()
    session = tenant_session()
    with session.begin():
        shares.revoke_share(session, caller, share_id, now=utcnow())
    return "", 204


@bp.get("/shares/<id:share_id>/accesses")
@allow_context_qsh
def list_accesses(share_id):
    rows = shares.list_accesses(tenant_session(), current_caller(), share_id)
    return jsonify(result_list([{"accessedAt": serialize.instant(a.accessed_at),
                                 "userAgent": a.user_agent} for a in rows]))
