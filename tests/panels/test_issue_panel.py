"""The issue panel over HTTP, loaded with the JWT Jira adds to iframe URLs."""

from __future__ import annotations

import re

from tests.world import ApiClient


def _panel(site, live_app, http, issue, account_id, **extra):
    path = f"/panels/issue?issueId={issue.id}&issueKey={issue.key}&tz=Europe/Berlin"
    token = site.sign_app_request("GET", path, account_id=account_id)
    return http.get(f"{live_app.url}{path}&jwt={token}", **extra)


def test_panel_totals_cover_everything_and_the_list_is_capped(world, live_app, http):
    site, story, ada = world["site"], world["story"], world["ada"]
    client = ApiClient(live_app.url, site, ada.account_id)
    for n in range(55):
        made = client.post("/worklogs", json={"issueId": story.id, "startDate": "2026-11-23",
                                              "timeSpentSeconds": 60, "billableSeconds": 60,
                                              "description": f"entry {n}"})
        assert made.status_code == 200
    page = _panel(site, live_app, http, story, ada.account_id)
    assert page.status_code == 200
    assert re.search(r'data-testid="total">55m<', page.text)
    assert page.text.count('<li class="ll-entry') == 50
    assert "Show all 55 entries" in page.text
    token = site.sign_app_request("GET", "/", account_id=ada.account_id, qsh="context-qsh")
    everything = http.get(f"{live_app.url}/panels/issue/summary",
                          params={"issueId": story.id, "all": "1"},
                          headers={"Authorization": f"JWT {token}"})
    assert everything.text.count('<li class="ll-entry') == 55


def test_only_the_authors_entries_offer_edit_and_delete(world, live_app, http):
    site, story = world["site"], world["story"]
    ApiClient(live_app.url, site, world["ada"].account_id).post("/worklogs", json={
        "issueId": story.id, "startDate": "2026-11-23", "timeSpentSeconds": 600})
    mine = _panel(site, live_app, http, story, world["ada"].account_id)
    theirs = _panel(site, live_app, http, story, world["bob"].account_id)
    assert mine.status_code == 200 and theirs.status_code == 200
    for action in ('data-action="edit"', 'data-action="delete"'):
        assert mine.text.count(action) == 1
        assert action not in theirs.text
    assert theirs.text.count('<li class="ll-entry') == 1  # Bob sees the entry, not its buttons


def test_an_issue_not_synced_yet_says_so(world, live_app, http):
    site = world["site"]
    fresh = world["model"].add_issue(world["project"], "Just created")
    page = _panel(site, live_app, http, fresh, world["ada"].account_id)
    assert page.status_code == 200 and 'data-testid="not-synced"' in page.text


def test_the_form_shows_and_sets_the_remaining_estimate(world, live_app, http):
    site, story, ada = world["site"], world["story"], world["ada"]
    page = _panel(site, live_app, http, story, ada.account_id)
    assert 'name="remainingEstimate"' in page.text
    assert re.search(r'data-testid="remaining">—<', page.text)
    made = ApiClient(live_app.url, site, ada.account_id).post("/worklogs", json={
        "issueId": story.id, "startDate": "2026-11-23", "timeSpent": "1h",
        "remainingEstimate": "3h 30m"})  # what the panel's form sends
    assert made.status_code == 200, made.text
    assert world["model"].issue(story.id).remaining_estimate == 3 * 3600 + 1800
    page = _panel(site, live_app, http, story, ada.account_id)
    assert re.search(r'data-testid="remaining">3h 30m<', page.text)
    assert 'placeholder="3h 30m"' in page.text
