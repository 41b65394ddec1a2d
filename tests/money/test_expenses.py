"""Expenses over ``/api/4/expenses``: markup, currencies, who may record, bad input."""

from __future__ import annotations

from tests.money.conftest import add_rate


def _expense(client, **fields):
    body = {"accountKey": "ACME", "date": "2026-11-20", "category": "TRAVEL",
            "amount": {"value": "200.00", "currencyCode": "EUR"}, "billable": True,
            "markupPercent": 10, "description": "Train"}
    body.update(fields)
    return client.post("/expenses", json=body)


def test_billable_expenses_carry_markup_into_revenue(admin, api, world, acme):
    made = _expense(admin)
    assert made.status_code == 200, made.text
    body = made.json()
    assert body["cost"] == {"value": 200, "currencyCode": "EUR"}
    assert body["revenue"] == {"value": 220, "currencyCode": "EUR"}
    internal = _expense(admin, billable=False, amount={"value": 99.99, "currencyCode": "EUR"})
    assert internal.json()["revenue"]["value"] == 0
    listed = admin.get("/expenses").json()
    assert listed["metadata"]["count"] == 2 and "results" in listed


def test_an_expense_in_another_currency_is_converted_on_its_date(admin, acme, run_jobs):
    made = _expense(admin, amount={"value": 100, "currencyCode": "USD"}, markupPercent=0)
    assert made.json()["cost"] is None
    assert made.json()["error"] == "no exchange rate USD→EUR in force on 2026-11-20"
    admin.post("/exchange-rates", json={"fromCurrency": "USD", "toCurrency": "EUR",
                                        "rate": "0.9", "effectiveDate": "2026-11-01"})
    run_jobs()
    again = admin.get(f"/expenses/{made.json()['id']}").json()
    assert (again["cost"]["value"], again["revenue"]["value"]) == (90, 90)


def test_people_record_their_own_and_leads_any_on_their_accounts(api, world, acme):
    own = _expense(api)
    assert own.status_code == 200, own.text
    assert "cost" not in own.json()   # Ada sees her expense, not the account's money
    for_bob = _expense(api, authorAccountId=world["bob"].account_id)
    assert for_bob.status_code == 403
    lead = api.as_user(world["bob"].account_id)
    assert _expense(lead, authorAccountId=world["ada"].account_id).status_code == 200
    assert lead.delete(f"/expenses/{own.json()['id']}").status_code == 204


def test_bad_expenses_name_every_field(admin, acme):
    admin.put("/globalconfiguration", json={"policy": {"daysBackAllowed": 30}})
    bad = _expense(admin, amount={"value": 0, "currencyCode": "EURO"}, date="2020-01-01",
                   category="", markupPercent=-5)
    assert bad.status_code == 400
    fields = {(f["field"], f["code"]) for f in bad.json()["errors"]["fields"]}
    assert fields == {("amount.value", "not_positive"), ("amount.currencyCode",
                                                         "unknown_currency"),
                      ("date", "period_closed"), ("category", "required"),
                      ("markupPercent", "invalid")}
    negative = _expense(admin, amount={"value": -3, "currencyCode": "EUR"})
    assert negative.json()["errors"]["fields"][0]["field"] == "amount.value"
    admin.put("/accounts/ACME", json={"name": "Acme", "status": "CLOSED", "currency": "EUR"})
    closed = _expense(admin)
    assert closed.json()["errors"]["fields"][0]["code"] == "account_closed"
    assert admin.get("/expenses").json()["metadata"]["count"] == 0


def test_expenses_burn_the_budget(admin, world, acme):
    add_rate(admin, "BILLING", {"type": "SITE"}, 100)
    admin.put("/accounts/ACME", json={"name": "Acme", "status": "OPEN", "categoryKey": "BILL",
                                      "currency": "EUR",
                                      "timeAndMaterials": {"capAmount": 200}})
    _expense(admin, amount={"value": 160, "currencyCode": "EUR"}, markupPercent=0)
    alerts = admin.get("/accounts/ACME/alerts").json()
    assert [a["threshold"] for a in alerts["results"]] == [75]
