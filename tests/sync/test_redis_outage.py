"""Redis down while Jira delivers webhooks: every delivery is still acknowledged and stored, and
once Redis is back the periodic sweep queues the drain that applies them all.

The app under test gets a private ``redis-server`` (so stopping it cannot disturb the rest of
the suite) and its own queue prefix; the database is the suite's.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from rq import SimpleWorker

from addon.db import EXTENSION_KEY as DB_KEY
from addon.jobs import EXTENSION_KEY as JOBS_KEY
from addon.jobs import QUEUE_NAMES
from tests.world import tenant_id_of
from worker.jobs.sync import sweep_inbox

from .helpers import JiraRecorder
from .helpers import Webhook
from .helpers import assert_converged
from .helpers import inbox_statuses
from .helpers import private_app

REDIS_SERVER = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A throwaway ``redis-server`` that can be stopped and restarted on the same port."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None


@contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis(_free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _some_changes(model) -> list[Webhook]:
    """Projects, issues and worklogs created and edited, as the webhooks Jira sends for them."""
    recorder = JiraRecorder(model)
    user = model.add_user("Ada")
    for n in range(3):
        issue = model.add_issue(model.add_project(f"OUT{n}"), f"Issue {n}")
        recorder.flush()
        for hours in (1, 2):
            worklog = model.add_worklog(issue, user.account_id, 3600 * hours)
            recorder.flush()
        model.update_worklog(worklog.id, time_spent_seconds=900)
        model.update_issue(issue, summary=f"Issue {n}, renamed")
        recorder.flush()
    return recorder.webhooks


def test_webhooks_are_accepted_while_redis_is_down_and_applied_after(
        backend, atlassian_cloud, jira_site, database):
    """Each delivery during the outage is acknowledged and stored as pending; after Redis is
    back, one sweep queues the drain that applies them all. (``database`` is requested so the
    shared tables are emptied afterwards.)"""
    with private_redis() as broker, private_app(
            backend, atlassian_cloud, redis_url=broker.url,
            queue_prefix=f"outage-{uuid.uuid4().hex[:8]}:") as server:
        app = server.app
        site = jira_site("outage")
        assert site.install(server.url).status_code == 204
        model = site.model
        webhooks = _some_changes(model)
        jobs = app.extensions[JOBS_KEY]
        broker.stop()
        with pytest.raises(redis.ConnectionError):
            jobs.redis.ping()

        for hook in webhooks:
            response = site.send_webhook(hook.event, hook.payload)
            assert response.status_code == 204, response.text
        app_db = app.extensions[DB_KEY]
        tenant_id = tenant_id_of(app, site)
        with app_db.transaction(tenant_id=tenant_id) as session:
            assert inbox_statuses(session) == {"pending": len(webhooks)}

        broker.start()
        with app.app_context():
            assert sweep_inbox() == [tenant_id]
            SimpleWorker([jobs.queue(name) for name in QUEUE_NAMES],
                         connection=jobs.redis).work(burst=True)
        with app_db.transaction(tenant_id=tenant_id) as session:
            assert inbox_statuses(session) == {"done": len(webhooks)}
            assert_converged(session, model)
