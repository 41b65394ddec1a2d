"""The worklog half of ``JiraModel``: create/update/delete with Jira's estimate rules, and feeds.

A mixin only to keep each module readable; it relies on ``JiraModel``'s ``lock``, ``tick``,
``issue`` and indexes. Jira keeps the issue in step with its worklogs: every worklog change bumps
the issue's ``updated``, adjusts its remaining estimate (``adjustEstimate``) and adds a changelog
entry (timespent, timeestimate, WorklogId) — so the fake does too.
"""

from __future__ import annotations

import bisect
import sys
from typing import TYPE_CHECKING
from typing import Any

from .entities import ChangeItem
from .entities import DeletedWorklog
from .entities import Issue
from .entities import Worklog
from .timefmt import parse_instant

if TYPE_CHECKING:
    from .model import JiraModel

ESTIMATE_MODES = ("auto", "leave", "new", "manual")


def adf_text(text: str) -> dict[str, Any]:
    """Wrap plain text in the Atlassian Document Format doc that REST v3 expects."""
    paragraph = {"type": "paragraph", "content": [{"type": "text", "text": text}]}
    return {"type": "doc", "version": 1, "content": [paragraph]}


class WorklogStore:
    """Worklog mutations and queries (mixed into ``JiraModel``)."""

    def add_worklog(
        self: JiraModel,
        issue: Issue | int | str,
        author_account_id: str,
        time_spent_seconds: int,
        *,
        started: int | str | None = None,
        comment: str | dict[str, Any] | None = None,
        adjust_estimate: str = "auto",
        estimate_seconds: int | None = None,
    ) -> Worklog:
        """Log work on an issue.

        ``started`` is epoch ms (UTC), Jira's ``yyyy-MM-dd'T'HH:mm:ss.SSSZ`` text (its offset is
        kept and echoed back), or None for now. ``adjust_estimate`` is Jira's query parameter:
        auto (reduce remaining by the time spent), leave, new (remaining := estimate_seconds)
        or manual (reduce remaining by estimate_seconds).
        """
        _check_adjustment(adjust_estimate, estimate_seconds)
        with self.lock:
            target = self.issue(issue)
            self.user(author_account_id)
            _check_spent(time_spent_seconds)
            now = self.tick()
            started_ms, offset = _started(started, now)
            worklog = Worklog(
                id=self._new_id("worklog"),
                issue_id=target.id,
                author_id=author_account_id,
                update_author_id=author_account_id,
                started=started_ms,
                started_offset_minutes=offset,
                time_spent_seconds=time_spent_seconds,
                comment=adf_text(comment) if isinstance(comment, str) else comment,
                created=now,
                updated=now,
            )
            self._insert_worklog(worklog)
            self._after_worklog_change(
                target, worklog, time_spent_seconds, adjust_estimate, estimate_seconds, now,
                worklog_id_to=str(worklog.id),
            )
            return worklog

    def _insert_worklog(self: JiraModel, worklog: Worklog) -> None:
        self.worklogs[worklog.id] = worklog
        self._worklogs_by_issue.setdefault(worklog.issue_id, []).append(worklog.id)
        self._worklog_feed.append((worklog.updated, worklog.id))

    def update_worklog(
        self: JiraModel,
        worklog_id: int | str,
        *,
        time_spent_seconds: int | None = None,
        started: int | str | None = None,
        comment: str | dict[str, Any] | None = None,
        update_author_account_id: str | None = None,
        adjust_estimate: str = "auto",
        estimate_seconds: int | None = None,
    ) -> Worklog:
        """Change a worklog; arguments left as None keep their value.

        With ``adjust_estimate="auto"`` the remaining estimate moves by the change in time spent;
        Jira does not offer ``manual`` here.
        """
        if adjust_estimate == "manual":
            raise ValueError("adjustEstimate=manual is not allowed when updating a worklog")
        _check_adjustment(adjust_estimate, estimate_seconds)
        with self.lock:
            worklog = self.worklog(worklog_id)
            issue = self.issues[worklog.issue_id]
            delta = 0
            if time_spent_seconds is not None:
                _check_spent(time_spent_seconds)
                delta = time_spent_seconds - worklog.time_spent_seconds
                worklog.time_spent_seconds = time_spent_seconds
            now = self.tick()
            if started is not None:
                worklog.started, worklog.started_offset_minutes = _started(started, now)
            if comment is not None:
                worklog.comment = adf_text(comment) if isinstance(comment, str) else comment
            if update_author_account_id is not None:
                worklog.update_author_id = self.user(update_author_account_id).account_id
            worklog.updated = now
            self._worklog_feed.append((now, worklog.id))
            self._after_worklog_change(issue, worklog, delta, adjust_estimate, estimate_seconds,
                                       now)
            return worklog

    def delete_worklog(
        self: JiraModel,
        worklog_id: int | str,
        *,
        adjust_estimate: str = "auto",
        estimate_seconds: int | None = None,
    ) -> Worklog:
        """Delete a worklog and leave a tombstone for ``/worklog/deleted``.

        ``auto`` gives the time back to the remaining estimate; ``manual`` adds estimate_seconds
        (Jira's ``increaseBy``).
        """
        _check_adjustment(adjust_estimate, estimate_seconds)
        with self.lock:
            worklog = self.worklog(worklog_id)
            issue = self.issues[worklog.issue_id]
            now = self.tick()
            del self.worklogs[worklog.id]
            self._worklogs_by_issue[issue.id].remove(worklog.id)
            self.deleted_worklogs.append(DeletedWorklog(worklog.id, now))
            manual = None if estimate_seconds is None else -estimate_seconds
            self._after_worklog_change(issue, worklog, -worklog.time_spent_seconds,
                                       adjust_estimate, manual, now,
                                       worklog_id_from=str(worklog.id))
            return worklog

    def _after_worklog_change(
        self: JiraModel,
        issue: Issue,
        worklog: Worklog,
        spent_delta: int,
        adjust_estimate: str,
        estimate_seconds: int | None,
        now: int,
        *,
        worklog_id_from: str | None = None,
        worklog_id_to: str | None = None,
    ) -> None:
        old_spent = (self.time_spent(issue.id) or 0) - spent_delta
        old_remaining = issue.remaining_estimate
        _reestimate(issue, adjust_estimate, spent_delta, estimate_seconds)
        items = [
            ChangeItem("timespent", "timespent", str(old_spent), str(old_spent),
                       str(old_spent + spent_delta), str(old_spent + spent_delta)),
            ChangeItem("WorklogId", "", worklog_id_from, worklog_id_from, worklog_id_to,
                       worklog_id_to),
        ]
        if old_remaining != issue.remaining_estimate:
            before, after = str(old_remaining), str(issue.remaining_estimate)
            items.append(ChangeItem("timeestimate", "timeestimate", before, before, after, after))
        self._stamp(issue, items, worklog.update_author_id, now)

    def worklog(self: JiraModel, worklog_id: int | str) -> Worklog:
        """Return the worklog or raise LookupError."""
        try:
            return self.worklogs[int(worklog_id)]
        except (KeyError, ValueError):
            raise LookupError(f"no worklog {worklog_id!r}") from None

    def issue_worklogs(self: JiraModel, issue_id: int) -> list[Worklog]:
        """The issue's worklogs in creation order (the order Jira pages them in)."""
        with self.lock:
            return [self.worklogs[i] for i in self._worklogs_by_issue.get(issue_id, ())]

    def time_spent(self: JiraModel, issue_id: int) -> int | None:
        """Seconds logged on the issue; None when nothing is logged, as Jira's ``timespent``."""
        total = sum(w.time_spent_seconds for w in self.issue_worklogs(issue_id))
        return total or None

    def set_worklog_property(self: JiraModel, worklog_id: int | str, key: str, value: Any) -> bool:
        """Store an entity property; True if it is new. Properties don't touch ``updated``."""
        with self.lock:
            worklog = self.worklog(worklog_id)
            if worklog.properties is None:
                worklog.properties = {}
            created = key not in worklog.properties
            worklog.properties[key] = value
            return created

    def worklogs_updated_since(
        self: JiraModel, since: int, until: int, limit: int
    ) -> list[Worklog]:
        """Live worklogs with since < updated <= until, oldest change first, at most ``limit``."""
        with self.lock:
            found: list[Worklog] = []
            start = bisect.bisect_right(self._worklog_feed, (since, sys.maxsize))
            for stamp, worklog_id in self._worklog_feed[start:]:
                if stamp > until or len(found) == limit:
                    break
                worklog = self.worklogs.get(worklog_id)
                if worklog is not None and worklog.updated == stamp:
                    found.append(worklog)
            return found

    def worklogs_deleted_since(
        self: JiraModel, since: int, until: int, limit: int
    ) -> list[DeletedWorklog]:
        """Tombstones with since < deleted <= until, oldest first, at most ``limit``."""
        with self.lock:
            start = bisect.bisect_right(self.deleted_worklogs, since, key=lambda d: d.deleted)
            window = self.deleted_worklogs[start : start + limit]
            return [d for d in window if d.deleted <= until]


def _check_spent(seconds: int) -> None:
    if not isinstance(seconds, int) or seconds <= 0:
        raise ValueError("timeSpentSeconds must be a positive integer")


def _started(started: int | str | None, now: int) -> tuple[int, int]:
    if started is None:
        return now - now % 60_000, 0
    if isinstance(started, str):
        return parse_instant(started)
    return started, 0


def _check_adjustment(mode: str, estimate_seconds: int | None) -> None:
    if mode not in ESTIMATE_MODES:
        raise ValueError(f"adjustEstimate must be one of {', '.join(ESTIMATE_MODES)}")
    if mode in ("new", "manual") and estimate_seconds is None:
        raise ValueError(f"adjustEstimate={mode} needs an estimate")


def _reestimate(issue: Issue, mode: str, spent_delta: int, estimate_seconds: int | None) -> None:
    """Apply Jira's ``adjustEstimate`` to the remaining estimate (never below zero)."""
    if mode == "leave":
        return
    if mode == "new":
        issue.remaining_estimate = estimate_seconds
        return
    if issue.remaining_estimate is None:
        return
    consumed = spent_delta if mode == "auto" else estimate_seconds
    issue.remaining_estimate = max(0, issue.remaining_estimate - (consumed or 0))
