"""The cost report as a file: the same table as the JSON, one line per (innermost) row plus a
total line, money as exact decimals (CSV text; XLSX numbers with the currency's decimals)."""

from __future__ import annotations

from ..money import round_money
from ..spreadsheets import csv_bytes
from ..spreadsheets import xlsx_bytes
from .cost import CostReport
from .cost import Figures


def table(report: CostReport) -> list[list]:
    levels = report.query.group_by
    header = []
    for level in levels:
        header += [f"{level} id", f"{level} name"]
    header += ["timeSpentSeconds", "billableSeconds", "nonBillableSeconds", "cost", "expenses",
               "revenue", "margin", "currency"]
    lines = [header]
    for row in report.rows:
        if len(levels) == 2:
            for child in row.rows:
                lines.append([row.id, row.name, child.id, child.name,
                              *_figures(child.figures, report.currency)])
        else:
            lines.append([row.id, row.name, *_figures(row.figures, report.currency)])
    lines.append(["TOTAL", None] * len(levels) + _figures(report.totals, report.currency))
    return lines


def _figures(f: Figures, currency: str) -> list:
    money = [None if v is None else round_money(v, currency)
             for v in (f.cost, f.expenses, f.revenue, f.margin)]
    return [f.time_spent_seconds, f.billable_seconds, f.time_spent_seconds - f.billable_seconds,
            *money, currency]


def to_csv(report: CostReport) -> bytes:
    return csv_bytes(table(report))


def to_xlsx(report: CostReport) -> bytes:
    return xlsx_bytes(table(report), title="Costs", currency=report.currency)
