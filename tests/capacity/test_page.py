"""The Capacity page and its fragments over HTTP (as Jira frames them), the chart, and the
issue panel's planned vs logged."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from .conftest import H
from .conftest import ok
from .conftest import team_with


@pytest.fixture
def page(crew, live_app, http):
    site = crew["site"]

    def load(path: str, account_id: str, **params):
        token = site.sign_app_request("GET", f"{path}?{urlencode(params)}",
                                      account_id=account_id)
        return http.get(f"{live_app.url}{path}", params={**params, "jwt": token})

    return load


@pytest.fixture
def busy_week(admin, crew):
    ada, bob = crew["ada"].account_id, crew["bob"].account_id
    team = team_with(admin, "Delivery", [(ada, 100), (bob, 50)], lead=ada)
    ok(admin.post("/plans", json={
        "assigneeId": ada, "planItemType": "ISSUE", "planItemId": crew["story"].id,
        "startDate": "2026-03-02", "endDate": "2026-03-06", "plannedSeconds": 45 * H}))
    return team


def test_the_page_shows_the_grid_with_over_allocation_and_a_chart(page, crew, busy_week):
    response = page("/pages/capacity", crew["admin"].account_id,
                    **{"from": "2026-03-02", "weeks": "2"})
    assert response.status_code == 200, response.text
    html = response.text
    assert 'data-testid="grid"' in html and "<svg" in html and "Capacity vs plan" in html
    assert html.count('data-over="true"') == 1
    assert "45h" in html and "Kiri Tane" in html and "Pacific/Auckland" in html
    chart = html.split('data-testid="chart"')[1].split("</svg>")[0]
    assert "src=" not in chart and 'href="http' not in chart  # the chart fetches nothing


def _fragment(client, live_app, http, path: str, **params):
    return http.get(f"{live_app.url}{path}", params=params, headers=client._headers())


def test_fragments_use_the_context_token_and_respect_visibility(api, crew, busy_week,
                                                                 live_app, http):
    grid = _fragment(api, live_app, http, "/pages/capacity/grid", **{
        "from": "2026-03-02", "weeks": "1", "teamId": busy_week})
    assert grid.status_code == 200 and 'data-testid="team-totals"' in grid.text
    assert "60h" in grid.text  # 40 h + 50 % of 40 h
    person = _fragment(api, live_app, http, "/pages/capacity/person", **{
        "from": "2026-03-02", "weeks": "1", "accountId": crew["ada"].account_id})
    assert person.status_code == 200 and 'data-testid="person-plans"' in person.text
    stranger = _fragment(api.as_user(crew["kiri"].account_id), live_app, http,
                         "/pages/capacity/person", accountId=crew["ada"].account_id)
    assert stranger.status_code == 403


def test_the_issue_panel_shows_planned_next_to_logged(page, crew, busy_week):
    story = crew["story"]
    response = page("/panels/issue", crew["ada"].account_id, issueId=story.id,
                    issueKey=story.key, projectId=crew["project"].id)
    assert response.status_code == 200
    assert 'data-testid="planned"' in response.text
    assert 'title="Planned vs logged">45h<' in response.text
