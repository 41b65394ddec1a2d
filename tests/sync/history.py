"""Random Jira histories for the convergence properties: strategies and the player.

An operation names its targets by position (modulo what exists when it runs), so every drawn
history is playable and shrinks well; one with nothing to act on is a no-op. ``History`` records
the webhooks Jira would send for each change through ``JiraRecorder``. Moving a worklog to
another issue is not among the operations: the fake Jira has no such call.
"""

from __future__ import annotations

from hypothesis import strategies as st

from tests.fakejira.timefmt import format_instant

from .helpers import JiraRecorder
from .helpers import Webhook

MAX_PROJECTS = 3
START_MS = 1_790_000_000_000  # September 2026
OFFSETS = (0, 330, -300, 60, -480)  # minutes: authors on different wall clocks

index = st.integers(0, 9)
texts = st.text(alphabet="abc XYZ äß€日本", max_size=12)
started = st.builds(lambda ms, offset: format_instant(START_MS + ms, offset),
                    st.integers(0, 60 * 86_400_000), st.sampled_from(OFFSETS))
seconds = st.integers(60, 8 * 3600)
add_issue = st.tuples(st.just("add_issue"), st.sampled_from(("Task", "Epic", "Story", "Subtask")),
                      index, st.none() | index, texts)
log = st.tuples(st.just("log"), index, index, seconds, started)
# Creations are listed more than once so histories build something worth editing.
OPERATIONS = st.one_of(
    add_issue, add_issue, add_issue, log, log,
    st.tuples(st.just("add_project")),
    st.tuples(st.just("rename_project"), index, texts),
    st.tuples(st.just("delete_project"), index),
    st.tuples(st.just("summary"), index, texts),
    st.tuples(st.just("reparent"), index, st.none() | index),
    st.tuples(st.just("move"), index, index),
    st.tuples(st.just("delete_issue"), index),
    st.tuples(st.just("relog"), index, st.none() | seconds, st.none() | started),
    st.tuples(st.just("unlog"), index),
)
HISTORIES = st.lists(OPERATIONS, min_size=5, max_size=40)


def _pick(items: list, position: int | None):
    return items[position % len(items)] if items and position is not None else None


class History:
    """Plays abstract operations on a fake site; an operation with no valid target is a no-op."""

    def __init__(self, model):
        self.model = model
        self.users = [model.add_user(f"Dev {n}", time_zone="Asia/Kolkata") for n in range(3)]
        self.recorder = JiraRecorder(model)
        self.projects_made = 0
        self._starting_point()

    def _starting_point(self) -> None:
        """Something to edit from the first operation on (recorded like any other change)."""
        model = self.model
        project = model.add_project("P0")
        epic = model.add_issue(project, "Epic", issue_type="Epic")
        story = model.add_issue(project, "Story", issue_type="Story", parent=epic)
        task = model.add_issue(project, "Task")
        subtask = model.add_issue(project, "Subtask", issue_type="Subtask", parent=story)
        for n, issue in enumerate((story, task, subtask)):
            model.add_worklog(issue, self.users[n].account_id, 1800 * (n + 1),
                              started=format_instant(START_MS, OFFSETS[n]))
        self.recorder.flush()

    def play(self, operations) -> list[Webhook]:
        for name, *args in operations:
            getattr(self, name)(*args)
            self.recorder.flush()
        return self.recorder.webhooks

    def _issues(self, *levels: int) -> list:
        issues = sorted(self.model.issues.values(), key=lambda i: i.id)
        return [i for i in issues if not levels or i.issue_type.hierarchy_level in levels]

    def _projects(self) -> list:
        return sorted(self.model.projects.values(), key=lambda p: p.id)

    def add_project(self) -> None:
        if len(self.model.projects) < MAX_PROJECTS:
            self.projects_made += 1
            self.model.add_project(f"P{self.projects_made}")

    def rename_project(self, position: int, name: str) -> None:
        self.model.update_project(_pick(self._projects(), position), name=name or "Renamed")

    def delete_project(self, position: int) -> None:
        """Delete a project with its issues (Jira sends issue_deleted for each of them)."""
        if len(self.model.projects) > 1:
            self.model.delete_project(_pick(self._projects(), position))

    def add_issue(self, kind: str, project: int, parent: int | None, summary: str) -> None:
        parents = {"Epic": [], "Subtask": self._issues(0)}.get(kind, self._issues(1))
        chosen = _pick(parents, parent)
        if kind == "Subtask" and chosen is None:
            return
        self.model.add_issue(chosen.project_id if kind == "Subtask" else
                             _pick(self._projects(), project), summary, issue_type=kind,
                             parent=chosen)

    def summary(self, position: int, text: str) -> None:
        issue = _pick(self._issues(), position)
        if issue is not None:
            self.model.update_issue(issue, summary=text)

    def reparent(self, position: int, parent: int | None) -> None:
        """Move a story/task between epics (or out), or a subtask to another standard issue."""
        issue = _pick(self._issues(0, -1), position)
        if issue is None:
            return
        if issue.issue_type.subtask:
            new_parent = _pick(self._issues(0), parent)
            if new_parent is not None:
                self.model.update_issue(issue, parent=new_parent)
        else:
            self.model.update_issue(issue, parent=_pick(self._issues(1), parent))

    def move(self, position: int, project: int) -> None:
        """Move an issue (and its subtasks) to another project: the key changes."""
        issue = _pick(self._issues(0, 1), position)
        if issue is not None:
            self.model.update_issue(issue, project=_pick(self._projects(), project))

    def delete_issue(self, position: int) -> None:
        issue = _pick(self._issues(), position)
        if issue is not None:
            self.model.delete_issue(issue)

    def log(self, position: int, author: int, spent: int, start: str) -> None:
        issue = _pick(self._issues(), position)
        if issue is not None:
            self.model.add_worklog(issue, _pick(self.users, author).account_id, spent,
                                   started=start)

    def relog(self, position: int, spent: int | None, start: str | None) -> None:
        worklog = _pick(sorted(self.model.worklogs), position)
        if worklog is not None:
            self.model.update_worklog(worklog, time_spent_seconds=spent, started=start)

    def unlog(self, position: int) -> None:
        worklog = _pick(sorted(self.model.worklogs), position)
        if worklog is not None:
            self.model.delete_worklog(worklog)
