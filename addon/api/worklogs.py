"""``/api/4/worklogs``: Tempo's worklog endpoints over the single worklog write path."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask import jsonify
from flask import request
from sqlalchemy import select

from connect import get_connect
from connect.context import allow_context_qsh
from connect.context import current_context

from ..db import request_session
from ..domain.account_rules import account_by_key
from ..domain.attributes import ACCOUNT_ATTRIBUTE
from ..domain.errors import Forbidden
from ..domain.policy import load_policy
from ..domain.worklog_queries import ORDERS
from ..domain.worklog_queries import WorklogFilter
from ..domain.worklog_queries import issue_keys
from ..domain.worklog_queries import search_worklogs
from ..domain.worklog_queries import worklog_id_map
from ..domain.worklogs import WorklogInput
from ..domain.worklogs import create_worklog
from ..domain.worklogs import delete_worklog
from ..domain.worklogs import get_worklog
from ..domain.worklogs import replace_worklog
from ..domain.worklogs import zone
from ..jira.worklog_push import push
from ..jira.worklog_push import retry_delay
from ..jobs import PUSH_WORKLOG_JOB
from ..jobs import get_jobs
from ..models import JiraUser
from ..models import Worklog
from ..models.base import utcnow
from . import bp
from . import serialize
from .auth import is_site_admin
from .auth import require_user
from .envelope import envelope
from .envelope import page_from_request
from .inputs import Problems
from .inputs import json_body
from .inputs import parse_attribute_values
from .inputs import parse_date
from .inputs import parse_duration_field
from .inputs import parse_int
from .inputs import parse_str
from .inputs import parse_time
from .inputs import parse_updated_from
from .inputs import query_list


def _session():
    return request_session(current_context().tenant_id)


def _author_zone(session, account_id: str) -> str:
    zone = session.scalar(select(JiraUser.time_zone).where(JiraUser.account_id == account_id))
    return zone or "UTC"


def _input(body: dict, *, caller: str, session, existing=None) -> WorklogInput:
    problems = Problems()
    policy = load_policy(session)
    issue_id = body.get("issueId", existing.issue_jira_id if existing else None)
    if issue_id is None:
        problems.add("issueId", "'issueId' is required", "required")
    elif not str(issue_id).isdigit():
        problems.add("issueId", "'issueId' must be a Jira issue id (a number)")
    author = parse_str(body.get("authorAccountId"), "authorAccountId", problems) or caller
    start_date = parse_date(body.get("startDate"), "startDate", problems, required=True)
    start_time = parse_time(body.get("startTime"), "startTime", problems)
    if body.get("timeSpentSeconds") is None and body.get("timeSpent") is not None:
        seconds = parse_duration_field(body["timeSpent"], "timeSpent", problems,
                                       hours_per_day=policy.hours_per_day,
                                       days_per_week=policy.days_per_week)
    else:
        seconds = parse_int(body.get("timeSpentSeconds"), "timeSpentSeconds", problems,
                            required=True, minimum=1)
    if body.get("billableSeconds") is None and body.get("billableTime"):
        billable = parse_duration_field(body["billableTime"], "billableTime", problems,
                                        hours_per_day=policy.hours_per_day,
                                        days_per_week=policy.days_per_week)
    else:
        billable = parse_int(body.get("billableSeconds"), "billableSeconds", problems,
                             minimum=0)
    description = parse_str(body.get("description"), "description", problems) or ""
    attributes = parse_attribute_values(body.get("attributes"), problems)
    time_zone = parse_str(body.get("timeZone"), "timeZone", problems)
    problems.raise_if_any()
    return WorklogInput(
        issue_id=str(issue_id), author_account_id=author, start_date=start_date,
        start_time=start_time or datetime.min.time(), time_spent_seconds=seconds,
        time_zone=time_zone or (existing.time_zone if existing else _author_zone(session, author)),
        billable_seconds=billable, description=description, attributes=attributes)


def _require_can_write(session, caller: str, author: str, account_key: str | None) -> None:
    """Users log their own time; account leads and site admins act for others."""
    if author == caller:
        return
    account = account_by_key(session, account_key) if account_key else None
    if account is not None and account.lead_account_id == caller:
        return
    if is_site_admin():
        return
    raise Forbidden("you may only log and edit your own time")


def _today(time_zone: str):
    """Today on the author's calendar: the reference for how far back/ahead time may go."""
    return datetime.now(zone(time_zone)).date()


def _push_now(worklog_id: int) -> None:
    """Push right away so the answer carries the Jira id; a failure is retried later."""
    context = current_context()
    session = _session()
    with session.begin():
        worklog = session.get(Worklog, worklog_id)
        done = push(session, get_connect(current_app), context.tenant, worklog, now=utcnow())
        attempts = worklog.push_attempts
    if not done:
        get_jobs().enqueue_in(retry_delay(attempts).total_seconds(), PUSH_WORKLOG_JOB,
                              context.tenant_id, worklog_id, queue="sync")


def _one(session, worklog) -> dict:
    return serialize.worklog(worklog, issue_keys(session, {worklog.issue_jira_id}).get(
        worklog.issue_jira_id))


def _page(session, flt: WorklogFilter):
    page = page_from_request()
    rows, more = search_worklogs(session, flt, offset=page.offset, limit=page.limit)
    keys = issue_keys(session, {w.issue_jira_id for w in rows})
    return jsonify(envelope([serialize.worklog(w, keys.get(w.issue_jira_id)) for w in rows],
                            page, has_more=more))


