"""Who is calling the API, and what they may do."""

from __future__ import annotations

from flask import current_app
from flask import g
from flask import request

from connect import get_connect
from connect.context import ConnectContext
from connect.context import current_context
from connect.errors import InvalidApiToken

from .. import get_settings
from ..db import get_database
from ..db import request_session
from ..domain import audit
from ..domain.access import Caller
from ..domain.api_tokens import find_active_token
from ..domain.tenants import DEMO_CLIENT_KEY
from ..errors import ApiError
from ..jira import JiraUnavailable
from ..jira.permissions import SiteAdminCache
from ..jira.permissions import SiteAdminListCache
from ..models.base import utcnow

ADMIN_CACHE_KEY = "ledgerline.site_admins"
ADMIN_LIST_KEY = "ledgerline.site_admin_list"


def init_app(app) -> None:
    app.extensions[ADMIN_CACHE_KEY] = SiteAdminCache()
    app.extensions[ADMIN_LIST_KEY] = SiteAdminListCache()


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


def attribute_changes() -> None:
    """Audit this request's writes to its caller: a user from our iframes (the panel source)
    or an integrator's API token or signed call (the api source)."""
    context = g.get("connect_context")
    if context is None or not context.account_id:
        return
    kind = "token" if request.headers.get("Authorization", "").startswith("Bearer ") \
        else "user"
    source = "panel" if context.context_qsh and kind == "user" else "api"
    audit.act_as(request_session(context.tenant_id), audit.Actor(kind, context.account_id,
                                                                 source))


def current_caller() -> Caller:
    """The calling user and whether they administer the site (asks Jira, cached)."""
    return Caller(require_user(), is_site_admin())


def site_admins() -> list[str]:
    """The site's administrators' account ids (the last-resort reviewers)."""
    context = current_context()
    if context.tenant.client_key == DEMO_CLIENT_KEY and get_settings(current_app).dev_mode:
        return [context.account_id] if context.account_id else []
    connect = get_connect(current_app)
    try:
        return current_app.extensions[ADMIN_LIST_KEY].site_admins(
            context.tenant_id, connect.app_session(context.tenant), context.tenant.base_url)
    except JiraUnavailable as exc:
        raise ApiError(503, "Jira did not answer the administrators lookup; try again",
                       code="jira_unavailable") from exc


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
