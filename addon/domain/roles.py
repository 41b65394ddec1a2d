"""Roles and effective-dated role assignments (what role-based rates and capacity key on).

A person without an assignment holds the tenant's default role. The default role is created
lazily (and by the migration for tenants that existed then), so every tenant always has one;
the partial unique index on ``roles`` keeps it to exactly one even when two requests race.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from decimal import InvalidOperation

from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models.role import DEFAULT_ROLE_NAME
from ..models.role import Role
from ..models.role import RoleAssignment
from .errors import Conflict
from .errors import FieldProblem
from .errors import InvalidInput
from .errors import NotFound
from .errors import invalid
from .rates import rates_for_role

NAME_MAX = 255


class _Unset:
    """Marks an extension field absent from a PUT: its stored value is kept."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


def default_role(session: Session, tenant_id: int) -> Role:
    """The tenant's default role, created on first use. Safe when two callers race."""
    role = session.scalar(select(Role).where(Role.tenant_id == tenant_id, Role.is_default))
    if role is not None:
        return role
    named = session.scalar(select(Role).where(Role.tenant_id == tenant_id,
                                              Role.name == DEFAULT_ROLE_NAME))
    try:
        with session.begin_nested():
            if named is not None:
                named.is_default = True
                role = named
            else:
                role = Role(tenant_id=tenant_id, name=DEFAULT_ROLE_NAME, is_default=True)
                session.add(role)
    except IntegrityError:
        # Someone else made the default between our read and our write: use theirs.
        role = session.scalar(select(Role).where(Role.tenant_id == tenant_id, Role.is_default))
    return role


def list_roles(session: Session, tenant_id: int) -> list[Role]:
    default_role(session, tenant_id)
    return list(session.scalars(select(Role).where(Role.tenant_id == tenant_id)
                                .order_by(Role.id)))


def get_role(session: Session, tenant_id: int, role_id: int) -> Role:
    """The role, or NotFound. Asking for the default role makes it exist."""
    default = default_role(session, tenant_id)
    if role_id == default.id:
        return default
    role = session.scalar(select(Role).where(Role.tenant_id == tenant_id, Role.id == role_id))
    if role is None:
        raise NotFound(f"role {role_id} not found", [FieldProblem("id", "no such role",
                                                                  "not_found")])
    return role


def create_role(session: Session, tenant_id: int, *, name, default=False,
                target_utilization_percent=None) -> Role:
    """Add a role; ``default=True`` makes it the default. Raises InvalidInput or Conflict."""
    name, target = _validate(session, tenant_id, name, target_utilization_percent, None)
    role = Role(tenant_id=tenant_id, name=name, is_default=False,
                target_utilization_percent=target)
    session.add(role)
    session.flush()
    if default is True:
        _make_default(session, tenant_id, role)
    return role


def replace_role(session: Session, tenant_id: int, role_id: int, *, name, default=None,
                 target_utilization_percent=UNSET) -> Role:
    """PUT. ``default`` absent keeps the flag (there is always exactly one default); ``True``
    moves the default here; ``False`` on the default role is refused (make another default).
    ``target_utilization_percent`` is our extension: UNSET keeps it, None clears it.
    """
    role = get_role(session, tenant_id, role_id)
    name, target = _validate(session, tenant_id, name, target_utilization_percent, role.id)
    if default is False and role.is_default:
        raise Conflict("the default role stays the default until another role is made default",
                       [FieldProblem("default", "make another role the default instead",
                                     "default_required")])
    role.name = name
    if target_utilization_percent is not UNSET:
        role.target_utilization_percent = target
    if default is True and not role.is_default:
        _make_default(session, tenant_id, role)
    return role


