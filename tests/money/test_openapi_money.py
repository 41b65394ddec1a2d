"""The money routes' responses validate against ``/api/4/openapi.json``."""

from __future__ import annotations

import pytest
import requests
from jsonschema import Draft202012Validator

from tests.money import worked_example


@pytest.fixture
def conforms(live_app):
    spec = requests.get(f"{live_app.url}/api/4/openapi.json", timeout=10).json()

    def check(response, path: str, method: str):
        operation = spec["paths"][path][method]
        status = str(response.status_code)
        assert status in operation["responses"], (path, method, status, response.text)
        content = operation["responses"][status].get("content")
        if content is None:
            assert not response.content
            return
        schema = dict(content["application/json"]["schema"])
        schema["components"] = spec["components"]
        Draft202012Validator(schema).validate(response.json())

    return check


def test_money_responses_match_the_document(admin, api, world, run_jobs, conforms):
    built = worked_example.build(admin, world, run_jobs)
    october = {"from": "2026-10-01", "to": "2026-10-31"}
    conforms(admin.get("/roles"), "/roles", "get")
    conforms(admin.get(f"/roles/{built['senior']['id']}"), "/roles/{id}", "get")
    conforms(admin.get(f"/roles/{built['senior']['id']}/members"), "/roles/{id}/members", "get")
    conforms(admin.get("/rates"), "/rates", "get")
    conforms(admin.get("/rates/resolve", params={"accountId": world["ada"].account_id,
                                                 "date": "2026-10-05"}),
             "/rates/resolve", "get")
    conforms(admin.post("/exchange-rates", json={"fromCurrency": "EUR", "toCurrency": "USD",
                                                 "rate": 1.1, "effectiveDate": "2026-10-01"}),
             "/exchange-rates", "post")
    conforms(admin.get("/exchange-rates"), "/exchange-rates", "get")
    conforms(admin.get(f"/worklogs/{built['worklogs'][0]}"), "/worklogs/{id}", "get")
    conforms(admin.get("/expenses"), "/expenses", "get")
    conforms(admin.get("/accounts/GLOBEX"), "/accounts/{id}", "get")
    conforms(admin.get("/accounts/GLOBEX/alerts"), "/accounts/{key}/alerts", "get")
    conforms(admin.get("/accounts/GLOBEX/financials/summary"),
             "/accounts/{key}/financials/summary", "get")
    conforms(admin.get("/reports/costs", params={**october, "groupBy": "account,epic"}),
             "/reports/costs", "get")
    conforms(admin.get("/reports/billable-ratio", params=october), "/reports/billable-ratio",
             "get")
    conforms(api.get("/reports/estimate-vs-actual", params={"projectId": world["project"].id}),
             "/reports/estimate-vs-actual", "get")
    conforms(admin.post("/rates", json={"category": "X"}), "/rates", "post")  # 400
