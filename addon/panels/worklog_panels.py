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

from ..caller import is_site_admin
from ..caller import visibility
from ..db import request_session
from ..domain.access import Visibility
from ..domain.access import money_access
from ..domain.access import visible_issue
from ..domain.account_rules import resolve_account
from ..domain.account_rules import selectable_accounts
from ..domain.approval_views import locked_worklog_ids
from ..domain.approval_views import timesheet_state
from ..domain.attributes import list_attributes
from ..domain.capacity.views import issue_planned_seconds
from ..domain.durations import format_duration
from ..domain.errors import InvalidInput
from ..domain.money import base_currency
from ..domain.money import format_amount
from ..domain.policy import load_policy
from ..domain.time_views import display_names
from ..domain.time_views import issue_time
from ..domain.time_views import my_week
from ..domain.worklogs import zone
from ..errors import ApiError
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


def _issue(session, shown: Visibility, issue_id: str | None,
           issue_key: str | None) -> JiraIssue | None:
    """The issue, if synced and the caller may browse its project: a hidden issue looks
    exactly like one we never synced."""
    return visible_issue(session, shown, jira_id=issue_id, key=issue_key)


def _money_access(session):
    """What money the viewer may see. If Jira cannot say whether they administer the site,
    the panel still renders, showing what a non-admin would see."""
    context = current_context()
    try:
        admin = is_site_admin()
    except ApiError:
        admin = False
    return money_access(session, context.tenant_id, context.account_id, is_site_admin=admin)


FIRST_ENTRIES = 50
PAGE_ENTRIES = 200  # "Show all" pages through the entries, never one unbounded list


def _page_number() -> int:
    raw = request.args.get("page", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else 0


def _summary_context(session, shown: Visibility, issue: JiraIssue, *,
                     show_all: bool = False) -> dict:
    page = _page_number() if show_all else 0
    summary = issue_time(session, issue.jira_id, shown,
                         limit=PAGE_ENTRIES if show_all else FIRST_ENTRIES,
                         offset=page * PAGE_ENTRIES)
    choice = resolve_account(session, issue, None)
    access = _money_access(session)
    return {"page": page, "show_all": show_all, "issue": issue, "summary": summary,
            "me": current_context().account_id, "choice": choice,
            "planned_seconds": issue_planned_seconds(session, issue.jira_id),
            "names": display_names(session, {w.author_account_id for w in summary.entries}),
            "duration": format_duration, "money": access,
            "sees_costs": access.site_admin or (choice.key is not None and
                                                access.sees_costs(choice.key)),
            "currency": base_currency(session), "amount": format_amount,
            "locked": locked_worklog_ids(session, summary.entries)}


@bp.get("/panels/issue")
def issue_panel():
    context = current_context()
    session = request_session(context.tenant_id)
    shown = visibility()
    issue = _issue(session, shown, request.args.get("issueId"), request.args.get("issueKey"))
    if issue is None:
        return render_template("issue_not_synced.html",
                               issue_key=request.args.get("issueKey")), 200
    return render_template(
        "issue_panel.html", **_summary_context(session, shown, issue),
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
    shown = visibility()
    issue = _issue(session, shown, request.args.get("issueId"), None)
    if issue is None:
        return "", 404
    return render_template("_issue_summary.html", **_summary_context(
        session, shown, issue, show_all=request.args.get("all") == "1"))


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