def delete_role(session: Session, tenant_id: int, role_id: int) -> None:
    """Delete a role; its members hold the default role from the same days on.

    Raises Conflict for the default role, or while rates are defined for the role.
    """
    role = get_role(session, tenant_id, role_id)
    if role.is_default:
        raise Conflict("the default role cannot be deleted", [FieldProblem(
            "id", "the default role cannot be deleted", "default_role")])
    if rates_for_role(session, tenant_id, role.id):
        raise Conflict("rates are defined for this role; delete them first", [FieldProblem(
            "id", "rates are defined for this role", "in_use")])
    default = default_role(session, tenant_id)
    session.execute(update(RoleAssignment).where(
        RoleAssignment.tenant_id == tenant_id, RoleAssignment.role_id == role.id)
        .values(role_id=default.id))
    session.delete(role)
    session.flush()


def set_members(session: Session, tenant_id: int, role_id: int, account_ids,
                effective_from: date) -> list[str]:
    """PUT members: from ``effective_from`` on, exactly ``account_ids`` hold this role.

    People who held it that day and are not listed move to the default role from that day.
    Earlier days are untouched (a promotion never re-prices the past); later assignments stay.
    Returns the account ids whose role changed (for re-pricing).
    """
    role = get_role(session, tenant_id, role_id)
    account_ids = _clean_account_ids(account_ids)
    current = set(members_on(session, tenant_id, role.id, effective_from))
    leaving = current - set(account_ids)
    default = default_role(session, tenant_id)
    changed = []
    for account_id in account_ids:
        if _assign(session, tenant_id, account_id, role.id, effective_from):
            changed.append(account_id)
    for account_id in sorted(leaving):
        if _assign(session, tenant_id, account_id, default.id, effective_from):
            changed.append(account_id)
    session.flush()
    return changed


def _assign(session: Session, tenant_id: int, account_id: str, role_id: int,
            effective_from: date) -> bool:
    """Whether the role in force from ``effective_from`` changed."""
    before = role_id_of(session, tenant_id, account_id, effective_from)
    row = session.scalar(select(RoleAssignment).where(
        RoleAssignment.tenant_id == tenant_id, RoleAssignment.account_id == account_id,
        RoleAssignment.effective_from == effective_from))
    if row is None:
        session.add(RoleAssignment(tenant_id=tenant_id, account_id=account_id, role_id=role_id,
                                   effective_from=effective_from))
    else:
        row.role_id = role_id
    return before != role_id


def members_on(session: Session, tenant_id: int, role_id: int, on_date: date) -> list[str]:
    """Account ids holding ``role_id`` on ``on_date`` through an assignment (sorted).

    People with no assignment at all hold the default role implicitly and are not listed.
    """
    latest = (select(RoleAssignment.account_id,
                     func.max(RoleAssignment.effective_from).label("since"))
              .where(RoleAssignment.tenant_id == tenant_id,
                     RoleAssignment.effective_from <= on_date)
              .group_by(RoleAssignment.account_id).subquery())
    query = (select(RoleAssignment.account_id).join(latest, and_(
        RoleAssignment.account_id == latest.c.account_id,
        RoleAssignment.effective_from == latest.c.since))
        .where(RoleAssignment.tenant_id == tenant_id, RoleAssignment.role_id == role_id)
        .order_by(RoleAssignment.account_id))
    return list(session.scalars(query))


def assignments_of_role(session: Session, tenant_id: int, role_id: int) -> list[RoleAssignment]:
    return list(session.scalars(select(RoleAssignment).where(
        RoleAssignment.tenant_id == tenant_id, RoleAssignment.role_id == role_id)
        .order_by(RoleAssignment.account_id, RoleAssignment.effective_from)))


def role_id_of(session: Session, tenant_id: int, account_id: str, on_date: date) -> int:
    """The id of the role ``account_id`` holds on ``on_date`` (the default role if none)."""
    assigned = session.scalar(select(RoleAssignment.role_id).where(
        RoleAssignment.tenant_id == tenant_id, RoleAssignment.account_id == account_id,
        RoleAssignment.effective_from <= on_date)
        .order_by(RoleAssignment.effective_from.desc()).limit(1))
    return assigned if assigned is not None else default_role(session, tenant_id).id


