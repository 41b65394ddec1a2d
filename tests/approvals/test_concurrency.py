"""Concurrent writers on PostgreSQL, over HTTP against the live (threaded) server: audited
writes keep one gap-free, verifying hash chain; two submits of a timesheet that has no approval
row yet end as one success and one 409, never a 500."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from datetime import timedelta

import pytest
from sqlalchemy import text

from .helpers import transition

WRITERS = 20


@pytest.fixture
def postgres(database):
    if database.dialect != "postgresql":
        pytest.skip("concurrency is pinned on PostgreSQL (CI=true)")
    return database


def _all_at_once(calls) -> list:
    """Run the calls in threads released together by a barrier; their answers in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_concurrent_audited_writes_leave_one_gap_free_valid_chain(timesheet, postgres):
    admin = timesheet["admin"]
    before = admin.get("/audit/verify").json()
    assert before["valid"] is True
    answers = _all_at_once([
        (lambda i=i: admin.post("/customers", json={"key": f"C{i}", "name": f"Customer {i}"}))
        for i in range(WRITERS)])
    assert [a.status_code for a in answers] == [200] * WRITERS
    after = admin.get("/audit/verify").json()
    assert after == {"valid": True, "entries": before["entries"] + WRITERS,
                     "firstBrokenId": None}
    with postgres.engine.connect() as conn:
        seqs = list(conn.execute(text("SELECT seq FROM audit_entries ORDER BY seq")).scalars())
        created = conn.execute(text("SELECT count(*) FROM audit_entries WHERE entity_id "
                                    "LIKE 'customer:%' AND action = 'Created'")).scalar()
    assert seqs == list(range(1, after["entries"] + 1))
    assert created == WRITERS


def test_two_concurrent_first_submits_give_one_success_and_one_conflict(timesheet, postgres):
    t = timesheet
    monday = date(2027, 1, 4)
    for week in range(8):  # several periods, so the race is met, not just hoped for
        start = monday + timedelta(weeks=week)
        period = {"from": start.isoformat(), "to": (start + timedelta(days=6)).isoformat()}
        answers = _all_at_once([lambda c=c, p=period: transition(c, t["ada"], "submit", p)
                                for c in (t["user"], t["admin"])])
        assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
        conflict = next(a for a in answers if a.status_code == 409).json()
        assert conflict["errors"]["fields"][0]["code"] == "wrong_state"
        state = t["user"].get(f"/timesheet-approvals/user/{t['ada']}", params=period).json()
        assert state["status"]["key"] == "IN_REVIEW"
    logs = t["user"].post("/timesheet-approvals/logs/search",
                          json={"userAccountIds": [t["ada"]]}).json()["results"]
    assert len([entry for entry in logs if entry["action"] == "SUBMIT"]) == 8
    assert t["admin"].get("/audit/verify").json()["valid"] is True
