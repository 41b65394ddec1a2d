"""Holiday schemes, their holidays (whole or part days) and members; personal absences.

Each change re-spreads the plans of the people it touches, so plans never count a day off.
Public holidays are imported from the ``holidays`` package (whole days; a date already in the
scheme is skipped, so an import can be re-run after adding a local holiday by hand).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import holidays as holiday_calendars
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from ...models import Absence
from ...models import Holiday
from ...models import HolidayScheme
from ...models import HolidaySchemeMember
from .. import access
from ..errors import Conflict
from ..errors import FieldProblem
from ..errors import InvalidInput
from ..errors import NotFound
from .plans import respread_plans


def list_holiday_schemes(session: Session) -> list[HolidayScheme]:
    return list(session.scalars(select(HolidayScheme).order_by(HolidayScheme.id)))


def get_holiday_scheme(session: Session, scheme_id: int) -> HolidayScheme:
    scheme = session.get(HolidayScheme, scheme_id)
    if scheme is None:
        raise NotFound(f"holiday scheme {scheme_id} not found")
    return scheme


def save_holiday_scheme(session: Session, scheme_id: int | None, *, name,
                        description) -> HolidayScheme:
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise InvalidInput("'name' is required", [FieldProblem("name", "required", "required")])
    clash = session.scalar(select(HolidayScheme.id).where(HolidayScheme.name == name))
    if clash is not None and clash != scheme_id:
        raise Conflict(f"a holiday scheme named {name!r} exists",
                       [FieldProblem("name", "taken", "duplicate")])
    scheme = HolidayScheme(is_default=False) if scheme_id is None \
        else get_holiday_scheme(session, scheme_id)
    scheme.name, scheme.description = name, description
    session.add(scheme)
    session.flush()
    return scheme


def _people_of(session: Session, scheme: HolidayScheme) -> set[str] | None:
    """Who follows the scheme (None: everyone, for the default scheme)."""
    if scheme.is_default:
        return None
    return set(session.scalars(select(HolidaySchemeMember.account_id).where(
        HolidaySchemeMember.scheme_id == scheme.id)))


def make_default_holiday_scheme(session: Session, scheme_id: int) -> HolidayScheme:
    scheme = get_holiday_scheme(session, scheme_id)
    session.execute(update(HolidayScheme).where(HolidayScheme.id != scheme_id)
                    .values(is_default=False))
    scheme.is_default = True
    session.flush()
    respread_plans(session, None)
    return scheme


def delete_holiday_scheme(session: Session, scheme_id: int) -> None:
    scheme = get_holiday_scheme(session, scheme_id)
    people = _people_of(session, scheme)
    session.delete(scheme)
    session.flush()
    respread_plans(session, people)


def list_holidays(session: Session, scheme_id: int, year: int | None = None) -> list[Holiday]:
    get_holiday_scheme(session, scheme_id)
    query = select(Holiday).where(Holiday.scheme_id == scheme_id)
    if year is not None:
        query = query.where(Holiday.date.between(date(year, 1, 1), date(year, 12, 31)))
    return list(session.scalars(query.order_by(Holiday.date)))


def get_holiday(session: Session, scheme_id: int, holiday_id: int) -> Holiday:
    holiday = session.get(Holiday, holiday_id)
    if holiday is None or holiday.scheme_id != scheme_id:
        raise NotFound(f"holiday {holiday_id} not found in scheme {scheme_id}")
    return holiday


@dataclass(frozen=True)
class HolidayInput:
    name: str
    day: date
    duration_seconds: int | None  # None: the whole day
    description: str | None = None


def save_holiday(session: Session, scheme_id: int, holiday_id: int | None,
                 values: HolidayInput) -> Holiday:
    """Create or replace a holiday (one per date in a scheme: 409 otherwise)."""
    scheme = get_holiday_scheme(session, scheme_id)
    clash = session.scalar(select(Holiday.id).where(Holiday.scheme_id == scheme_id,
                                                    Holiday.date == values.day))
    if clash is not None and clash != holiday_id:
        raise Conflict(f"the scheme already has a holiday on {values.day.isoformat()}",
                       [FieldProblem("date", "taken", "duplicate")])
    holiday = Holiday(scheme_id=scheme_id) if holiday_id is None \
        else get_holiday(session, scheme_id, holiday_id)
    holiday.name, holiday.description = values.name, values.description
    holiday.date, holiday.duration_seconds = values.day, values.duration_seconds
    session.add(holiday)
    session.flush()
    respread_plans(session, _people_of(session, scheme), on_or_after=values.day)
    return holiday


def delete_holiday(session: Session, scheme_id: int, holiday_id: int) -> None:
    holiday = get_holiday(session, scheme_id, holiday_id)
    day = holiday.date
    session.delete(holiday)
    session.flush()
    respread_plans(session, _people_of(session, get_holiday_scheme(session, scheme_id)),
                   on_or_after=day)


def import_holidays(session: Session, scheme_id: int, *, country: str,
                    subdivision: str | None, year: int) -> list[Holiday]:
    """Add the public holidays of a country (and subdivision) for a year; returns those added."""
    scheme = get_holiday_scheme(session, scheme_id)
    try:
        calendar = holiday_calendars.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError as exc:
        field = "subdivision" if subdivision and str(country) in \
            holiday_calendars.list_supported_countries() else "country"
        raise InvalidInput(str(exc), [FieldProblem(field, str(exc), "unsupported")]) from None
    taken = set(session.scalars(select(Holiday.date).where(Holiday.scheme_id == scheme_id)))
    added = [Holiday(scheme_id=scheme_id, name=name[:255], date=day, duration_seconds=None)
             for day, name in sorted(calendar.items()) if day not in taken]
    session.add_all(added)
    session.flush()
    if added:
        respread_plans(session, _people_of(session, scheme), on_or_after=added[0].date)
    return added


def set_holiday_scheme_members(session: Session, scheme_id: int,
                               account_ids: Iterable[str]) -> list[str]:
    """Move people to the scheme (a person follows one holiday scheme)."""
    get_holiday_scheme(session, scheme_id)
    people = list(dict.fromkeys(account_ids))
    for account_id in people:
        row = session.scalar(select(HolidaySchemeMember).where(
            HolidaySchemeMember.account_id == account_id)) or HolidaySchemeMember(
            account_id=account_id)
        row.scheme_id = scheme_id
        session.add(row)
    session.flush()
    respread_plans(session, people)
    return people


def holiday_scheme_members(session: Session, scheme_id: int) -> list[str]:
    get_holiday_scheme(session, scheme_id)
    return list(session.scalars(select(HolidaySchemeMember.account_id).where(
        HolidaySchemeMember.scheme_id == scheme_id).order_by(HolidaySchemeMember.account_id)))


@dataclass(frozen=True)
class AbsenceInput:
    account_id: str
    from_date: date
    to_date: date
    seconds_per_day: int | None
    type: str
    note: str | None


def save_absence(session: Session, absence_id: int | None, values: AbsenceInput, *,
                 actor: str, actor_is_admin: bool) -> Absence:
    """Record or replace an absence (people their own, admins anyone's); re-spreads plans."""
    access.require_absence_writer(actor, values.account_id, actor_is_admin=actor_is_admin)
    if values.to_date < values.from_date:
        raise InvalidInput("'to' is before 'from'", [FieldProblem("to", "before 'from'",
                                                                  "range")])
    absence = Absence(created_by=actor) if absence_id is None else get_absence(session,
                                                                                absence_id)
    if absence_id is not None:
        access.require_absence_writer(actor, absence.account_id, actor_is_admin=actor_is_admin)
    before = {absence.account_id} if absence.account_id else set()
    absence.account_id, absence.type, absence.note = values.account_id, values.type, values.note
    absence.from_date, absence.to_date = values.from_date, values.to_date
    absence.seconds_per_day = values.seconds_per_day
    session.add(absence)
    session.flush()
    respread_plans(session, before | {values.account_id})
    return absence


def get_absence(session: Session, absence_id: int) -> Absence:
    absence = session.get(Absence, absence_id)
    if absence is None:
        raise NotFound(f"absence {absence_id} not found")
    return absence


def delete_absence(session: Session, absence_id: int, *, actor: str,
                   actor_is_admin: bool) -> None:
    absence = get_absence(session, absence_id)
    access.require_absence_writer(actor, absence.account_id, actor_is_admin=actor_is_admin)
    person = absence.account_id
    session.delete(absence)
    session.flush()
    respread_plans(session, [person])


def list_absences(session: Session, actor: str, *, actor_is_admin: bool, wanted: set[str],
                  start: date | None, end: date | None) -> list[Absence]:
    """Absences overlapping the range, of ``wanted`` people (all when empty) the actor may see."""
    visible = access.capacity_visible_people(session, actor, actor_is_admin=actor_is_admin)
    people = wanted or None
    if visible is not None:
        people = (wanted or visible) & visible
    query = select(Absence)
    if people is not None:
        query = query.where(Absence.account_id.in_(people))
    if start is not None:
        query = query.where(Absence.to_date >= start)
    if end is not None:
        query = query.where(Absence.from_date <= end)
    return list(session.scalars(query.order_by(Absence.from_date, Absence.id)))
