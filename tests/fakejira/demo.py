"""The fake Jira as ``make run``'s demo site: one site with a believable month of Jira data.

``ledgerline demo-site`` (addon/demo_site.py, dev mode only) starts it with the checkout on
``sys.path``, installs the app into it with a signed ``installed`` callback as Jira would, and
then logs the app's side of the month through the app's own write path. Like the rest of the
fake, this module never imports the app.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import requests

from .cloud import AtlassianCloud
from .entities import Issue
from .entities import User
from .site import FakeJiraSite

HOUR = 3600

# (account id, name, time zone, site admin). The first is the person the /dev pages act as.
PEOPLE = (
    ("demo-user-0001", "Dana Demo", "Europe/Berlin", True),
    ("demo-user-0002", "Ravi Patel", "Asia/Kolkata", False),
    ("demo-user-0003", "Maya Chen", "America/New_York", False),
)

# project key → (name, [(epic summary, [(story summary, original estimate hours)])])
PROJECTS: dict[str, tuple[str, list[tuple[str, list[tuple[str, int]]]]]] = {
    "ACME": ("Acme web shop", [
        ("Checkout relaunch", [("Build the checkout page", 60), ("Payment provider switch", 16),
                               ("Order confirmation emails", 40)]),
        ("Search and filters", [("Faceted product search", 20), ("Search analytics", 6)]),
    ]),
    "GLOBEX": ("Globex data platform", [
        ("Warehouse migration", [("Move nightly loads to the new warehouse", 80),
                                 ("Reconcile revenue tables", 12)]),
        ("Reporting", [("Quarterly board dashboard", 10)]),
    ]),
    "OPS": ("Internal operations", [
        ("Team rituals", [("Weekly planning", 0), ("Hiring interviews", 0)]),
    ]),
}


@dataclass
class DemoJira:
    """The running demo site; ``issues`` by key, ``people`` by account id."""

    cloud: AtlassianCloud
    site: FakeJiraSite
    people: dict[str, User] = field(default_factory=dict)
    issues: dict[str, Issue] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.site.url

    def project_ids(self) -> dict[str, str]:
        """Project key → id (a string, as Jira's REST API gives it)."""
        with self.site.model.lock:
            return {p.key: str(p.id) for p in self.site.model.projects.values()}

    def install(self, app_base_url: str) -> requests.Response:
        """Jira's install: fetch the descriptor, POST the RS256-signed ``installed`` event."""
        return self.site.install(app_base_url)

    def edit_latest_worklog(self, minutes: int = 15) -> dict[str, Any] | None:
        """An edit made "in Jira": the newest worklog gets ``minutes`` more and a note, and
        Jira's ``worklog_updated`` webhook goes to the app. Returns what changed, or None."""
        model = self.site.model
        with model.lock:
            live = list(model.worklogs.values())
        if not live:
            return None
        latest = max(live, key=lambda w: (w.updated, w.id))
        updated = model.update_worklog(
            latest.id, time_spent_seconds=latest.time_spent_seconds + minutes * 60,
            comment="Edited in Jira", update_author_account_id=self.site.admin.account_id)
        response = self.site.send_webhook(
            "worklog_updated", model.worklog_event_payload(updated, "worklog_updated"))
        return {"worklogId": updated.id, "issueKey": model.issues[updated.issue_id].key,
                "timeSpentSeconds": updated.time_spent_seconds, "status": response.status_code}

    def close(self) -> None:
        self.cloud.close()


# Each person's usual week: (weekday or None for every day, issue keys, hours range, work type,
# billable, start time, what they write). Billable None = the account's default.
ROUTINES: dict[str, list[tuple[int | None, tuple[str, ...], tuple[float, float], str,
                               bool | None, str, tuple[str, ...]]]] = {
    "demo-user-0001": [
        (None, ("ACME-2", "ACME-3", "ACME-4"), (3, 5), "DEV", None, "09:00",
         ("Checkout form validation", "Payment callback handling", "Email templates")),
        (0, ("OPS-2",), (1, 1), "MEET", None, "14:00", ("Weekly planning",)),
        (2, ("ACME-4",), (0.5, 1), "SUP", False, "15:30", ("Goodwill fix for a rendering bug",)),
        (3, ("ACME-6",), (1.5, 2.5), "DEV", None, "14:00", ("Search facets",)),
    ],
    "demo-user-0002": [
        (None, ("GLOBEX-2", "GLOBEX-3", "GLOBEX-5"), (4, 6), "DEV", None, "09:30",
         ("Nightly load rewrite", "Revenue table checks", "Dashboard queries")),
        (1, ("ACME-6",), (1, 2), "REV", None, "15:00", ("Reviewed search changes",)),
        (3, ("ACME-2",), (1, 1.5), "REV", None, "15:00", ("Reviewed checkout changes",)),
        (0, ("OPS-2",), (1, 1), "MEET", None, "13:30", ("Weekly planning",)),
    ],
    "demo-user-0003": [
        (None, ("GLOBEX-3", "GLOBEX-5"), (3, 4), "SUP", None, "09:00",
         ("Data quality tickets", "Board dashboard feedback")),
        (4, ("OPS-3",), (1.5, 1.5), "MEET", None, "14:00", ("Candidate interview",)),
        (1, ("ACME-7",), (1, 2), "DEV", None, "13:00", ("Search analytics events",)),
    ],
}


def month_plan(today: date, *, days: int = 30) -> list[dict[str, Any]]:
    """The worklogs the three people logged through the app over the last ``days`` working
    days before ``today``: the same month every time (a fixed seed), relative to ``today``."""
    rng = random.Random(12)  # noqa: S311 - demo data, not crypto
    entries = []
    for offset in range(days, 0, -1):
        day = today - timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for account_id, routine in ROUTINES.items():
            for weekday, keys, (low, high), work_type, billable, start, notes in routine:
                if weekday is not None and weekday != day.weekday():
                    continue
                half_hours = rng.randint(int(low * 2), int(high * 2))
                entries.append({
                    "author": account_id, "issueKey": rng.choice(keys), "date": day,
                    "startTime": start, "seconds": half_hours * 1800, "workType": work_type,
                    "billable": billable, "description": rng.choice(notes)})
    return entries


def start_demo_jira(client_key: str, *, today: date) -> DemoJira:
    """Start the cloud (install keys, OAuth) and one site named ``client_key``, seeded."""
    cloud = AtlassianCloud()
    site = cloud.new_site("demo")
    cloud.sites.pop(site.client_key)
    site.client_key = client_key  # a stable tenant across restarts of the demo
    cloud.sites[client_key] = site
    demo = DemoJira(cloud, site)
    _seed(demo, today)
    return demo


def _seed(demo: DemoJira, today: date) -> None:
    model = demo.site.model
    for account_id, name, zone, admin in PEOPLE:
        demo.people[account_id] = model.add_user(name, account_id=account_id, time_zone=zone,
                                                 admin=admin)
    lead = PEOPLE[0][0]
    for key, (name, epics) in PROJECTS.items():
        project = model.add_project(key, name, lead_account_id=lead)
        for epic_summary, stories in epics:
            epic = model.add_issue(project, epic_summary, issue_type="Epic",
                                   status="In Progress")
            demo.issues[epic.key] = epic
            for summary, hours in stories:
                story = model.add_issue(project, summary, issue_type="Story", parent=epic,
                                        status="In Progress",
                                        original_estimate=hours * HOUR or None)
                demo.issues[story.key] = story
    _native_worklogs(demo, today)


def _native_worklogs(demo: DemoJira, today: date) -> None:
    """A few worklogs Maya logged in Jira itself, before the app was installed: the backfill
    adopts them (flagged incomplete: they carry no work type)."""
    model = demo.site.model
    maya = PEOPLE[2]
    zone = ZoneInfo(maya[2])
    for days_ago, key, hours in ((9, "GLOBEX-2", 3), (8, "GLOBEX-2", 2), (6, "GLOBEX-3", 4)):
        day = today - timedelta(days=days_ago)
        started = datetime.combine(day, time(10, 0), tzinfo=zone).astimezone(UTC)
        model.add_worklog(demo.issues[key], maya[0], hours * HOUR,
                          started=int(started.timestamp() * 1000),
                          comment="Logged in Jira")
