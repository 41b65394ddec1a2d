"""Teams and team memberships (effective-dated, inclusive ends, commitment percentages).

Tempo's membership ``to`` is exclusive (its spec calls that a mistake it must keep); ours is
inclusive. Tempo scripts that send ``useInclusiveEndDate: false`` get their exclusive ``to``
converted here, and answers carry both ``to`` and ``inclusiveTo``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import timedelta

from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Team
from ...models import TeamMembership
from .. import access
from ..errors import Conflict
from ..errors import FieldProblem
from ..errors import InvalidInput
from ..errors import NotFound
from .roles_held import check_role


def list_teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.name, Team.id)))


def get_team(session: Session, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"team {team_id} not found", [FieldProblem("teamId", "no such team",
                                                                  "not_found")])
    return team


def _check_team_name(session: Session, name: str | None, team_id: int | None) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("'name' is required", [FieldProblem("name", "required", "required")])
    clash = session.scalar(select(Team.id).where(Team.name == name))
    if clash is not None and clash != team_id:
        raise Conflict(f"a team named {name!r} exists", [FieldProblem("name", "taken",
                                                                     "duplicate")])
    return name


def save_team(session: Session, team_id: int | None, *, name: str | None, summary: str | None,
              lead_account_id: str | None) -> Team:
    """Create (``team_id`` None) or replace a team."""
    team = Team() if team_id is None else get_team(session, team_id)
    team.name = _check_team_name(session, name, team_id)
    team.summary, team.lead_account_id = summary, lead_account_id or None
    session.add(team)
    session.flush()
    return team


def delete_team(session: Session, team_id: int) -> None:
    session.delete(get_team(session, team_id))


@dataclass(frozen=True)
class MembershipInput:
    team_id: int
    account_id: str
    role_id: int | None
    commitment_percent: int
    from_date: date
    to_date: date | None  # inclusive


def inclusive_end(to: date | None, *, use_inclusive_end_date: bool) -> date | None:
    """Our inclusive last day from a Tempo ``to`` (exclusive unless told otherwise)."""
    if to is None or use_inclusive_end_date:
        return to
    return to - timedelta(days=1)


def _check_membership(session: Session, values: MembershipInput, membership_id: int | None):
    get_team(session, values.team_id)
    problems = []
    if not 0 < values.commitment_percent <= 100:
        problems.append(FieldProblem("commitmentPercent", "must be between 1 and 100"))
    if values.to_date is not None and values.to_date < values.from_date:
        problems.append(FieldProblem("to", "'to' is before 'from'", "range"))
    if problems:
        raise InvalidInput(problems[0].message, problems)
    overlap = select(TeamMembership.id).where(
        TeamMembership.team_id == values.team_id,
        TeamMembership.account_id == values.account_id,
        or_(TeamMembership.to_date.is_(None), TeamMembership.to_date >= values.from_date),
        True if values.to_date is None else TeamMembership.from_date <= values.to_date)
    if membership_id is not None:
        overlap = overlap.where(TeamMembership.id != membership_id)
    if session.scalar(overlap.limit(1)) is not None:
        raise Conflict("the person is already a member of the team in that period",
                       [FieldProblem("from", "overlaps another membership", "overlap")])


def save_membership(session: Session, membership_id: int | None, values: MembershipInput, *,
                    actor: str, actor_is_admin: bool) -> TeamMembership:
    """Create or replace a membership (admins and the team's lead; for a move, both teams').

    Overlapping memberships of the same person in the same team are 409.
    """
    row = TeamMembership() if membership_id is None else get_membership(session, membership_id)
    for team_id in {values.team_id, row.team_id} - {None}:
        access.require_team_manager(session, actor, team_id, actor_is_admin=actor_is_admin)
    _check_membership(session, values, membership_id)
    check_role(session, values.role_id)
    row.team_id, row.account_id, row.role_id = values.team_id, values.account_id, values.role_id
    row.commitment_percent = values.commitment_percent
    row.from_date, row.to_date = values.from_date, values.to_date
    session.add(row)
    session.flush()
    return row


def get_membership(session: Session, membership_id: int) -> TeamMembership:
    row = session.get(TeamMembership, membership_id)
    if row is None:
        raise NotFound(f"team membership {membership_id} not found")
    return row


def delete_membership(session: Session, membership_id: int, *, actor: str,
                      actor_is_admin: bool) -> None:
    row = get_membership(session, membership_id)
    access.require_team_manager(session, actor, row.team_id, actor_is_admin=actor_is_admin)
    session.delete(row)


def search_memberships(session: Session, *, team_ids: list[int] | None = None,
                       account_ids: list[str] | None = None, active_from: date | None = None,
                       active_to: date | None = None) -> list[TeamMembership]:
    """Memberships matching every given filter; ``active_*`` keeps those overlapping the range."""
    query = select(TeamMembership)
    if team_ids:
        query = query.where(TeamMembership.team_id.in_(team_ids))
    if account_ids:
        query = query.where(TeamMembership.account_id.in_(account_ids))
    if active_to is not None:
        query = query.where(TeamMembership.from_date <= active_to)
    if active_from is not None:
        query = query.where(or_(TeamMembership.to_date.is_(None),
                                and_(TeamMembership.to_date >= active_from)))
    return list(session.scalars(query.order_by(TeamMembership.team_id,
                                               TeamMembership.account_id,
                                               TeamMembership.from_date)))
