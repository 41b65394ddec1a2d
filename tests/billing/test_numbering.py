"""Invoice numbers under concurrency: 20 drafts issued at once over HTTP against the live
server (each request its own connection and transaction) get 1..20, no gap, no duplicate."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from .conftest import expense

DRAFTS = 20


@pytest.fixture
def twenty_drafts(billing):
    """One draft per day of 2026-11-01..20, each billing that day's own expense."""
    admin, ids = billing["admin"], []
    for day in range(1, DRAFTS + 1):
        date = f"2026-11-{day:02d}"
        expense(admin, date, "10.00")
        made = admin.post("/invoices", json={"accountKey": "ACME", "from": date, "to": date,
                                             "groupBy": "PERSON"})
        assert made.status_code == 201, made.text
        assert len(made.json()["lines"]) == 1
        ids.append(made.json()["id"])
    return ids


def test_twenty_concurrent_issues_get_numbers_one_to_twenty(billing, twenty_drafts, backend):
    if not backend.is_postgres:
        pytest.skip("SQLite serializes every writer; the row lock under test is PostgreSQL's")
    admin = billing["admin"]
    start = threading.Barrier(DRAFTS)

    def issue(invoice_id):
        start.wait(timeout=30)
        return admin.post(f"/invoices/{invoice_id}/issue")

    with ThreadPoolExecutor(max_workers=DRAFTS) as pool:
        responses = list(pool.map(issue, twenty_drafts))
    assert [r.status_code for r in responses] == [200] * DRAFTS, [r.text for r in responses]
    numbers = sorted(r.json()["number"] for r in responses)
    assert numbers == list(range(1, DRAFTS + 1))
    listed = admin.get("/invoices", params={"status": "ISSUED", "limit": 50}).json()
    assert sorted(i["displayNumber"] for i in listed["results"]) == [
        f"INV-{n:06d}" for n in range(1, DRAFTS + 1)]
