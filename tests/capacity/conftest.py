"""Capacity fixtures: a site with people in Auckland and Los Angeles (and the world's Berlin and
São Paulo people), helpers to build schemes and teams over the real HTTP API."""

from __future__ import annotations

import pytest

H = 3600


def week(*hours) -> list[dict]:
    """A workload scheme's ``days`` from seven figures in hours, Monday first."""
    names = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
    return [{"day": d, "requiredSeconds": int(h * H)} for d, h in zip(names, hours, strict=True)]


@pytest.fixture
def crew(world, run_jobs):
    """The world plus Kiri (Pacific/Auckland) and Lou (America/Los_Angeles), synced as users."""
    site, model = world["site"], world["model"]
    kiri = model.add_user("Kiri Tane", time_zone="Pacific/Auckland")
    lou = model.add_user("Lou Reyes", time_zone="America/Los_Angeles")
    for person in (kiri, lou):  # each creates an issue: that is how the app learns people
        issue = model.add_issue(world["project"], f"Onboarding {person.display_name}")
        site.send_webhook("jira:issue_created", model.issue_event_payload(
            issue, "jira:issue_created", user_account_id=person.account_id))
    run_jobs()
    return {**world, "kiri": kiri, "lou": lou}


@pytest.fixture
def admin(api, crew):
    return api.as_user(crew["admin"].account_id)


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json() if response.content else {}


def schedule(client, account_id: str, start: str, end: str) -> list[tuple[str, int, str]]:
    body = ok(client.get(f"/user-schedule/{account_id}", params={"from": start, "to": end}))
    return [(d["date"], d["requiredSeconds"], d["type"]) for d in body["results"]]


def team_with(admin, name: str, members: list[tuple[str, int]], *, lead: str | None = None,
              start: str = "2026-01-01", end: str | None = None) -> int:
    team = ok(admin.post("/teams", json={"name": name, "leadAccountId": lead}))
    for account_id, percent in members:
        ok(admin.post("/team-memberships", json={
            "teamId": team["id"], "accountId": account_id, "commitmentPercent": percent,
            "from": start, "to": end}))
    return team["id"]
