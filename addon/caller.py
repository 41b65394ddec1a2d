"""Who is calling, for every HTTP layer: the Connect context joined to ``domain.access``.

``api`` and ``panels`` are siblings and must not import each other; both ask this module whether
the caller administers the site. The rules themselves live in ``addon.domain.access``; this
module only supplies the request's tenant, user, cache and Jira.
"""

from __future__ import annotations

from flask import current_app
from flask import g
from flask import request

from connect import get_connect
from connect.context import ConnectContext
from connect.context import current_context

from . import get_settings
from .db import request_session
from .domain import audit
from .domain.access import Caller
from .domain.access import SiteAdminCache
from .domain.access import SiteAdminListCache
from .domain.access import Visibility
from .domain.access import VisibilityCache
from .domain.demo import DemoSite
from .domain.tenants import DEMO_CLIENT_KEY
from .errors import ApiError
from .jira import app_source
from .jira.source import JiraUnavailable

ADMIN_CACHE_KEY = "ledgerline.site_admins"
ADMIN_LIST_KEY = "ledgerline.site_admin_list"
VISIBILITY_CACHE_KEY = "ledgerline.visibility"


def init_app(app) -> None:
    app.extensions[ADMIN_CACHE_KEY] = SiteAdminCache()
    app.extensions[ADMIN_LIST_KEY] = SiteAdminListCache()
    app.extensions[VISIBILITY_CACHE_KEY] = VisibilityCache()


def require_user() -> str:
    account_id = current_context().account_id
    if not account_id:
        raise ApiError(401, "this call needs a user", code="user_required")
    return account_id


def is_site_admin() -> bool:
    """Whether Jira says the caller administers the site (cached briefly); 503 if Jira is down."""
    account_id = require_user()
    context = current_context()
    try:
        return current_app.extensions[ADMIN_CACHE_KEY].is_site_admin(
            context.tenant_id, account_id, _directory(context))
    except JiraUnavailable as exc:
        raise ApiError(503, "Jira did not answer the permission check; try again",
                       code="jira_unavailable") from exc


def visibility() -> Visibility:
    """What the caller may read, as Jira grants it (cached briefly); 401 without a user, 503
    if Jira is down."""
    account_id = require_user()
    context = current_context()
    try:
        return current_app.extensions[VISIBILITY_CACHE_KEY].visibility(
            request_session(context.tenant_id), context.tenant_id, account_id,
            _directory(context))
    except JiraUnavailable as exc:
        raise ApiError(503, "Jira did not answer the permission check; try again",
                       code="jira_unavailable") from exc


def _directory(context: ConnectContext):
    """Who answers "is this user an admin": the site's Jira, or in dev mode the demo site."""
    if context.tenant.client_key == DEMO_CLIENT_KEY and get_settings(current_app).dev_mode:
        return DemoSite()
    return app_source(get_connect(current_app), context.tenant)


def require_site_admin() -> str:
    """The caller's account id, if they administer the site; else 403."""
    if not is_site_admin():
        raise ApiError(403, "only Jira site administrators may do this", code="forbidden")
    return require_user()


def current_caller() -> Caller:
    """The calling user and whether they administer the site (asks Jira, cached)."""
    return Caller(require_user(), is_site_admin())


def site_admins() -> list[str]:
    """The site's administrators' account ids (the last-resort reviewers); 503 if Jira is
    down."""
    context = current_context()
    try:
        return current_app.extensions[ADMIN_LIST_KEY].site_admins(
            context.tenant_id, _directory(context))
    except JiraUnavailable as exc:
        raise ApiError(503, "Jira did not answer the administrators lookup; try again",
                       code="jira_unavailable") from exc


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
