"""Plans (allocations): a person on an issue, project or account over an inclusive range.

Each plan's days are stored in ``plan_days`` as spread over the assignee's schedule when it was
written, and re-spread (``respread_plans``) whenever that schedule changes — a new holiday, an
absence, a workload scheme change — so every reader sums the same figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Account
from ...models import JiraIssue
from ...models import JiraProject
from ...models import Plan
from ...models import PlanDay
from .. import access
from ..errors import FieldProblem
from ..errors import InvalidInput
from ..errors import NotFound
from .schedule import ScheduleDay
from .schedule import load_inputs
from .schedule import person_days
from .spread import NoWorkingTime
from .spread import spread_per_day
from .spread import spread_total

MAX_PLAN_DAYS = 1100  # about three years: bounds the rows one plan writes


@dataclass(frozen=True)
class PlanInput:
    assignee: str
    item_type: str
    item_id: str
    start: date
    end: date
    effort_type: str
    seconds_per_day: int | None
    total_seconds: int | None
    include_non_working_days: bool
    description: str | None
    billable: bool | None  # None: keep the stored value (new plans: billable)


def _item_exists(session: Session, item_type: str, item_id: str) -> bool:
    model, column = {"ISSUE": (JiraIssue, JiraIssue.jira_id),
                     "PROJECT": (JiraProject, JiraProject.jira_id),
                     "ACCOUNT": (Account, Account.key)}[item_type]
    query = select(model.id).where(column == item_id)
    if item_type != "ACCOUNT":
        query = query.where(model.deleted_at.is_(None))
    return session.scalar(query) is not None


def _check(session: Session, values: PlanInput) -> None:
    problems = []
    if not _item_exists(session, values.item_type, values.item_id):
        problems.append(FieldProblem("planItemId", f"no {values.item_type.lower()} "
                                     f"{values.item_id!r}", "not_found"))
    if values.end < values.start:
        problems.append(FieldProblem("endDate", "'endDate' is before 'startDate'", "range"))
    elif (values.end - values.start).days >= MAX_PLAN_DAYS:
        problems.append(FieldProblem("endDate", f"a plan spans at most {MAX_PLAN_DAYS} days",
                                     "too_long"))
    if problems:
        raise InvalidInput(problems[0].message if len(problems) == 1 else "invalid plan",
                           problems)


def _spread(plan: Plan, days: list[ScheduleDay]) -> list[tuple[date, int]]:
    if plan.effort_type == "TOTAL_SECONDS":
        return spread_total(plan.total_seconds, days,
                            include_non_working_days=plan.include_non_working_days)
    return spread_per_day(plan.seconds_per_day, days,
                          include_non_working_days=plan.include_non_working_days)


def _write_days(session: Session, plan: Plan, spread: list[tuple[date, int]]) -> None:
    session.execute(delete(PlanDay).where(PlanDay.plan_id == plan.id))
    rows = [{"tenant_id": plan.tenant_id, "plan_id": plan.id, "day": day,
             "account_id": plan.assignee_account_id, "planned_seconds": seconds}
            for day, seconds in spread if seconds > 0]
    if rows:
        session.execute(insert(PlanDay), rows)


def _apply(plan: Plan, values: PlanInput) -> None:
    plan.assignee_account_id = values.assignee
    plan.plan_item_type, plan.plan_item_id = values.item_type, values.item_id
    plan.start_date, plan.end_date = values.start, values.end
    plan.effort_type = values.effort_type
    plan.seconds_per_day, plan.total_seconds = values.seconds_per_day, values.total_seconds
    plan.include_non_working_days = values.include_non_working_days
    plan.description = values.description
    if values.billable is not None:
        plan.billable = values.billable
    elif plan.billable is None:
        plan.billable = True


def _store(session: Session, plan: Plan) -> Plan:
    """Flush the plan and its days: a plan with no working time is refused (422)."""
    session.add(plan)
    session.flush()
    days = list(person_days(load_inputs(session, [plan.assignee_account_id], plan.start_date,
                                        plan.end_date), plan.assignee_account_id))
    _write_days(session, plan, _spread(plan, days))
    return plan


def create_plan(session: Session, actor: str, values: PlanInput, *,
                actor_is_admin: bool) -> Plan:
    """A new plan, spread over the assignee's days. Raises Forbidden, InvalidInput, 422."""
    access.require_planner_for(session, actor, values.assignee, actor_is_admin=actor_is_admin)
    _check(session, values)
    plan = Plan(created_by=actor)
    _apply(plan, values)
    return _store(session, plan)


def get_plan(session: Session, actor: str, plan_id: int, *, actor_is_admin: bool) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"plan {plan_id} not found")
    access.require_can_see_person(session, actor, plan.assignee_account_id,
                                  actor_is_admin=actor_is_admin)
    return plan


def replace_plan(session: Session, actor: str, plan_id: int, values: PlanInput, *,
                 actor_is_admin: bool) -> Plan:
    """PUT: Tempo's fields are replaced; ``billable`` (ours) is kept when not given."""
    plan = get_plan(session, actor, plan_id, actor_is_admin=actor_is_admin)
    for assignee in {plan.assignee_account_id, values.assignee}:
        access.require_planner_for(session, actor, assignee, actor_is_admin=actor_is_admin)
    _check(session, values)
    _apply(plan, values)
    return _store(session, plan)


def delete_plan(session: Session, actor: str, plan_id: int, *, actor_is_admin: bool) -> None:
    plan = get_plan(session, actor, plan_id, actor_is_admin=actor_is_admin)
    access.require_planner_for(session, actor, plan.assignee_account_id,
                               actor_is_admin=actor_is_admin)
    session.execute(delete(PlanDay).where(PlanDay.plan_id == plan.id))
    session.delete(plan)


