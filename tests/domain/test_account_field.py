"""Jira's Account field follows the accounts, over HTTP against the fake Jira.

Every change goes the way callers must make it: accounts change in a transaction that enqueues
``OPTIONS_SYNC_JOB`` with ``session=``, so the job starts only once the change is committed.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from addon.domain.account_field import ACCOUNT_FIELD_MODULE
from addon.domain.account_field import account_field_id
from addon.domain.account_field import account_field_key
from addon.domain.account_field import reconcile_account_options
from addon.domain.account_rules import account_for_field_value
from addon.domain.accounts import create_account
from addon.jira.field_options import FieldOptionsClient
from addon.jobs import OPTIONS_SYNC_JOB
from addon.jobs import get_jobs
from addon.models import Account
from addon.models import JiraIssue
from connect import get_connect
from tests.domain.test_accounts import rename_account
from tests.domain.test_accounts import set_account_status
from tests.fakejira.app_fields import FieldOption
from tests.fakejira.app_fields import app_field
from tests.fakejira.app_fields import issue_value
from tests.world import tenant_id_of
from worker.jobs.accounts import OptionSyncIncomplete
from worker.jobs.accounts import sync_account_options


@pytest.fixture
def tenant_id(app, installed_site):
    return tenant_id_of(app, installed_site)


@pytest.fixture
def field_key(app):
    return account_field_key(app.extensions["ledgerline.settings"].addon_key)


@pytest.fixture
def options_path(field_key):
    return f"/rest/api/3/field/{field_key}/option"


@pytest.fixture
def change(app, database, tenant_id, run_jobs):
    """Change accounts, enqueue the sync after commit, and run the queued jobs."""

    def apply(*changes):
        with app.app_context():
            with database.transaction(tenant_id=tenant_id) as session:
                for step in changes:
                    step(session)
                get_jobs().enqueue(OPTIONS_SYNC_JOB, tenant_id, queue="sync", session=session)
        run_jobs()

    return apply


@pytest.fixture
def sync(app, tenant_id):
    def run():
        with app.app_context():
            return sync_account_options(tenant_id)

    return run


def _create(key, name):
    return lambda session: create_account(session, key=key, name=name)


def _options(field):
    """The fake's options as {value: (selectable, accountKey, accountStatus)}."""
    return {o.value: (o.selectable, o.properties.get("accountKey"),
                      o.properties.get("accountStatus")) for o in field.options.values()}


def _writes(site, since):
    return [(r.method, r.path) for r in site.requests_log[since:] if r.method != "GET"]


def _option_ids(database, tenant_id):
    with database.transaction(tenant_id=tenant_id) as session:
        return {a.key: a.jira_option_id for a in session.scalars(select(Account))}


def test_descriptor_declares_the_account_field(app):
    (module,) = get_connect(app).descriptor.modules("jiraIssueFields")
    assert (module["key"], module["type"], module["name"]["value"]) == (
        ACCOUNT_FIELD_MODULE, "single_select", "Account")


def test_sync_creates_options_for_open_accounts_and_learns_the_field(
        installed_site, database, tenant_id, change):
    change(_create("ACME", "Acme"), _create("GLOBEX", "Globex"), _create("OLD", "Old"),
           lambda s: set_account_status(s, "OLD", "CLOSED"))
    field = app_field(installed_site, ACCOUNT_FIELD_MODULE)
    assert _options(field) == {"Acme": (True, "ACME", "OPEN"),
                               "Globex": (True, "GLOBEX", "OPEN")}
    assert _option_ids(database, tenant_id) == {
        "ACME": str(field.option_named("Acme").id),
        "GLOBEX": str(field.option_named("Globex").id), "OLD": None}
    with database.transaction(tenant_id=tenant_id) as session:
        assert account_field_id(session) == field.id


def test_rename_close_archive_and_reopen_follow_then_rerun_is_a_noop(
        installed_site, database, tenant_id, change, sync):
    change(*(_create(k, n) for k, n in [("A", "Alpha"), ("B", "Bravo"), ("C", "Charlie"),
                                        ("D", "Delta")]))
    field = app_field(installed_site, ACCOUNT_FIELD_MODULE)
    model = installed_site.model
    model.add_issue(model.add_project("PRJ"), "Uses Delta",
                    custom_fields={field.id: issue_value(field.option_named("Delta"))})
    delta_id = _option_ids(database, tenant_id)["D"]

    change(lambda s: rename_account(s, "A", "Alpha Two"),
           lambda s: set_account_status(s, "B", "CLOSED"),
           lambda s: set_account_status(s, "C", "ARCHIVED"),
           lambda s: set_account_status(s, "D", "ARCHIVED"))
    # Charlie is deleted; Delta is selected on an issue, so Jira keeps it, unselectable.
    assert _options(field) == {"Alpha Two": (True, "A", "OPEN"),
                               "Bravo": (False, "B", "CLOSED"),
                               "Delta": (False, "D", "ARCHIVED")}
    ids = _option_ids(database, tenant_id)
    assert ids["C"] is None and ids["D"] == delta_id

    change(lambda s: set_account_status(s, "B", "OPEN"))
    assert _options(field)["Bravo"] == (True, "B", "OPEN")

    since = len(installed_site.requests_log)
    assert sync() == {"created": 0, "updated": 0, "deleted": 0, "retired": 0, "failed": 0}
    assert _writes(installed_site, since) == []
    assert len(installed_site.requests_log) - since == 1  # one page of options, nothing else


