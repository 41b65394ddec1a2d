"""The cost report: the README's worked example, drill-down consistency, errors, files."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import requests
from openpyxl import load_workbook

from tests.money import worked_example

OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


@pytest.fixture
def example(admin, world, run_jobs):
    return worked_example.build(admin, world, run_jobs)


def _report(client, **params):
    response = client.get("/reports/costs", params={**OCTOBER, **params})
    assert response.status_code == 200, response.text
    return response.json()


def _value(amount):
    return None if amount is None else Decimal(str(amount["value"]))


def test_the_readme_worked_example(admin, example):
    report = _report(admin, groupBy="account")
    figures = {r["group"]["id"]: (r["timeSpentSeconds"], r["billableSeconds"], _value(r["cost"]),
                                  _value(r["expenses"]), _value(r["revenue"]),
                                  _value(r["margin"]))
               for r in report["rows"]}
    assert figures == {
        "ACME": (64800, 57600, Decimal("920"), Decimal("0"), Decimal("1880"), Decimal("960")),
        "GLOBEX": (21000, 13800, Decimal("513.33"), Decimal("200"), Decimal("700"),
                   Decimal("186.67")),
    }
    totals = report["totals"]
    assert (totals["timeSpentSeconds"], _value(totals["cost"]), _value(totals["revenue"]),
            _value(totals["margin"]), totals["marginPercent"]) == (
        85800, Decimal("1433.33"), Decimal("2580"), Decimal("1146.67"), 44.44)
    assert report["errors"] == [] and report["pricing"]["upToDate"] is True


def test_roles_group_by_the_role_on_the_work_day(admin, example):
    report = _report(admin, groupBy="role")
    by_role = {r["group"]["name"]: _value(r["revenue"]) for r in report["rows"]}
    assert by_role == {"Default": Decimal("880"), "Senior": Decimal("1480"),
                       None: Decimal("220")}  # the expense has no role


def _sum(rows, key):
    return sum((_value(r[key]) for r in rows), Decimal(0))


def test_every_parent_equals_the_sum_of_its_drill_down(admin, example):
    report = _report(admin, groupBy="account")
    assert _sum(report["rows"], "revenue") == _value(report["totals"]["revenue"])
    acme = next(r for r in report["rows"] if r["group"]["id"] == "ACME")
    by_epic = requests.get(acme["drillDown"], headers=admin._headers(), timeout=30).json()
    assert _sum(by_epic["rows"], "cost") == _value(acme["cost"])
    assert _sum(by_epic["rows"], "revenue") == _value(acme["revenue"])
    epic_row = by_epic["rows"][0]
    by_issue = requests.get(epic_row["drillDown"], headers=admin._headers(), timeout=30).json()
    assert _sum(by_issue["rows"], "revenue") == _value(epic_row["revenue"])
    for issue_row in by_issue["rows"]:
        worklogs = requests.get(issue_row["drillDown"], headers=admin._headers(),
                                timeout=30).json()["results"]
        mine = [w for w in worklogs if w["account"]["key"] == "ACME"]
        assert _sum(mine, "revenue") == _value(issue_row["revenue"])
        assert _sum(mine, "cost") == _value(issue_row["cost"])


def test_two_levels_nest_and_parents_sum_their_rows(admin, example):
    report = _report(admin, groupBy="account,user")
    for row in report["rows"]:
        assert _sum(row["rows"], "cost") == _value(row["cost"])
        assert sum(r["timeSpentSeconds"] for r in row["rows"]) == row["timeSpentSeconds"]
    by_month = _report(admin, groupBy="month,week")
    assert [r["group"]["id"] for r in by_month["rows"]] == ["2026-10"]
    assert [r["group"]["id"] for r in by_month["rows"][0]["rows"]] == [
        "2026-10-05", "2026-10-12", "2026-10-19"]


def test_an_unpriceable_line_is_an_error_not_zero(admin, world, example):
    admin.put("/globalconfiguration", json={"currencyCode": "EUR"})
    response = admin.post("/accounts", json={"key": "YEN", "name": "Yen", "currency": "JPY",
                                             "global": True})
    assert response.status_code == 200
    admin.post("/worklogs", json={"issueId": world["story"].id, "startDate": "2026-10-07",
                                  "timeSpentSeconds": 3600, "billableSeconds": 3600,
                                  "attributes": [{"key": "_Account_", "value": "YEN"}]})
    report = _report(admin, groupBy="account")
    yen = next(r for r in report["rows"] if r["group"]["id"] == "YEN")
    assert yen["revenue"] is None and yen["cost"] is not None
    assert report["totals"]["revenue"] is None
    assert report["errors"] == [{"message": "no exchange rate EUR→JPY in force on 2026-10-07",
                                 "code": "unpriced"}]


def test_files_hold_the_same_table(admin, example):
    text = admin.get("/reports/costs", params={**OCTOBER, "groupBy": "account",
                                               "format": "csv"}).text
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:2] == ["account id", "account name"]
    assert lines[-1][0] == "TOTAL" and lines[-1][5] == "1433.33" and lines[-1][7] == "2580.00"
    xlsx = admin.get("/reports/costs", params={**OCTOBER, "groupBy": "account",
                                               "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][0] == "TOTAL" and Decimal(str(rows[-1][7])) == Decimal("2580")


def test_leads_see_their_accounts_and_plain_users_none(api, world, example):
    assert api.get("/reports/costs", params=OCTOBER).status_code == 403
    # Nobody leads ACME or GLOBEX in the example: a lead of nothing sees nothing either.
    assert api.as_user(world["bob"].account_id).get("/reports/costs",
                                                    params=OCTOBER).status_code == 403


def test_bad_report_parameters_are_named(admin, example):
    bad = admin.get("/reports/costs", params={"from": "2026-10-31", "to": "2026-10-01",
                                              "groupBy": "planet"})
    assert bad.status_code == 400
    assert bad.json()["errors"]["fields"][0]["field"] == "groupBy"


def test_billable_ratio_and_estimates(admin, api, world, example):
    ratio = admin.get("/reports/billable-ratio", params={**OCTOBER, "groupBy": "account"}).json()
    by_account = {r["group"]["id"]: r["billableRatio"] for r in ratio["results"]}
    assert by_account == {"ACME": 0.8889, "GLOBEX": 0.6571}
    own = api.get("/reports/billable-ratio", params={**OCTOBER, "groupBy": "user"}).json()
    assert [r["group"]["id"] for r in own["results"]] == [world["ada"].account_id]
    estimates = api.get("/reports/estimate-vs-actual",
                        params={"projectId": world["project"].id}).json()["results"]
    assert [(e["epic"]["key"], e["timeSpentSeconds"], e["overEstimate"]) for e in estimates] == [
        (world["epic"].key, 85800, True)]
