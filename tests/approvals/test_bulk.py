"""Bulk approval: 500 people in one request, one answer per person, each all-or-nothing."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime

from addon.models import TimesheetApproval

from .helpers import WEEK


def _submitted(database, tenant_id, people, reviewer):
    now = datetime.now(UTC)
    with database.transaction(tenant_id=tenant_id) as session:
        session.add_all(TimesheetApproval(
            account_id=person, period_from=date(2026, 11, 23), period_to=date(2026, 11, 29),
            status="IN_REVIEW", reviewer_account_id=reviewer, submitted_by=person,
            updated_at=now) for person in people)


def test_bulk_approval_of_500_people_answers_per_person(timesheet, world, app, database):
    t = timesheet
    tenant_id = app.extensions["ledgerline.tenants"].find(world["site"].client_key).tenant_id
    people = [f"person-{i:03d}" for i in range(500)]
    _submitted(database, tenant_id, people, reviewer=t["bob"])
    asked = [*people, t["ada"], t["bob"]]  # Ada has not submitted; Bob cannot review himself
    answer = t["reviewer"].post("/timesheet-approvals/approve",
                                json={**WEEK, "accountIds": asked, "comment": "ok"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["metadata"] == {"count": 502, "approved": 500}
    by_person = {r["user"]["accountId"]: r for r in body["results"]}
    assert all(by_person[p]["approved"] and by_person[p]["status"] == "APPROVED"
               for p in people)
    assert by_person[t["ada"]]["reason"]["code"] == "forbidden"  # Bob is not yet her reviewer
    assert by_person[t["bob"]]["reason"]["code"] == "forbidden"
    assert t["admin"].get("/timesheet-approvals/user/person-123", params=WEEK).json()[
        "status"]["key"] == "APPROVED"
    logs = t["admin"].post("/timesheet-approvals/logs/search",
                           json={"userAccountIds": people[:3]}).json()
    assert [r["action"] for r in logs["results"]] == ["APPROVE"] * 3
    again = t["admin"].post("/timesheet-approvals/approve",
                            json={**WEEK, "accountIds": people[:2]}).json()
    assert [r["reason"]["code"] for r in again["results"]] == ["wrong_state"] * 2


def test_bulk_input_names_every_bad_field(timesheet):
    bad = timesheet["admin"].post("/timesheet-approvals/approve",
                                  json={"from": "23-11-2026", "accountIds": []})
    assert bad.status_code == 400
    assert {f["field"] for f in bad.json()["errors"]["fields"]} == {"from", "accountIds"}
