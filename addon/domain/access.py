"""Who may do what. Every permission rule of the app lives here; HTTP layers only ask.

Money (issue 8): rates, costs and margins are shown to site admins, and to account leads for
their accounts; a plain user sees the billable hours and revenue of their own worklogs, never
cost rates (``MoneyAccess``).

Jira is the authority on site administration: ``SiteAdminCache`` asks it (the ``JiraSource``
port is an ``AdminDirectory``) and remembers the answer briefly, so a page full of admin calls
does not ask again and again, and a revoked admin loses access within the cache's ttl.

``SiteAdminListCache`` likewise remembers the site's administrators (the last-resort timesheet
reviewers), from a ``SiteAdminList`` (the ``JiraSource`` port, or the demo site).

Jira is also the authority on who sees which work (issue 13): ``Visibility`` is what one user
may read — everything for a site admin, else the projects Jira grants them Browse Projects on
plus their own worklogs. ``VisibilityCache`` asks Jira once per user every few minutes, and the
``visible_*`` clauses apply the answer in SQL, so pages and counts only ever hold visible rows.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import ColumnElement
from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy.orm import Session

from ..jira.source import BrowseGrants
from ..models import Account
from ..models import JiraIssue
from ..models import JiraProject
from ..models import Team
from ..models import TeamMembership
from ..models import TimesheetApproval
from ..models import Worklog
from .account_rules import account_by_key
from .errors import Forbidden
from .issues import live_issue
from .periods import Period

ADMIN_CACHE_SECONDS = 120
VISIBILITY_CACHE_SECONDS = 180


class AdminDirectory(Protocol):
    """Who knows the site's administrators: its Jira (a ``JiraSource``), or the demo site."""

    def is_site_admin(self, account_id: str) -> bool: ...


