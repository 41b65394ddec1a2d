"""``/share/<token>``: a client-shared report, opened without a Jira account (issue 9).

Public by design (``@public``): the token is the only credential. Every answer — the figures,
or the one generic "not available" page for an unknown, expired or revoked link — is not
cached, sends no referrer (the token is in the URL) and frames only where the app's pages may.
"""

from __future__ import annotations

from flask import current_app
from flask import render_template
from flask import request

from connect.context import public

from ..db import get_database
from ..domain import shares
from ..domain.money import format_amount
from ..models.base import utcnow
from . import bp

SHARE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _hours(seconds: int) -> str:
    return f"{seconds / 3600:,.2f}"


def _page(report, status: int, now):
    html = render_template("share.html", report=report, hours=_hours, amount=format_amount,
                           as_of=now.strftime("%Y-%m-%d %H:%M"))
    return html, status, SHARE_HEADERS


@bp.get("/share/<token>")
@public
def shared_report(token):
    now = utcnow()
    database = get_database()
    with database.transaction(all_tenants=True) as session:
        share = shares.find_live_share(session, token, now=now)
    tenant = current_app.extensions["ledgerline.tenants"].get(share.tenant_id) if share else None
    if tenant is None or not tenant.active:
        return _page(None, 404, now)
    with database.transaction(tenant_id=share.tenant_id) as session:
        shares.record_access(session, share.id, user_agent=request.user_agent.string,
                             now=now)
        report = shares.shared_report(session, share.tenant_id, share)
    return _page(report, 200, now)
