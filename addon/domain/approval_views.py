"""Read models for the approval pages: a person's timesheet state, locked entries, and the
reviewer's board (who has not submitted, what waits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Account
from ..models import TimesheetApproval
from ..models import Worklog
from ..models.approval import APPROVAL_IN_REVIEW
from ..models.approval import APPROVAL_OPEN
from ..models.approval import LOCKING_APPROVAL_STATES
from .approvals import approval_row
from .approvals import open_discrepancies
from .approvals import time_spent
from .periods import Period
from .periods import load_settings
from .periods import period_of
from .time_views import display_names


@dataclass(frozen=True)
class TimesheetState:
    period: Period
    status: str
    discrepancies: int


def timesheet_state(session: Session, user: str, day: date) -> TimesheetState:
    """The approval state of ``user``'s period holding ``day`` ("My time")."""
    period = period_of(load_settings(session), day)
    row = approval_row(session, user, period)
    counts = open_discrepancies(session, [row.id] if row else [])
    return TimesheetState(period, row.status if row else APPROVAL_OPEN,
                          counts.get(row.id, 0) if row else 0)


def locked_worklog_ids(session: Session, worklogs: list[Worklog]) -> set[int]:
    """Which of ``worklogs`` sit in an IN_REVIEW or APPROVED timesheet (one query)."""
    authors = {w.author_account_id for w in worklogs}
    if not authors:
        return set()
    locks = session.execute(select(
        TimesheetApproval.account_id, TimesheetApproval.period_from, TimesheetApproval.period_to)
        .where(TimesheetApproval.account_id.in_(authors),
               TimesheetApproval.status.in_(LOCKING_APPROVAL_STATES))).all()
    return {w.id for w in worklogs for author, first, last in locks
            if w.author_account_id == author and first <= w.start_date <= last}


@dataclass(frozen=True)
class BoardRow:
    account_id: str
    name: str
    seconds: int
    status: str
    discrepancies: int


@dataclass(frozen=True)
class ReviewBoard:
    period: Period
    waiting: list[BoardRow]
    not_submitted: list[BoardRow]


def review_board(session: Session, reviewer: str, day: date) -> ReviewBoard:
    """What waits for ``reviewer`` in the period holding ``day``, and who of the people they
    review (logged time to an account they lead) has not submitted yet."""
    period = period_of(load_settings(session), day)
    rows = {r.account_id: r for r in session.scalars(select(TimesheetApproval).where(
        TimesheetApproval.period_from == period.start))}
    led = select(Account.key).where(Account.lead_account_id == reviewer)
    people = set(session.scalars(select(Worklog.author_account_id).distinct().where(
        Worklog.account_key.in_(led), Worklog.deleted_at.is_(None),
        Worklog.start_date >= period.start, Worklog.start_date <= period.end)))
    people |= {a for a, r in rows.items() if r.reviewer_account_id == reviewer}
    people.discard(reviewer)
    spent = time_spent(session, people, period)
    names = display_names(session, people)
    issues = open_discrepancies(session, [r.id for r in rows.values()])

    def row(person: str) -> BoardRow:
        found = rows.get(person)
        return BoardRow(person, names.get(person, person), spent.get(person, 0),
                        found.status if found else APPROVAL_OPEN,
                        issues.get(found.id, 0) if found else 0)

    ordered = sorted(people, key=lambda p: names.get(p, p))
    waiting = [row(p) for p in ordered if p in rows and rows[p].status == APPROVAL_IN_REVIEW
               and rows[p].reviewer_account_id == reviewer]
    not_submitted = [row(p) for p in ordered if p not in rows or rows[p].status ==
                     APPROVAL_OPEN]
    return ReviewBoard(period, waiting, not_submitted)
