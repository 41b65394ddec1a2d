"""Admin pages: map Jira projects to accounts, and watch and steer the sync."""

from __future__ import annotations

from flask import render_template

from connect.context import current_context
from connect.context import mint_context_token

from ..caller import is_site_admin
from ..db import request_session
from ..domain.account_setup import project_mappings
from ..domain.accounts import list_accounts
from ..domain.sync_status import sync_overview
from ..models.account import ACCOUNT_OPEN
from ..models.base import utcnow
from . import bp


def _admin_only():
    """Jira shows admin pages to admins only; the app checks again (None when allowed)."""
    if not is_site_admin():
        return render_template("admin_forbidden.html"), 403
    return None


@bp.get("/pages/admin/accounts")
def admin_accounts():
    refused = _admin_only()
    if refused:
        return refused
    context = current_context()
    session = request_session(context.tenant_id)
    return render_template(
        "admin_accounts.html", mappings=project_mappings(session),
        accounts=list_accounts(session, statuses=[ACCOUNT_OPEN]),
        token=mint_context_token(context.tenant, context.account_id))


@bp.get("/pages/admin/sync")
def admin_sync():
    refused = _admin_only()
    if refused:
        return refused
    context = current_context()
    return render_template(
        "admin_sync.html", status=sync_overview(request_session(context.tenant_id), now=utcnow()),
        token=mint_context_token(context.tenant, context.account_id))
