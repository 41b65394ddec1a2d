"""The issue panel (time on this issue, the account that applies, the Log time form) and the
"My time" page. Views gather read models and render; writes go through the REST API."""

from __future__ import annotations

from datetime import date
from datetime import datetime

from flask import render_template
from flask import request

from connect.context import allow_context_qsh
from connect.context import current_context
from connect.context import mint_context_token

from ..db import request_session
from ..domain.account_rules import resolve_account
from ..domain.account_rules import selectable_accounts
from ..domain.attributes import list_attributes
from ..domain.capacity.views import issue_planned_seconds
from ..domain.durations import format_duration
from ..domain.errors import InvalidInput
from ..domain.issues import live_issue
from ..domain.policy import load_policy
from ..domain.time_views import display_names
from ..domain.time_views import issue_time
from ..domain.time_views import my_week
from ..domain.worklogs import zone
from ..models import JiraIssue
from . import bp


def _today() -> date:
    """Today where the viewer is: Jira passes the user's zone as ``tz`` on iframe loads.

    A ``tz`` we do not know (Jira sends IANA names, so only a hand-made URL) counts as UTC.
    """
    try:
        viewer_zone = zone(request.args.get("tz") or "UTC")
    except InvalidInput:
        viewer_zone = zone("UTC")
    return datetime.now(viewer_zone).date()


def _issue(session, issue_id: str | None, issue_key: str | None) -> JiraIssue | None:
    return live_issue(session, jira_id=issue_id, key=issue_key)


def _summary_context(session, issue: JiraIssue, *, show_all: bool = False) -> dict:
    summary = issue_time(session, issue.jira_id, limit=None if show_all else 50)
    return {"issue": issue, "summary": summary, "me": current_context().account_id,
            "planned_seconds": issue_planned_seconds(session, issue.jira_id),
            "names": display_names(session, {w.author_account_id for w in summary.entries}),
            "choice": resolve_account(session, issue, None), "duration": format_duration}


@bp.get("/panels/issue")
def issue_panel():
    context = current_context()
    session = request_session(context.tenant_id)
    issue = _issue(session, request.args.get("issueId"), request.args.get("issueKey"))
    if issue is None:
        return render_template("issue_not_synced.html",
                               issue_key=request.args.get("issueKey")), 200
    return render_template(
        "issue_panel.html", **_summary_context(session, issue),
        accounts=selectable_accounts(session, issue.project_jira_id),
        attributes=[a for a in list_attributes(session) if a.type != "ACCOUNT"],
        policy=load_policy(session), today=_today(),
        time_zone=request.args.get("tz") or "",
        token=mint_context_token(context.tenant, context.account_id))


@bp.get("/panels/issue/summary")
@allow_context_qsh
def issue_summary():
    """The panel's summary and entries, re-rendered after a save (called by the panel)."""
    session = request_session(current_context().tenant_id)
    issue = _issue(session, request.args.get("issueId"), None)
    if issue is None:
        return "", 404
    return render_template("_issue_summary.html", **_summary_context(
        session, issue, show_all=request.args.get("all") == "1"))


def _week_context() -> dict:
    context = current_context()
    session = request_session(context.tenant_id)
    try:
        any_day = date.fromisoformat(request.args.get("week", ""))
    except ValueError:
        any_day = _today()
    return {"week": my_week(session, context.account_id or "", any_day),
            "duration": format_duration, "account_id": context.account_id}


@bp.get("/pages/my-time")
def my_time():
    context = current_context()
    return render_template("my_time.html", **_week_context(),
                           token=mint_context_token(context.tenant, context.account_id))


@bp.get("/pages/my-time/week")
@allow_context_qsh
def my_time_week():
    """Another week of "My time", fetched by the page with its context token."""
    return render_template("_my_week.html", **_week_context())
