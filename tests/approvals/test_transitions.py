"""Every transition of a user timesheet, for each role and each state (issue 9): allowed ones
succeed and are listed in ``actions``; a caller who may not is 403; a state that does not
allow it is 409 naming the state."""

from __future__ import annotations

import pytest

from .helpers import WEEK
from .helpers import approval
from .helpers import transition

ROLES = ("user", "reviewer", "admin", "other")
ALLOWED = {  # (state, action) -> roles that may; None: the state forbids it (409 for roles
    # that may in principle, 403 for the rest)
    ("OPEN", "submit"): {"user", "admin"},
    ("OPEN", "approve"): None, ("OPEN", "reject"): None, ("OPEN", "recall"): None,
    ("OPEN", "reopen"): None,
    ("IN_REVIEW", "submit"): None,
    ("IN_REVIEW", "approve"): {"reviewer", "admin"},
    ("IN_REVIEW", "reject"): {"reviewer", "admin"},
    ("IN_REVIEW", "recall"): {"user"},
    ("IN_REVIEW", "reopen"): None,
    ("APPROVED", "submit"): None, ("APPROVED", "approve"): None,
    ("APPROVED", "reject"): None, ("APPROVED", "recall"): None,
    ("APPROVED", "reopen"): {"admin"},
}
MAY_IN_PRINCIPLE = {"submit": {"user", "admin"}, "approve": {"reviewer", "admin"},
                    "reject": {"reviewer", "admin"}, "recall": {"user"}, "reopen": {"admin"}}
NEXT_STATE = {"submit": "IN_REVIEW", "approve": "APPROVED", "reject": "OPEN",
              "recall": "OPEN", "reopen": "OPEN"}


def _bring_to(state, t):
    if state in ("IN_REVIEW", "APPROVED"):
        assert transition(t["user"], t["ada"], "submit").status_code == 200
    if state == "APPROVED":
        assert transition(t["reviewer"], t["ada"], "approve").status_code == 200


@pytest.mark.parametrize(("state", "action"), sorted(ALLOWED))
def test_transition_table(timesheet, state, action):
    t = timesheet
    _bring_to(state, t)
    allowed = ALLOWED[(state, action)] or set()
    for role in ROLES:
        listed = approval(t[role], t["ada"]).json()["actions"]
        assert (action in listed) == (role in allowed), (role, listed)
    for role in ROLES:
        if role in allowed:
            continue
        response = transition(t[role], t["ada"], action, comment="because")
        expected = 409 if role in MAY_IN_PRINCIPLE[action] else 403
        assert response.status_code == expected, (role, response.text)
        if expected == 409:
            assert state in response.json()["errors"]["message"]
    for role in sorted(allowed)[:1]:
        response = transition(t[role], t["ada"], action, comment="because")
        assert response.status_code == 200, (role, response.text)
        assert response.json()["status"]["key"] == NEXT_STATE[action]
    assert approval(t["admin"], t["ada"]).json()["status"]["key"] == (
        NEXT_STATE[action] if allowed else state)


def test_nobody_approves_their_own_timesheet_not_even_an_admin(timesheet, world):
    t = timesheet
    made = t["admin"].post("/worklogs", json={
        "issueId": world["story"].id, "startDate": "2026-11-24", "startTime": "10:00:00",
        "timeSpentSeconds": 1800, "attributes": [{"key": "_Account_", "value": "ACC"}]})
    assert made.status_code == 200, made.text
    admin_id = world["admin"].account_id
    assert transition(t["admin"], admin_id, "submit").status_code == 200
    assert transition(t["admin"], admin_id, "approve").status_code == 403
    assert transition(t["reviewer"], admin_id, "approve").status_code == 200


def test_reject_and_reopen_need_a_comment(timesheet):
    t = timesheet
    transition(t["user"], t["ada"], "submit")
    refused = transition(t["reviewer"], t["ada"], "reject")
    assert refused.status_code == 400
    assert refused.json()["errors"]["fields"][0]["field"] == "comment"
    transition(t["reviewer"], t["ada"], "approve")
    assert transition(t["admin"], t["ada"], "reopen", comment=" ").status_code == 400


def test_approval_shape_reviewer_and_history(timesheet):
    t = timesheet
    body = approval(t["user"], t["ada"]).json()
    assert body["period"] == WEEK and body["status"]["key"] == "OPEN"
    assert body["reviewer"]["accountId"] == t["bob"]  # the lead of the account of her time
    assert body["timeSpentSeconds"] == 3600 and body["requiredSeconds"] == 5 * 8 * 3600
    assert set(body["actions"]) == {"submit"}
    reviewers = t["user"].get(f"/timesheet-approvals/user/{t['ada']}/reviewers",
                              params=WEEK).json()["results"]
    assert [r["accountId"] for r in reviewers][0] == t["bob"]
    other = t["other"]
    refused = transition(t["user"], t["ada"], "submit",
                         reviewerAccountId=other.account_id)
    assert refused.status_code == 422
    submitted = transition(t["user"], t["ada"], "submit", comment="done")
    assert submitted.json()["status"]["timeSpentSecondsAtSubmit"] == 3600
    waiting = t["reviewer"].get("/timesheet-approvals/waiting").json()
    assert [w["user"]["accountId"] for w in waiting["results"]] == [t["ada"]]
    transition(t["reviewer"], t["ada"], "reject", comment="missing Friday")
    logs = t["user"].post("/timesheet-approvals/logs/search",
                          json={"userAccountIds": [t["ada"]]}).json()["results"]
    assert [(log["action"], log["status"]["key"]) for log in logs] == [
        ("SUBMIT", "IN_REVIEW"), ("REJECT", "OPEN")]
    assert logs[1]["status"]["comment"] == "missing Friday"


def test_a_period_must_be_a_real_approval_period(timesheet):
    bad = approval(timesheet["user"], timesheet["ada"], {"from": "2026-11-24"})
    assert bad.status_code == 400
    assert bad.json()["errors"]["fields"][0]["field"] == "from"