def test_partial_failure_then_rerun_converges(installed_site, database, tenant_id, change,
                                              sync, options_path):
    change(_create("A", "Alpha"))
    with database.transaction(tenant_id=tenant_id) as session:
        rename_account(session, "A", "Alpha Two")
        create_account(session, key="B", name="Bravo")
        create_account(session, key="C", name="Charlie")
    # The rename (PUT …/option/<id>) fails; creating B and C (POST …/option) still happens.
    installed_site.fail_next(1, status=500, path_prefix=options_path + "/")
    with pytest.raises(OptionSyncIncomplete):
        sync()
    field = app_field(installed_site, ACCOUNT_FIELD_MODULE)
    assert set(_options(field)) == {"Alpha", "Bravo", "Charlie"}

    assert sync()["updated"] == 1
    assert set(_options(field)) == {"Alpha Two", "Bravo", "Charlie"}
    assert set(_option_ids(database, tenant_id).values()) == {str(i) for i in field.options}


def test_options_created_before_a_lost_commit_are_adopted_not_duplicated(
        app, installed_site, database, tenant_id, sync, field_key):
    with database.transaction(tenant_id=tenant_id) as session:
        create_account(session, key="A", name="Alpha")
        create_account(session, key="B", name="Bravo")
    tenant = app.extensions["ledgerline.tenants"].get(tenant_id)
    client = FieldOptionsClient(get_connect(app).app_session(tenant), tenant.base_url, field_key)
    with pytest.raises(RuntimeError), database.transaction(tenant_id=tenant_id) as session:
        reconcile_account_options(session, client)
        raise RuntimeError("the worker died before committing")
    assert set(_option_ids(database, tenant_id).values()) == {None}

    since = len(installed_site.requests_log)
    assert sync()["created"] == 0
    assert _writes(installed_site, since) == []
    field = app_field(installed_site, ACCOUNT_FIELD_MODULE)
    assert _option_ids(database, tenant_id) == {
        "A": str(field.option_named("Alpha").id), "B": str(field.option_named("Bravo").id)}


def test_options_of_no_account_are_deleted_or_retired(installed_site, change, sync):
    change(_create("A", "Alpha"))
    field = app_field(installed_site, ACCOUNT_FIELD_MODULE)
    for option_id, value in [(901, "Stray"), (902, "Stray in use")]:
        field.options[option_id] = FieldOption(option_id, value)
    model = installed_site.model
    model.add_issue(model.add_project("PRJ"), "x",
                    custom_fields={field.id: issue_value(field.options[902])})
    assert sync()["deleted"] == 1
    assert _options(field) == {"Alpha": (True, "A", "OPEN"),
                               "Stray in use": (False, None, None)}
    assert sync()["retired"] == 0


def test_a_rolled_back_change_starts_no_sync(app, installed_site, database, tenant_id,
                                             run_jobs, options_path):
    with app.app_context(), pytest.raises(RuntimeError):
        with database.transaction(tenant_id=tenant_id) as session:
            create_account(session, key="A", name="Alpha")
            get_jobs().enqueue(OPTIONS_SYNC_JOB, tenant_id, queue="sync", session=session)
            raise RuntimeError("rolled back")
    run_jobs()
    assert not [r for r in installed_site.requests_log if r.path.startswith(options_path)]


def test_issue_webhook_points_the_issue_at_its_account(installed_site, database, tenant_id,
                                                       change, run_jobs):
    change(_create("ACME", "Acme"), _create("GLOBEX", "Globex"))
    field = app_field(installed_site, ACCOUNT_FIELD_MODULE)
    model = installed_site.model
    issue = model.add_issue(model.add_project("PRJ"), "Billable work")
    model.update_issue(issue, custom_fields={field.id: issue_value(field.option_named("Globex"))})
    response = installed_site.send_webhook(
        "jira:issue_updated", model.issue_event_payload(issue, "jira:issue_updated"))
    assert response.status_code == 204
    run_jobs()
    with database.transaction(tenant_id=tenant_id) as session:
        value = session.scalar(select(JiraIssue.account_field_value))
        assert account_for_field_value(session, value).key == "GLOBEX"
        assert account_for_field_value(session, None) is None
        assert account_for_field_value(session, "99999") is None
