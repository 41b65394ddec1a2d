"""The per-process tenant cache: fast lookups that never outlive a lifecycle change."""

from __future__ import annotations

from dataclasses import replace

from connect.store import CachingTenantStore
from connect.store import TenantRecord

RECORD = TenantRecord(tenant_id=1, client_key="k", shared_secret="s", base_url="https://x",
                      installed=True, enabled=True, oauth_client_id=None)


class CountingStore:
    def __init__(self):
        self.record = RECORD
        self.reads = 0

    def find(self, client_key):
        self.reads += 1
        return self.record if client_key == "k" else None

    def set_enabled(self, client_key, enabled):
        self.record = replace(self.record, enabled=enabled)


def test_cache_answers_repeat_lookups_until_its_ttl_then_reads_again():
    now = [0.0]
    inner = CountingStore()
    store = CachingTenantStore(inner, ttl_seconds=30, clock=lambda: now[0])
    assert store.find("k") == store.find("k") == RECORD
    assert inner.reads == 1
    now[0] = 31
    store.find("k")
    assert inner.reads == 2


def test_lifecycle_change_through_the_store_is_seen_at_once_and_unknown_keys_are_not_kept():
    inner = CountingStore()
    store = CachingTenantStore(inner, ttl_seconds=30)
    assert store.find("k").enabled
    store.set_enabled("k", False)
    assert not store.find("k").enabled
    assert store.find("nobody") is None and store.find("nobody") is None
    assert inner.reads == 4


def test_secret_changed_by_another_process_is_picked_up_on_the_first_bad_signature(
        installed_site, app):
    """A reinstall served by another web process leaves this one a stale secret: the webhook
    still verifies, because a failed signature looks the tenant up again."""
    store = app.extensions["ledgerline.tenants"]
    fresh = store.find(installed_site.client_key)
    store._entries[fresh.client_key] = (float("inf"), replace(fresh, shared_secret="stale-" * 8))
    user = installed_site.model.add_user("Ada")
    issue = installed_site.model.add_issue(installed_site.model.add_project("C"), "Cache")
    payload = installed_site.model.worklog_event_payload(
        installed_site.model.add_worklog(issue, user.account_id, 60), "worklog_created")
    assert installed_site.send_webhook("worklog_created", payload).status_code == 204
    assert store.find(installed_site.client_key).shared_secret == fresh.shared_secret
