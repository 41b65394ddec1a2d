"""The money pages in headless Chromium through ``/dev``: the cost report (chart, table,
drill-down) and the account page (terms, burn chart, alerts, margin). Screenshots are kept in
the test's tmp dir for a look."""

from __future__ import annotations

import shutil
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as when
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
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--window-size=1200,1600",
                 f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def priced_demo(app, database, live_app):
    settings = app.extensions["ledgerline.settings"]
    tenant = app.extensions["ledgerline.tenants"].ensure_demo_tenant(
        base_url=f"{settings.public_base_url}/dev/jira")
    with database.transaction(tenant_id=tenant.tenant_id) as session:
        seed_demo_data(session)
    headers = {"Authorization": f"JWT {mint_context_token(tenant, DEMO_ACCOUNT_ID)}"}

    def call(method, path, body):
        response = requests.request(method, f"{live_app.url}/api/4{path}", json=body,
                                    headers=headers, timeout=30)
        assert response.status_code == 200, response.text

    call("PUT", "/globalconfiguration", {"currencyCode": "EUR"})
    call("POST", "/rates", {"category": "COST", "scope": {"type": "SITE"}, "rate": {"value": 45}})
    call("POST", "/rates", {"category": "BILLING", "scope": {"type": "SITE"},
                            "rate": {"value": 110}})
    call("PUT", "/accounts/ACME-DEV", {"name": "Acme: Development", "status": "OPEN",
                                       "categoryKey": "BILL", "customerKey": "ACME",
                                       "leadAccountId": DEMO_ACCOUNT_ID, "currency": "EUR",
                                       "timeAndMaterials": {"capAmount": 1000}})
    today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    for day in range(1, min(today.day, 6) + 1):
        call("POST", "/worklogs", {"issueId": int(DEMO_ISSUE_ID), "startTime": "09:00:00",
                                   "startDate": today.replace(day=day).isoformat(),
                                   "timeSpentSeconds": 3 * 3600,
                                   "attributes": [{"key": "_WorkType_", "value": "DEV"}]})
    return tenant


def _open(browser, live_app, module_key):
    """The module as Jira frames it (``/dev`` mints its JWT), opened full-window."""
    browser.get(f"{live_app.url}/dev")
    frame = WebDriverWait(browser, 20).until(when.presence_of_element_located(
        (By.CSS_SELECTOR, f'iframe[data-module="{module_key}"]')))
    browser.get(frame.get_attribute("src"))


def _wait(browser, css):
    return WebDriverWait(browser, 20).until(
        when.visibility_of_element_located((By.CSS_SELECTOR, css)))


def test_cost_report_page_with_chart_and_drill_down(browser, live_app, priced_demo, tmp_path):
    _open(browser, live_app, "ledgerline-costs")
    _wait(browser, "[data-testid=costs]")
    assert browser.find_elements(By.CSS_SELECTOR, "[data-testid=chart] svg")
    total = browser.find_element(By.CSS_SELECTOR, "[data-testid=total-revenue]").text
    assert total.endswith("EUR") and total != "0.00 EUR"
    browser.save_screenshot(str(tmp_path / "costs.png"))
    browser.find_element(By.CSS_SELECTOR, "[data-drill-group=epic]").click()
    WebDriverWait(browser, 20).until(when.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "[data-testid=period]"), "by epic"))
    assert "Website relaunch" in browser.find_element(By.CSS_SELECTOR,
                                                      "[data-testid=costs]").text
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=total-revenue]").text == total


def test_account_page_with_terms_burn_and_alerts(browser, live_app, priced_demo, tmp_path):
    _open(browser, live_app, "ledgerline-account")
    _wait(browser, "[data-testid=account]")
    assert "Time And Materials" in browser.find_element(By.CSS_SELECTOR,
                                                        "[data-testid=terms]").text
    assert browser.find_elements(By.CSS_SELECTOR, "[data-testid=chart] svg")
    assert "% of the budget reached" in browser.find_element(By.CSS_SELECTOR,
                                                            "[data-testid=alerts]").text
    browser.save_screenshot(str(tmp_path / "account.png"))