class SiteAdminCache:
    """``is_site_admin`` per (tenant, account), remembered for ``ttl`` seconds.

    ``clock`` is monotonic time (an interval timer, not the wall clock the domain avoids).
    """

    def __init__(self, ttl: float = ADMIN_CACHE_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self._ttl = ttl
        self._clock = clock
        self._entries: dict[tuple[int, str], tuple[bool, float]] = {}
        self._lock = threading.Lock()

    def is_site_admin(self, tenant_id: int, account_id: str | None, jira: AdminDirectory) -> bool:
        if not account_id:
            return False
        key = (tenant_id, account_id)
        now = self._clock()
        with self._lock:
            cached = self._entries.get(key)
        if cached and cached[1] > now:
            return cached[0]
        answer = jira.is_site_admin(account_id)
        with self._lock:
            self._entries[key] = (answer, now + self._ttl)
        return answer


class SiteAdminList(Protocol):
    """Who can list the site's administrators: its Jira (a ``JiraSource``), or the demo site."""

    def site_admins(self) -> list[str]: ...


class SiteAdminListCache:
    """The site's administrators per tenant, remembered for ``ttl`` seconds (monotonic)."""

    def __init__(self, ttl: float = ADMIN_CACHE_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self._ttl = ttl
        self._clock = clock
        self._entries: dict[int, tuple[list[str], float]] = {}
        self._lock = threading.Lock()

    def site_admins(self, tenant_id: int, jira: SiteAdminList) -> list[str]:
        now = self._clock()
        with self._lock:
            cached = self._entries.get(tenant_id)
        if cached and cached[1] > now:
            return cached[0]
        answer = sorted(jira.site_admins())
        with self._lock:
            self._entries[tenant_id] = (answer, now + self._ttl)
        return answer


def may_write_for(session: Session, *, caller: str, author: str, account_key: str | None,
                  caller_is_admin: Callable[[], bool]) -> bool:
    """Users log their own time; the account's lead and site admins act for others.

    ``caller_is_admin`` is asked last, since it may cost a call to Jira.
    """
    if author == caller:
        return True
    account = account_by_key(session, account_key) if account_key else None
    if account is not None and account.lead_account_id == caller:
        return True
    return caller_is_admin()


def require_can_write_for(session: Session, *, caller: str, author: str,
                          account_key: str | None, caller_is_admin: Callable[[], bool]) -> None:
    if not may_write_for(session, caller=caller, author=author, account_key=account_key,
                         caller_is_admin=caller_is_admin):
        raise Forbidden("you may only log and edit your own time")


def token_owner_filter(caller: str, *, caller_is_admin: bool) -> str | None:
    """Whose API tokens the caller may list: everyone's for a site admin (None), else their own."""
    return None if caller_is_admin else caller


@dataclass(frozen=True)
class Visibility:
    """What one user may read: ``everything`` (site admins), else issues of ``project_ids``
    and worklogs on them, plus ``account_id``'s own worklogs wherever they are."""

    everything: bool = False
    project_ids: frozenset[str] = frozenset()
    account_id: str | None = None

    @classmethod
    def all(cls) -> Visibility:
        return cls(everything=True)

    def shows_project(self, project_id: str | None) -> bool:
        """Whether issues of this project (and all worklogs on them) are visible."""
        return self.everything or project_id in self.project_ids


def visible_worklogs(visibility: Visibility) -> ColumnElement[bool]:
    """The SQL condition a worklog row must meet to be shown to ``visibility``'s user."""
    if visibility.everything:
        return true()
    clauses = []
    if visibility.project_ids:
        clauses.append(Worklog.project_jira_id.in_(sorted(visibility.project_ids)))
    if visibility.account_id:
        clauses.append(Worklog.author_account_id == visibility.account_id)
    return or_(*clauses) if clauses else false()


def visible_issues(visibility: Visibility) -> ColumnElement[bool]:
    """The SQL condition an issue row must meet for its summary and details to be shown."""
    if visibility.everything:
        return true()
    if not visibility.project_ids:
        return false()
    return JiraIssue.project_jira_id.in_(sorted(visibility.project_ids))


def visible_issue(session: Session, visibility: Visibility, *, jira_id: str | None = None,
                  key: str | None = None) -> JiraIssue | None:
    """The live issue with this id or key if ``visibility`` shows it, else None (as if it did
    not exist: a user who may not browse a project does not learn which issues it has)."""
    return live_issue(session, jira_id=jira_id, key=key, where=visible_issues(visibility))


class ProjectBrowsing(Protocol):
    """Who knows what a user may browse: the site's Jira (a ``JiraSource``), or the demo site."""

    def browse_grants(self, account_id: str, project_ids: list[str]) -> BrowseGrants: ...


def known_project_ids(session: Session) -> list[str]:
    """The synced projects' Jira ids: the projects worth asking Jira about."""
    return list(session.scalars(select(JiraProject.jira_id).order_by(JiraProject.jira_id)))


def known_project_count(session: Session) -> int:
    """How many projects are synced (rows are tombstoned, never removed, so it only grows)."""
    return session.scalar(select(func.count(JiraProject.id))) or 0


@dataclass(frozen=True)
class _Answer:
    visibility: Visibility
    projects_known: int
    expires: float


class VisibilityCache:
    """``Visibility`` per (tenant, account), remembered for ``ttl`` seconds.

    An answer also expires as soon as a project is synced after Jira was asked (one cheap
    count per read), so a new project shows up at once for those who may browse it; a revoked
    permission takes effect within ``ttl``. ``clock`` is monotonic interval time. Raises
    ``JiraUnavailable`` (from the port) when Jira cannot answer: never "see everything".
    """

    def __init__(self, ttl: float = VISIBILITY_CACHE_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self._ttl = ttl
        self._clock = clock
        self._entries: dict[tuple[int, str], _Answer] = {}
        self._lock = threading.Lock()

    def visibility(self, session: Session, tenant_id: int, account_id: str,
                   jira: ProjectBrowsing) -> Visibility:
        key = (tenant_id, account_id)
        now = self._clock()
        known = known_project_count(session)
        with self._lock:
            cached = self._entries.get(key)
        if cached and cached.expires > now and cached.projects_known == known:
            return cached.visibility
        asked = known_project_ids(session)
        grants = jira.browse_grants(account_id, asked)
        visibility = Visibility.all() if grants.site_admin else Visibility(
            project_ids=grants.project_ids, account_id=account_id)
        with self._lock:
            self._entries[key] = _Answer(visibility, len(asked), now + self._ttl)
        return visibility


def led_account_keys(session: Session, tenant_id: int, account_id: str | None) -> frozenset[str]:
    """Keys of the accounts ``account_id`` leads."""
    if not account_id:
        return frozenset()
    return frozenset(session.scalars(select(Account.key).where(
        Account.tenant_id == tenant_id, Account.lead_account_id == account_id)))


@dataclass(frozen=True)
class MoneyAccess:
    """What one caller may see and change of the money side."""

    caller: str | None
    site_admin: bool
    led_accounts: frozenset[str]

    def sees_costs(self, account_key: str | None) -> bool:
        """Cost rates, costs and margins of work on ``account_key``."""
        return self.site_admin or (account_key is not None and account_key in self.led_accounts)

    def sees_revenue(self, account_key: str | None, author: str | None) -> bool:
        """Billing rate and revenue of a worklog: its author sees their own."""
        return self.sees_costs(account_key) or (author is not None and author == self.caller)

    @property
    def sees_any_costs(self) -> bool:
        return self.site_admin or bool(self.led_accounts)

    def report_accounts(self) -> frozenset[str] | None:
        """The accounts a money report may cover for this caller (None: all of them)."""
        return None if self.site_admin else self.led_accounts

    def may_bill(self, account_key: str | None) -> bool:
        """Billing exports and invoices of ``account_key``: site admins and its lead."""
        return self.sees_costs(account_key)

    def may_manage_expense(self, account_key: str | None, author: str | None) -> bool:
        """Anyone records their own expenses; admins and account leads any on their accounts."""
        return self.sees_costs(account_key) or (author is not None and author == self.caller)


def money_access(session: Session, tenant_id: int, caller: str | None, *,
                 is_site_admin: bool) -> MoneyAccess:
    return MoneyAccess(caller, is_site_admin, led_account_keys(session, tenant_id, caller))


# Capacity (issue 10): admins manage workload and holiday schemes; admins and a team's lead
# manage its memberships and plan its members; people record their own absences and see their
# own plans and schedule; a lead sees the people in the teams they lead.


def capacity_teams_led_by(session: Session, actor: str) -> list[int]:
    """Ids of the teams whose lead is ``actor``."""
    return list(session.scalars(select(Team.id).where(Team.lead_account_id == actor)))


def capacity_led_people(session: Session, actor: str) -> set[str]:
    """Everyone who is (or was) a member of a team ``actor`` leads."""
    return set(session.scalars(select(TeamMembership.account_id).join(
        Team, Team.id == TeamMembership.team_id).where(Team.lead_account_id == actor)))


def capacity_visible_people(session: Session, actor: str, *, actor_is_admin: bool
                            ) -> set[str] | None:
    """Whose capacity, schedule and plans ``actor`` may see; None means everyone's."""
    return None if actor_is_admin else capacity_led_people(session, actor) | {actor}


def require_team_manager(session: Session, actor: str, team_id: int, *,
                         actor_is_admin: bool) -> None:
    """Admins and the team's lead manage its memberships; anyone else gets 403."""
    if actor_is_admin:
        return
    lead = session.scalar(select(Team.lead_account_id).where(Team.id == team_id))
    if lead is None or lead != actor:
        raise Forbidden("only site administrators and the team's lead manage its members")


def require_planner_for(session: Session, actor: str, assignee: str, *,
                        actor_is_admin: bool) -> None:
    """Admins plan anyone; a team lead plans the members of their teams."""
    if actor_is_admin or assignee in capacity_led_people(session, actor):
        return
    raise Forbidden("only site administrators and team leads (for their members) plan people")


def require_can_see_person(session: Session, actor: str, account_id: str, *,
                           actor_is_admin: bool) -> None:
    """People see their own; leads see their members'; admins see everyone's."""
    visible = capacity_visible_people(session, actor, actor_is_admin=actor_is_admin)
    if visible is not None and account_id not in visible:
        raise Forbidden("you may only see your own and your teams' members' figures")


def require_absence_writer(actor: str, account_id: str, *, actor_is_admin: bool) -> None:
    """People record their own absences; admins anyone's."""
    if not actor_is_admin and actor != account_id:
        raise Forbidden("you may only record your own absences")


def require_capacity_admin(*, actor_is_admin: bool) -> None:
    """Workload schemes, holiday schemes and holidays are the site administrators'."""
    if not actor_is_admin:
        raise Forbidden("only site administrators manage workload and holiday schemes")


# Timesheet approvals (issue 9): people submit their own timesheets (admins for them); the
# reviewer or an admin approves or rejects, never the user themself; the submitter recalls.


@dataclass(frozen=True)
class Caller:
    """The person acting, and whether Jira says they administer the site."""

    account_id: str
    is_site_admin: bool = False


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


def team_leads_in_period(session: Session, user: str, period: Period) -> list[str]:
    """Leads of the teams ``user`` is a member of during ``period`` (by team id: stable)."""
    rows = session.execute(
        select(Team.lead_account_id)
        .join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamMembership.account_id == user, Team.lead_account_id.is_not(None),
               TeamMembership.from_date <= period.end,
               (TeamMembership.to_date.is_(None)) | (TeamMembership.to_date >= period.start))
        .order_by(TeamMembership.from_date, Team.id)).all()
    return [lead for (lead,) in rows]


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

    Issue 9's order: the lead of a team the user belongs to during the period, the lead of
    the account with most of their time in the period, then site admins — never the user.
    """
    ordered: list[str] = []
    for candidate in [*team_leads_in_period(session, user, period),
                      *account_leads_by_time(session, user, period), *sorted(site_admins)]:
        if candidate != user and candidate not in ordered:
            ordered.append(candidate)
    return ordered


def is_reviewer_of(session: Session, caller: Caller, author: str, period: Period) -> bool:
    """Whether the caller reviews ``author``'s time in ``period`` (named, a team lead or an
    account lead)."""
    if caller.account_id == author:
        return False
    named = session.scalar(select(TimesheetApproval.reviewer_account_id).where(
        TimesheetApproval.account_id == author, TimesheetApproval.period_from == period.start))
    return named == caller.account_id or caller.account_id in (
        *team_leads_in_period(session, author, period),
        *account_leads_by_time(session, author, period))


def may_correct_closed_period(session: Session, caller: Caller, author: str,
                              period: Period) -> bool:
    """CLOSED_FOR_USERS still lets admins and the author's reviewers correct entries."""
    return caller.is_site_admin or is_reviewer_of(session, caller, author, period)


# Client-shared reports (issue 9): site admins share any account's figures, an account's lead
# those of the accounts they lead; nobody else creates, lists or revokes links.


def share_accounts(session: Session, caller: Caller) -> frozenset[str] | None:
    """The accounts whose shares ``caller`` manages (None: every account)."""
    if caller.is_site_admin:
        return None
    return led_account_keys(session, session.tenant_id, caller.account_id)


def require_share_manager(session: Session, caller: Caller,
                          account_key: str | None = None) -> frozenset[str] | None:
    """Refuse (403) a caller who manages no shares, or not those of ``account_key``;
    returns what ``share_accounts`` says."""
    accounts = share_accounts(session, caller)
    if accounts is not None and (not accounts or (account_key is not None
                                                  and account_key not in accounts)):
        raise Forbidden("only site administrators and the account's lead share its figures")
    return accounts
