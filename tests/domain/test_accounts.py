"""Account management: the rules every write path (jobs now, the REST API later) goes through."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from addon.domain.accounts import AccountDetails
from addon.domain.accounts import create_account
from addon.domain.accounts import get_account
from addon.domain.accounts import replace_account
from addon.domain.errors import DomainError
from addon.models import Account
from tests.world import tenant_id_of


def rename_account(session, key: str, name: str):
    """A rename through the API's write path (PUT keeps the status, resets the rest)."""
    status = get_account(session, key).status
    return replace_account(session, key, name=name, details=AccountDetails(status=status))


def set_account_status(session, key: str, status: str):
    """A status change through the API's write path (PUT with the same name)."""
    name = get_account(session, key).name
    return replace_account(session, key, name=name, details=AccountDetails(status=status))

@pytest.fixture
def tenant_id(app, installed_site):
    return tenant_id_of(app, installed_site)


def _accounts(database, tenant_id):
    with database.transaction(tenant_id=tenant_id) as session:
        return [(a.key, a.name, a.status) for a in session.scalars(select(Account)
                                                                   .order_by(Account.key))]


def test_create_rename_close_archive(database, tenant_id):
    with database.transaction(tenant_id=tenant_id) as session:
        account = create_account(session, key=" ACME ", name="  Acme Corp ")
        assert (account.key, account.name, account.status) == ("ACME", "Acme Corp", "OPEN")
    with database.transaction(tenant_id=tenant_id) as session:
        rename_account(session, "ACME", "Acme Corporation")
        set_account_status(session, "ACME", "CLOSED")
    assert _accounts(database, tenant_id) == [("ACME", "Acme Corporation", "CLOSED")]
    with database.transaction(tenant_id=tenant_id) as session:
        set_account_status(session, "ACME", "ARCHIVED")
    assert _accounts(database, tenant_id) == [("ACME", "Acme Corporation", "ARCHIVED")]


def test_accounts_are_per_tenant(database, tenant_id, app, jira_site, live_app):
    other = jira_site("globex")
    assert other.install(live_app.url).status_code == 204
    other_id = tenant_id_of(app, other)
    for tenant in (tenant_id, other_id):
        with database.transaction(tenant_id=tenant) as session:
            create_account(session, key="ACME", name=f"Acme of {tenant}")
    assert _accounts(database, other_id) == [("ACME", f"Acme of {other_id}", "OPEN")]


@pytest.mark.parametrize(("change", "status", "field", "code"), [
    (lambda s: create_account(s, key="", name="New"), 400, "key", "required"),
    (lambda s: create_account(s, key="NEW KEY", name="New"), 400, "key", "invalid"),
    (lambda s: create_account(s, key="123", name="New"), 400, "key", "invalid"),
    (lambda s: create_account(s, key="K" * 256, name="New"), 400, "key", "too_long"),
    (lambda s: create_account(s, key="ACME", name="Duplicate"), 409, "key", "duplicate"),
    (lambda s: create_account(s, key="NEW", name="   "), 400, "name", "required"),
    (lambda s: create_account(s, key="NEW", name=None), 400, "name", "required"),
    (lambda s: rename_account(s, "ACME", ""), 400, "name", "required"),
    (lambda s: rename_account(s, "NOPE", "Nope"), 404, "key", "not_found"),
    (lambda s: set_account_status(s, "ACME", "DELETED"), 400, "status", "invalid"),
    (lambda s: set_account_status(s, "ACME", "open"), 400, "status", "invalid"),
])
def test_invalid_changes_name_the_field_and_write_nothing(database, tenant_id, change, status,
                                                          field, code):
    with database.transaction(tenant_id=tenant_id) as session:
        create_account(session, key="ACME", name="Acme")
    with database.transaction(tenant_id=tenant_id) as session:
        with pytest.raises(DomainError) as raised:
            change(session)
        (problem,) = raised.value.problems
        assert (raised.value.status, problem.field, problem.code) == (status, field, code)
        assert not session.new and not session.dirty
    assert _accounts(database, tenant_id) == [("ACME", "Acme", "OPEN")]
