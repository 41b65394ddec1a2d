"""Tables as CSV and XLSX files, for every export (cost report, billing, utilization, audit).

One place for two things each export would otherwise get wrong on its own: a cell of text that
a spreadsheet would run as a formula (``=HYPERLINK(…)`` in a worklog description, OWASP's "CSV
injection") is written as text, and money stays an exact number with its currency's decimals.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from openpyxl import Workbook

from .money import minor_units

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What Excel, LibreOffice and Sheets start a formula with.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_text(value):
    """Text a spreadsheet would evaluate gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(["" if v is None else inert_text(v) for v in row])
    return out.getvalue().encode("utf-8")


def money_format(currency: str | None) -> str:
    places = minor_units(currency) if currency else 2
    return "#,##0" + ("." + "0" * places if places else "")


def xlsx_bytes(rows: Iterable[list], *, title: str, currency: str | None = None,
               money_columns: set[int] | None = None) -> bytes:
    """One sheet; Decimal cells (only those in ``money_columns`` when given) show the
    currency's decimals. Text is always stored as text, never as a formula."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    number_format = money_format(currency)
    for row in rows:
        sheet.append(list(row))
        for index, cell in enumerate(sheet[sheet.max_row]):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would store "=…" as a formula
            elif isinstance(cell.value, Decimal) and (money_columns is None
                                                      or index in money_columns):
                cell.number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