def split_plan(session: Session, actor: str, plan_id: int, at: date, *,
               actor_is_admin: bool) -> tuple[Plan, Plan]:
    """Ours: cut a plan before ``at``; a total keeps what each part already had."""
    plan = get_plan(session, actor, plan_id, actor_is_admin=actor_is_admin)
    access.require_planner_for(session, actor, plan.assignee_account_id,
                               actor_is_admin=actor_is_admin)
    if not plan.start_date < at <= plan.end_date:
        raise InvalidInput("the split date must fall after the plan's first day and within it",
                           [FieldProblem("date", "outside the plan", "range")])
    second = Plan(created_by=actor, tenant_id=plan.tenant_id)
    for column in ("assignee_account_id", "plan_item_type", "plan_item_id", "effort_type",
                   "seconds_per_day", "include_non_working_days", "description", "billable"):
        setattr(second, column, getattr(plan, column))
    second.start_date, second.end_date = at, plan.end_date
    if plan.effort_type == "TOTAL_SECONDS":
        before = session.scalar(select(func.coalesce(func.sum(PlanDay.planned_seconds), 0))
                                .where(PlanDay.plan_id == plan.id, PlanDay.day < at))
        plan.total_seconds, second.total_seconds = int(before), plan.total_seconds - int(before)
    plan.end_date = at - timedelta(days=1)
    return _store_lenient(session, plan), _store_lenient(session, second)


def _store_lenient(session: Session, plan: Plan) -> Plan:
    try:
        return _store(session, plan)
    except NoWorkingTime:
        _write_days(session, plan, [])
        return plan


def plan_days(session: Session, plan_ids: Iterable[int]) -> dict[int, list[tuple[date, int]]]:
    """Each plan's ``(date, seconds)`` in date order, in one query."""
    found: dict[int, list[tuple[date, int]]] = defaultdict(list)
    ids = list(plan_ids)
    if ids:
        for plan_id, day, seconds in session.execute(select(
                PlanDay.plan_id, PlanDay.day, PlanDay.planned_seconds).where(
                PlanDay.plan_id.in_(ids)).order_by(PlanDay.plan_id, PlanDay.day)):
            found[plan_id].append((day, seconds))
    return found


@dataclass(frozen=True)
class PlanFilter:
    start: date
    end: date
    account_ids: tuple[str, ...] = ()
    item_types: tuple[str, ...] = ()
    issue_ids: tuple[str, ...] = ()
    project_ids: tuple[str, ...] = ()
    account_keys: tuple[str, ...] = ()
    plan_ids: tuple[int, ...] = ()


def search_plans(session: Session, actor: str, spec: PlanFilter, *,
                 actor_is_admin: bool) -> list[Plan]:
    """Plans overlapping the range that the actor may see, matching every filter given."""
    query = select(Plan).where(Plan.start_date <= spec.end, Plan.end_date >= spec.start)
    visible = access.capacity_visible_people(session, actor, actor_is_admin=actor_is_admin)
    if visible is not None:
        query = query.where(Plan.assignee_account_id.in_(visible))
    if spec.account_ids:
        query = query.where(Plan.assignee_account_id.in_(spec.account_ids))
    if spec.item_types:
        query = query.where(Plan.plan_item_type.in_(spec.item_types))
    if spec.plan_ids:
        query = query.where(Plan.id.in_(spec.plan_ids))
    items = _item_clauses(spec)
    if items:
        query = query.where(or_(*items))
    return list(session.scalars(query.order_by(Plan.start_date, Plan.id)))


def _item_clauses(spec: PlanFilter) -> list:
    clauses = []
    if spec.issue_ids:
        clauses.append((Plan.plan_item_type == "ISSUE") & Plan.plan_item_id.in_(spec.issue_ids))
    if spec.account_keys:
        clauses.append((Plan.plan_item_type == "ACCOUNT")
                       & Plan.plan_item_id.in_(spec.account_keys))
    if spec.project_ids:
        clauses.append(plans_on_projects(spec.project_ids))
    return clauses


def plans_on_projects(project_ids: Iterable[str]):
    """A clause: the plan is on one of the projects, or on an issue in one of them."""
    ids = list(project_ids)
    issues = select(JiraIssue.jira_id).where(JiraIssue.project_jira_id.in_(ids))
    return ((Plan.plan_item_type == "PROJECT") & Plan.plan_item_id.in_(ids)) | (
        (Plan.plan_item_type == "ISSUE") & Plan.plan_item_id.in_(issues))


def respread_plans(session: Session, account_ids: Iterable[str] | None,
                   on_or_after: date | None = None) -> int:
    """Re-spread the plans of these people (everyone's: None) after their schedule changed.

    One schedule load for all of them, then one pass per plan; returns how many were redone.
    """
    query = select(Plan)
    if account_ids is not None:
        query = query.where(Plan.assignee_account_id.in_(list(account_ids)))
    if on_or_after is not None:
        query = query.where(Plan.end_date >= on_or_after)
    plans = list(session.scalars(query))
    if not plans:
        return 0
    inputs = load_inputs(session, {p.assignee_account_id for p in plans},
                         min(p.start_date for p in plans), max(p.end_date for p in plans))
    schedules = {person: list(person_days(inputs, person))
                 for person in {p.assignee_account_id for p in plans}}
    for plan in plans:
        first = (plan.start_date - inputs.start).days
        days = schedules[plan.assignee_account_id][
            first:first + (plan.end_date - plan.start_date).days + 1]
        try:
            spread = _spread(plan, days)
        except NoWorkingTime:
            spread = []
        _write_days(session, plan, spread)
    return len(plans)
