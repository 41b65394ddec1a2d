"""The issue panel (time on this issue, the account that applies, the Log time form) and the
"My time" page. Views gather read models and render; writes go through the REST API."""

from __future__ import annotations

from datetime import date
from datetime import datetime

from flask import render_template
from flask import request
from sqlalchemy import or_
from sqlalchemy import select

from connect.context import allow_context_qsh
from connect.context import current_context
from connect.context import mint_context_token

from ..db import request_session
from ..domain.account_rules import resolve_account
from ..domain.account_rules import selectable_accounts
from ..domain.approval_views import locked_worklog_ids
from ..domain.approval_views import timesheet_state
from ..domain.attributes import list_attributes
from ..domain.durations import format_duration
from ..domain.policy import load_policy
from ..domain.time_views import display_names
from ..domain.time_views import issue_time
from ..domain.time_views import my_week
from ..domain.worklogs import zone
from ..models import JiraIssue
from . import bp


def _today() -> date:
    """Today where the viewer is: Jira passes the user's zone as ``tz`` on iframe loads."""
    try:
        return datetime.now(zone(request.args.get("tz") or "UTC")).date()
    except Exception:
        return date.today()


def _issue(session, issue_id: str | None, issue_key: str | None) -> JiraIssue | None:
    if not issue_id and not issue_key:
        return None
    return session.scalar(select(JiraIssue).where(
        or_(JiraIssue.jira_id == (issue_id or ""), JiraIssue.key == (issue_key or "")),
        JiraIssue.deleted_at.is_(None)))


def _summary_context(session, issue: JiraIssue, *, show_all: bool = False) -> dict:
    summary = issue_time(session, issue.jira_id, limit=None if show_all else 50)
    return {"issue": issue, "summary": summary, "me": current_context().account_id,
            "names": display_names(session, {w.author_account_id for w in summary.entries}),
            "choice": resolve_account(session, issue, None), "duration": format_duration,
            "locked": locked_worklog_ids(session, summary.entries)}


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
    week = my_week(session, context.account_id or "", any_day)
    return {"week": week, "duration": format_duration, "account_id": context.account_id,
            "timesheet": timesheet_state(session, context.account_id or "", week.start),
            "locked": locked_worklog_ids(session, [w for d in week.days for w in d.entries])}


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
