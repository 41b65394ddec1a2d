"""Utilization: logged and billable time against available time, per user or per team.

billable utilization = billable ÷ available, total utilization = logged ÷ available, as
percentages rounded half-up to two decimals (None when nothing was available). Available time
comes from the user schedule, so holidays and absences are never counted as time to fill.
A team counts each member at their commitment percentage on the days their membership covers —
available, logged and billable alike, so a 50 % member weighs half in every figure.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from decimal import ROUND_HALF_UP
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Team
from ...models import TeamMembership
from ...models import Worklog
from .. import access
from ..capacity.board import CapacityQuery
from ..capacity.board import check_range
from ..capacity.board import select_people
from ..capacity.roles_held import load_role_book
from ..capacity.schedule import load_inputs
from ..capacity.schedule import required_by_person
from ..errors import FieldProblem
from ..errors import InvalidInput

GROUPINGS = ("user", "team", "role")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class UtilizationRow:
    group: str
    group_name: str
    available_seconds: int
    logged_seconds: int
    billable_seconds: int
    target_percent: Decimal | None = None

    @property
    def billable_percent(self) -> Decimal | None:
        return percent(self.billable_seconds, self.available_seconds)

    @property
    def total_percent(self) -> Decimal | None:
        return percent(self.logged_seconds, self.available_seconds)

    @property
    def gap_percent(self) -> Decimal | None:
        """How far billable utilization is short of the target (negative: above it)."""
        if self.target_percent is None or self.billable_percent is None:
            return None
        return self.target_percent - self.billable_percent


def percent(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def _logged(session: Session, people, start: date, end: date, *, by_day: bool) -> dict:
    """``{person: (logged, billable)}``, or by day ``{person: {day: (logged, billable)}}``."""
    keys = [Worklog.author_account_id, *([Worklog.start_date] if by_day else [])]
    query = select(*keys, func.sum(Worklog.time_spent_seconds),
                   func.sum(Worklog.billable_seconds)).where(
        Worklog.start_date.between(start, end), Worklog.deleted_at.is_(None)).group_by(*keys)
    if people is not None:
        query = query.where(Worklog.author_account_id.in_(people))
    found: dict = defaultdict(dict) if by_day else {}
    for row in session.execute(query):
        if by_day:
            found[row[0]][row[1]] = (int(row[2]), int(row[3]))
        else:
            found[row[0]] = (int(row[1]), int(row[2]))
    return found


def utilization(session: Session, actor: str, start: date, end: date, group_by: str, *,
                actor_is_admin: bool) -> list[UtilizationRow]:
    """Rows per user, team or role over ``start..end``, limited to what the actor may see."""
    check_range(start, end)
    if group_by not in GROUPINGS:
        raise InvalidInput("'groupBy' must be user, team or role", [FieldProblem(
            "groupBy", f"must be one of {', '.join(GROUPINGS)}")])
    visible = access.capacity_visible_people(session, actor, actor_is_admin=actor_is_admin)
    if group_by in ("user", "role"):
        people = select_people(session, CapacityQuery(start, end))
        people = sorted(people & visible if visible is not None else people)
        grouping = _by_user if group_by == "user" else _by_role
        return grouping(session, people, start, end, narrow=visible is not None)
    led = None if actor_is_admin else set(access.capacity_teams_led_by(session, actor))
    return _by_team(session, start, end, led)


def _by_user(session: Session, people: list[str], start: date, end: date, *,
             narrow: bool) -> list[UtilizationRow]:
    inputs = load_inputs(session, people if narrow else None, start, end)
    logged = _logged(session, people if narrow else None, start, end, by_day=False)
    required = required_by_person(inputs, people)
    book = load_role_book(session, people if narrow else None, end)
    return [UtilizationRow(who, who, sum(required[who]), *logged.get(who, (0, 0)),
                           target_percent=book.targets.get(book.role_on(who, end)))
            for who in people]


def _by_role(session: Session, people: list[str], start: date, end: date, *,
             narrow: bool) -> list[UtilizationRow]:
    """Each day's time goes to the role the person held that day (roles are effective-dated),
    against that role's ``targetUtilizationPercent``."""
    inputs = load_inputs(session, people if narrow else None, start, end)
    required = required_by_person(inputs, people)
    book = load_role_book(session, people if narrow else None, end)
    daily = _logged(session, people if narrow else None, start, end, by_day=True)
    sums: dict[int | None, list[int]] = defaultdict(lambda: [0, 0, 0])
    for who in people:
        logged = daily.get(who, {})
        if who not in book.histories:
            total = sums[book.default_role_id]
            total[0] += sum(required[who])
            total[1] += sum(v[0] for v in logged.values())
            total[2] += sum(v[1] for v in logged.values())
            continue
        for offset, seconds in enumerate(required[who]):
            day = start + timedelta(days=offset)
            done, paid = logged.get(day, (0, 0))
            total = sums[book.role_on(who, day)]
            total[0], total[1], total[2] = total[0] + seconds, total[1] + done, total[2] + paid
    return [UtilizationRow("none" if role is None else str(role),
                           book.names.get(role, "No role"), *sums[role],
                           target_percent=book.targets.get(role))
            for role in sorted(sums, key=lambda r: (book.names.get(r, ""), r or 0))]


def _by_team(session: Session, start: date, end: date,
             teams: set[int] | None) -> list[UtilizationRow]:
    """Every team (``teams`` None) or those given: a lead sees the teams they lead."""
    memberships = session.execute(select(
        TeamMembership.team_id, TeamMembership.account_id, TeamMembership.from_date,
        TeamMembership.to_date, TeamMembership.commitment_percent).where(
        TeamMembership.from_date <= end,
        or_(TeamMembership.to_date.is_(None), TeamMembership.to_date >= start))).all()
    if teams is not None:
        memberships = [m for m in memberships if m.team_id in teams]
    people = sorted({m.account_id for m in memberships})
    partial = sorted({m.account_id for m in memberships if not _covers(m, start, end)})
    required = required_by_person(load_inputs(session, people, start, end), people)
    totals = _logged(session, people, start, end, by_day=False)
    daily = _logged(session, partial, start, end, by_day=True) if partial else {}
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for team_id, who, first, last, pct in memberships:
        if _covers((team_id, who, first, last, pct), start, end):
            figures = (sum(required[who]), *totals.get(who, (0, 0)))
        else:
            figures = _covered(required[who], daily.get(who, {}), start, first, last)
        for number, value in enumerate(figures):
            sums[team_id][number] += value * pct
    names = dict(session.execute(select(Team.id, Team.name)).all())
    return [UtilizationRow(str(team_id), names.get(team_id, str(team_id)),
                           *[(v + 50) // 100 for v in sums[team_id]])
            for team_id in sorted(sums, key=lambda t: (names.get(t, ""), t))]


def _covers(membership, start: date, end: date) -> bool:
    first, last = membership[2], membership[3]
    return first <= start and (last is None or last >= end)


def _covered(required: list[int], daily: dict, start: date, first: date,
             last: date | None) -> tuple[int, int, int]:
    """(available, logged, billable) over the days a membership covers."""
    available = logged = billable = 0
    for offset, seconds in enumerate(required):
        day = start + timedelta(days=offset)
        if day < first or (last is not None and day > last):
            continue
        done, paid = daily.get(day, (0, 0))
        available, logged, billable = available + seconds, logged + done, billable + paid
    return available, logged, billable
