"""The ports the domain uses to reach Jira: protocols and the one error, no HTTP.

The domain imports this module and nothing else of ``addon.jira``; ``addon.jira`` implements it
over Connect's signed sessions, and a second front (Forge, later) can implement it too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

ISSUE_FIELDS = ("summary", "issuetype", "project", "parent", "status", "timeoriginalestimate",
                "timeestimate", "updated")


class JiraUnavailable(RuntimeError):
    """Jira answered with an error we cannot act on (retry later)."""

    def __init__(self, status: int | None, message: str):
        super().__init__(f"Jira {status}: {message}" if status else message)
        self.status = status

    @classmethod
    def answered(cls, status: int, body: str) -> JiraUnavailable:
        """Jira's error answer, with enough of its body to tell what went wrong."""
        return cls(status, body[:300])


@dataclass(frozen=True)
class BrowseGrants:
    """What Jira grants one user: site administration, and the projects they may browse."""

    site_admin: bool
    project_ids: frozenset[str]


class JiraSource(Protocol):
    """Jira's reads, as the app. Methods raise ``JiraUnavailable`` on errors (404 → None)."""

    def issue(self, issue_id: str, fields: tuple[str, ...]) -> dict | None: ...
    def worklogs(self, ids: list[str]) -> list[dict]: ...
    def fields(self) -> list[dict]: ...
    def projects(self) -> Iterator[list[dict]]: ...
    def project(self, project_id: str) -> dict | None: ...
    def search_page(self, jql: str, fields: tuple[str, ...], token: str | None,
                    max_results: int | None = None) -> dict: ...
    def approximate_count(self, jql: str) -> int | None: ...
    def worklog_changes(self, kind: str, since_ms: int) -> dict: ...
    def issue_worklogs(self, issue_id: str) -> Iterator[list[dict]]: ...
    def is_site_admin(self, account_id: str) -> bool: ...
    def browse_grants(self, account_id: str, project_ids: list[str]) -> BrowseGrants: ...
    def site_admins(self) -> list[str]: ...


class WorklogWriter(Protocol):
    """Jira's worklog writes, as ``author`` (user impersonation) unless ``as_app``.

    Each call returns who Jira accepted it from, ``"user"`` or ``"app"`` (the writer falls back
    to the app when the author's grant is missing or refused), and raises ``JiraUnavailable``
    on any failure, including an answer it cannot read.
    """

    def save_worklog(self, issue_id: str, worklog_id: str | None, body: dict, *, author: str,
                     as_app: bool, params: dict | None = None) -> tuple[dict, str]: ...
    def delete_worklog(self, issue_id: str, worklog_id: str, *, author: str,
                       as_app: bool) -> str: ...
    def set_worklog_property(self, issue_id: str, worklog_id: str, key: str, value: dict, *,
                             author: str, as_app: bool) -> str: ...


class FieldOptions(Protocol):
    """The options of the app's own select field (the Account field)."""

    def options(self) -> list[dict]: ...
    def create(self, body: dict) -> dict: ...
    def update(self, option_id: str, body: dict) -> dict: ...
    def delete(self, option_id: str) -> bool: ...
