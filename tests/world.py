"""Shared fixtures: an installed site with synced users, a project, an epic and a story
(``world``), and an HTTP client for /api/4 acting as one of those users (``api``)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import requests


@dataclass
class ApiClient:
    base: str
    site: object
    account_id: str | None

    def _headers(self, token: str | None = None) -> dict:
        if token:
            return {"Authorization": f"Bearer {token}"}
        jwt = self.site.sign_app_request("GET", "/", account_id=self.account_id,
                                         qsh="context-qsh")
        return {"Authorization": f"JWT {jwt}"}

    def request(self, method: str, path: str, *, token: str | None = None, **kwargs):
        return requests.request(method, f"{self.base}/api/4{path}",
                                headers=self._headers(token), timeout=30, **kwargs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def as_user(self, account_id: str | None) -> ApiClient:
        return ApiClient(self.base, self.site, account_id)



def tenant_id_of(app, site) -> int:
    """The app's tenant id for an installed fake Jira site."""
    return app.extensions["ledgerline.tenants"].find(site.client_key).tenant_id


@pytest.fixture
def world(installed_site, run_jobs):
    """Users, a project with an epic and a story, synced to the app through webhooks."""
    model = installed_site.model
    ada = model.add_user("Ada Lovelace", time_zone="Europe/Berlin")
    bob = model.add_user("Bob Builder", time_zone="America/Sao_Paulo")
    admin = installed_site.admin
    project = model.add_project("ACME", "Acme Corp")
    epic = model.add_issue(project, "Billing epic", issue_type="Epic")
    story = model.add_issue(project, "Invoice export", parent=epic)
    # Each issue event names its actor, which is how the app learns users and their zones.
    for issue, actor in ((epic, ada), (story, bob), (epic, admin)):
        installed_site.send_webhook("jira:issue_created", model.issue_event_payload(
            issue, "jira:issue_created", user_account_id=actor.account_id))
    run_jobs()
    return {"site": installed_site, "model": model, "ada": ada, "bob": bob, "admin": admin,
            "project": project, "epic": epic, "story": story}


@pytest.fixture
def api(live_app, world):
    return ApiClient(live_app.url, world["site"], world["ada"].account_id)


@pytest.fixture
def hidden(world, live_app, run_jobs):
    """A second project, SECRET, that Ada may not browse (she browses ACME only), with time
    on its issue from Bob, the admin and Ada herself, and one of Bob's worklogs on ACME."""
    site, model = world["site"], world["model"]
    secret = model.add_project("SECRET", "Secret deal")
    vault = model.add_issue(secret, "Due diligence")
    site.send_webhook("jira:issue_created", model.issue_event_payload(
        vault, "jira:issue_created", user_account_id=world["bob"].account_id))
    run_jobs()
    model.restrict_browsing(world["ada"], [world["project"]])
    client = ApiClient(live_app.url, site, None)
    made = {}
    # Ada's own time on SECRET is logged for her by the admin: she may not write there herself.
    for name, who, author, issue, seconds in (
            ("bob_acme", "bob", "bob", world["story"], 600),
            ("bob_secret", "bob", "bob", vault, 1200),
            ("admin_secret", "admin", "admin", vault, 900),
            ("ada_secret", "admin", "ada", vault, 300)):
        response = client.as_user(world[who].account_id).post("/worklogs", json={
            "issueId": issue.id, "startDate": "2026-11-23", "timeSpentSeconds": seconds,
            "authorAccountId": world[author].account_id, "description": name})
        assert response.status_code == 200, response.text
        made[name] = response.json()
    return {"secret": secret, "vault": vault, "worklogs": made}
