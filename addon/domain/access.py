"""Who may do what. One module, so every surface (REST, panels, jobs) asks the same question.

Site-admin status comes from Jira (the HTTP layer asks it and passes ``Caller``); everything
else is decided here from stored data.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Account
from ..models import TimesheetApproval
from ..models import Worklog
from .periods import Period


@dataclass(frozen=True)
class Caller:
    """The person acting, and whether Jira says they administer the site."""

    account_id: str
    is_site_admin: bool = False


# --- timesheet approvals (issue 9) -------------------------------------------------------

def may_submit_timesheet(caller: Caller, user: str) -> bool:
    """People submit their own timesheet; a site admin may submit for them."""
    return caller.account_id == user or caller.is_site_admin


def may_review_timesheet(caller: Caller, user: str, reviewer: str | None) -> bool:
    """The reviewer or a site admin approves/rejects; nobody reviews their own timesheet."""
    if caller.account_id == user:
        return False
    return caller.account_id == reviewer or caller.is_site_admin


def may_recall_timesheet(caller: Caller, user: str, submitted_by: str | None) -> bool:
    """The submitter withdraws a submission (the user, or the admin who submitted for them)."""
    return caller.account_id in (user, submitted_by)


def may_reopen_timesheet(caller: Caller) -> bool:
    return caller.is_site_admin


def may_manage_periods(caller: Caller) -> bool:
    return caller.is_site_admin


def may_read_audit(caller: Caller) -> bool:
    return caller.is_site_admin


def account_leads_by_time(session: Session, user: str, period: Period) -> list[str]:
    """Leads of the accounts ``user`` logged time to in ``period``, most time first."""
    spent = func.sum(Worklog.time_spent_seconds)
    rows = session.execute(
        select(Account.lead_account_id, spent)
        .join(Account, Account.key == Worklog.account_key)
        .where(Worklog.author_account_id == user, Worklog.deleted_at.is_(None),
               Worklog.start_date >= period.start, Worklog.start_date <= period.end,
               Account.lead_account_id.is_not(None))
        .group_by(Account.lead_account_id)
        .order_by(spent.desc(), Account.lead_account_id)).all()
    return [lead for lead, _ in rows]


def timesheet_reviewers(session: Session, user: str, period: Period, *,
                        site_admins: list[str]) -> list[str]:
    """Allowed reviewers in order of preference; the first is the default.

    Issue 9's order: the user's team lead (no teams exist yet, so that step is skipped), the
    lead of the account with most of their time in the period, then site admins — never the
    user themself.
    """
    ordered: list[str] = []
    for candidate in [*account_leads_by_time(session, user, period), *sorted(site_admins)]:
        if candidate != user and candidate not in ordered:
            ordered.append(candidate)
    return ordered


def is_reviewer_of(session: Session, caller: Caller, author: str, period: Period) -> bool:
    """Whether the caller reviews ``author``'s time in ``period`` (named, or an account lead)."""
    if caller.account_id == author:
        return False
    named = session.scalar(select(TimesheetApproval.reviewer_account_id).where(
        TimesheetApproval.account_id == author, TimesheetApproval.period_from == period.start))
    return named == caller.account_id or caller.account_id in account_leads_by_time(
        session, author, period)


def may_correct_closed_period(session: Session, caller: Caller, author: str,
                              period: Period) -> bool:
    """CLOSED_FOR_USERS still lets admins and the author's reviewers correct entries."""
    return caller.is_site_admin or is_reviewer_of(session, caller, author, period)
