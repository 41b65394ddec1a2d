"""Exports write text as text: nothing a spreadsheet would evaluate, numbers kept exact."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from addon.domain.spreadsheets import csv_bytes
from addon.domain.spreadsheets import xlsx_bytes


@pytest.mark.parametrize("text", ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_text_that_starts_a_formula_gets_an_apostrophe(text):
    (row,) = csv.reader(io.StringIO(csv_bytes([[text]]).decode()))
    assert row == ["'" + text]


def test_csv_numbers_and_plain_text_are_unchanged():
    (row,) = csv.reader(io.StringIO(csv_bytes([[Decimal("-12.50"), -3, "a-b", None]]).decode()))
    assert row == ["-12.50", "-3", "a-b", ""]


def test_xlsx_stores_formula_like_text_as_text_and_money_with_its_decimals():
    data = xlsx_bytes([["=1+2", Decimal("1234.5")]], title="T", currency="JPY")
    sheet = load_workbook(io.BytesIO(data)).active
    text, money = sheet["A1"], sheet["B1"]
    assert (text.value, text.data_type) == ("=1+2", "s")
    assert money.value == 1234.5 and money.number_format == "#,##0"
