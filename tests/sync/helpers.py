"""Shared pieces of the sync proofs: what Jira would send, and "is the copy equal to Jira?".

``JiraRecorder`` turns mutations of a fake site's model into the webhooks Jira sends for them by
diffing the model before and after each change, so a test cannot forget an event (e.g. for the
subtasks a move drags along). ``fake_state`` and ``app_state`` project both sides onto the fields
the app mirrors, and ``assert_converged`` compares them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select

from addon import create_app
from addon.db import EXTENSION_KEY as DB_KEY
from addon.models import InboxEvent
from addon.models import JiraIssue
from addon.models import JiraProject
from addon.models import JiraWorklog
from tests.conftest import app_config
from tests.live_server import LiveServer


@dataclass(frozen=True)
class Webhook:
    event: str
    payload: dict


@dataclass(frozen=True)
class Mirror:
    """The synced fields of one site, jira id → tuple, for projects, issues and worklogs."""

    projects: dict[str, tuple]
    issues: dict[str, tuple]
    worklogs: dict[str, tuple]


def _versions(records) -> dict[int, tuple]:
    return {record.id: (record, record.updated) for record in records}


class JiraRecorder:
    """Collects the webhooks a site's changes produce; call ``flush()`` after each change.

    As Jira does: ``issue_deleted`` for every issue a delete removes (subtasks, and the issues of
    a deleted project, too — the optimistic reading) but no ``worklog_deleted`` for the
    worklogs removed with them, and ``issue_updated`` for every issue whose ``updated`` moved
    (worklog changes, subtasks moved with their parent, children unlinked from a deleted epic).
    """

    def __init__(self, model):
        self.model = model
        self.webhooks: list[Webhook] = []
        self._before = self._snapshot()

    def _snapshot(self) -> tuple[dict, dict, dict]:
        with self.model.lock:
            return (_versions(self.model.projects.values()), _versions(self.model.issues.values()),
                    _versions(self.model.worklogs.values()))

    def flush(self) -> None:
        """Record the webhooks for everything that changed since the last flush."""
        now = self._snapshot()
        payloads = (self.model.project_event_payload, self.model.issue_event_payload,
                    self.model.worklog_event_payload)
        for kind, payload, old, new in zip(_KINDS, payloads, self._before, now, strict=True):
            for record, event in _changes(kind, old, new, live_issues=now[1]):
                self.webhooks.append(Webhook(event, payload(record, event)))
        self._before = now


_KINDS = ("project", "jira:issue", "worklog")


def _changes(kind: str, old: dict, new: dict, *, live_issues: dict):
    """(record, event) for each created, updated or deleted entity of one kind."""
    for entity_id, (record, version) in new.items():
        if entity_id not in old:
            yield record, f"{kind}_created"
        elif old[entity_id][1] != version:
            yield record, f"{kind}_updated"
    for entity_id, (record, _) in old.items():
        gone_with_issue = kind == "worklog" and record.issue_id not in live_issues
        if entity_id not in new and not gone_with_issue:
            yield record, f"{kind}_deleted"


def _utc(epoch_ms: int) -> datetime:
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)


def fake_state(model) -> Mirror:
    """What the app's copy must hold: the fake site's live projects, issues and worklogs."""
    with model.lock:
        return Mirror(
            projects={str(p.id): (p.key, p.name) for p in model.projects.values()},
            issues={str(i.id): (i.key, str(i.project_id),
                                None if i.parent_id is None else str(i.parent_id), i.summary)
                    for i in model.issues.values()},
            worklogs={str(w.id): (str(w.issue_id), w.author_id, w.time_spent_seconds,
                                  _utc(w.started))
                      for w in model.worklogs.values()},
        )


def app_state(session) -> Mirror:
    """The app's non-deleted copy for the session's tenant, in ``fake_state``'s shape."""
    def live(model):
        return session.scalars(select(model).where(model.deleted_at.is_(None)))

    return Mirror(
        projects={p.jira_id: (p.key, p.name) for p in live(JiraProject)},
        issues={i.jira_id: (i.key, i.project_jira_id, i.parent_jira_id, i.summary)
                for i in live(JiraIssue)},
        worklogs={w.jira_id: (w.issue_jira_id, w.author_account_id, w.time_spent_seconds,
                              w.started_at)
                  for w in live(JiraWorklog)},
    )


def assert_converged(session, model) -> None:
    """The copy equals Jira, field by field, with no row stored twice."""
    expected, actual = fake_state(model), app_state(session)
    assert actual.projects == expected.projects
    assert actual.issues == expected.issues
    assert actual.worklogs == expected.worklogs
    for table in (JiraProject, JiraIssue, JiraWorklog):
        rows, ids = session.execute(
            select(func.count(table.id), func.count(table.jira_id.distinct()))).one()
        assert rows == ids, f"{table.__tablename__} holds a jira id twice"


def inbox_statuses(session) -> dict[str, int]:
    """How many inbox events of the session's tenant are in each status."""
    return dict(session.execute(
        select(InboxEvent.status, func.count(InboxEvent.id)).group_by(InboxEvent.status)).all())


@contextmanager
def private_app(backend, atlassian_cloud, **overrides) -> Iterator[LiveServer]:
    """A second app on its own port, sharing the test database (e.g. with its own Redis or
    queue prefix), trusting the fake cloud's install keys like the ``live_app`` fixture."""
    server = LiveServer()
    app = create_app(app_config(backend, base_url=server.url,
                                connect_install_keys_url=atlassian_cloud.keys_url,
                                atlassian_oauth_url=atlassian_cloud.oauth_url, **overrides))
    server.start(app)
    try:
        yield server
    finally:
        server.stop()
        app.extensions[DB_KEY].dispose()
