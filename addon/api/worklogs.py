"""``/api/4/worklogs``: Tempo's worklog endpoints over the single worklog write path."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask import jsonify
from flask import request

from connect import get_connect
from connect.context import allow_context_qsh
from connect.context import current_context

from ..caller import is_site_admin
from ..caller import require_user
from ..caller import visibility
from ..domain.access import require_can_write_for
from ..domain.attributes import ACCOUNT_ATTRIBUTE
from ..domain.policy import load_policy
from ..domain.worklog_push import claim_for_push
from ..domain.worklog_push import push
from ..domain.worklog_push import retry_delay
from ..domain.worklog_queries import ORDERS
from ..domain.worklog_queries import WorklogFilter
from ..domain.worklog_queries import issue_keys
from ..domain.worklog_queries import search_worklogs
from ..domain.worklog_queries import visible_worklog
from ..domain.worklog_queries import worklog_id_map
from ..domain.worklogs import WorklogInput
from ..domain.worklogs import author_zone
from ..domain.worklogs import create_worklog
from ..domain.worklogs import delete_worklog
from ..domain.worklogs import get_worklog
from ..domain.worklogs import input_problems
from ..domain.worklogs import replace_worklog
from ..domain.worklogs import zone
from ..jira import app_source
from ..jira.worklog_writer import JiraWorklogWriter
from ..jobs import PUSH_WORKLOG_JOB
from ..jobs import get_jobs
from ..models.base import utcnow
from . import bp
from . import serialize
from .envelope import envelope
from .envelope import page_from_request
from .inputs import CAPTURE_YEARS
from .inputs import Problems
from .inputs import json_body
from .inputs import parse_attribute_values
from .inputs import parse_date
from .inputs import parse_duration_field
from .inputs import parse_int
from .inputs import parse_int_list
from .inputs import parse_query_ids
from .inputs import parse_str
from .inputs import parse_str_list
from .inputs import parse_time
from .inputs import parse_updated_from
from .inputs import query_list
from .inputs import tenant_session
from .inputs import to_int
from .money import worklog_money_access

DESCRIPTION_MAX = 32_000  # Jira keeps at most 32,767 characters in a worklog comment


def _seconds(body: dict, problems: Problems, policy, *, text: str, seconds: str,
             required: bool) -> int | None:
    """``xxxSeconds``, or our Jira-notation ``text`` field when the seconds are absent."""
    if body.get(seconds) is None and body.get(text) not in (None, ""):
        return parse_duration_field(body[text], text, problems, hours_per_day=policy.hours_per_day,
                                    days_per_week=policy.days_per_week)
    return parse_int(body.get(seconds), seconds, problems, required=required,
                     minimum=1 if required else 0)


def _input(body: dict, *, caller: str, session, existing=None) -> WorklogInput:
    """The whole body checked at once: every malformed field in one 400 (issue 12)."""
    problems = Problems()
    policy = load_policy(session)
    issue_id = body.get("issueId", existing.issue_jira_id if existing else None)
    if isinstance(issue_id, int) and not isinstance(issue_id, bool):
        issue_id = str(issue_id)
    issue_id = parse_str(issue_id, "issueId", problems, required=True, max_length=32)
    if issue_id is not None and not (issue_id.isascii() and issue_id.isdigit()):
        problems.add("issueId", "'issueId' must be a Jira issue id (a number)")
        issue_id = None
    author = parse_str(body.get("authorAccountId"), "authorAccountId", problems,
                       max_length=128) or caller
    time_zone = parse_str(body.get("timeZone"), "timeZone", problems, max_length=64)
    data = WorklogInput(
        issue_id=issue_id, author_account_id=author,
        start_date=parse_date(body.get("startDate"), "startDate", problems, required=True,
                              years=CAPTURE_YEARS),
        start_time=parse_time(body.get("startTime"), "startTime", problems)
        or datetime.min.time(),
        time_spent_seconds=_seconds(body, problems, policy, text="timeSpent",
                                    seconds="timeSpentSeconds", required=True),
        time_zone=time_zone or (existing.time_zone if existing else author_zone(session, author)),
        billable_seconds=_seconds(body, problems, policy, text="billableTime",
                                  seconds="billableSeconds", required=False),
        description=parse_str(body.get("description"), "description", problems,
                              max_length=DESCRIPTION_MAX) or "",
        attributes=parse_attribute_values(body.get("attributes"), problems),
        # Tempo's remainingEstimateSeconds, or our remainingEstimate ("2h 30m")
        remaining_estimate_seconds=_seconds(body, problems, policy, text="remainingEstimate",
                                            seconds="remainingEstimateSeconds", required=False))
    if problems.items:
        problems.items += input_problems(session, data, visibility())
    problems.raise_if_any()
    return data


def _require_can_write(session, caller: str, author: str, account_key: str | None) -> None:
    require_can_write_for(session, caller=caller, author=author, account_key=account_key,
                          caller_is_admin=is_site_admin)


def _today(time_zone: str):
    """Today on the author's calendar: the reference for how far back/ahead time may go."""
    return datetime.now(zone(time_zone)).date()


