"""The app calling the fake Jira: signed as the app, and as a user through impersonation.

The fake Jira checks every JWT like Jira does (iss = app key, the tenant's secret, exact qsh),
so these fail if the signing is wrong in any detail.
"""

from __future__ import annotations

import pytest

from connect import get_connect
from connect.client import ImpersonationError


@pytest.fixture
def tenant(app, installed_site):
    return app.extensions["ledgerline.tenants"].find(installed_site.client_key)


def test_app_calls_are_accepted_by_jira(app, installed_site, tenant):
    session = get_connect(app).app_session(tenant)
    response = session.get(f"{tenant.base_url}/rest/api/3/myself")
    assert response.status_code == 200, response.text
    assert response.json()["accountId"] == installed_site.app_user.account_id
    project = installed_site.model.add_project("ACME", "Acme Corp")
    found = session.get(f"{tenant.base_url}/rest/api/3/project/search",
                        params={"maxResults": 10, "query": "Acme Corp"})
    assert [p["key"] for p in found.json()["values"]] == [project.key]
    assert installed_site.requests_log[-1].auth == "jwt"


def test_calls_signed_with_a_stale_secret_are_refused_by_jira(app, installed_site, tenant,
                                                               live_app):
    installed_site.install(live_app.url)  # rotates the secret
    stale = get_connect(app).app_session(tenant)
    assert stale.get(f"{tenant.base_url}/rest/api/3/myself").status_code == 401


def test_rate_limited_calls_wait_and_retry(app, installed_site, tenant):
    installed_site.fail_next(2, status=429, retry_after="0")
    waits = []
    session = get_connect(app).app_session(tenant, sleep=waits.append)
    response = session.get(f"{tenant.base_url}/rest/api/3/myself")
    assert response.status_code == 200
    assert waits == [0.0, 0.0]


def test_impersonated_calls_act_as_the_user(app, installed_site, tenant, atlassian_cloud):
    user = installed_site.model.add_user("Ada Lovelace")
    project = installed_site.model.add_project("ACME")
    issue = installed_site.model.add_issue(project, "Build the thing")
    grants_before = atlassian_cloud.grants
    session = get_connect(app).user_session(tenant, user.account_id)
    created = session.post(f"{tenant.base_url}/rest/api/3/issue/{issue.id}/worklog", json={
        "started": "2026-11-23T09:00:00.000+0000", "timeSpentSeconds": 1800,
    })
    assert created.status_code == 201, created.text
    assert created.json()["author"]["accountId"] == user.account_id
    assert session.get(f"{tenant.base_url}/rest/api/3/myself").json()["accountId"] == (
        user.account_id)
    assert atlassian_cloud.grants == grants_before + 1  # the token is cached between calls
    assert installed_site.requests_log[-1].auth == "bearer"


def test_impersonating_an_unknown_user_fails_clearly(app, installed_site, tenant):
    session = get_connect(app).user_session(tenant, "no-such-user")
    with pytest.raises(ImpersonationError):
        session.get(f"{tenant.base_url}/rest/api/3/myself")
