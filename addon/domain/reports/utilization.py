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
from ..capacity.schedule import load_inputs
from ..capacity.schedule import person_days
from ..errors import FieldProblem
from ..errors import InvalidInput

GROUPINGS = ("user", "team")
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


def _daily_logged(session: Session, people, start: date, end: date) -> dict:
    """``{person: {day: (logged, billable)}}`` in one grouped query."""
    query = select(Worklog.author_account_id, Worklog.start_date,
                   func.sum(Worklog.time_spent_seconds), func.sum(Worklog.billable_seconds)
                   ).where(Worklog.start_date.between(start, end), Worklog.deleted_at.is_(None)
                           ).group_by(Worklog.author_account_id, Worklog.start_date)
    if people is not None:
        query = query.where(Worklog.author_account_id.in_(people))
    found: dict = defaultdict(dict)
    for who, day, logged, billable in session.execute(query):
        found[who][day] = (int(logged), int(billable))
    return found


def utilization(session: Session, actor: str, start: date, end: date, group_by: str, *,
                actor_is_admin: bool) -> list[UtilizationRow]:
    """Rows per user or per team over ``start..end``, limited to what the actor may see."""
    check_range(start, end)
    if group_by not in GROUPINGS:
        raise InvalidInput("'groupBy' must be user or team", [FieldProblem(
            "groupBy", f"must be one of {', '.join(GROUPINGS)}")])
    visible = access.capacity_visible_people(session, actor, actor_is_admin=actor_is_admin)
    if group_by == "user":
        people = select_people(session, CapacityQuery(start, end))
        people = people & visible if visible is not None else people
        return _by_user(session, sorted(people), start, end, narrow=visible is not None)
    led = None if actor_is_admin else set(access.capacity_teams_led_by(session, actor))
    return _by_team(session, start, end, led)


def _by_user(session: Session, people: list[str], start: date, end: date, *,
             narrow: bool) -> list[UtilizationRow]:
    inputs = load_inputs(session, people if narrow else None, start, end)
    logged = _daily_logged(session, people if narrow else None, start, end)
    rows = []
    for who in people:
        available = sum(d.required_seconds for d in person_days(inputs, who))
        days = logged.get(who, {}).values()
        rows.append(UtilizationRow(who, who, available, sum(v[0] for v in days),
                                   sum(v[1] for v in days)))
    return rows


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
    inputs = load_inputs(session, people, start, end)
    logged = _daily_logged(session, people, start, end)
    schedules = {who: list(person_days(inputs, who)) for who in people}
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for team_id, who, first, last, pct in memberships:
        for day in schedules[who]:
            if day.date < first or (last is not None and day.date > last):
                continue
            done, billable = logged.get(who, {}).get(day.date, (0, 0))
            total = sums[team_id]
            total[0] += day.required_seconds * pct
            total[1] += done * pct
            total[2] += billable * pct
    names = dict(session.execute(select(Team.id, Team.name)).all())
    return [UtilizationRow(str(team_id), names.get(team_id, str(team_id)),
                           *[(v + 50) // 100 for v in sums[team_id]])
            for team_id in sorted(sums, key=lambda t: (names.get(t, ""), t))]
