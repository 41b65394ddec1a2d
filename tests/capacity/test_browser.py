"""The Capacity page in headless Chromium, opened through /dev as Jira would frame it: the grid
highlights over-allocation, a row opens the person's plans, and a plan made in the form shows up.
Saves a screenshot (``LEDGERLINE_SCREENSHOTS`` names a folder to keep it)."""

from __future__ import annotations

import os
from datetime import date
from datetime import timedelta
from pathlib import Path

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as when
from selenium.webdriver.support.ui import WebDriverWait

from addon.domain.demo import DEMO_ACCOUNT_ID
from addon.domain.demo import DEMO_ISSUE_ID
from addon.models import JiraUser
from connect.context import mint_context_token
from tests.panels.test_browser import _open_module
from tests.panels.test_browser import _wait
from tests.panels.test_browser import browser  # noqa: F401 - fixture
from tests.panels.test_browser import demo  # noqa: F401 - fixture
from tests.panels.test_browser import pytestmark  # noqa: F401 - skip without Chromium

H = 3600


def _api(live_app, tenant, method, path, body):
    token = mint_context_token(tenant, DEMO_ACCOUNT_ID)
    response = requests.request(method, f"{live_app.url}/api/4{path}", json=body, timeout=30,
                                headers={"Authorization": f"JWT {token}"})
    assert response.status_code == 200, response.text
    return response.json()


def _seed(live_app, database, tenant, monday: date) -> None:
    with database.transaction(tenant_id=tenant.tenant_id) as session:
        session.add_all([JiraUser(account_id="kiri", display_name="Kiri Tane",
                                  time_zone="Pacific/Auckland", account_type="atlassian"),
                         JiraUser(account_id="lou", display_name="Lou Reyes",
                                  time_zone="America/Los_Angeles", account_type="atlassian")])
    team = _api(live_app, tenant, "POST", "/teams", {"name": "Delivery",
                                                     "leadAccountId": DEMO_ACCOUNT_ID})
    for who, percent in ((DEMO_ACCOUNT_ID, 100), ("kiri", 100), ("lou", 50)):
        _api(live_app, tenant, "POST", "/team-memberships", {
            "teamId": team["id"], "accountId": who, "commitmentPercent": percent,
            "from": (monday - timedelta(days=30)).isoformat()})
    for who, seconds, weeks in ((DEMO_ACCOUNT_ID, 46 * H, 1), ("kiri", 50 * H, 2),
                                ("lou", 20 * H, 3)):
        _api(live_app, tenant, "POST", "/plans", {
            "assigneeId": who, "planItemType": "ISSUE", "planItemId": DEMO_ISSUE_ID,
            "startDate": monday.isoformat(),
            "endDate": (monday + timedelta(days=7 * weeks - 3)).isoformat(),
            "plannedSeconds": seconds})


def test_the_board_highlights_over_allocation_and_plans_from_the_form(browser, live_app,  # noqa: F811
                                                                      demo, database):  # noqa: F811
    today = date.today()
    monday = today - timedelta(days=today.weekday())
    _seed(live_app, database, demo, monday)
    _open_module(browser, live_app, "ledgerline-capacity")
    _wait(browser, "[data-testid=grid]")
    over = browser.find_elements(By.CSS_SELECTOR, "td.ll-over")
    assert over and all(cell.value_of_css_property("background-color") != "rgba(0, 0, 0, 0)"
                        for cell in over)
    assert browser.find_elements(By.CSS_SELECTOR, "[data-testid=chart] svg")
    browser.find_element(By.CSS_SELECTOR, '[data-action=person][data-account-id="lou"]').click()
    plans = _wait(browser, "[data-testid=person-plans]")
    assert "issue" in plans.text and "20h" in plans.text

    form = browser.find_element(By.CSS_SELECTOR, "[data-testid=plan-form]")
    form.find_element(By.CSS_SELECTOR, 'select[name=assigneeId] option[value="lou"]').click()
    form.find_element(By.NAME, "planItemId").send_keys(DEMO_ISSUE_ID)
    for name, day in (("startDate", monday + timedelta(days=7)),
                      ("endDate", monday + timedelta(days=11))):
        browser.execute_script("arguments[0].value = arguments[1]",
                               form.find_element(By.NAME, name), day.isoformat())
    form.find_element(By.NAME, "hours").send_keys("40")
    form.find_element(By.CSS_SELECTOR, "[data-testid=save-plan]").click()
    WebDriverWait(browser, 20).until(when.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "[data-testid=person-plans]"), "40h"))
    lou_row = browser.find_element(By.CSS_SELECTOR, 'tr[data-account-id="lou"]')
    # Week 2 now has 6h 40m from the first plan and 40 h from the new one: over 40 h.
    assert lou_row.find_elements(By.CSS_SELECTOR, "td.ll-over")
    browser.switch_to.default_content()
    frame = browser.find_element(By.CSS_SELECTOR, 'iframe[data-module="ledgerline-capacity"]')
    browser.get(frame.get_attribute("src"))  # the page alone, as tall as the window
    _wait(browser, "[data-testid=grid]")
    folder = Path(os.environ.get("LEDGERLINE_SCREENSHOTS", "/tmp"))
    assert browser.save_screenshot(str(folder / "capacity-board.png"))
