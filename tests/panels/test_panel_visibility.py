"""The issue panel and "My time" follow Jira's Browse Projects like the API (issue 13)."""

from __future__ import annotations

import re


def _panel(site, live_app, http, issue, account_id):
    path = f"/panels/issue?issueId={issue.id}&issueKey={issue.key}&tz=Europe/Berlin"
    token = site.sign_app_request("GET", path, account_id=account_id)
    return http.get(f"{live_app.url}{path}&jwt={token}")


def _summary(site, live_app, http, issue, account_id):
    token = site.sign_app_request("GET", "/", account_id=account_id, qsh="context-qsh")
    return http.get(f"{live_app.url}/panels/issue/summary",
                    params={"issueId": issue.id, "all": "1"},
                    headers={"Authorization": f"JWT {token}"})


def test_the_panel_of_an_issue_one_may_not_browse_shows_nothing_of_it(world, live_app, http,
                                                                     hidden):
    site, vault, ada = world["site"], hidden["vault"], world["ada"].account_id
    page = _panel(site, live_app, http, vault, ada)
    assert page.status_code == 200 and 'data-testid="not-synced"' in page.text
    assert "Due diligence" not in page.text and "bob_secret" not in page.text
    assert _summary(site, live_app, http, vault, ada).status_code == 404


def test_the_panel_totals_count_what_the_viewer_may_see(world, live_app, http, hidden):
    site, vault = world["site"], hidden["vault"]
    for who in ("bob", "admin"):
        page = _panel(site, live_app, http, vault, world[who].account_id)
        assert re.search(r'data-testid="total">40m<', page.text), who
        assert page.text.count('<li class="ll-entry') == 3
    story = _summary(site, live_app, http, world["story"], world["ada"].account_id)
    assert re.search(r'data-testid="total">10m<', story.text)


def test_my_time_keeps_ones_own_worklogs_on_projects_one_may_not_browse(world, live_app, http,
                                                                       hidden):
    site, ada = world["site"], world["ada"].account_id
    path = "/pages/my-time?week=2026-11-23&tz=Europe/Berlin"
    token = site.sign_app_request("GET", path, account_id=ada)
    page = http.get(f"{live_app.url}{path}&jwt={token}")
    assert page.status_code == 200
    assert re.search(r'data-testid="week-total">5m<', page.text)
    assert hidden["vault"].key in page.text
