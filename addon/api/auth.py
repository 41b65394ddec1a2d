"""API callers: who is behind an ``Authorization: Bearer`` API token.

Context-token callers and the site-admin check are in ``addon.caller`` (shared with the panels).
"""

from __future__ import annotations

from flask import current_app

from connect.context import ConnectContext
from connect.errors import InvalidApiToken

from ..db import get_database
from ..domain.api_tokens import find_active_token
from ..models.base import utcnow


def authenticate_api_token(token: str) -> ConnectContext:
    """The caller behind an ``Authorization: Bearer`` API token (acts as its owner)."""
    database = get_database()
    with database.transaction(all_tenants=True) as session:
        row = find_active_token(session, token, now=utcnow())
        tenant_id, owner = (row.tenant_id, row.owner_account_id) if row else (None, None)
    tenant = current_app.extensions["ledgerline.tenants"].get(tenant_id) if tenant_id else None
    if tenant is None or not tenant.active:
        raise InvalidApiToken()
    return ConnectContext(tenant=tenant, account_id=owner, context_qsh=False)
