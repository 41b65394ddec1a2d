"""The in-memory state of one fake Jira site, and the helpers tests use to shape it.

Every mutation takes ``lock`` (the REST routes run on server threads while a test mutates the model
from the main thread) and stamps the changed records with ``tick()``: a clock that never repeats
and never goes backwards, so "updated since" feeds and JQL date filters are exact.

Issue and worklog mutations live in ``IssueStore`` (issue_store.py) and ``WorklogStore``
(worklog_store.py); this module holds users, fields, projects and the bookkeeping they share.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

from . import payloads
from .entities import UNSET
from .entities import ChangelogEntry
from .entities import CustomField
from .entities import DeletedWorklog
from .entities import Issue
from .entities import Project
from .entities import ProjectRef
from .entities import User
from .entities import Worklog
from .issue_store import IssueStore
from .seeding import Seeded
from .seeding import seed
from .timefmt import now_ms
from .worklog_store import WorklogStore


class JiraModel(IssueStore, WorklogStore):
    """Users, projects, issues, worklogs and their indexes for one site."""

    def __init__(self, base_url: str, *, clock: Callable[[], int] = now_ms) -> None:
        self.base_url = base_url
        self.lock = threading.RLock()
        self.users: dict[str, User] = {}
        self.projects: dict[int, Project] = {}
        self.issues: dict[int, Issue] = {}
        self.worklogs: dict[int, Worklog] = {}
        self.deleted_worklogs: list[DeletedWorklog] = []
        self.custom_fields: dict[str, CustomField] = {}
        self.changelogs: dict[int, list[ChangelogEntry]] = {}
        self._clock = clock
        self._last_tick = 0
        self._last_ids = {"project": 9999, "issue": 9999, "worklog": 9999, "change": 9999}
        self._next_custom_field = 10000
        self._project_keys: dict[str, int] = {}
        # Issue keys, including the old keys of moved issues: Jira keeps resolving those.
        self._issue_keys: dict[str, int] = {}
        self._issue_numbers: dict[int, int] = {}
        self._worklogs_by_issue: dict[int, list[int]] = {}
        # (updated, worklog id) in stamp order; superseded entries are skipped on read.
        self._worklog_feed: list[tuple[int, int]] = []

    # -- bookkeeping -------------------------------------------------------------------------

    def tick(self) -> int:
        """Return a fresh timestamp, strictly greater than every one handed out before."""
        with self.lock:
            self._last_tick = max(self._clock(), self._last_tick + 1)
            return self._last_tick

    def now(self) -> int:
        """The model's time in epoch ms: the clock, or the last stamp if ticks ran ahead of it.

        Many mutations within one millisecond push stamps past the wall clock; feeds cut off
        at ``now()`` so they never miss those, and every later stamp is still greater.
        """
        return max(self._clock(), self._last_tick)

    def _new_id(self, kind: str) -> int:
        self._last_ids[kind] += 1
        return self._last_ids[kind]

    # -- users -------------------------------------------------------------------------------

    def add_user(
        self,
        display_name: str,
        *,
        account_id: str | None = None,
        time_zone: str = "UTC",
        admin: bool = False,
        active: bool = True,
        account_type: str = "atlassian",
    ) -> User:
        """Create a user; account ids look like Atlassian's ``712020:<uuid>`` unless given."""
        with self.lock:
            user = User(
                account_id=account_id or f"712020:{uuid.uuid4()}",
                display_name=display_name,
                time_zone=time_zone,
                admin=admin,
                active=active,
                account_type=account_type,
            )
            self.users[user.account_id] = user
            return user

    def user(self, account_id: str) -> User:
        """Return the user or raise LookupError."""
        try:
            return self.users[account_id]
        except KeyError:
            raise LookupError(f"no user {account_id!r}") from None

    def restrict_browsing(self, user: User, projects: list[ProjectRef] | None) -> None:
        """Let ``user`` browse only ``projects`` (None: every project again)."""
        with self.lock:
            user.browsable = None if projects is None else {
                self.project(ref).id for ref in projects}

    # -- custom fields -----------------------------------------------------------------------

    def add_custom_field(self, name: str, schema_type: str = "number") -> CustomField:
        """Define an instance custom field (``customfield_100NN``) listed by /rest/api/3/field."""
        with self.lock:
            custom = CustomField(f"customfield_{self._next_custom_field}", name, schema_type)
            self._next_custom_field += 1
            self.custom_fields[custom.id] = custom
            return custom

    # -- projects ----------------------------------------------------------------------------

    def add_project(
        self, key: str, name: str | None = None, *, lead_account_id: str | None = None
    ) -> Project:
        """Create a project; the key must be new (Jira keys are unique per site)."""
        with self.lock:
            if key in self._project_keys:
                raise ValueError(f"project key {key!r} exists")
            project = Project(
                self._new_id("project"), key, name or f"Project {key}", lead_account_id,
                self.tick(),
            )
            self.projects[project.id] = project
            self._project_keys[key] = project.id
            self._issue_numbers[project.id] = 0
            return project

    def project(self, ref: ProjectRef) -> Project:
        """Resolve a project by record, id or key; LookupError if unknown."""
        found = self.find_project(ref)
        if found is None:
            raise LookupError(f"no project {ref!r}")
        return found

    def find_project(self, ref: ProjectRef) -> Project | None:
        """Like ``project`` but returns None, for REST lookups by ``{projectIdOrKey}``."""
        if isinstance(ref, Project):
            return self.projects.get(ref.id)
        if isinstance(ref, int) or ref.isdigit():
            return self.projects.get(int(ref))
        project_id = self._project_keys.get(ref.upper())
        return None if project_id is None else self.projects.get(project_id)

    def update_project(
        self, ref: ProjectRef, *, name: str | None = None, lead_account_id: Any = UNSET
    ) -> Project:
        """Rename a project or change its lead."""
        with self.lock:
            project = self.project(ref)
            if name is not None:
                project.name = name
            if lead_account_id is not UNSET:
                project.lead_account_id = lead_account_id
            project.updated = self.tick()
            return project

    def delete_project(self, ref: ProjectRef) -> Project:
        """Delete a project with all its issues (and, through them, their worklogs)."""
        with self.lock:
            project = self.project(ref)
            for issue in [i for i in self.issues.values() if i.project_id == project.id]:
                if issue.id in self.issues:
                    self.delete_issue(issue)
            del self.projects[project.id]
            del self._project_keys[project.key]
            return project

    # -- issues ------------------------------------------------------------------------------

    def issues_in_order(self) -> list[Issue]:
        """A snapshot of all issues, by id (for searches that filter and sort themselves)."""
        with self.lock:
            return list(self.issues.values())

    # -- webhook payloads (shapes per PROTOCOL.md) -------------------------------------------

    def issue_event_payload(
        self, issue: Issue, event: str, *, user_account_id: str | None = None
    ) -> dict[str, Any]:
        """The body of ``jira:issue_created|updated|deleted``; updates carry the last changelog."""
        with self.lock:
            return payloads.issue_event(self, issue, event, user_account_id)

    def worklog_event_payload(self, worklog: Worklog, event: str) -> dict[str, Any]:
        """The body of ``worklog_created|updated|deleted`` (no issue fields, as in Jira)."""
        with self.lock:
            return payloads.worklog_event(self, worklog, event)

    def project_event_payload(self, project: Project, event: str) -> dict[str, Any]:
        """The body of ``project_created|updated|deleted``."""
        with self.lock:
            return payloads.project_event(self, project, event)

    def seed(self, **counts: Any) -> Seeded:
        """Bulk-create users, projects, issues and worklogs; see ``seeding.seed`` for arguments."""
        return seed(self, **counts)
