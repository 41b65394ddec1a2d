"""The issue panel's money: totals for those who see costs, own revenue for the author."""

from __future__ import annotations

import re

from tests.money.conftest import add_rate


def _panel(site, live_app, http, issue, account_id):
    path = f"/panels/issue?issueId={issue.id}&issueKey={issue.key}&tz=Europe/Berlin"
    token = site.sign_app_request("GET", path, account_id=account_id)
    return http.get(f"{live_app.url}{path}&jwt={token}")


def test_the_panel_shows_money_to_whom_it_belongs(admin, api, world, acme, live_app, http):
    add_rate(admin, "COST", {"type": "SITE"}, 40)
    add_rate(admin, "BILLING", {"type": "SITE"}, 100)
    story, site = world["story"], world["site"]
    assert api.post("/worklogs", json={"issueId": story.id, "startDate": "2026-11-23",
                                       "timeSpentSeconds": 5400}).status_code == 200
    lead = _panel(site, live_app, http, story, world["bob"].account_id)   # Bob leads ACME
    assert re.search(r'data-testid="cost">60\.00 EUR<', lead.text)
    assert re.search(r'data-testid="revenue">150\.00 EUR<', lead.text)
    assert re.search(r'data-testid="margin">90\.00 EUR<', lead.text)
    author = _panel(site, live_app, http, story, world["ada"].account_id)
    assert 'data-testid="cost"' not in author.text
    assert re.search(r'data-testid="entry-revenue">150\.00 EUR<', author.text)


def _account_page(site, live_app, http, account_id, query):
    path = f"/pages/account{query}"
    token = site.sign_app_request("GET", path, account_id=account_id)
    separator = "&" if "?" in path else "?"
    return http.get(f"{live_app.url}{path}{separator}jwt={token}")


def test_the_account_page_without_a_known_account_says_so_in_the_iframe(admin, world, acme,
                                                                        live_app, http):
    site, admin_id = world["site"], world["admin"].account_id
    missing = _account_page(site, live_app, http, admin_id, "")
    assert missing.status_code == 404 and "text/html" in missing.headers["Content-Type"]
    assert "No account was chosen" in missing.text
    unknown = _account_page(site, live_app, http, admin_id, "?accountKey=GONE")
    assert unknown.status_code == 404 and "<strong>GONE</strong>" in unknown.text
    assert _account_page(site, live_app, http, admin_id, "?accountKey=ACME").status_code == 200
