"""Who is calling the API, and what they may do."""

from __future__ import annotations

from flask import current_app

from connect import get_connect
from connect.context import ConnectContext
from connect.context import current_context
from connect.errors import InvalidApiToken

from .. import get_settings
from ..db import get_database
from ..domain.api_tokens import find_active_token
from ..domain.tenants import DEMO_CLIENT_KEY
from ..errors import ApiError
from ..jira import JiraUnavailable
from ..jira.permissions import SiteAdminCache
from ..models.base import utcnow

ADMIN_CACHE_KEY = "ledgerline.site_admins"


def init_app(app) -> None:
    app.extensions[ADMIN_CACHE_KEY] = SiteAdminCache()


def require_user() -> str:
    account_id = current_context().account_id
    if not account_id:
        raise ApiError(401, "this call needs a user", code="user_required")
    return account_id


def is_site_admin() -> bool:
    """Whether Jira says the caller administers the site (cached briefly)."""
    account_id = require_user()
    context = current_context()
    if context.tenant.client_key == DEMO_CLIENT_KEY and get_settings(current_app).dev_mode:
        return True  # the dev-mode demo site has no Jira to ask; its one user runs it
    connect = get_connect(current_app)
    try:
        return current_app.extensions[ADMIN_CACHE_KEY].is_site_admin(
            context.tenant_id, account_id, connect.app_session(context.tenant),
            context.tenant.base_url)
    except JiraUnavailable as exc:
        raise ApiError(503, "Jira did not answer the permission check; try again",
                       code="jira_unavailable") from exc


def require_site_admin() -> str:
    """The caller's account id, if they administer the site; else 403."""
    if not is_site_admin():
        raise ApiError(403, "only Jira site administrators may do this", code="forbidden")
    return require_user()


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