def _push_now(worklog_id: int) -> None:
    """Push right away so the answer carries the Jira id; a failure is retried later."""
    context = current_context()
    session = tenant_session()
    with session.begin():
        worklog = claim_for_push(session, worklog_id, lock=False)
        connect = get_connect(current_app)
        done = push(session, JiraWorklogWriter(connect, context.tenant),
                    app_source(connect, context.tenant), worklog, now=utcnow())
        attempts = worklog.push_attempts
    if not done:
        get_jobs().enqueue_in(retry_delay(attempts).total_seconds(), PUSH_WORKLOG_JOB,
                              context.tenant_id, worklog_id, queue="sync")


def _with_money(worklog, issue_key, access) -> dict:
    body = serialize.worklog(worklog, issue_key)
    if access is not None:
        body.update(serialize.worklog_money(
            worklog, costs=access.sees_costs(worklog.account_key),
            revenue=access.sees_revenue(worklog.account_key, worklog.author_account_id)))
    return body


def _one(session, worklog) -> dict:
    key = issue_keys(session, {worklog.issue_jira_id}).get(worklog.issue_jira_id)
    return _with_money(worklog, key, worklog_money_access(session))


def _page(session, flt: WorklogFilter):
    page = page_from_request()
    rows, more = search_worklogs(session, flt, visibility(), offset=page.offset,
                                 limit=page.limit)
    keys = issue_keys(session, {w.issue_jira_id for w in rows})
    access = worklog_money_access(session) if rows else None
    return jsonify(envelope([_with_money(w, keys.get(w.issue_jira_id), access)
                             for w in rows], page, has_more=more))


def _filter_from_query(**fixed) -> WorklogFilter:
    problems = Problems()
    order = (query_list("orderBy") or [None])[0]
    if order is not None and order not in ORDERS:
        problems.add("orderBy", f"'orderBy' must be one of {', '.join(ORDERS)}")
    values = dict(
        project_ids=parse_query_ids("projectId", problems),
        issue_ids=parse_query_ids("issueId", problems),
        date_from=parse_date(_arg("from"), "from", problems),
        date_to=parse_date(_arg("to"), "to", problems),
        updated_from=parse_updated_from(_arg("updatedFrom"), problems), order_by=order)
    values.update(fixed)
    problems.raise_if_any()
    return WorklogFilter(**values)


def _path_id(value: str, field: str) -> str:
    """A numeric Jira id from the path, or a 400 naming it."""
    return str(to_int(value, field, default=0))


def _arg(name: str) -> str | None:
    return request.args.get(name)


@bp.get("/worklogs")
@allow_context_qsh
def list_worklogs():
    return _page(tenant_session(), _filter_from_query())


@bp.post("/worklogs/search")
@allow_context_qsh
def search():
    body = json_body()
    problems = Problems()
    orders = parse_str_list(body.get("orderBy"), "orderBy", problems)
    flt = WorklogFilter(
        project_ids=parse_str_list(body.get("projectIds"), "projectIds", problems, digits=True),
        issue_ids=parse_str_list(body.get("issueIds"), "issueIds", problems, digits=True),
        author_ids=parse_str_list(body.get("authorIds"), "authorIds", problems,
                                  max_length=128),
        date_from=parse_date(body.get("from"), "from", problems),
        date_to=parse_date(body.get("to"), "to", problems),
        updated_from=parse_updated_from(body.get("updatedFrom"), problems),
        order_by=orders[0] if orders and orders[0] in ORDERS else None)
    problems.raise_if_any()
    return _page(tenant_session(), flt)