class RoleTimeline:
    """Every role assignment of a tenant in memory: ``role_id_of`` for many lines, one query."""

    def __init__(self, default_id: int, assignments: list[RoleAssignment]):
        self.default_id = default_id
        self.by_account: dict[str, list[tuple[date, int]]] = {}
        for row in sorted(assignments, key=lambda a: a.effective_from, reverse=True):
            self.by_account.setdefault(row.account_id, []).append(
                (row.effective_from, row.role_id))

    def role_id(self, account_id: str, on_date: date) -> int:
        """As ``role_id_of``: the latest assignment on or before ``on_date``, else the default."""
        return next((role_id for start, role_id in self.by_account.get(account_id, ())
                     if start <= on_date), self.default_id)


def role_timeline(session: Session, tenant_id: int) -> RoleTimeline:
    return RoleTimeline(default_role(session, tenant_id).id, list(session.scalars(
        select(RoleAssignment).where(RoleAssignment.tenant_id == tenant_id))))


def role_of(session: Session, tenant_id: int, account_id: str, on_date: date) -> Role:
    """The role ``account_id`` holds on ``on_date``: the latest assignment effective on or
    before that day, else the tenant's default role."""
    return get_role(session, tenant_id, role_id_of(session, tenant_id, account_id, on_date))


def role_on_day_sql(tenant_id, account_id_column, day_column, default_role_id: int):
    """A SQL expression for the role in force on each row's day (for set-based queries over
    worklogs): the latest assignment on or before ``day_column``, else ``default_role_id``.
    Backed by the ``(tenant_id, account_id, effective_from)`` index."""
    assigned = (select(RoleAssignment.role_id)
                .where(RoleAssignment.tenant_id == tenant_id,
                       RoleAssignment.account_id == account_id_column,
                       RoleAssignment.effective_from <= day_column)
                .order_by(RoleAssignment.effective_from.desc()).limit(1)
                .correlate_except(RoleAssignment).scalar_subquery())
    return func.coalesce(assigned, default_role_id)


def _make_default(session: Session, tenant_id: int, role: Role) -> None:
    session.execute(update(Role).where(Role.tenant_id == tenant_id, Role.is_default,
                                       Role.id != role.id).values(is_default=False))
    session.flush()
    role.is_default = True
    session.flush()


def _validate(session: Session, tenant_id: int, name, target, role_id: int | None):
    problems = []
    clean = name.strip() if isinstance(name, str) else ""
    if not clean:
        problems.append(FieldProblem("name", "name is required", "required"))
    elif len(clean) > NAME_MAX:
        problems.append(FieldProblem("name", f"name must be at most {NAME_MAX} characters",
                                     "too_long"))
    percent = None if target is UNSET else _percent(target, problems)
    if problems:
        raise InvalidInput(problems[0].message, problems)
    clash = session.scalar(select(Role.id).where(Role.tenant_id == tenant_id,
                                                 Role.name == clean))
    if clash is not None and clash != role_id:
        message = f"a role named {clean!r} exists"
        raise Conflict(message, [FieldProblem("name", message, "duplicate")])
    return clean, percent


def _percent(value, problems: list) -> Decimal | None:
    if value is None:
        return None
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        percent = Decimal(str(value))
    except (InvalidOperation, ValueError):
        percent = None
    if percent is None or not percent.is_finite() or not 0 <= percent <= 100:
        problems.append(FieldProblem("targetUtilizationPercent",
                                     "targetUtilizationPercent must be a number from 0 to 100"))
        return None
    return percent.quantize(Decimal("0.01"))


def _clean_account_ids(account_ids) -> list[str]:
    if not isinstance(account_ids, list) or not all(
            isinstance(a, str) and a.strip() for a in account_ids):
        raise invalid("accountIds", "accountIds must be a list of Atlassian account ids")
    return sorted({a.strip() for a in account_ids})
