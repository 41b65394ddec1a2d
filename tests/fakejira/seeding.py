"""Bulk data for load-shaped tests: 10k issues and 100k worklogs in well under a second.

Seeding builds records directly under one lock instead of calling the mutation helpers (which
validate, tick and write changelogs one by one). The data is deterministic and spread over the
past ``span_days`` with distinct, increasing timestamps, so JQL date filters and the worklog
feeds page through it exactly as through data written one change at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .entities import ISSUE_TYPES
from .entities import Issue
from .entities import Project
from .entities import User
from .entities import Worklog

if TYPE_CHECKING:
    from .model import JiraModel

_DAY_MS = 86_400_000
_HOUR_S = 3600


@dataclass(slots=True)
class Seeded:
    """What ``seed`` created; worklogs are only counted (reach them through the model)."""

    users: list[User]
    projects: list[Project]
    issues: list[Issue]
    worklog_count: int


def seed(
    model: JiraModel,
    *,
    projects: int = 2,
    issues_per_project: int = 50,
    worklogs_per_issue: int = 2,
    users: int = 5,
    epic_every: int = 10,
    span_days: int = 90,
) -> Seeded:
    """Create ``users`` users and ``projects`` projects (keys SA, SB, …) full of issues.

    In each project every ``epic_every``-th issue is an Epic; the others alternate Story/Task,
    two in three under the latest epic, each with an original estimate. Every issue gets
    ``worklogs_per_issue`` worklogs by rotating authors, and its remaining estimate is reduced
    by them as Jira's ``adjustEstimate=auto`` would.
    """
    people = [model.add_user(f"Seed User {n + 1}") for n in range(users)]
    total = projects * (1 + issues_per_project * (1 + worklogs_per_issue))
    with model.lock:
        now = model._clock()
        start = max(model._last_tick + 1, now - span_days * _DAY_MS)
        step = max(1, (now - start) // max(total, 1))
        stamps = iter(range(start, start + step * (total + 1), step))
        made_projects = []
        made_issues = []
        worklog_count = 0
        for index in range(projects):
            project = _seed_project(model, _free_key(model, index), next(stamps))
            made_projects.append(project)
            epic: Issue | None = None
            for number in range(issues_per_project):
                issue = _seed_issue(model, project, number, epic_every, epic, next(stamps))
                made_issues.append(issue)
                if issue.issue_type.hierarchy_level == 1:
                    epic = issue
                for k in range(worklogs_per_issue):
                    author = people[(number + k) % len(people)].account_id
                    spent = ((number + k) % 8 + 1) * 1800
                    _seed_worklog(model, issue, author, spent, next(stamps))
                worklog_count += worklogs_per_issue
        model._last_tick = max(model._last_tick, next(stamps))
    return Seeded(people, made_projects, made_issues, worklog_count)


def _free_key(model: JiraModel, index: int) -> str:
    """The index-th unused key of the form S<letters>: SA … SZ, SBA, …"""
    while True:
        letters = ""
        n = index
        while True:
            n, digit = divmod(n, 26)
            letters = chr(ord("A") + digit) + letters
            if n == 0:
                break
        key = f"S{letters}"
        if key not in model._project_keys:
            return key
        index += 1


def _seed_project(model: JiraModel, key: str, stamp: int) -> Project:
    project = Project(model._new_id("project"), key, f"Seeded {key}", None, stamp)
    model.projects[project.id] = project
    model._project_keys[key] = project.id
    model._issue_numbers[project.id] = 0
    return project


def _seed_issue(
    model: JiraModel, project: Project, number: int, epic_every: int, epic: Issue | None,
    stamp: int,
) -> Issue:
    is_epic = number % epic_every == 0
    kind = ISSUE_TYPES["epic" if is_epic else ("story" if number % 2 else "task")]
    estimate = None if is_epic else (number % 8 + 1) * _HOUR_S
    parent = None if is_epic or epic is None or number % 3 == 0 else epic.id
    issue = Issue(
        id=model._new_id("issue"),
        key=model._next_key(project),
        project_id=project.id,
        summary=f"{kind.name} {number + 1} of {project.key}",
        issue_type=kind,
        status=("To Do", "In Progress", "Done")[number % 3],
        parent_id=parent,
        created=stamp,
        updated=stamp,
        original_estimate=estimate,
        remaining_estimate=estimate,
    )
    model._insert_issue(issue)
    return issue


def _seed_worklog(model: JiraModel, issue: Issue, author: str, spent: int, stamp: int) -> None:
    started = stamp - stamp % 60_000 - _HOUR_S * 1000
    model._insert_worklog(
        Worklog(model._new_id("worklog"), issue.id, author, author, started, 0, spent, None,
                stamp, stamp)
    )
    issue.updated = stamp
    if issue.remaining_estimate is not None:
        issue.remaining_estimate = max(0, issue.remaining_estimate - spent)
