"""Admin pages render for site admins only, over HTTP with Jira-minted iframe tokens."""

from __future__ import annotations

import pytest


@pytest.fixture
def page(installed_site, live_app, http):
    def load(path, account_id):
        token = installed_site.sign_app_request("GET", path, account_id=account_id)
        return http.get(f"{live_app.url}{path}", params={"jwt": token})

    return load


@pytest.mark.parametrize("path", ["/pages/admin/accounts", "/pages/admin/sync"])
def test_admin_pages_refuse_non_admins(page, installed_site, path):
    user = installed_site.model.add_user("Plain User")
    response = page(path, user.account_id)
    assert response.status_code == 403
    assert 'data-testid="forbidden"' in response.text


def test_project_mapping_page_lists_synced_projects(page, installed_site, run_jobs):
    model = installed_site.model
    project = model.add_project("ACME", "Acme Corp")
    installed_site.send_webhook("project_created",
                                model.project_event_payload(project, "project_created"))
    run_jobs()
    response = page("/pages/admin/accounts", installed_site.admin.account_id)
    assert response.status_code == 200
    assert f'data-project-id="{project.id}"' in response.text and "Acme Corp" in response.text


def test_sync_page_shows_status(page, installed_site):
    response = page("/pages/admin/sync", installed_site.admin.account_id)
    assert response.status_code == 200
    assert 'data-testid="inbox"' in response.text and "0 waiting, 0 parked" in response.text
