"""Utilization over HTTP, for the worked example in the README (the table there is read and
asserted here), and its CSV and XLSX exports."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from openpyxl import load_workbook

from .conftest import H
from .conftest import ok
from .conftest import team_with

README = Path(__file__).resolve().parents[2] / "README.md"
SPAN = {"from": "2026-05-25", "to": "2026-05-31"}


def _readme_example() -> dict[str, tuple]:
    text = README.read_text(encoding="utf-8")
    table = text.split("<!-- utilization-example -->")[1].split("<!-- /utilization-example")[0]
    rows = {}
    for line in table.strip().splitlines()[2:]:
        group, *cells = [c.strip() for c in line.strip("|").split("|")]
        hours = [int(re.match(r"(\d+) h", c).group(1)) * H for c in cells[:3]]
        percents = [float(c.rstrip(" %")) for c in cells[3:]]
        rows[group] = (*hours, *percents)
    return rows


def _log(client, story, day: str, seconds: int, billable: int) -> None:
    ok(client.post("/worklogs", json={"issueId": int(story.id), "startDate": day,
                                      "startTime": "09:00:00", "timeSpentSeconds": seconds,
                                      "billableSeconds": billable}))


def _example(admin, api, crew) -> None:
    scheme = ok(admin.post("/holiday-schemes", json={"name": "Public"}))
    ok(admin.put(f"/holiday-schemes/{scheme['id']}/default"))
    ok(admin.post(f"/holiday-schemes/{scheme['id']}/holidays",
                  json={"name": "Whit Monday", "date": "2026-05-25"}))
    ada, bob = crew["ada"].account_id, crew["bob"].account_id
    team_with(admin, "Delivery", [(ada, 100), (bob, 50)])
    for day in ("2026-05-26", "2026-05-27", "2026-05-28", "2026-05-29"):
        _log(api, crew["story"], day, int(7.5 * H), 6 * H)
        _log(api.as_user(bob), crew["story"], day, 4 * H, 2 * H)


def _figures(row: dict) -> tuple:
    return (row["availableSeconds"], row["loggedSeconds"], row["billableSeconds"],
            row["billableUtilizationPercent"], row["totalUtilizationPercent"])


def test_the_readme_worked_example(admin, api, crew):
    _example(admin, api, crew)
    expected = _readme_example()
    users = ok(admin.get("/reports/utilization", params={**SPAN, "groupBy": "user"}))
    by_user = {r["group"]: r for r in users["results"]}
    assert _figures(by_user[crew["ada"].account_id]) == expected["Ada"]
    assert _figures(by_user[crew["bob"].account_id]) == expected["Bob"]
    teams = ok(admin.get("/reports/utilization", params={**SPAN, "groupBy": "team"}))
    (delivery,) = teams["results"]
    assert delivery["groupName"] == "Delivery"
    assert _figures(delivery) == expected["Delivery"]
    assert (delivery["targetUtilizationPercent"], delivery["gapPercent"]) == (None, None)


def test_csv_and_xlsx_carry_the_same_rows(admin, api, crew):
    _example(admin, api, crew)
    params = {**SPAN, "groupBy": "team"}
    response = admin.get("/reports/utilization", params={**params, "format": "csv"})
    assert response.headers["Content-Type"].startswith("text/csv")
    (row,) = list(csv.DictReader(io.StringIO(response.text)))
    assert (row["groupName"], row["billableUtilizationPercent"]) == ("Delivery", "58.33")
    book = load_workbook(io.BytesIO(admin.get("/reports/utilization", params={
        **params, "format": "xlsx"}).content))
    header, values = list(book.active.iter_rows(values_only=True))
    assert dict(zip(header, values, strict=True))["totalUtilizationPercent"] == 79.17


def test_grouping_and_format_are_checked_and_people_see_only_themselves(api, crew):
    bad = api.get("/reports/utilization", params={**SPAN, "groupBy": "planet",
                                                  "format": "pdf"})
    assert bad.status_code == 400
    assert {f["field"] for f in bad.json()["errors"]["fields"]} == {"groupBy", "format"}
    mine = ok(api.get("/reports/utilization", params=SPAN))
    assert [r["group"] for r in mine["results"]] == [crew["ada"].account_id]
    assert ok(api.get("/reports/utilization", params={**SPAN, "groupBy": "team"})
              )["results"] == []
