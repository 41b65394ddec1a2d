"""The issue panel and My time page in headless Chromium, opened through ``/dev`` as Jira
would frame them: log time end to end, and see a validation error inline."""

from __future__ import annotations

import shutil
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as when
from selenium.webdriver.support.ui import Select
from selenium.webdriver.support.ui import WebDriverWait

from addon.domain.demo import DEMO_ACCOUNT_ID
from addon.domain.demo import DEMO_ISSUE_ID
from addon.domain.demo import seed_demo_data
from connect.context import mint_context_token

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                                reason="Debian's chromium and chromium-driver are not installed")


@pytest.fixture
def browser(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1200,1600",
                 f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def demo(app, database):
    settings = app.extensions["ledgerline.settings"]
    tenant = app.extensions["ledgerline.tenants"].ensure_demo_tenant(
        base_url=f"{settings.public_base_url}/dev/jira")
    with database.transaction(tenant_id=tenant.tenant_id) as session:
        seed_demo_data(session)
    return tenant


def _open_module(browser, live_app, module_key):
    browser.get(f"{live_app.url}/dev")
    frame = WebDriverWait(browser, 20).until(when.presence_of_element_located(
        (By.CSS_SELECTOR, f'iframe[data-module="{module_key}"]')))
    browser.switch_to.frame(frame)


def _wait(browser, css, timeout=20):
    return WebDriverWait(browser, timeout).until(
        when.visibility_of_element_located((By.CSS_SELECTOR, css)))


def test_log_time_from_the_issue_panel_with_inline_validation(browser, live_app, demo):
    _open_module(browser, live_app, "ledgerline-issue-time")
    _wait(browser, "[data-testid=summary]")
    assert "Acme: Development" in browser.find_element(By.CSS_SELECTOR,
                                                       "[data-testid=account-rule]").text
    browser.find_element(By.NAME, "timeSpent").send_keys("1h 30m")
    browser.find_element(By.NAME, "description").send_keys("Checkout layout")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=save]").click()
    error = _wait(browser, '.ll-error[data-field="attributes._WorkType_"]')
    assert "required" in error.text
    assert browser.find_elements(By.CSS_SELECTOR, "[data-testid=no-entries]")

    Select(browser.find_element(By.NAME, "attr:_WorkType_")).select_by_visible_text(
        "Development")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=save]").click()
    WebDriverWait(browser, 20).until(when.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "[data-testid=total]"), "1h 30m"))
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=billable]").text == "1h 30m"
    (entry,) = browser.find_elements(By.CSS_SELECTOR, "[data-testid=entries] .ll-entry")
    assert "Checkout layout" in entry.text
    assert not browser.find_element(By.CSS_SELECTOR,
                                    '.ll-error[data-field="attributes._WorkType_"]').text

    entry.find_element(By.CSS_SELECTOR, "[data-action=edit]").click()
    duration = browser.find_element(By.NAME, "timeSpent")
    duration.clear()
    duration.send_keys("2h")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=save]").click()
    WebDriverWait(browser, 20).until(when.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "[data-testid=total]"), "2h"))


def test_bad_duration_is_shown_next_to_the_field(browser, live_app, demo):
    _open_module(browser, live_app, "ledgerline-issue-time")
    browser.find_element(By.NAME, "timeSpent").send_keys("soon")
    Select(browser.find_element(By.NAME, "attr:_WorkType_")).select_by_value("DEV")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=save]").click()
    error = _wait(browser, '.ll-error[data-field="timeSpent"]')
    assert "duration" in error.text


def _log(live_app, tenant, day, seconds, work_type="DEV"):
    token = mint_context_token(tenant, DEMO_ACCOUNT_ID)
    response = requests.post(f"{live_app.url}/api/4/worklogs", timeout=30,
                             headers={"Authorization": f"JWT {token}"}, json={
                                 "issueId": int(DEMO_ISSUE_ID), "startDate": day.isoformat(),
                                 "startTime": "09:00:00", "timeSpentSeconds": seconds,
                                 "attributes": [{"key": "_WorkType_", "value": work_type}]})
    assert response.status_code == 200, response.text


def test_my_time_shows_the_week_by_day_and_navigates(browser, live_app, demo):
    today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    monday = today - timedelta(days=today.weekday())
    _log(live_app, demo, monday, 3600)
    _log(live_app, demo, today, 1800)
    _open_module(browser, live_app, "ledgerline-my-time")
    total = _wait(browser, "[data-testid=week-total]")
    assert total.text == "1h 30m"
    monday_row = browser.find_element(By.CSS_SELECTOR, f'[data-day="{monday.isoformat()}"]')
    assert "DEMO-1" in monday_row.text and "1h" in monday_row.text
    browser.find_element(By.CSS_SELECTOR, "[data-week-nav]").click()  # previous week
    WebDriverWait(browser, 20).until(when.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "[data-testid=week-total]"), "0m"))
