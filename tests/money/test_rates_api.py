"""Rates over HTTP: CRUD, ``/rates/resolve``, amounts on worklogs, and re-pricing."""

from __future__ import annotations

from tests.money.conftest import add_rate


def _log(client, world, day: str, seconds: int = 3600, **extra):
    body = {"issueId": world["story"].id, "startDate": day, "timeSpentSeconds": seconds, **extra}
    response = client.post("/worklogs", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_worklog_carries_its_rates_amounts_and_their_sources(admin, api, world, acme):
    site_cost = add_rate(admin, "COST", {"type": "SITE"}, 40)
    account_rate = add_rate(admin, "BILLING", {"type": "ACCOUNT", "accountKey": "ACME"}, "95.5")
    made = _log(api, world, "2026-10-05", 5400)
    assert made["billingRate"] == {"value": 95.5, "currencyCode": "EUR"}
    assert made["revenue"] == {"value": 143.25, "currencyCode": "EUR"}
    assert made["billingRateSource"]["id"] == account_rate["id"]
    assert made["billingRateSource"]["scope"] == "ACCOUNT"
    assert "cost" not in made and "costRate" not in made  # Ada is neither admin nor lead
    seen_by_admin = admin.get(f"/worklogs/{made['tempoWorklogId']}").json()
    assert seen_by_admin["cost"] == {"value": 60.0, "currencyCode": "EUR"}
    assert seen_by_admin["costRateSource"] == {"id": site_cost["id"], "scope": "SITE",
                                               "self": site_cost["self"]}
    lead = api.as_user(world["bob"].account_id).get(f"/worklogs/{made['tempoWorklogId']}")
    assert lead.json()["cost"]["value"] == 60.0  # Bob leads ACME


def test_money_json_is_written_from_the_decimal(admin, api, world, acme):
    add_rate(admin, "COST", {"type": "SITE"}, "60.30")
    add_rate(admin, "BILLING", {"type": "SITE"}, "60.30")
    made = _log(admin, world, "2026-10-05", 60, authorAccountId=world["admin"].account_id)
    raw = admin.get(f"/worklogs/{made['tempoWorklogId']}").text
    assert '"cost":{"currencyCode":"EUR","value":1.01}' in raw


def test_a_mid_month_rate_change_applies_from_its_day_and_leaves_the_past(admin, api, world,
                                                                            acme, run_jobs):
    add_rate(admin, "COST", {"type": "SITE"}, 40)
    add_rate(admin, "BILLING", {"type": "SITE"}, 100)
    before = _log(api, world, "2026-10-14")
    on_day = _log(api, world, "2026-10-15")
    add_rate(admin, "BILLING", {"type": "SITE"}, 120, effective="2026-10-15")
    run_jobs()
    assert api.get(f"/worklogs/{before['tempoWorklogId']}").json()["revenue"]["value"] == 100
    assert api.get(f"/worklogs/{on_day['tempoWorklogId']}").json()["revenue"]["value"] == 120


def test_a_retroactive_edit_reprices_its_window_only(admin, api, world, acme, run_jobs):
    add_rate(admin, "COST", {"type": "SITE"}, 40)
    add_rate(admin, "BILLING", {"type": "SITE"}, 100)
    october = add_rate(admin, "BILLING", {"type": "SITE"}, 110, effective="2026-10-01")
    september = _log(api, world, "2026-09-30")
    mid_october = _log(api, world, "2026-10-20")
    edited = admin.put(f"/rates/{october['id']}", json={
        "category": "BILLING", "scope": {"type": "SITE"}, "rate": {"value": 150},
        "effectiveDate": "2026-10-01"})
    assert edited.status_code == 200, edited.text
    run_jobs()
    assert api.get(f"/worklogs/{september['tempoWorklogId']}").json()["revenue"]["value"] == 100
    assert api.get(f"/worklogs/{mid_october['tempoWorklogId']}").json()["revenue"]["value"] == 150


def test_a_promotion_in_october_does_not_reprice_september(admin, api, world, acme, run_jobs):
    ada = world["ada"].account_id
    add_rate(admin, "COST", {"type": "SITE"}, 40)
    default_role = admin.get("/roles/default").json()
    senior = admin.post("/roles", json={"name": "Senior"}).json()
    add_rate(admin, "BILLING", {"type": "ROLE", "roleId": default_role["id"]}, 80)
    add_rate(admin, "BILLING", {"type": "ROLE", "roleId": senior["id"]}, 130)
    september = _log(api, world, "2026-09-30")
    october = _log(api, world, "2026-10-01")
    assert admin.put(f"/roles/{senior['id']}/members", json={
        "accountIds": [ada], "effectiveFrom": "2026-10-01"}).status_code == 200
    run_jobs()
    sept = admin.get(f"/worklogs/{september['tempoWorklogId']}").json()
    octo = admin.get(f"/worklogs/{october['tempoWorklogId']}").json()
    assert (sept["revenue"]["value"], sept["role"]["id"]) == (80, default_role["id"])
    assert (octo["revenue"]["value"], octo["role"]["id"]) == (130, senior["id"])


def test_worklogs_synced_in_one_batch_are_priced_at_each_authors_role_on_their_day(
        admin, world, acme, run_jobs):
    ada, bob = world["ada"].account_id, world["bob"].account_id
    add_rate(admin, "COST", {"type": "SITE"}, 40)
    default_role = admin.get("/roles/default").json()
    senior = admin.post("/roles", json={"name": "Senior"}).json()
    add_rate(admin, "BILLING", {"type": "ROLE", "roleId": default_role["id"]}, 80)
    add_rate(admin, "BILLING", {"type": "ROLE", "roleId": senior["id"]}, 130)
    assert admin.put(f"/roles/{senior['id']}/members", json={
        "accountIds": [ada], "effectiveFrom": "2026-10-01"}).status_code == 200
    model, site = world["model"], world["site"]
    logged = {(who, day): model.add_worklog(world["story"], who, 3600,
                                            started=f"{day}T08:00:00.000+0000")
              for who in (ada, bob) for day in ("2026-09-30", "2026-10-01")}
    for worklog in logged.values():  # one drain applies them as one batch
        site.send_webhook("worklog_created", model.worklog_event_payload(worklog,
                                                                         "worklog_created"))
    run_jobs()
    synced = admin.get(f"/worklogs/issue/{world['story'].id}").json()["results"]
    priced = {w["jiraWorklogId"]: (w["revenue"]["value"], w["role"]["id"]) for w in synced}
    default = (80, default_role["id"])
    assert {key: priced[int(w.id)] for key, w in logged.items()} == {
        (ada, "2026-09-30"): default, (ada, "2026-10-01"): (130, senior["id"]),
        (bob, "2026-09-30"): default, (bob, "2026-10-01"): default}


def test_resolve_answers_the_rate_and_why(admin, world, acme):
    ada = world["ada"].account_id
    add_rate(admin, "BILLING", {"type": "SITE"}, 100)
    user_rate = add_rate(admin, "BILLING", {"type": "USER", "accountId": ada}, 115)
    answer = admin.get("/rates/resolve", params={"accountId": ada, "accountKey": "ACME",
                                                 "date": "2026-10-05", "category": "BILLING"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["rate"] == {"value": 115, "currencyCode": "EUR"}
    assert body["source"]["id"] == user_rate["id"] and body["source"]["effectiveDate"] is None
    assert [(t["type"], t["matched"]) for t in body["tried"]] == [
        ("ACCOUNT_USER", False), ("ACCOUNT_ROLE", False), ("ACCOUNT", False), ("USER", True)]
    missing = admin.get("/rates/resolve", params={"accountId": ada, "date": "2026-10-05",
                                                  "category": "COST"}).json()
    assert missing["rate"] is None and "no COST rate" in missing["error"]
    plain = admin.as_user(ada).get("/rates/resolve", params={"accountId": ada,
                                                             "date": "2026-10-05"})
    assert plain.status_code == 403


def test_bad_rates_name_every_field_and_write_nothing(admin, acme):
    bad = admin.post("/rates", json={"category": "PRICE", "scope": {"type": "ACCOUNT"},
                                     "rate": {"value": "abc"}, "effectiveDate": "2026-13-01"})
    assert bad.status_code == 400
    fields = {f["field"] for f in bad.json()["errors"]["fields"]}
    assert fields == {"effectiveDate"}  # malformed dates are refused before anything else
    bad = admin.post("/rates", json={"category": "PRICE", "scope": {"type": "ACCOUNT"},
                                     "rate": {"value": "abc"}})
    fields = {f["field"] for f in bad.json()["errors"]["fields"]}
    assert fields == {"category", "scope.accountKey", "rate.value"}
    cost_on_account = admin.post("/rates", json={
        "category": "COST", "scope": {"type": "ACCOUNT", "accountKey": "ACME"},
        "rate": {"value": 10}})
    assert cost_on_account.json()["errors"]["fields"][0]["code"] == "not_for_cost"
    wrong_currency = admin.post("/rates", json={
        "category": "BILLING", "scope": {"type": "SITE"}, "rate": {"value": 10,
                                                               "currencyCode": "USD"}})
    assert wrong_currency.json()["errors"]["fields"][0]["field"] == "rate.currencyCode"
    add_rate(admin, "BILLING", {"type": "SITE"}, 10)
    second_initial = admin.post("/rates", json={"category": "BILLING", "scope": {"type": "SITE"},
                                                "rate": {"value": 11}})
    assert second_initial.status_code == 409
    assert len(admin.get("/rates").json()["results"]) == 1


def test_plain_users_see_no_rates(api, acme):
    assert api.get("/rates").status_code == 403


def test_a_missing_exchange_rate_is_reported_on_the_worklog(admin, api, world, acme, run_jobs):
    from tests.money.conftest import make_account

    make_account(admin, "YEN", currency="JPY", **{"global": True})
    add_rate(admin, "COST", {"type": "SITE"}, 40)
    add_rate(admin, "BILLING", {"type": "SITE"}, 100)
    made = _log(admin, world, "2026-10-05", attributes=[{"key": "_Account_", "value": "YEN"}],
                authorAccountId=world["admin"].account_id)
    assert made["revenue"] is None
    assert made["revenueError"] == "no exchange rate EUR→JPY in force on 2026-10-05"
    fx = admin.post("/exchange-rates", json={"fromCurrency": "EUR", "toCurrency": "JPY",
                                             "rate": "161.5", "effectiveDate": "2026-10-01"})
    assert fx.status_code == 200, fx.text
    run_jobs()
    priced = admin.get(f"/worklogs/{made['tempoWorklogId']}").json()
    assert priced["revenue"] == {"value": 16150, "currencyCode": "JPY"}
    assert priced["billingRate"] == {"value": 16150, "currencyCode": "JPY"}


def test_the_base_currency_is_an_admin_setting_that_keeps_the_policy(admin, api, acme):
    assert admin.put("/globalconfiguration", json={"policy": {"descriptionRequired": True}}) \
        .status_code == 200
    changed = admin.put("/globalconfiguration", json={"currencyCode": "GBP"})
    assert changed.json()["currencyCode"] == "GBP"
    assert changed.json()["policy"]["descriptionRequired"] is True
    bad = admin.put("/globalconfiguration", json={"currencyCode": "EURO",
                                                  "policy": {"maxSecondsPerDay": -1}})
    assert {f["field"] for f in bad.json()["errors"]["fields"]} == {
        "currencyCode", "policy.maxSecondsPerDay"}
    assert api.put("/globalconfiguration", json={"currencyCode": "USD"}).status_code == 403
    assert api.get("/globalconfiguration").json()["currencyCode"] == "GBP"
