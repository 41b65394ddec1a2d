"""The approval, discrepancy and audit responses validate against ``/api/4/openapi.json``."""

from __future__ import annotations

from tests.api.test_openapi import conforms  # noqa: F401 - shared fixtures
from tests.api.test_openapi import spec  # noqa: F401

from .helpers import WEEK
from .helpers import transition


def test_approval_responses_match_the_document(timesheet, conforms):  # noqa: F811
    t = timesheet
    user = "/timesheet-approvals/user/{accountId}"
    conforms(t["user"].get("/periods", params=WEEK), "/periods", "get")
    conforms(t["admin"].put("/periods/2026-11-30", json={"status": "CLOSED_FOR_USERS"}),
             "/periods/{from}", "put")
    conforms(t["user"].get(f"/timesheet-approvals/user/{t['ada']}", params=WEEK), user, "get")
    conforms(t["user"].get(f"/timesheet-approvals/user/{t['ada']}/reviewers", params=WEEK),
             user + "/reviewers", "get")
    conforms(transition(t["user"], t["ada"], "submit"), user + "/submit", "post")
    conforms(transition(t["user"], t["ada"], "submit"), user + "/submit", "post")  # 409
    conforms(t["reviewer"].get("/timesheet-approvals/waiting"),
             "/timesheet-approvals/waiting", "get")
    conforms(t["reviewer"].post("/timesheet-approvals/approve",
                                json={**WEEK, "accountIds": [t["ada"], "nobody"]}),
             "/timesheet-approvals/approve", "post")
    conforms(t["user"].post("/timesheet-approvals/logs/search", json={}),
             "/timesheet-approvals/logs/search", "post")
    conforms(t["admin"].get("/discrepancies"), "/discrepancies", "get")
    conforms(t["admin"].post("/papertrail/search", json={"from": "2000-01-01"}),
             "/papertrail/search", "post")
    conforms(t["admin"].get("/audit/verify"), "/audit/verify", "get")
