"""The issue half of ``JiraModel``: create, edit (with a changelog entry), move and delete.

A mixin only to keep each module readable; it relies on ``JiraModel``'s ``lock``, ``tick``,
``project`` and indexes. Edits record the changelog items Jira would (a parent change shows as
both ``IssueParentAssociation`` and ``Parent``), so ``issue_event_payload`` can send them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from .entities import ISSUE_TYPES
from .entities import UNSET
from .entities import ChangeItem
from .entities import ChangelogEntry
from .entities import Issue
from .entities import IssueRef
from .entities import Project
from .entities import ProjectRef

if TYPE_CHECKING:
    from .model import JiraModel


class IssueStore:
    """Issue mutations and lookups (mixed into ``JiraModel``)."""

    def add_issue(
        self: JiraModel,
        project: ProjectRef,
        summary: str = "An issue",
        *,
        issue_type: str = "Task",
        status: str = "To Do",
        parent: IssueRef | None = None,
        original_estimate: int | None = None,
        custom_fields: dict[str, Any] | None = None,
    ) -> Issue:
        """Create an issue (key ``<PROJECT>-<n>``); estimates are seconds, remaining = original."""
        with self.lock:
            target = self.project(project)
            kind = ISSUE_TYPES[issue_type.lower()]
            parent_issue = None if parent is None else self.issue(parent)
            self._check_parent(kind.hierarchy_level, parent_issue)
            now = self.tick()
            issue = Issue(
                id=self._new_id("issue"),
                key=self._next_key(target),
                project_id=target.id,
                summary=summary,
                issue_type=kind,
                status=status,
                parent_id=None if parent_issue is None else parent_issue.id,
                created=now,
                updated=now,
                original_estimate=original_estimate,
                remaining_estimate=original_estimate,
                custom_fields=dict(custom_fields or {}),
            )
            self._insert_issue(issue)
            return issue

    def _insert_issue(self: JiraModel, issue: Issue) -> None:
        self.issues[issue.id] = issue
        self._issue_keys[issue.key] = issue.id

    def _next_key(self: JiraModel, project: Project) -> str:
        self._issue_numbers[project.id] += 1
        return f"{project.key}-{self._issue_numbers[project.id]}"

    def _check_parent(self: JiraModel, level: int, parent: Issue | None) -> None:
        """Jira's hierarchy: subtask → standard issue → epic; epics have no parent here."""
        if parent is None:
            if level < 0:
                raise ValueError("a subtask needs a parent")
            return
        if parent.issue_type.hierarchy_level != level + 1:
            raise ValueError(f"{parent.issue_type.name} cannot be the parent of level {level}")

    def issue(self: JiraModel, ref: IssueRef) -> Issue:
        """Resolve an issue by record, id or key (old keys of moved issues too); LookupError."""
        found = self.find_issue(ref)
        if found is None:
            raise LookupError(f"no issue {ref!r}")
        return found

    def find_issue(self: JiraModel, ref: IssueRef) -> Issue | None:
        """Like ``issue`` but returns None, for REST lookups by ``{issueIdOrKey}``."""
        if isinstance(ref, Issue):
            return self.issues.get(ref.id)
        if isinstance(ref, int) or ref.isdigit():
            return self.issues.get(int(ref))
        issue_id = self._issue_keys.get(ref.upper())
        return None if issue_id is None else self.issues.get(issue_id)

    def update_issue(
        self: JiraModel,
        ref: IssueRef,
        *,
        summary: str | None = None,
        status: str | None = None,
        parent: Any = UNSET,
        project: ProjectRef | None = None,
        original_estimate: Any = UNSET,
        remaining_estimate: Any = UNSET,
        custom_fields: dict[str, Any] | None = None,
        author_account_id: str | None = None,
    ) -> Issue:
        """Edit an issue and record a changelog entry (see ``issue_event_payload``).

        ``parent=None`` removes the parent; ``project=`` moves the issue, which gets a new key
        while the old one keeps resolving; its subtasks move with it, as in Jira.
        """
        with self.lock:
            issue = self.issue(ref)
            items: list[ChangeItem] = []
            if summary is not None and summary != issue.summary:
                items.append(ChangeItem("summary", "summary", None, issue.summary, None, summary))
                issue.summary = summary
            if status is not None and status != issue.status:
                items.append(ChangeItem("status", "status", None, issue.status, None, status))
                issue.status = status
            if parent is not UNSET:
                items += self._reparent(issue, None if parent is None else self.issue(parent))
            if original_estimate is not UNSET:
                items.append(_seconds_change("timeoriginalestimate", issue.original_estimate,
                                             original_estimate))
                issue.original_estimate = original_estimate
            if remaining_estimate is not UNSET:
                items.append(_seconds_change("timeestimate", issue.remaining_estimate,
                                             remaining_estimate))
                issue.remaining_estimate = remaining_estimate
            items += self._set_custom_fields(issue, custom_fields or {})
            now = self.tick()
            if project is not None and self.project(project).id != issue.project_id:
                items += self._move(issue, self.project(project), now)
            self._stamp(issue, items, author_account_id, now)
            return issue

    def _reparent(self: JiraModel, issue: Issue, parent: Issue | None) -> list[ChangeItem]:
        """Set the parent; Jira logs it twice, as IssueParentAssociation and as Parent."""
        self._check_parent(issue.issue_type.hierarchy_level, parent)
        old = None if issue.parent_id is None else self.issues.get(issue.parent_id)
        issue.parent_id = None if parent is None else parent.id
        old_id, old_key = (None, None) if old is None else (str(old.id), old.key)
        new_id, new_key = (None, None) if parent is None else (str(parent.id), parent.key)
        return [
            ChangeItem("IssueParentAssociation", "", old_id, old_key, new_id, new_key),
            ChangeItem("Parent", "parent", old_id, old_key, new_id, new_key),
        ]

    def _set_custom_fields(
        self: JiraModel, issue: Issue, values: dict[str, Any]
    ) -> list[ChangeItem]:
        items = []
        for field_id, value in values.items():
            old = issue.custom_fields.get(field_id)
            if value is None:
                issue.custom_fields.pop(field_id, None)
            else:
                issue.custom_fields[field_id] = value
            definition = self.custom_fields.get(field_id)
            name = definition.name if definition else field_id
            items.append(ChangeItem(name, field_id, None, _text(old), None, _text(value), "custom"))
        return items

    def _move(self: JiraModel, issue: Issue, target: Project, now: int) -> list[ChangeItem]:
        source = self.projects[issue.project_id]
        old_key = issue.key
        issue.project_id = target.id
        issue.key = self._next_key(target)
        self._issue_keys[issue.key] = issue.id
        for child in [i for i in self.issues.values() if i.parent_id == issue.id]:
            if child.issue_type.subtask:
                child_items = self._move(child, target, now)
                self._stamp(child, child_items, None, now)
        return [
            ChangeItem("project", "project", str(source.id), source.name, str(target.id),
                       target.name),
            ChangeItem("Key", "issuekey", None, old_key, None, issue.key),
        ]

    def _stamp(
        self: JiraModel, issue: Issue, items: list[ChangeItem], author: str | None, now: int
    ) -> None:
        issue.updated = now
        if items:
            entry = ChangelogEntry(self._new_id("change"), author, now, tuple(items))
            self.changelogs.setdefault(issue.id, []).append(entry)

    def delete_issue(self: JiraModel, ref: IssueRef) -> Issue:
        """Delete an issue, its subtasks and their worklogs.

        Worklogs removed with their issue get no tombstone in ``/worklog/deleted`` — we model
        the pessimistic reading of Jira, so the app must handle ``jira:issue_deleted`` itself.
        """
        with self.lock:
            issue = self.issue(ref)
            for child in [i for i in self.issues.values() if i.parent_id == issue.id]:
                if child.issue_type.subtask:
                    self.delete_issue(child)
                else:
                    child.parent_id = None
                    self._stamp(child, [], None, self.tick())
            for worklog_id in self._worklogs_by_issue.pop(issue.id, []):
                del self.worklogs[worklog_id]
            del self.issues[issue.id]
            self._issue_keys = {k: v for k, v in self._issue_keys.items() if v != issue.id}
            self.changelogs.pop(issue.id, None)
            return issue


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _seconds_change(field_id: str, old: int | None, new: int | None) -> ChangeItem:
    return ChangeItem(field_id, field_id, _text(old), _text(old), _text(new), _text(new))
