"""The shared report in headless Chromium, as a client without a Jira account opens it; the
screenshot is kept in the test's tmp dir (``SHARE_SCREENSHOT`` copies it elsewhere) for a look."""

from __future__ import annotations

import os
import shutil

import pytest
from selenium.webdriver.common.by import By

from tests.money.test_pages_browser import CHROMEDRIVER
from tests.money.test_pages_browser import CHROMIUM
from tests.money.test_pages_browser import browser  # noqa: F401 - a shared fixture

from .conftest import share_body

pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                                reason="Debian's chromium and chromium-driver are not installed")


def test_the_client_sees_the_shared_figures_in_a_browser(browser, shared, tmp_path):  # noqa: F811
    made = shared["lead"].post("/shares", json=share_body(show=[
        "hours_by_epic", "hours_by_issue", "hours_by_person", "amounts"])).json()
    browser.get(made["url"])
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=account]").text == "Acme"
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=total-amount]").text == \
        "250.00 EUR"
    issues = browser.find_element(By.CSS_SELECTOR, "[data-testid=hours_by_issue]").text
    assert "<script>alert('x')</script> & <b>bold</b>" in issues  # shown as text, not run
    assert browser.execute_script("return document.querySelectorAll('main script').length") == 0
    shot = tmp_path / "share.png"
    browser.save_screenshot(str(shot))
    if os.environ.get("SHARE_SCREENSHOT"):
        shutil.copy(shot, os.environ["SHARE_SCREENSHOT"])
