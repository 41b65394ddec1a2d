"""Accounts' commercial terms: extension fields on PUT, each contract's revenue rule, budget
burn alerts (once, even under concurrent worklogs), milestones and the financial summary."""

from __future__ import annotations

import threading

import pytest

from tests.money.conftest import add_rate
from tests.money.conftest import make_account


def _log(client, world, day, seconds=3600, issue=None, **extra):
    body = {"issueId": (issue or world["story"]).id, "startDate": day,
            "timeSpentSeconds": seconds, **extra}
    response = client.post("/worklogs", json=body)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def priced(admin, acme):
    add_rate(admin, "COST", {"type": "SITE"}, 50)
    add_rate(admin, "BILLING", {"type": "SITE"}, 100)
    return acme


def _put(admin, key, **fields):
    body = {"name": key.title(), "status": "OPEN", "categoryKey": "BILL", "currency": "EUR",
            **fields}
    response = admin.put(f"/accounts/{key}", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_terms_are_kept_when_a_put_leaves_them_out_and_null_clears(admin, acme):
    set_ = _put(admin, "ACME", billingRounding={"mode": "UP", "minutes": 15},
                timeAndMaterials={"capAmount": 1000}, budgetThresholds=[50, 100])
    assert set_["billingRounding"] == {"mode": "UP", "minutes": 15}
    assert set_["timeAndMaterials"]["capAmount"] == {"value": 1000, "currencyCode": "EUR"}
    kept = _put(admin, "ACME")
    assert kept["billingRounding"] == {"mode": "UP", "minutes": 15}
    assert kept["budgetThresholds"] == [50, 100]
    assert kept["timeAndMaterials"]["capAmount"]["value"] == 1000
    cleared = _put(admin, "ACME", timeAndMaterials=None, budgetThresholds=None)
    assert cleared["timeAndMaterials"] is None and cleared["budgetThresholds"] == [75, 90, 100]
    assert admin.get("/accounts/ACME").json()["billingRounding"]["mode"] == "UP"


def test_bad_terms_are_named_with_the_accounts_own_bad_fields(admin, acme):
    response = admin.put("/accounts/ACME", json={
        "name": "", "billingRounding": {"mode": "SIDEWAYS", "minutes": 7},
        "fixedFee": {"price": -1}, "budgetThresholds": [90, 75]})
    assert response.status_code == 400
    fields = {f["field"] for f in response.json()["errors"]["fields"]}
    assert {"billingRounding.mode", "billingRounding.minutes", "fixedFee.price",
            "fixedFee.budgetedHours", "budgetThresholds"} <= fields


def test_billing_rounding_prices_rounded_time_but_reports_time_as_logged(admin, api, world,
                                                                         priced, run_jobs):
    _put(admin, "ACME", billingRounding={"mode": "NEAREST", "minutes": 30})
    run_jobs()
    made = _log(api, world, "2026-10-05", 2700)   # 45 min: a tie between 30 and 60 → 60
    assert made["billableSeconds"] == 2700 and made["pricedBillableSeconds"] == 3600
    assert made["revenue"]["value"] == 100


def _summary(admin, key, day="2026-10-31"):
    response = admin.get(f"/accounts/{key}/financials/summary", params={"date": day})
    assert response.status_code == 200, response.text
    return response.json()


def test_time_and_materials_revenue_is_capped(admin, world, priced, run_jobs):
    _put(admin, "ACME", timeAndMaterials={"capAmount": 250})
    for day in ("2026-10-05", "2026-10-06", "2026-10-07"):
        _log(admin, world, day, authorAccountId=world["admin"].account_id)
    summary = _summary(admin, "ACME")
    assert summary["revenue"]["actual"]["labor"]["value"] == 250      # 300 logged, 250 cap
    assert summary["cost"]["actual"]["labor"]["value"] == 150


def test_fixed_fee_by_percent_complete_with_forecast(admin, world, priced):
    _put(admin, "ACME", contractType="FIXED_FEE",
         fixedFee={"price": 10000, "budgetedHours": 40})
    for _ in range(4):
        _log(admin, world, "2026-10-05", 3 * 3600, authorAccountId=world["admin"].account_id)
    summary = _summary(admin, "ACME")
    actual = summary["revenue"]["actual"]
    assert (actual["labor"]["value"], actual["fixedRevenue"]["value"]) == (0, 3000)  # 12/40 h
    assert summary["cost"]["actual"]["total"]["value"] == 600
    assert summary["forecast"]["costAtCompletion"]["value"] == 2000
    assert summary["forecast"]["marginAtRisk"] is False


def test_fixed_fee_by_milestones_recognizes_done_issues(admin, world, priced, run_jobs):
    _put(admin, "ACME", contractType="FIXED_FEE",
         fixedFee={"price": 9000, "budgetedHours": 100, "recognition": "MILESTONES"})
    epic, story = world["epic"], world["story"]
    assert admin.post("/accounts/ACME/milestones", json={"issueId": epic.id,
                                                         "value": 6000}).status_code == 200
    assert admin.post("/accounts/ACME/milestones", json={"issueId": story.id,
                                                         "value": 3000}).status_code == 200
    model, site = world["model"], world["site"]
    model.update_issue(story, status="Done")
    site.send_webhook("jira:issue_updated", model.issue_event_payload(
        story, "jira:issue_updated", user_account_id=world["ada"].account_id))
    run_jobs()
    listed = admin.get("/accounts/ACME/milestones").json()["results"]
    assert [(m["value"]["value"], m["recognized"]) for m in listed] == [(6000, False),
                                                                         (3000, True)]
    assert _summary(admin, "ACME")["revenue"]["actual"]["fixedRevenue"]["value"] == 3000


def test_retainer_fee_overage_and_rollover(admin, world, priced):
    _put(admin, "ACME", contractType="RETAINER",
         retainer={"monthlyFee": 1000, "includedHours": 10, "rolloverMonths": 1})
    me = world["admin"].account_id
    _log(admin, world, "2026-09-10", 6 * 3600, authorAccountId=me)     # 4 h unused
    for day in ("2026-10-01", "2026-10-02"):                              # 16 h in October
        _log(admin, world, day, 8 * 3600, authorAccountId=me)
    summary = _summary(admin, "ACME")
    actual = summary["revenue"]["actual"]
    # Two monthly fees; October allows 10 + 4 rolled over = 14 h, so 2 h at 100 are extra.
    assert (actual["fixedRevenue"]["value"], actual["labor"]["value"]) == (2000, 200)


def test_each_threshold_crossing_is_recorded_once(admin, world, priced):
    _put(admin, "ACME", timeAndMaterials={"capHours": 4})
    me = world["admin"].account_id
    for _ in range(6):
        _log(admin, world, "2026-10-05", 3600, authorAccountId=me)
    body = admin.get("/accounts/ACME/alerts").json()
    assert [a["threshold"] for a in body["results"]] == [75, 90, 100]
    assert body["burn"]["percent"] == 150


def test_concurrent_worklogs_record_a_crossing_once(admin, world, priced, backend):
    _put(admin, "ACME", timeAndMaterials={"capHours": 4})
    me = world["admin"].account_id
    _log(admin, world, "2026-10-05", 3600, authorAccountId=me)   # 25 %: the app knows me now
    barrier = threading.Barrier(5)
    statuses = []

    def log_one():
        barrier.wait(timeout=10)
        statuses.append(_log(admin, world, "2026-10-05", 3600, authorAccountId=me)
                        ["tempoWorklogId"])

    threads = [threading.Thread(target=log_one) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == 5
    body = admin.get("/accounts/ACME/alerts").json()
    assert [a["threshold"] for a in body["results"]] == [75, 90, 100]


def test_money_of_an_account_is_for_admins_and_its_lead(api, world, priced):
    assert api.get("/accounts/ACME/alerts").status_code == 403
    assert api.get("/accounts/ACME/financials/summary").status_code == 403
    assert api.as_user(world["bob"].account_id).get("/accounts/ACME/alerts").status_code == 200


def test_a_summary_for_an_account_in_another_currency_needs_an_exchange_rate(admin, priced):
    make_account(admin, "USACC", currency="USD")
    summary = _summary(admin, "USACC")
    assert summary["revenue"] is None
    assert summary["error"] == "no exchange rate USD→EUR in force on 2026-10-31"


def test_worklogs_synced_together_record_each_crossing_once(admin, world, priced, run_jobs):
    """With a queue, one drain applies Jira's worklogs as one batch and the burn is measured
    after they are all written (mid-batch it would read none of them); without one, each is
    applied as it arrives. Either way each threshold crossed is recorded once."""
    _put(admin, "ACME", timeAndMaterials={"capHours": 4})
    site, model = world["site"], world["model"]
    for _ in range(6):
        worklog = model.add_worklog(world["story"], world["ada"].account_id, 3600,
                                    started="2026-10-05T09:00:00.000+0000")
        site.send_webhook("worklog_created", model.worklog_event_payload(worklog,
                                                                         "worklog_created"))
    run_jobs()
    body = admin.get("/accounts/ACME/alerts").json()
    assert [a["threshold"] for a in body["results"]] == [75, 90, 100]
    assert body["burn"]["percent"] == 150
