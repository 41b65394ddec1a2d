"""Convergence: however Jira's webhooks arrive (shuffled, duplicated, some lost), the copy ends
equal to Jira's state — from webhooks alone when none are lost, after reconciliation otherwise.

Each example is a random history of edits on a fresh fake site (a new tenant, so examples never
see each other's rows); ``JiraRecorder`` collects the webhooks Jira would send for it, and the
delivery plan (copies per webhook, order) is drawn after the history is known. Scenarios the
properties found are pinned at the end as plain examples.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from addon.db import EXTENSION_KEY as DB_KEY
from addon.domain.reconcile import reconcile
from addon.domain.sync_runs import READ_VERSION_MARGIN_MS
from addon.models.base import utcnow
from tests.world import tenant_id_of
from worker.jobs.backfill import backfill_tenant
from worker.jobs.sync import jira_source

from .helpers import JiraRecorder
from .helpers import Webhook
from .helpers import assert_converged
from .helpers import inbox_statuses
from .history import HISTORIES
from .history import History

# A new seed every run ("many seeds" over time); counts sized so both properties together take
# well under a minute on 2 cores. Each example gets its own fake site and tenant, which is why
# function-scoped fixtures are fine here.
PROPERTY = {"deadline": None, "database": None,
            "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}


def _deliver(site, webhooks: list[Webhook], copies: list[int], order: list[int]) -> None:
    """Send each webhook ``copies[n]`` times, all deliveries in ``order``.

    The second copy is a Jira retry (same identifier), a third one a re-send Jira gave a new
    identifier, so both deduplication paths are exercised.
    """
    deliveries = [(hook, f"hook-{n}" if copy < 2 else f"hook-{n}-resent")
                  for n, hook in enumerate(webhooks) for copy in range(copies[n])]
    for position in order:
        hook, identifier = deliveries[position]
        response = site.send_webhook(hook.event, hook.payload, identifier=identifier)
        assert response.status_code == 204, response.text


def _site_with_history(live_app, jira_site, history):
    site = jira_site("converge")
    webhooks = History(site.model).play(history)
    assert site.install(live_app.url).status_code == 204
    return site, webhooks


def _delivery_plan(data, webhooks: list[Webhook], copy_counts) -> tuple[list[int], list[int]]:
    copies = data.draw(st.lists(copy_counts, min_size=len(webhooks), max_size=len(webhooks)),
                       label="copies")
    order = data.draw(st.permutations(range(sum(copies))), label="order")
    return copies, order


@settings(max_examples=40, **PROPERTY)
@given(history=HISTORIES, data=st.data())
def test_shuffled_duplicated_webhooks_alone_converge(live_app, jira_site, database, run_jobs,
                                                     history, data):
    """No delivery lost: the order and the duplicates must not matter (order-insensitivity)."""
    site, webhooks = _site_with_history(live_app, jira_site, history)
    try:
        copies, order = _delivery_plan(data, webhooks, st.sampled_from((1, 2, 3)))
        _deliver(site, webhooks, copies, order)
        run_jobs()
        with database.transaction(tenant_id=tenant_id_of(live_app.app, site)) as session:
            assert inbox_statuses(session) == {"done": len(webhooks)}
            assert_converged(session, site.model)
    finally:
        site.close()


def _reconcile_later(app, tenant_id: int):
    """A full reconciliation pass, as the scheduler runs it once the deliveries are over.

    Project reads carry no version, so a pass stamps them ``READ_VERSION_MARGIN_MS`` in the
    past and cannot overwrite a project webhook younger than that (by design: a webhook for a
    change just after the read must win). The pass therefore runs on a clock that far ahead,
    as the next scheduled pass would; everything else reads the same at any time.
    """
    def later():
        return utcnow() + timedelta(milliseconds=READ_VERSION_MARGIN_MS + 1000)

    with app.app_context():
        db = app.extensions[DB_KEY]
        return reconcile(lambda: db.transaction(tenant_id=tenant_id), jira_source(tenant_id),
                         full=True, clock=later)


@settings(max_examples=30, **PROPERTY)
@given(history=HISTORIES, data=st.data())
def test_lossy_webhooks_then_reconciliation_converge(live_app, jira_site, database, run_jobs,
                                                     history, data):
    """Some deliveries lost too: the reconciliation pass (with the full sweep) repairs them."""
    site = jira_site("converge")
    try:
        played = History(site.model)
        assert site.install(live_app.url).status_code == 204
        tenant_id = tenant_id_of(live_app.app, site)
        with live_app.app.app_context():
            assert backfill_tenant(tenant_id) == "done"
        webhooks = played.play(history)
        copies, order = _delivery_plan(data, webhooks, st.sampled_from((1, 0, 2, 3)))
        _deliver(site, webhooks, copies, order)
        run_jobs()
        assert _reconcile_later(live_app.app, tenant_id) is not None
        with database.transaction(tenant_id=tenant_id) as session:
            assert set(inbox_statuses(session)) <= {"done"}
            assert_converged(session, site.model)
    finally:
        site.close()


def _backfilled_site(live_app, jira_site):
    site = jira_site("gap")
    project = site.model.add_project("KEEP")
    assert site.install(live_app.url).status_code == 204
    tenant_id = tenant_id_of(live_app.app, site)
    with live_app.app.app_context():
        assert backfill_tenant(tenant_id) == "done"
    return site, project, tenant_id


def test_worklog_of_an_issue_deleted_in_jira_is_not_kept(live_app, jira_site, database,
                                                         run_jobs):
    """Found by the lossy property: the issue's own events were lost, its worklog's arrived,
    so the worklog must be stored as deleted (no later pass would look at it again)."""
    site, project, tenant_id = _backfilled_site(live_app, jira_site)
    model = site.model
    issue = model.add_issue(project, "Deleted soon")
    worklog = model.add_worklog(issue, model.add_user("Ada").account_id, 600)
    payload = model.worklog_event_payload(worklog, "worklog_created")
    model.delete_issue(issue)
    assert site.send_webhook("worklog_created", payload).status_code == 204
    run_jobs()
    assert _reconcile_later(live_app.app, tenant_id) is not None
    with database.transaction(tenant_id=tenant_id) as session:
        assert_converged(session, model)


def test_issue_event_after_its_project_was_deleted_is_not_kept(live_app, jira_site, database,
                                                               run_jobs):
    """Found by the lossy property: shuffled delivery with the issue's own issue_deleted lost;
    no reconciliation pass revisits a deleted project, so the issue must die on arrival."""
    site, _, tenant_id = _backfilled_site(live_app, jira_site)
    model = site.model
    recorder = JiraRecorder(model)
    doomed = model.add_project("GONE")
    model.add_issue(doomed, "In a deleted project")
    recorder.flush()
    model.delete_project(doomed)
    recorder.flush()
    sent = {hook.event: hook for hook in recorder.webhooks}
    for event in ("project_created", "project_deleted", "jira:issue_created"):
        assert site.send_webhook(event, sent[event].payload).status_code == 204
    run_jobs()
    assert _reconcile_later(live_app.app, tenant_id) is not None
    with database.transaction(tenant_id=tenant_id) as session:
        assert_converged(session, model)


def test_issue_moved_out_before_its_old_project_was_deleted_survives(live_app, jira_site,
                                                                     database, run_jobs):
    """Found by the lossy property; needs no lost webhook, only this order of delivery."""
    site, _, tenant_id = _backfilled_site(live_app, jira_site)
    model = site.model
    recorder = JiraRecorder(model)
    old, new = model.add_project("OLD"), model.add_project("NEW")
    issue = model.add_issue(old, "Moves out")
    recorder.flush()
    model.update_issue(issue, project=new)
    recorder.flush()
    model.delete_project(old)
    recorder.flush()
    order = ("project_created", "jira:issue_created", "project_deleted", "jira:issue_updated")
    for hook in sorted(recorder.webhooks, key=lambda hook: order.index(hook.event)):
        assert site.send_webhook(hook.event, hook.payload).status_code == 204
    run_jobs()
    assert _reconcile_later(live_app.app, tenant_id) is not None
    with database.transaction(tenant_id=tenant_id) as session:
        assert_converged(session, model)


def test_worklog_of_an_issue_moved_into_a_project_deleted_since_is_not_kept(
        live_app, jira_site, database, run_jobs):
    """Found by the lossy property: the move arrives after its new project's deletion and the
    issue's own issue_deleted is lost. The issue dies on arrival; its worklog must die with it,
    since Jira lists no tombstone for worklogs deleted with their issue and no pass revisits a
    deleted issue."""
    site, _, tenant_id = _backfilled_site(live_app, jira_site)
    model = site.model
    recorder = JiraRecorder(model)
    old, doomed = model.add_project("OLD"), model.add_project("GONE")
    issue = model.add_issue(old, "Moves into a doomed project")
    model.add_worklog(issue, model.add_user("Ada").account_id, 600)
    recorder.flush()
    model.update_issue(issue, project=doomed)
    recorder.flush()
    model.delete_project(doomed)
    recorder.flush()
    order = ("project_created", "jira:issue_created", "worklog_created", "project_deleted",
             "jira:issue_updated")  # jira:issue_deleted is lost
    for hook in sorted((hook for hook in recorder.webhooks if hook.event in order),
                       key=lambda hook: order.index(hook.event)):
        assert site.send_webhook(hook.event, hook.payload).status_code == 204
    run_jobs()
    assert _reconcile_later(live_app.app, tenant_id) is not None
    with database.transaction(tenant_id=tenant_id) as session:
        assert_converged(session, model)
