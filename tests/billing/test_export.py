"""The billing export: approved, not yet invoiced lines of one account, totals equal to the
cost report's revenue to the cent, every bad parameter named at once, admins and the lead."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from .conftest import WEEK
from .conftest import approve
from .conftest import log

HEADER = ["date", "accountId", "person", "role", "issueKey", "issueSummary", "epicKey",
          "description", "hours", "billableHours", "rate", "amount", "currency"]


def export(client, **params):
    return client.get("/billing/export", params={"accountKey": "ACME", **WEEK,
                                                 "format": "csv", **params})


def rows_of(response) -> list[dict]:
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


def revenue_in_cost_report(client, period=WEEK) -> Decimal:
    report = client.get("/reports/costs", params={**period, "accountKey": "ACME",
                                                  "groupBy": "account"})
    assert report.status_code == 200, report.text
    return Decimal(str(report.json()["totals"]["revenue"]["value"]))


def test_export_totals_equal_the_cost_report_to_the_cent(billing):
    rows = rows_of(export(billing["admin"]))
    total = sum(Decimal(r["amount"]) for r in rows)
    assert total == Decimal("621.91")  # 150 + 233.33 + 27.78 + 75 + 135.80 (expense +10%)
    assert total == revenue_in_cost_report(billing["admin"])


def test_export_lists_each_line_with_its_columns(billing, world):
    response = export(billing["admin"])
    assert response.headers["Content-Type"].startswith("text/csv")
    assert next(csv.reader(io.StringIO(response.text)))[:13] == HEADER
    rows = rows_of(response)
    assert [(r["date"], r["hours"], r["rate"], r["amount"], r["currency"]) for r in rows] == [
        ("2026-11-24", "1.50", "100.00", "150.00", "EUR"),
        ("2026-11-25", "2.33", "100.00", "233.33", "EUR"),
        ("2026-11-26", "0.28", "100.00", "27.78", "EUR"),
        ("2026-11-27", "0.75", "100.00", "75.00", "EUR"),
        ("2026-11-26", "", "", "135.80", "EUR")]
    first = rows[0]
    assert (first["accountId"], first["person"], first["issueKey"], first["issueSummary"],
            first["epicKey"]) == (world["ada"].account_id, "Ada Lovelace", world["story"].key,
                                  "Invoice export", world["epic"].key)
    assert rows[-1]["description"] == "TRAVEL: <b>night train</b>"


def test_xlsx_export_holds_the_same_lines_as_numbers(billing):
    response = export(billing["lead"], format="xlsx")
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content)).active
    lines = list(sheet.values)
    assert list(lines[0][:13]) == HEADER
    amounts = [Decimal(str(line[HEADER.index("amount")])) for line in lines[1:]]
    assert sum(amounts) == Decimal("621.91")


def test_time_not_yet_approved_is_not_exported(billing, world):
    log(billing["ada"], world["story"], "2026-11-30", 3600)  # next week: not approved
    period = {"from": "2026-11-23", "to": "2026-12-06"}
    rows = rows_of(export(billing["admin"], **period))
    assert "2026-11-30" not in {r["date"] for r in rows}
    assert revenue_in_cost_report(billing["admin"], period) - \
        sum(Decimal(r["amount"]) for r in rows) == Decimal("100.00")


def test_every_bad_parameter_is_named_at_once(billing):
    response = billing["admin"].get("/billing/export", params={
        "from": "2026-13-01", "to": "yesterday", "format": "pdf"})
    assert response.status_code == 400
    fields = {f["field"] for f in response.json()["errors"]["fields"]}
    assert fields == {"accountKey", "from", "to", "format"}
    unknown = export(billing["admin"], accountKey="NOPE", to="2026-11-01")
    assert unknown.status_code == 400
    assert {f["field"] for f in unknown.json()["errors"]["fields"]} == {"accountKey", "to"}


@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("lead", 200), ("ada", 403),
                                             ("other", 403), ("anonymous", 401)])
def test_only_site_admins_and_the_account_lead_may_export(billing, who, status):
    assert export(billing[who]).status_code == status


def test_text_a_spreadsheet_would_run_is_exported_as_text(billing, world):
    """A description like ``=HYPERLINK(…)`` must not become a live formula in Excel."""
    formula = '=HYPERLINK("https://evil.example","open")'
    next_week = {"from": "2026-11-30", "to": "2026-12-06"}
    log(billing["ada"], world["story"], "2026-12-01", 3600, description=formula)
    approve(billing["ada"], billing["lead"], world["ada"].account_id, period=next_week)
    rows = rows_of(export(billing["admin"], **next_week))
    assert [r["description"] for r in rows] == [f"'{formula}"]
    xlsx = export(billing["admin"], format="xlsx", **next_week)
    cell = load_workbook(io.BytesIO(xlsx.content)).active.cell(row=2, column=8)
    assert (cell.value, cell.data_type) == (formula, "s")
