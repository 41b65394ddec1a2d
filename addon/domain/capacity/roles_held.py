"""Which role each person holds on each day of a range, read once for many people.

Roles are effective-dated (``addon.domain.roles``): the assignment with the latest
``effective_from`` on or before a day, else the tenant's default role. The capacity board and
utilization need that for hundreds of people and days, so the assignments are read in one query
and resolved here in one pass; a team membership's ``roleId`` also counts for the ``roleId``
filter (the role a person plays in that team).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Role
from ...models import RoleAssignment
from ...models import TeamMembership
from ..errors import FieldProblem
from ..errors import InvalidInput


@dataclass
class RoleBook:
    """Role histories for people over a range, the default role and every role's target."""

    histories: dict[str, tuple[list[date], list[int]]]
    default_role_id: int | None
    names: dict[int, str]
    targets: dict[int, Decimal | None]

    def role_on(self, account_id: str, day: date) -> int | None:
        starts, roles = self.histories.get(account_id, ([], []))
        index = bisect_right(starts, day) - 1
        return roles[index] if index >= 0 else self.default_role_id

    def roles_between(self, account_id: str, start: date, end: date) -> set[int | None]:
        starts, roles = self.histories.get(account_id, ([], []))
        held = {self.role_on(account_id, start)}
        held.update(r for s, r in zip(starts, roles, strict=True) if start < s <= end)
        return held


def load_role_book(session: Session, people, end: date) -> RoleBook:
    """Assignments effective by ``end`` for ``people`` (None: everyone), in two queries."""
    query = select(RoleAssignment.account_id, RoleAssignment.effective_from,
                   RoleAssignment.role_id).where(RoleAssignment.effective_from <= end)
    if people is not None:
        query = query.where(RoleAssignment.account_id.in_(list(people)))
    histories: dict[str, tuple[list[date], list[int]]] = defaultdict(lambda: ([], []))
    for who, effective, role_id in session.execute(query.order_by(
            RoleAssignment.account_id, RoleAssignment.effective_from)):
        histories[who][0].append(effective)
        histories[who][1].append(role_id)
    roles = session.execute(select(Role.id, Role.name, Role.is_default,
                                   Role.target_utilization_percent)).all()
    return RoleBook(dict(histories), next((r.id for r in roles if r.is_default), None),
                    {r.id: r.name for r in roles},
                    {r.id: r.target_utilization_percent for r in roles})


def check_role(session: Session, role_id: int | None, field: str = "roleId") -> None:
    """A 400 naming ``field`` when the role does not exist."""
    if role_id is not None and session.get(Role, role_id) is None:
        raise InvalidInput(f"role {role_id} not found", [FieldProblem(
            field, f"no role {role_id}", "not_found")])


def people_with_role(session: Session, role_id: int, start: date, end: date,
                     candidates: set[str]) -> set[str]:
    """Of ``candidates``, who holds the role on some day of the range, or plays it in a team
    membership then (a membership names the role a person plays in that team)."""
    check_role(session, role_id)
    in_teams = set(session.scalars(select(TeamMembership.account_id).where(
        TeamMembership.role_id == role_id, TeamMembership.from_date <= end,
        or_(TeamMembership.to_date.is_(None), TeamMembership.to_date >= start))))
    book = load_role_book(session, candidates, end)
    held = {who for who in candidates if role_id in book.roles_between(who, start, end)}
    return in_teams | held
