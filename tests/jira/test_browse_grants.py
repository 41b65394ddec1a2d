"""``JiraRestSource.browse_grants`` against the fake Jira: Jira checks at most 1000 projects
per call, an admin needs one call, and ids Jira cannot take never reach it."""

from __future__ import annotations

import pytest

from addon.jira import app_source
from connect import get_connect

CHECK = "/rest/api/3/permissions/check"


@pytest.fixture
def source(app, installed_site):
    tenant = app.extensions["ledgerline.tenants"].find(installed_site.client_key)
    return app_source(get_connect(app), tenant)


def _checks(site) -> int:
    return sum(1 for r in site.requests_log if r.path == CHECK)


def test_more_than_a_thousand_projects_are_asked_in_batches(installed_site, source):
    model = installed_site.model
    projects = [model.add_project(f"P{n}") for n in range(1500)]
    user = model.add_user("Restricted")
    model.restrict_browsing(user, [projects[3], projects[1200]])
    asked = [str(p.id) for p in projects] + ["", "not-a-number"]
    grants = source.browse_grants(user.account_id, asked)
    assert not grants.site_admin
    assert grants.project_ids == {str(projects[3].id), str(projects[1200].id)}
    assert _checks(installed_site) == 2


def test_a_site_admin_is_answered_by_one_call(installed_site, source):
    model = installed_site.model
    projects = [model.add_project(f"Q{n}") for n in range(1500)]
    grants = source.browse_grants(installed_site.admin.account_id, [str(p.id) for p in projects])
    assert grants.site_admin
    assert _checks(installed_site) == 1


def test_an_unknown_user_is_granted_nothing(installed_site, source):
    project = installed_site.model.add_project("ACME")
    grants = source.browse_grants("712020:nobody", [str(project.id)])
    assert not grants.site_admin and grants.project_ids == frozenset()
