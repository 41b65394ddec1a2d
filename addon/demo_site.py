"""``ledgerline demo-site`` (``make run``, dev mode only): the demo tenant on a Jira that answers.

It starts the test suite's fake Jira (``tests/fakejira``: one fake, not two) from the source
checkout, serves the app, lets the fake install the app the way Jira does (a signed
``installed`` callback), runs the backfill that copies the fake's projects, issues and
worklogs, configures accounts and the work type, and logs a month of time for three people
through the app's write path, pushed to the fake Jira like any other worklog. Afterwards the
demo panel's worklogs reach "synced", and an edit made "in Jira" (the ``/dev`` button) comes
back by webhook. The demo tenant is rebuilt on each start: the fake keeps its data in memory.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import threading
from datetime import date
from datetime import datetime
from pathlib import Path

from flask import Flask
from werkzeug.serving import make_server

from connect import get_connect

from . import create_app
from .db import get_database
from .dev import DEMO_JIRA_KEY
from .dev import DEV_CONTEXT_KEY
from .domain.demo import DEMO_ACCOUNT_ID
from .domain.demo import WORK_TYPE
from .domain.demo import seed_demo_setup
from .domain.demo import synced_keys
from .domain.errors import DomainError
from .domain.policy import load_policy
from .domain.tenants import DEMO_CLIENT_KEY
from .domain.tenants import forget_tenant
from .domain.worklog_push import push
from .domain.worklogs import WorklogInput
from .domain.worklogs import create_worklog
from .jira import app_source
from .jira.worklog_writer import JiraWorklogWriter
from .jobs import BACKFILL_JOB
from .jobs import get_jobs
from .models.base import utcnow

log = logging.getLogger(__name__)
CHECKOUT = Path(__file__).resolve().parents[1]


class DemoSiteError(RuntimeError):
    """The demo site could not start (no source checkout, or the install was refused)."""


def load_fake_jira():
    """``tests.fakejira.demo`` from the source checkout (``tests`` is not an installed package)."""
    if not (CHECKOUT / "tests" / "fakejira" / "demo.py").is_file():
        raise DemoSiteError(f"the demo Jira lives in the source checkout's tests/fakejira; "
                            f"none next to {CHECKOUT / 'addon'}")
    if str(CHECKOUT) not in sys.path:
        sys.path.insert(0, str(CHECKOUT))
    try:
        return importlib.import_module("tests.fakejira.demo")
    except ImportError as exc:  # the fake's own needs come with the test extras
        raise DemoSiteError(f"the demo Jira needs the test extras "
                            f"(pip install -e '.[test]'): {exc}") from None


class DemoSiteServer:
    """The fake Jira, the app built to trust it, and the app's HTTP server."""

    def __init__(self, *, host: str, port: int, today: date):
        self.today = today
        self.fake = load_fake_jira()
        self.jira = self.fake.start_demo_jira(DEMO_CLIENT_KEY, today=today)
        self.base_url = os.environ.get("BASE_URL") or f"http://localhost:{port}"
        self.app: Flask = create_app({
            "base_url": self.base_url, "dev_mode": True,
            "connect_install_keys_url": self.jira.cloud.keys_url,
            "atlassian_oauth_url": self.jira.cloud.oauth_url,
            "backfill_on_install": False})  # started below, once, before the month is logged
        self.server = make_server(host, port, self.app, threaded=True)

    def start(self) -> None:
        """Serve, install into the fake Jira, copy it, and log the month. Returns when ready."""
        threading.Thread(target=self.server.serve_forever, daemon=True,
                         name="demo-site-http").start()
        with self.app.app_context():
            with get_database().transaction(all_tenants=True) as session:
                forget_tenant(session, DEMO_CLIENT_KEY)  # the fake Jira starts empty each time
            response = self.jira.install(self.base_url)
            if not response.ok:
                raise DemoSiteError(f"the demo Jira's install was refused: "
                                    f"{response.status_code} {response.text[:300]}")
            tenant = self.app.extensions["ledgerline.tenants"].find(DEMO_CLIENT_KEY)
            self._configure(tenant)  # first, so the backfill adopts Jira's own worklogs with it
            get_jobs().enqueue(BACKFILL_JOB, tenant.tenant_id, queue="sync")
            logged = self._log_month(tenant)
        self.app.extensions[DEMO_JIRA_KEY] = self.jira  # /dev shows the demo Jira: ready
        log.info("demo site ready", extra={"worklogs": logged, "jira": self.jira.url})

    def _configure(self, tenant) -> None:
        """Accounts linked to the fake's projects, and the work type; the /dev page's ids."""
        projects = self.jira.project_ids()
        with get_database().transaction(tenant_id=tenant.tenant_id) as session:
            seed_demo_setup(session, project_ids=projects, lead=DEMO_ACCOUNT_ID)
        story = self.jira.issues["ACME-2"]
        self.app.extensions[DEV_CONTEXT_KEY] = {
            "issue.key": story.key, "issue.id": str(story.id), "project.key": "ACME",
            "project.id": projects["ACME"], "user.accountId": DEMO_ACCOUNT_ID}

    def _log_month(self, tenant) -> int:
        """Each planned worklog through the app's write path, then pushed to the fake Jira."""
        connect = get_connect(self.app)
        writer, source = JiraWorklogWriter(connect, tenant), app_source(connect, tenant)
        with get_database().transaction(tenant_id=tenant.tenant_id) as session:
            _, issues = synced_keys(session)
        logged = 0
        for entry in self.fake.month_plan(self.today):
            with get_database().transaction(tenant_id=tenant.tenant_id) as session:
                try:
                    worklog = create_worklog(session, _input(entry, issues, self.jira),
                                             policy=load_policy(session), today=self.today,
                                             actor=entry["author"], now=utcnow())
                except DomainError as exc:
                    log.warning("demo worklog skipped", extra={"reason": exc.message})
                    continue
                push(session, writer, source, worklog, now=utcnow())
                logged += 1
        return logged

    def serve_forever(self) -> None:
        """Block until interrupted; the server thread does the serving."""
        stop = threading.Event()
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            self.server.shutdown()
            self.jira.close()


def _input(entry: dict, issues: dict[str, str], jira) -> WorklogInput:
    zone = jira.people[entry["author"]].time_zone
    return WorklogInput(
        issue_id=issues[entry["issueKey"]], author_account_id=entry["author"],
        start_date=entry["date"], time_zone=zone,
        start_time=datetime.strptime(entry["startTime"], "%H:%M").time(),
        time_spent_seconds=entry["seconds"], description=entry["description"],
        billable_seconds=0 if entry["billable"] is False else None,
        attributes={WORK_TYPE: entry["workType"]})
