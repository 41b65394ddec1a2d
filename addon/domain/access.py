"""Who may do what. Every permission rule of the app lives here; HTTP layers only ask.

Jira is the authority on site administration: ``SiteAdminCache`` asks it (the ``JiraSource``
port is an ``AdminDirectory``) and remembers the answer briefly, so a page full of admin calls
does not ask again and again, and a revoked admin loses access within the cache's ttl.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Team
from ..models import TeamMembership
from .account_rules import account_by_key
from .errors import Forbidden

ADMIN_CACHE_SECONDS = 120


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
