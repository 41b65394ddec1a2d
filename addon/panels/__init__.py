"""Iframe modules shown inside Jira: thin views over the domain, rendered from templates."""

from __future__ import annotations

from flask import Blueprint
from flask import render_template

from connect.context import current_context

bp = Blueprint("panels", __name__, template_folder="templates", static_folder="static",
               static_url_path="/panels/static")


@bp.get("/pages/home")
def home():
    """The app's global page: who and where the viewer is, a starting point for later pages."""
    context = current_context()
    return render_template("home.html", tenant=context.tenant, account_id=context.account_id)


from . import admin  # noqa: E402,F401 - registers the admin pages on bp
from . import approvals_page  # noqa: E402,F401 - registers the reviewers' page on bp
from . import capacity_pages  # noqa: E402,F401 - registers the Capacity page on bp
from . import money_pages  # noqa: E402,F401 - registers the money pages on bp
from . import share_page  # noqa: E402,F401 - registers the public shared report on bp
from . import worklog_panels  # noqa: E402,F401 - registers the time panels on bp
