"""Who is calling the API, and what they may do."""

from __future__ import annotations

from flask import current_app

from connect import get_connect
from connect.context import current_context

from ..errors import ApiError
from ..jira import JiraUnavailable
from ..jira.permissions import SiteAdminCache

ADMIN_CACHE_KEY = "ledgerline.site_admins"


def init_app(app) -> None:
    app.extensions[ADMIN_CACHE_KEY] = SiteAdminCache()


def require_user() -> str:
    account_id = current_context().account_id
    if not account_id:
        raise ApiError(401, "this call needs a user", code="user_required")
    return account_id


def require_site_admin() -> str:
    """The caller's account id, if Jira says they administer the site; else 403."""
    account_id = require_user()
    context = current_context()
    connect = get_connect(current_app)
    try:
        admin = current_app.extensions[ADMIN_CACHE_KEY].is_site_admin(
            context.tenant_id, account_id, connect.app_session(context.tenant),
            context.tenant.base_url)
    except JiraUnavailable as exc:
        raise ApiError(503, "Jira did not answer the permission check; try again",
                       code="jira_unavailable") from exc
    if not admin:
        raise ApiError(403, "only Jira site administrators may do this", code="forbidden")
    return account_id
