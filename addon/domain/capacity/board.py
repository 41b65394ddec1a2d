"""The capacity board: per person and period, available vs planned vs logged time.

Computed in a fixed number of set-based queries (people, schedule inputs, plan days and
worklogs summed per person and period in SQL) and ONE pass in Python over the people's days —
never a query per person or per day (``bench/capacity.py`` holds it to < 500 ms for 500 people
× 12 weeks on PostgreSQL). A person's own row is not scaled; team totals count each member at
their commitment percentage on the days their membership covers (3 × 100 % + 1 × 50 % at 40 h
a week is 140 h).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from datetime import date

from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import JiraUser
from ...models import Plan
from ...models import PlanDay
from ...models import TeamMembership
from ...models import Worklog
from .. import access
from ..errors import FieldProblem
from ..errors import InvalidInput
from .periods import Period
from .periods import load_week_start
from .periods import period_index_by_offset
from .periods import period_index_sql
from .periods import periods
from .plans import plans_on_projects
from .roles_held import people_with_role
from .schedule import load_inputs
from .schedule import required_by_person

MAX_RANGE_DAYS = 400


@dataclass(frozen=True)
class CapacityQuery:
    start: date
    end: date
    granularity: str = "WEEK"
    team_id: int | None = None
    account_key: str | None = None
    project_id: str | None = None
    role_id: int | None = None

    @property
    def filtered(self) -> bool:
        return any(v is not None for v in (self.team_id, self.account_key, self.project_id,
                                            self.role_id))


@dataclass
class Cell:
    available: int = 0
    planned: int = 0
    logged: int = 0
    billable: int = 0

    @property
    def remaining(self) -> int:
        return self.available - self.planned

    @property
    def over_allocated(self) -> bool:
        return self.planned > self.available


@dataclass
class PersonRow:
    account_id: str
    display_name: str
    time_zone: str
    cells: list[Cell]


@dataclass
class Board:
    periods: list[Period]
    people: list[PersonRow]
    team_totals: list[Cell] | None = None
    week_start: int = 1
    memberships: dict[str, list[tuple[date, date | None, int]]] = field(default_factory=dict)


def check_range(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput("'to' is before 'from'", [FieldProblem("to", "before 'from'",
                                                                  "range")])
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidInput(f"a range spans at most {MAX_RANGE_DAYS} days",
                           [FieldProblem("to", "range too long", "too_long")])


def _members(session: Session, query: CapacityQuery, **where) -> dict[str, list]:
    rows = session.execute(select(TeamMembership.account_id, TeamMembership.from_date,
                                  TeamMembership.to_date, TeamMembership.commitment_percent)
                           .where(TeamMembership.from_date <= query.end,
                                  or_(TeamMembership.to_date.is_(None),
                                      TeamMembership.to_date >= query.start),
                                  *[getattr(TeamMembership, k) == v for k, v in where.items()]))
    found: dict[str, list] = defaultdict(list)
    for account_id, first, last, percent in rows:
        found[account_id].append((first, last, percent))
    return found


def _authors(session: Session, query: CapacityQuery, clause) -> set[str]:
    return set(session.scalars(select(Worklog.author_account_id).distinct().where(
        clause, Worklog.deleted_at.is_(None),
        Worklog.start_date.between(query.start, query.end))))


def _assignees(session: Session, query: CapacityQuery, clause) -> set[str]:
    return set(session.scalars(select(Plan.assignee_account_id).distinct().where(
        clause, Plan.start_date <= query.end, Plan.end_date >= query.start)))


def select_people(session: Session, query: CapacityQuery) -> set[str]:
    """Everyone matching every filter (with none: active people, plan assignees, members)."""
    sets = []
    if query.team_id is not None:
        sets.append(set(_members(session, query, team_id=query.team_id)))
    if query.account_key is not None:
        sets.append(_assignees(session, query, (Plan.plan_item_type == "ACCOUNT")
                               & (Plan.plan_item_id == query.account_key))
                    | _authors(session, query, Worklog.account_key == query.account_key))
    if query.project_id is not None:
        sets.append(_assignees(session, query, plans_on_projects([query.project_id]))
                    | _authors(session, query, Worklog.project_jira_id == query.project_id))
    if sets and query.role_id is None:
        return set.intersection(*sets)
    candidates = set.intersection(*sets) if sets else _everyone(session, query)
    if query.role_id is None:
        return candidates
    return candidates & people_with_role(session, query.role_id, query.start, query.end,
                                         candidates)


def _everyone(session: Session, query: CapacityQuery) -> set[str]:
    users = set(session.scalars(select(JiraUser.account_id).where(
        JiraUser.active.is_(True), or_(JiraUser.account_type.is_(None),
                                       JiraUser.account_type == "atlassian"))))
    return users | _assignees(session, query, True) | set(_members(session, query))


def _sums(session: Session, query: CapacityQuery, spans: list[Period], people):
    """Plan days and worklogs summed per (person, period index), two grouped queries."""
    planned_in = select(PlanDay.account_id.label("who"),
                        period_index_sql(PlanDay.day, spans).label("p"),
                        PlanDay.planned_seconds.label("s")).where(
        PlanDay.day.between(query.start, query.end))
    logged_in = select(Worklog.author_account_id.label("who"),
                       period_index_sql(Worklog.start_date, spans).label("p"),
                       Worklog.time_spent_seconds.label("s"),
                       Worklog.billable_seconds.label("b")).where(
        Worklog.start_date.between(query.start, query.end), Worklog.deleted_at.is_(None))
    if people is not None:
        planned_in = planned_in.where(PlanDay.account_id.in_(people))
        logged_in = logged_in.where(Worklog.author_account_id.in_(people))
    planned, logged = planned_in.subquery(), logged_in.subquery()
    plan_rows = session.execute(select(planned.c.who, planned.c.p, func.sum(planned.c.s))
                                .group_by(planned.c.who, planned.c.p)).all()
    log_rows = session.execute(select(logged.c.who, logged.c.p, func.sum(logged.c.s),
                                      func.sum(logged.c.b))
                               .group_by(logged.c.who, logged.c.p)).all()
    return plan_rows, log_rows


def capacity_board(session: Session, actor: str, query: CapacityQuery, *,
                   actor_is_admin: bool) -> Board:
    """The board the actor may see (admins: everyone; leads: their members; others: self)."""
    check_range(query.start, query.end)
    week_start = load_week_start(session)
    spans = periods(query.start, query.end, query.granularity, week_start)
    people = select_people(session, query)
    visible = access.capacity_visible_people(session, actor, actor_is_admin=actor_is_admin)
    if visible is not None:
        people &= visible
    narrow = sorted(people) if (query.filtered or visible is not None) else None
    inputs = load_inputs(session, narrow, query.start, query.end)
    plan_rows, log_rows = _sums(session, query, spans, narrow)
    team = _members(session, query, team_id=query.team_id) if query.team_id else None
    names = _names(session, narrow)
    board = Board(spans, [], week_start=week_start, memberships=team or {})
    cells = _one_pass(inputs, sorted(people), spans, team, board)
    for who, index, seconds in plan_rows:
        if who in cells and index < len(spans):
            cells[who][index].planned += int(seconds)
    for who, index, seconds, billable in log_rows:
        if who in cells and index < len(spans):
            cells[who][index].logged += int(seconds)
            cells[who][index].billable += int(billable)
    board.people = sorted((PersonRow(who, *names.get(who, (who, "UTC")), cells[who])
                           for who in people), key=lambda r: (r.display_name, r.account_id))
    if team is not None:
        _team_planned_logged(board)
    return board


def _names(session: Session, people) -> dict[str, tuple[str, str]]:
    query = select(JiraUser.account_id, JiraUser.display_name, JiraUser.time_zone)
    if people is not None:
        query = query.where(JiraUser.account_id.in_(people))
    return {who: (name or who, zone or "UTC") for who, name, zone in session.execute(query)}


def _one_pass(inputs, people: list[str], spans: list[Period], team, board: Board) -> dict:
    """Each person's days once: available per period, and the team's committed share."""
    index = period_index_by_offset(inputs.start, spans)
    last = len(index) - 1
    scaled = [0] * len(spans)  # available × percent, divided by 100 at the end
    sums: dict[int, list[int]] = {}  # per distinct list of days (shared between people)
    cells: dict[str, list[Cell]] = {}
    for who, days in required_by_person(inputs, people).items():
        vector = sums.get(id(days))
        if vector is None:
            vector = sums[id(days)] = [0] * len(spans)
            for offset, seconds in enumerate(days):
                vector[index[offset]] += seconds
        cells[who] = [Cell(available=v) for v in vector]
        for first, end, percent in (team.get(who, []) if team is not None else []):
            lo = max(0, (first - inputs.start).days)
            hi = last if end is None else min(last, (end - inputs.start).days)
            if lo == 0 and hi == last:
                for number, seconds in enumerate(vector):
                    scaled[number] += seconds * percent
                continue
            for offset in range(lo, hi + 1):
                scaled[index[offset]] += days[offset] * percent
    if team is not None:
        board.team_totals = [Cell(available=(s + 50) // 100) for s in scaled]
    return cells


def _team_planned_logged(board: Board) -> None:
    for number, total in enumerate(board.team_totals):
        for person in board.people:
            total.planned += person.cells[number].planned
            total.logged += person.cells[number].logged
            total.billable += person.cells[number].billable
