"""Dev mode: ``/dev`` loads every page with a locally minted JWT for the demo tenant."""

from __future__ import annotations

import re
from html import unescape

import pytest

from addon import create_app
from addon.dev import signed_module_url
from addon.domain.demo import DEMO_ACCOUNT_ID
from addon.domain.demo import seed_demo_data

from .conftest import app_config


@pytest.fixture
def demo_tenant(app, live_app, database):
    settings = app.extensions["ledgerline.settings"]
    tenant = app.extensions["ledgerline.tenants"].ensure_demo_tenant(
        base_url=f"{settings.public_base_url}/dev/jira")
    with database.transaction(tenant_id=tenant.tenant_id) as session:
        seed_demo_data(session)
        seed_demo_data(session)  # idempotent
    return tenant


def test_dev_page_opens_every_module_with_a_valid_token(live_app, demo_tenant, http):
    page = http.get(f"{live_app.url}/dev")
    assert page.status_code == 200
    frames = [unescape(src) for src in re.findall(r'<iframe[^>]*src="([^"]+)"', page.text)]
    assert frames, "the descriptor's pages should be listed"
    pages = {}
    for src in frames:
        response = http.get(f"{live_app.url}{src}")
        assert response.status_code == 200, (src, response.text)
        pages[src.split("?")[0]] = response.text
    assert demo_tenant.client_key in pages["/pages/home"]
    assert "Build the checkout page" not in pages["/pages/my-time"]
    assert 'data-testid="summary"' in pages["/panels/issue"]
    assert "Acme: Development" in pages["/panels/issue"]


def test_dev_page_without_demo_tenant_says_how_to_seed_it(live_app, http):
    page = http.get(f"{live_app.url}/dev")
    assert page.status_code == 200
    assert "ledgerline demo" in page.text


def test_dev_page_does_not_exist_outside_dev_mode(backend):
    app = create_app(app_config(backend, dev_mode=False))
    assert app.test_client().get("/dev").status_code == 404


def test_on_the_demo_site_only_its_own_admin_may_administer(app, live_app, demo_tenant, http):
    """Dev mode asks the demo site who its admin is; it does not wave every caller through."""
    with app.app_context():
        as_admin, as_visitor = (signed_module_url("/pages/admin/sync", account_id=account,
                                                  secret=demo_tenant.shared_secret)
                                for account in (DEMO_ACCOUNT_ID, "demo-visitor"))
    assert http.get(f"{live_app.url}{as_admin}").status_code == 200
    assert http.get(f"{live_app.url}{as_visitor}").status_code == 403
