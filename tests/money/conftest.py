"""Money fixtures: an admin client, the tenant id, and a billable account on the project."""

from __future__ import annotations

import pytest


@pytest.fixture
def admin(api, world):
    return api.as_user(world["admin"].account_id)


@pytest.fixture
def tenant_id(app, world):
    return app.extensions["ledgerline.tenants"].find(world["site"].client_key).tenant_id


def make_account(admin, key: str, *, currency: str = "EUR", lead: str | None = None,
                 project=None, **extra) -> dict:
    response = admin.post("/accounts", json={"key": key, "name": key.title(), "status": "OPEN",
                                             "categoryKey": "BILL", "currency": currency,
                                             "leadAccountId": lead, **extra})
    assert response.status_code == 200, response.text
    if project is not None:
        link = admin.post("/account-links", json={"accountKey": key, "scopeType": "PROJECT",
                                                  "scopeId": project.id, "default": True})
        assert link.status_code == 200, link.text
    return response.json()


def add_rate(admin, category: str, scope: dict, value, *, effective=None, currency=None):
    body = {"category": category, "scope": scope, "rate": {"value": value}}
    if currency:
        body["rate"]["currencyCode"] = currency
    if effective:
        body["effectiveDate"] = effective
    response = admin.post("/rates", json=body)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def acme(admin, world, run_jobs):
    """Base currency EUR; account ACME (EUR, led by Bob) is the project's default account."""
    assert admin.put("/globalconfiguration", json={"currencyCode": "EUR"}).status_code == 200
    assert admin.post("/account-categories", json={"key": "BILL", "name": "Billable",
                                                   "typeName": "BILLABLE"}).status_code == 200
    account = make_account(admin, "ACME", lead=world["bob"].account_id, project=world["project"])
    run_jobs()
    return account
