"""The submit button on "My time", locked entries, and the reviewers' page, in headless
Chromium through ``/dev`` (screenshots land in the test's tmp dir)."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from zoneinfo import ZoneInfo

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as when
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import update

from addon.domain.periods import PeriodSettings
from addon.domain.periods import period_of
from addon.models import Account
from addon.models import JiraUser
from addon.models import TimesheetApproval

from .test_browser import _log
from .test_browser import _open_module
from .test_browser import _wait
from .test_browser import browser  # noqa: F401 - shared fixtures
from .test_browser import demo  # noqa: F401
from .test_browser import pytestmark  # noqa: F401


def test_my_time_submits_the_timesheet_and_marks_entries_locked(
        browser, live_app, demo, database, tmp_path):  # noqa: F811
    with database.transaction(tenant_id=demo.tenant_id) as session:
        session.add(JiraUser(account_id="rex-reviewer", display_name="Rex Reviewer"))
        session.execute(update(Account).values(lead_account_id="rex-reviewer"))
    _log(live_app, demo, datetime.now(ZoneInfo("Europe/Berlin")).date(), 3600)
    _open_module(browser, live_app, "ledgerline-my-time")
    _wait(browser, "[data-testid=submit-timesheet]").click()
    WebDriverWait(browser, 20).until(when.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "[data-testid=timesheet-status]"), "IN REVIEW"))
    assert browser.find_elements(By.CSS_SELECTOR, ".ll-entry .ll-locked")
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid=submit-timesheet]")
    browser.save_screenshot(str(tmp_path / "my-time-submitted.png"))


def test_reviewers_page_lists_waiting_timesheets_and_approves_them(
        browser, live_app, demo, database, tmp_path):  # noqa: F811
    period = period_of(PeriodSettings(), datetime.now(UTC).date())
    with database.transaction(tenant_id=demo.tenant_id) as session:
        for person, name in (("pat-1", "Pat Example"), ("quinn-2", "Quinn Example")):
            session.add(JiraUser(account_id=person, display_name=name))
            session.add(TimesheetApproval(
                account_id=person, period_from=period.start, period_to=period.end,
                status="IN_REVIEW", reviewer_account_id="demo-user-0001", submitted_by=person,
                updated_at=datetime.now(UTC)))
    _open_module(browser, live_app, "ledgerline-approvals")
    waiting = _wait(browser, "[data-testid=waiting]")
    assert "Pat Example" in waiting.text and "Quinn Example" in waiting.text
    browser.save_screenshot(str(tmp_path / "approvals-waiting.png"))
    browser.find_element(By.CSS_SELECTOR, "[data-action=select-all]").click()
    browser.find_element(By.CSS_SELECTOR, "[data-testid=approve-selected]").click()
    _wait(browser, "[data-testid=nothing-waiting]")
    browser.save_screenshot(str(tmp_path / "approvals-done.png"))
