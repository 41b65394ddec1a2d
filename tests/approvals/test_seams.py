"""Approvals joined to capacity (a team lead reviews first) and to money (approved amounts are
frozen, reopening thaws and re-prices them)."""

from __future__ import annotations

from tests.approvals.helpers import NEXT_WEEK
from tests.approvals.helpers import WEEK
from tests.approvals.helpers import log_time
from tests.approvals.helpers import transition


def _team(admin, lead: str, member: str, start: str, end: str | None = None) -> None:
    team = admin.post("/teams", json={"name": f"Team of {lead}", "leadAccountId": lead})
    assert team.status_code == 200, team.text
    membership = admin.post("/team-memberships", json={
        "teamId": team.json()["id"], "accountId": member, "commitmentPercent": 100,
        "from": start, "to": end})
    assert membership.status_code == 200, membership.text


def _reviewers(client, user, period=None):
    answer = client.get(f"/timesheet-approvals/user/{user}/reviewers", params=period or WEEK)
    assert answer.status_code == 200, answer.text
    return [r["accountId"] for r in answer.json()["results"]]


def test_the_lead_of_the_user_s_team_in_the_period_reviews_first(timesheet, world):
    t = timesheet
    carol = t["other"].account_id
    former = world["model"].add_user("Fay Former").account_id
    _team(t["admin"], carol, t["ada"], "2026-11-01")
    _team(t["admin"], former, t["ada"], "2026-01-01", "2026-10-31")  # over before the week
    reviewers = _reviewers(t["user"], t["ada"])
    assert reviewers[:2] == [carol, t["bob"]] and former not in reviewers
    submitted = transition(t["user"], t["ada"], "submit")
    assert submitted.json()["reviewer"]["accountId"] == carol
    assert transition(t["other"], t["ada"], "approve").status_code == 200  # she may review
    assert t["ada"] not in _reviewers(t["admin"], t["ada"], NEXT_WEEK)


def _cost(client, worklog_id) -> float:
    return client.get(f"/worklogs/{worklog_id}").json()["cost"]["value"]


def test_approval_freezes_amounts_and_reopening_reprices_them(timesheet, world, run_jobs):
    t = timesheet
    admin = t["admin"]
    assert admin.put("/globalconfiguration", json={"currencyCode": "EUR"}).status_code == 200
    assert admin.post("/rates", json={"category": "COST", "scope": {"type": "SITE"},
                                      "rate": {"value": 100}}).status_code == 200
    run_jobs()
    approved_id = t["worklog"]["tempoWorklogId"]
    later_id = log_time(t["user"], world, day="2026-12-01").json()["tempoWorklogId"]
    assert _cost(admin, approved_id) == 100
    transition(t["user"], t["ada"], "submit")
    assert transition(t["reviewer"], t["ada"], "approve").status_code == 200
    raised = admin.post("/rates", json={"category": "COST", "scope": {"type": "SITE"},
                                        "rate": {"value": 150}, "effectiveDate": "2026-11-01"})
    assert raised.status_code == 200, raised.text
    run_jobs()
    assert _cost(admin, approved_id) == 100  # frozen at approval
    assert _cost(admin, later_id) == 150  # re-pricing did run
    reopened = transition(admin, t["ada"], "reopen", comment="rates were wrong")
    assert reopened.status_code == 200, reopened.text
    assert _cost(admin, approved_id) == 150