def _filter_from_query(**fixed) -> WorklogFilter:
    problems = Problems()
    order = (query_list("orderBy") or [None])[0]
    if order is not None and order not in ORDERS:
        problems.add("orderBy", f"'orderBy' must be one of {', '.join(ORDERS)}")
    values = dict(
        project_ids=query_list("projectId"), issue_ids=query_list("issueId"),
        date_from=parse_date(_arg("from"), "from", problems),
        date_to=parse_date(_arg("to"), "to", problems),
        updated_from=parse_updated_from(_arg("updatedFrom"), problems), order_by=order)
    values.update(fixed)
    problems.raise_if_any()
    return WorklogFilter(**values)


def _arg(name: str) -> str | None:
    return request.args.get(name)


@bp.get("/worklogs")
@allow_context_qsh
def list_worklogs():
    return _page(_session(), _filter_from_query())


@bp.post("/worklogs/search")
@allow_context_qsh
def search():
    body = json_body()
    problems = Problems()
    order = (body.get("orderBy") or [None])[0] if isinstance(body.get("orderBy"), list) else None
    flt = WorklogFilter(
        project_ids=[str(v) for v in body.get("projectIds") or []],
        issue_ids=[str(v) for v in body.get("issueIds") or []],
        author_ids=[str(v) for v in body.get("authorIds") or []],
        date_from=parse_date(body.get("from"), "from", problems),
        date_to=parse_date(body.get("to"), "to", problems),
        updated_from=parse_updated_from(body.get("updatedFrom"), problems),
        order_by=order if order in ORDERS else None)
    problems.raise_if_any()
    return _page(_session(), flt)


@bp.get("/worklogs/issue/<issue_id>")
@allow_context_qsh
def by_issue(issue_id):
    return _page(_session(), _filter_from_query(issue_ids=[issue_id]))


@bp.get("/worklogs/user/<account_id>")
@allow_context_qsh
def by_user(account_id):
    return _page(_session(), _filter_from_query(author_ids=[account_id]))


@bp.get("/worklogs/account/<account_key>")
@allow_context_qsh
def by_account(account_key):
    return _page(_session(), _filter_from_query(account_key=account_key))


@bp.get("/worklogs/project/<project_id>")
@allow_context_qsh
def by_project(project_id):
    return _page(_session(), _filter_from_query(project_ids=[project_id]))


@bp.post("/worklogs")
@allow_context_qsh
def create():
    caller = require_user()
    session = _session()
    with session.begin():
        data = _input(json_body(), caller=caller, session=session)
        _require_can_write(session, caller, data.author_account_id,
                           data.attributes.get(ACCOUNT_ATTRIBUTE))
        worklog = create_worklog(session, data, policy=load_policy(session),
                                 today=_today(data.time_zone), actor=caller,
                                 admin_check=is_site_admin)
        worklog_id = worklog.id
    _push_now(worklog_id)
    return jsonify(_one(session, get_worklog(session, worklog_id)))


@bp.get("/worklogs/<int:worklog_id>")
@allow_context_qsh
def read(worklog_id):
    session = _session()
    return jsonify(_one(session, get_worklog(session, worklog_id)))


@bp.put("/worklogs/<int:worklog_id>")
@allow_context_qsh
def update(worklog_id):
    caller = require_user()
    session = _session()
    with session.begin():
        existing = get_worklog(session, worklog_id)
        _require_can_write(session, caller, existing.author_account_id, existing.account_key)
        data = _input(json_body(), caller=existing.author_account_id, session=session,
                      existing=existing)
        _require_can_write(session, caller, data.author_account_id,
                           data.attributes.get(ACCOUNT_ATTRIBUTE))
        replace_worklog(session, worklog_id, data, policy=load_policy(session),
                        today=_today(data.time_zone), actor=caller,
                        admin_check=is_site_admin)
    _push_now(worklog_id)
    return jsonify(_one(session, get_worklog(session, worklog_id)))


@bp.delete("/worklogs/<int:worklog_id>")
@allow_context_qsh
def remove(worklog_id):
    caller = require_user()
    session = _session()
    with session.begin():
        existing = get_worklog(session, worklog_id)
        _require_can_write(session, caller, existing.author_account_id, existing.account_key)
        delete_worklog(session, worklog_id, now=utcnow(), actor=caller,
                       admin_check=is_site_admin)
    _push_now(worklog_id)
    return "", 204


@bp.post("/worklogs/jira-to-tempo")
@allow_context_qsh
def jira_to_tempo():
    problems = Problems()
    ids = json_body().get("jiraWorklogIds")
    if not isinstance(ids, list):
        problems.add("jiraWorklogIds", "'jiraWorklogIds' must be a list")
    problems.raise_if_any()
    pairs = worklog_id_map(_session(), jira_ids=[str(i) for i in ids or []])
    return jsonify(_id_pairs(pairs))


@bp.post("/worklogs/tempo-to-jira")
@allow_context_qsh
def tempo_to_jira():
    problems = Problems()
    ids = json_body().get("tempoWorklogIds")
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        problems.add("tempoWorklogIds", "'tempoWorklogIds' must be a list of numbers")
    problems.raise_if_any()
    return jsonify(_id_pairs(worklog_id_map(_session(), tempo_ids=ids)))


def _id_pairs(pairs) -> dict:
    results = [{"tempoWorklogId": tempo, "jiraWorklogId": serialize.jira_id(jira)}
               for tempo, jira in pairs]
    return {"self": serialize.api_base() + "/worklogs", "metadata": {"count": len(results)},
            "results": results}
