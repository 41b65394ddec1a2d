"""Dev mode only: ``/dev`` opens each of the app's pages and panels in an iframe with a locally
minted JWT for the demo tenant, so the UI can be seen and browser-tested without a Jira site."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

from flask import Blueprint
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from connect import get_connect
from connect import jwt as connect_jwt
from connect.context import public

from .domain.demo import DEMO_ACCOUNT_ID
from .domain.demo import DEMO_ISSUE_ID
from .domain.demo import DEMO_PROJECT_ID
from .domain.tenants import DEMO_CLIENT_KEY

bp = Blueprint("dev", __name__, template_folder="panels/templates")
# Set by ``ledgerline demo-site``: its fake Jira, and the ids of its demo issue and user.
DEMO_JIRA_KEY = "ledgerline.demo_jira"
DEV_CONTEXT_KEY = "ledgerline.dev_context"

DEMO_CONTEXT = {
    "issue.key": "DEMO-1", "issue.id": DEMO_ISSUE_ID, "project.key": "DEMO",
    "project.id": DEMO_PROJECT_ID, "user.accountId": DEMO_ACCOUNT_ID,
    "ac.accountKey": "ACME-DEV",
}
MODULE_KINDS = ("generalPages", "adminPages", "jiraProjectPages", "jiraIssueContents",
                "webPanels", "jiraIssueGlances")
_VARIABLE = re.compile(r"\{([a-zA-Z.]+)\}")


def _fill(url: str) -> str:
    context = current_app.extensions.get(DEV_CONTEXT_KEY, DEMO_CONTEXT)
    return _VARIABLE.sub(lambda m: context.get(m.group(1), ""), url)


def signed_module_url(url: str, *, secret: str, account_id: str = DEMO_ACCOUNT_ID) -> str:
    """The module URL with a ``jwt`` parameter minted as Jira would for an iframe load."""
    connect = get_connect(current_app)
    full = connect.config.base_url.rstrip("/") + url
    now = int(time.time())
    parts = urlsplit(full)
    params = parse_qsl(parts.query, keep_blank_values=True)
    token = connect_jwt.encode_hs256({
        "iss": DEMO_CLIENT_KEY, "sub": account_id, "iat": now, "exp": now + 3600,
        "qsh": connect_jwt.compute_qsh("GET", connect_jwt.relative_path(parts.path,
                                                                         connect.config.base_url),
                                       params),
    }, secret)
    return f"{url}{'&' if '?' in url else '?'}jwt={token}"


@bp.get("/dev")
@public
def index():
    connect = get_connect(current_app)
    tenant = connect.store.find(DEMO_CLIENT_KEY)
    if tenant is None:
        return render_template("dev.html", modules=[], missing_demo=True)
    modules = []
    for kind in MODULE_KINDS:
        for module in connect.descriptor.modules(kind):
            url = _fill(module["url"])
            modules.append({
                "kind": kind, "key": module["key"], "name": module["name"]["value"],
                "src": signed_module_url(url, secret=tenant.shared_secret),
            })
    return render_template("dev.html", modules=modules, missing_demo=False,
                           demo_jira=current_app.extensions.get(DEMO_JIRA_KEY),
                           edited=request.args.get("edited"))


@bp.post("/dev/jira/edit-latest-worklog")
@public
def edit_in_jira():
    """An edit made "in Jira" on the demo site: the fake Jira changes its newest worklog and
    sends the ``worklog_updated`` webhook, which the app applies like any other."""
    demo_jira = current_app.extensions.get(DEMO_JIRA_KEY)
    if demo_jira is None:
        return "", 404
    changed = demo_jira.edit_latest_worklog()
    note = f"{changed['issueKey']}: worklog {changed['worklogId']}" if changed else "none"
    return redirect(url_for("dev.index", edited=note) + "#demo-jira")
