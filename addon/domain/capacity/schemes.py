"""Workload schemes: the seconds each weekday requires, and who works to which scheme since when.

A person's scheme is effective-dated: moving someone from a date leaves the days before it on
the scheme they had, so a change in the middle of a range splits the range. People never moved
work to the default scheme (or to Tempo's built-in 8 h Monday–Friday while a site has none).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from ...models import WorkloadScheme
from ...models import WorkloadSchemeMember
from ...models.capacity import WEEKDAYS
from ..errors import Conflict
from ..errors import FieldProblem
from ..errors import InvalidInput
from ..errors import NotFound
from .plans import respread_plans
from .schedule import BUILT_IN_WEEK
from .schedule import today_for

DAY_SECONDS = 24 * 3600


def parse_week(days) -> tuple[int, ...]:
    """Seven required-second figures, Monday first, from Tempo's ``[{day, requiredSeconds}]``.

    Every weekday must appear exactly once (Tempo's rule); raises InvalidInput naming each
    problem.
    """
    problems: list[FieldProblem] = []
    if not isinstance(days, list):
        raise InvalidInput("'days' must list all seven weekdays", [
            FieldProblem("days", "'days' must list all seven weekdays", "required")])
    seen: dict[str, int] = {}
    for index, item in enumerate(days):
        name = item.get("day") if isinstance(item, dict) else None
        seconds = item.get("requiredSeconds") if isinstance(item, dict) else None
        if name not in WEEKDAYS:
            problems.append(FieldProblem(f"days[{index}].day", "must be MONDAY..SUNDAY"))
        elif name in seen:
            problems.append(FieldProblem(f"days[{index}].day", f"{name} appears twice",
                                         "duplicate"))
        if isinstance(seconds, bool) or not isinstance(seconds, int) \
                or not 0 <= seconds <= DAY_SECONDS:
            problems.append(FieldProblem(f"days[{index}].requiredSeconds",
                                         f"must be a whole number of seconds 0..{DAY_SECONDS}"))
        elif name in WEEKDAYS and name not in seen:
            seen[name] = seconds
    missing = [d for d in WEEKDAYS if d not in seen and not problems]
    if missing:
        problems.append(FieldProblem("days", f"missing {', '.join(missing)}", "missing"))
    if problems:
        raise InvalidInput("a workload scheme lists all seven weekdays exactly once", problems)
    return tuple(seen[d] for d in WEEKDAYS)


def list_schemes(session: Session) -> list[WorkloadScheme]:
    return list(session.scalars(select(WorkloadScheme).order_by(WorkloadScheme.id)))


def get_scheme(session: Session, scheme_id: int) -> WorkloadScheme:
    scheme = session.get(WorkloadScheme, scheme_id)
    if scheme is None:
        raise NotFound(f"workload scheme {scheme_id} not found")
    return scheme


def member_counts(session: Session) -> dict[int, int]:
    return dict(session.execute(select(WorkloadSchemeMember.scheme_id, func.count(
        func.distinct(WorkloadSchemeMember.account_id))).group_by(
        WorkloadSchemeMember.scheme_id)).all())


def save_scheme(session: Session, scheme_id: int | None, *, name, description,
                days) -> WorkloadScheme:
    """Create or replace a scheme; members' plans are re-spread when its days change."""
    week = parse_week(days)
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name:
        raise InvalidInput("'name' is required", [FieldProblem("name", "required", "required")])
    clash = session.scalar(select(WorkloadScheme.id).where(WorkloadScheme.name == name))
    if clash is not None and clash != scheme_id:
        raise Conflict(f"a workload scheme named {name!r} exists",
                       [FieldProblem("name", "taken", "duplicate")])
    scheme = WorkloadScheme(is_default=False) if scheme_id is None \
        else get_scheme(session, scheme_id)
    changed = scheme_id is not None and tuple(scheme.day_seconds) != week
    scheme.name, scheme.description, scheme.day_seconds = name, description, list(week)
    session.add(scheme)
    session.flush()
    if changed:
        _respread_scheme_people(session, scheme)
    return scheme


def _respread_scheme_people(session: Session, scheme: WorkloadScheme) -> None:
    if scheme.is_default:
        respread_plans(session, None)
        return
    respread_plans(session, set(session.scalars(select(WorkloadSchemeMember.account_id).where(
        WorkloadSchemeMember.scheme_id == scheme.id))))


def make_default(session: Session, scheme_id: int) -> WorkloadScheme:
    scheme = get_scheme(session, scheme_id)
    session.execute(update(WorkloadScheme).where(WorkloadScheme.id != scheme_id)
                    .values(is_default=False))
    scheme.is_default = True
    session.flush()
    respread_plans(session, None)
    return scheme


def delete_scheme(session: Session, scheme_id: int) -> None:
    """Delete a scheme; its members' history falls back to their other rows or the default."""
    scheme = get_scheme(session, scheme_id)
    if scheme.is_default:
        raise Conflict("the default workload scheme cannot be deleted; make another default "
                       "first")
    people = set(session.scalars(select(WorkloadSchemeMember.account_id).where(
        WorkloadSchemeMember.scheme_id == scheme_id)))
    session.delete(scheme)
    session.flush()
    respread_plans(session, people)


def add_members(session: Session, scheme_id: int, account_ids: Iterable[str], *,
                effective_from: date | None, now: datetime) -> list[WorkloadSchemeMember]:
    """Move people to the scheme from ``effective_from`` (default: today where each person is).

    Earlier days keep the scheme they had; their plans from that day on are re-spread.
    """
    get_scheme(session, scheme_id)
    rows = []
    for account_id in dict.fromkeys(account_ids):
        start = effective_from or today_for(session, account_id, now)
        row = session.scalar(select(WorkloadSchemeMember).where(
            WorkloadSchemeMember.account_id == account_id,
            WorkloadSchemeMember.effective_from == start)) or WorkloadSchemeMember(
            account_id=account_id, effective_from=start)
        row.scheme_id = scheme_id
        session.add(row)
        rows.append(row)
    session.flush()
    for row in rows:
        respread_plans(session, [row.account_id], on_or_after=row.effective_from)
    return rows


def scheme_members(session: Session, scheme_id: int) -> list[WorkloadSchemeMember]:
    get_scheme(session, scheme_id)
    return list(session.scalars(select(WorkloadSchemeMember).where(
        WorkloadSchemeMember.scheme_id == scheme_id).order_by(
        WorkloadSchemeMember.account_id, WorkloadSchemeMember.effective_from)))


def scheme_for_user(session: Session, account_id: str, on: date) -> WorkloadScheme | None:
    """The scheme the person works to on ``on``; None: the built-in week (no default yet)."""
    scheme_id = session.scalar(select(WorkloadSchemeMember.scheme_id).where(
        WorkloadSchemeMember.account_id == account_id,
        WorkloadSchemeMember.effective_from <= on).order_by(
        WorkloadSchemeMember.effective_from.desc()).limit(1))
    if scheme_id is not None:
        return session.get(WorkloadScheme, scheme_id)
    return session.scalar(select(WorkloadScheme).where(WorkloadScheme.is_default.is_(True)))


def scheme_for_user_today(session: Session, account_id: str, *,
                          now: datetime) -> WorkloadScheme:
    """The scheme in force today where the person is; an unsaved built-in one if none exists."""
    scheme = scheme_for_user(session, account_id, today_for(session, account_id, now))
    if scheme is None:
        scheme = WorkloadScheme(id=None, name="Default", description="Built in: 8 h Mon–Fri",
                                is_default=True, day_seconds=list(BUILT_IN_WEEK))
    return scheme