@bp.get("/worklogs/issue/<issue_id>")
@allow_context_qsh
def by_issue(issue_id):
    return _page(tenant_session(), _filter_from_query(issue_ids=[_path_id(issue_id, "issueId")]))


@bp.get("/worklogs/user/<account_id>")
@allow_context_qsh
def by_user(account_id):
    return _page(tenant_session(), _filter_from_query(author_ids=[account_id]))


@bp.get("/worklogs/account/<account_key>")
@allow_context_qsh
def by_account(account_key):
    return _page(tenant_session(), _filter_from_query(account_key=account_key))


@bp.get("/worklogs/project/<project_id>")
@allow_context_qsh
def by_project(project_id):
    return _page(tenant_session(), _filter_from_query(project_ids=[_path_id(project_id,
                                                                       "projectId")]))


@bp.post("/worklogs")
@allow_context_qsh
def create():
    caller = require_user()
    session = tenant_session()
    with session.begin():
        data = _input(json_body(), caller=caller, session=session)
        _require_can_write(session, caller, data.author_account_id,
                           data.attributes.get(ACCOUNT_ATTRIBUTE))
        worklog = create_worklog(session, data, policy=load_policy(session),
                                 today=_today(data.time_zone), actor=caller, now=utcnow(),
                                 admin_check=is_site_admin, visibility=visibility())
        worklog_id = worklog.id
    _push_now(worklog_id)
    return jsonify(_one(session, get_worklog(session, worklog_id)))


@bp.get("/worklogs/<id:worklog_id>")
@allow_context_qsh
def read(worklog_id):
    session = tenant_session()
    return jsonify(_one(session, visible_worklog(session, worklog_id, visibility())))


@bp.put("/worklogs/<id:worklog_id>")
@allow_context_qsh
def update(worklog_id):
    caller = require_user()
    session = tenant_session()
    with session.begin():
        existing = visible_worklog(session, worklog_id, visibility())
        _require_can_write(session, caller, existing.author_account_id, existing.account_key)
        data = _input(json_body(), caller=existing.author_account_id, session=session,
                      existing=existing)
        _require_can_write(session, caller, data.author_account_id,
                           data.attributes.get(ACCOUNT_ATTRIBUTE))
        replace_worklog(session, worklog_id, data, policy=load_policy(session),
                        today=_today(data.time_zone), now=utcnow(), actor=caller,
                        admin_check=is_site_admin)
    _push_now(worklog_id)
    return jsonify(_one(session, get_worklog(session, worklog_id)))


@bp.delete("/worklogs/<id:worklog_id>")
@allow_context_qsh
def remove(worklog_id):
    caller = require_user()
    session = tenant_session()
    with session.begin():
        existing = visible_worklog(session, worklog_id, visibility())
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
    if ids is None:
        problems.add("jiraWorklogIds", "'jiraWorklogIds' must be a list", "required")
    ids = parse_str_list(ids, "jiraWorklogIds", problems, digits=True)
    problems.raise_if_any()
    return jsonify(_id_pairs(worklog_id_map(tenant_session(), visibility(), jira_ids=ids)))


@bp.post("/worklogs/tempo-to-jira")
@allow_context_qsh
def tempo_to_jira():
    problems = Problems()
    ids = json_body().get("tempoWorklogIds")
    if ids is None:
        problems.add("tempoWorklogIds", "'tempoWorklogIds' must be a list", "required")
    ids = parse_int_list(ids, "tempoWorklogIds", problems)
    problems.raise_if_any()
    return jsonify(_id_pairs(worklog_id_map(tenant_session(), visibility(), tempo_ids=ids)))


def _id_pairs(pairs) -> dict:
    results = [{"tempoWorklogId": tempo, "jiraWorklogId": serialize.jira_id(jira)}
               for tempo, jira in pairs]
    return {"self": serialize.api_base() + "/worklogs", "metadata": {"count": len(results)},
            "results": results}
