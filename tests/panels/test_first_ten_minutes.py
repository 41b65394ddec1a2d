"""A newcomer's first ten minutes on ``make run``'s demo, in headless Chromium: the demo site
has a Jira that answers (the fake Jira, installed the way Jira installs apps), so time logged
in the issue panel reaches "synced" and counts in My time, and an edit made in Jira comes back.

``make run``'s own commands are run (read with ``make -n``), on a free port and a fresh SQLite
database, so the test breaks when ``make run`` does.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as when
from selenium.webdriver.support.ui import Select
from selenium.webdriver.support.ui import WebDriverWait

from .test_browser import browser  # noqa: F401 - the shared Chromium fixture
from .test_browser import pytestmark  # noqa: F401 - skipped without Chromium

CHECKOUT = Path(__file__).resolve().parents[2]
VENV = Path(sys.executable).parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _make_run_commands(port: int) -> list[list[str]]:
    """The ``ledgerline`` commands ``make run PORT=…`` runs (the venv bootstrap left out)."""
    dry = subprocess.run(["make", "-n", "run", f"VENV={VENV}", f"PORT={port}"], cwd=CHECKOUT,
                         capture_output=True, text=True, check=True, timeout=60)
    return [line.split() for line in dry.stdout.splitlines()
            if re.match(rf"^{re.escape(str(VENV))}/bin/ledgerline\b", line)]


@pytest.fixture
def make_run(tmp_path):
    port = _free_port()
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
                   "DEV_MODE": "1"}
    for name in ("REDIS_URL", "BASE_URL"):
        environment.pop(name, None)
    *setup, serve = _make_run_commands(port)
    for command in setup:
        subprocess.run(command, env=environment, check=True, capture_output=True, timeout=120)
    log = (tmp_path / "demo.log").open("w")
    server = subprocess.Popen(serve, env=environment, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 120
        while "data-testid=\"demo-jira\"" not in _get(f"{url}/dev"):
            assert server.poll() is None, (tmp_path / "demo.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the demo never came up"
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def _get(url: str) -> str:
    try:
        return requests.get(url, timeout=5).text
    except requests.ConnectionError:
        return ""


def _frame(driver, module_key):
    driver.switch_to.default_content()
    frame = WebDriverWait(driver, 30).until(when.presence_of_element_located(
        (By.CSS_SELECTOR, f'iframe[data-module="{module_key}"]')))
    driver.execute_script("arguments[0].scrollIntoView()", frame)
    driver.switch_to.frame(frame)


def _wait_text(driver, css, text, timeout=30):
    WebDriverWait(driver, timeout).until(when.text_to_be_present_in_element(
        (By.CSS_SELECTOR, css), text))


def test_first_ten_minutes_log_time_see_it_synced_and_counted(browser, make_run, tmp_path):  # noqa: F811
    browser.get(f"{make_run}/dev")
    _frame(browser, "ledgerline-issue-time")
    _wait_text(browser, "[data-testid=summary]", "Logged")
    assert "Acme: Development" in browser.find_element(By.CSS_SELECTOR,
                                                       "[data-testid=account-rule]").text
    browser.save_screenshot(str(tmp_path / "1-panel.png"))
    seeded = browser.find_elements(By.CSS_SELECTOR, "[data-testid=entries] .ll-entry")
    assert seeded, "the demo month logged time on the demo issue"

    browser.find_element(By.NAME, "timeSpent").send_keys("1h 30m")
    browser.find_element(By.NAME, "description").send_keys("First ten minutes")
    Select(browser.find_element(By.NAME, "attr:_WorkType_")).select_by_visible_text(
        "Development")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=save]").click()
    _wait_text(browser, "#ll-status", "Saved to Jira.")
    mine = next(e for e in browser.find_elements(By.CSS_SELECTOR, ".ll-entry")
                if "First ten minutes" in e.text)
    assert "1h 30m" in mine.text and "pending" not in mine.text
    browser.execute_script("arguments[0].scrollIntoView()", mine)
    browser.save_screenshot(str(tmp_path / "2-logged.png"))

    browser.get(f"{make_run}/dev")
    _frame(browser, "ledgerline-my-time")
    today = datetime.now(ZoneInfo("UTC")).date().isoformat()
    _wait_text(browser, f'[data-day="{today}"]', "1h 30m")
    row = browser.find_element(By.CSS_SELECTOR, f'[data-day="{today}"]')
    assert "ACME-2" in row.text
    browser.execute_script("arguments[0].scrollIntoView()", row)
    browser.save_screenshot(str(tmp_path / "3-my-time.png"))

    browser.switch_to.default_content()
    browser.find_element(By.CSS_SELECTOR, "[data-testid=edit-in-jira]").click()
    _wait_text(browser, "[data-testid=edited]", "ACME-2")
    _frame(browser, "ledgerline-issue-time")
    edited = next(e for e in browser.find_elements(By.CSS_SELECTOR, ".ll-entry")
                  if "Edited in Jira" in e.text)
    assert "1h 45m" in edited.text
    browser.save_screenshot(str(tmp_path / "4-edited-in-jira.png"))
