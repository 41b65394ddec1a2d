"""The records the fake Jira stores: plain slots dataclasses, no behaviour.

Slots keep a seeded site of 10k issues and 100k worklogs small. Ids are integers here and become
strings only on the wire, as Jira's are. Instants are epoch milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any


class _Unset:
    """Marks "argument not given" where ``None`` is a meaningful value (e.g. remove the parent)."""


UNSET: Any = _Unset()


@dataclass(frozen=True, slots=True)
class IssueType:
    """A Jira issue type; ``hierarchy_level`` is 1 for epics, 0 for standard, -1 for subtasks."""

    id: str
    name: str
    hierarchy_level: int

    @property
    def subtask(self) -> bool:
        return self.hierarchy_level < 0


ISSUE_TYPES: dict[str, IssueType] = {
    t.name.lower(): t
    for t in (
        IssueType("10000", "Epic", 1),
        IssueType("10001", "Story", 0),
        IssueType("10002", "Task", 0),
        IssueType("10003", "Bug", 0),
        IssueType("10004", "Subtask", -1),
    )
}


@dataclass(slots=True)
class User:
    account_id: str
    display_name: str
    time_zone: str = "UTC"
    admin: bool = False
    active: bool = True
    account_type: str = "atlassian"
    # Project ids this user may browse (Browse Projects); None: every project, Jira's default
    # for a site whose permission schemes grant "Any logged in user".
    browsable: set[int] | None = None

    def may_browse(self, project_id: int) -> bool:
        return self.active and (self.browsable is None or project_id in self.browsable)


@dataclass(slots=True)
class Project:
    id: int
    key: str
    name: str
    lead_account_id: str | None
    updated: int


@dataclass(slots=True)
class Issue:
    id: int
    key: str
    project_id: int
    summary: str
    issue_type: IssueType
    status: str
    parent_id: int | None
    created: int
    updated: int
    original_estimate: int | None = None
    remaining_estimate: int | None = None
    custom_fields: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Worklog:
    id: int
    issue_id: int
    author_id: str
    update_author_id: str
    started: int
    started_offset_minutes: int
    time_spent_seconds: int
    comment: dict[str, Any] | None
    created: int
    updated: int
    # Entity properties; None until the first one is set, to keep 100k worklogs compact.
    properties: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class DeletedWorklog:
    worklog_id: int
    deleted: int


@dataclass(frozen=True, slots=True)
class ChangeItem:
    """One line of an issue changelog, in the shape Jira puts in ``changelog.items``."""

    field: str
    field_id: str
    from_id: str | None
    from_string: str | None
    to_id: str | None
    to_string: str | None
    field_type: str = "jira"


@dataclass(frozen=True, slots=True)
class ChangelogEntry:
    id: int
    author_id: str | None
    created: int
    items: tuple[ChangeItem, ...]


@dataclass(frozen=True, slots=True)
class CustomField:
    """An instance custom field; ``schema_type`` is Jira's schema type (number, string, option)."""

    id: str
    name: str
    schema_type: str


IssueRef = Issue | int | str
ProjectRef = Project | int | str
