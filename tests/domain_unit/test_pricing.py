"""Pricing rules without a database: precedence, effective dates, rounding, minor units."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from addon.domain.exchange_rates import FxTable
from addon.domain.money import hours_times_rate
from addon.domain.money import minor_units
from addon.domain.pricing import LineInput
from addon.domain.pricing import PricingContext
from addon.domain.pricing import Terms
from addon.domain.pricing import price_line
from addon.domain.pricing import rounded_billable
from addon.domain.rates import RateBook
from addon.models.money import scope_key

_ids = itertools.count(1)
ADA, ROLE, OTHER_ROLE = "ada", 7, 8


def rate(category, scope_type, value, *, day=None, currency="EUR", account=None, role=None,
         user=None):
    return SimpleNamespace(
        id=next(_ids), category=category, scope_type=scope_type, value=Decimal(value),
        currency=currency, effective_date=day, account_key=account, role_id=role,
        user_account_id=user,
        scope_key=scope_key(scope_type, account_key=account, role_id=role, user_account_id=user))


ALL_BILLING = [
    rate("BILLING", "SITE", "10"),
    rate("BILLING", "ROLE", "20", role=ROLE),
    rate("BILLING", "USER", "30", user=ADA),
    rate("BILLING", "ACCOUNT", "40", account="ACME"),
    rate("BILLING", "ACCOUNT_ROLE", "50", account="ACME", role=ROLE),
    rate("BILLING", "ACCOUNT_USER", "60", account="ACME", user=ADA),
]


@pytest.mark.parametrize(("removed", "expected_scope"), [
    ((), "ACCOUNT_USER"),
    (("ACCOUNT_USER",), "ACCOUNT_ROLE"),
    (("ACCOUNT_USER", "ACCOUNT_ROLE"), "ACCOUNT"),
    (("ACCOUNT_USER", "ACCOUNT_ROLE", "ACCOUNT"), "USER"),
    (("ACCOUNT_USER", "ACCOUNT_ROLE", "ACCOUNT", "USER"), "ROLE"),
    (("ACCOUNT_USER", "ACCOUNT_ROLE", "ACCOUNT", "USER", "ROLE"), "SITE"),
])
def test_billing_precedence_first_match_wins(removed, expected_scope):
    book = RateBook([r for r in ALL_BILLING if r.scope_type not in removed])
    found = book.resolve("BILLING", day=date(2026, 10, 1), user=ADA, role_id=ROLE,
                         account_key="ACME")
    assert found.rate.scope_type == expected_scope
    assert [s.type for s in found.tried][-1] == expected_scope


def test_account_rates_never_apply_to_other_accounts_users_or_roles():
    book = RateBook(ALL_BILLING)
    found = book.resolve("BILLING", day=date(2026, 10, 1), user="bob", role_id=OTHER_ROLE,
                         account_key="GLOBEX")
    assert found.rate.scope_type == "SITE"
    assert [s.type for s in found.tried] == ["ACCOUNT_USER", "ACCOUNT_ROLE", "ACCOUNT", "USER",
                                             "ROLE", "SITE"]


@pytest.mark.parametrize(("removed", "expected_scope"), [
    ((), "USER"), (("USER",), "ROLE"), (("USER", "ROLE"), "SITE"), (("USER", "ROLE", "SITE"), None),
])
def test_cost_precedence_user_role_site(removed, expected_scope):
    rows = [rate("COST", "SITE", "5"), rate("COST", "ROLE", "6", role=ROLE),
            rate("COST", "USER", "7", user=ADA)]
    book = RateBook([r for r in rows if r.scope_type not in removed])
    found = book.resolve("COST", day=date(2026, 10, 1), user=ADA, role_id=ROLE,
                         account_key="ACME")
    assert (found.rate.scope_type if found.rate else None) == expected_scope


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 9, 30), "100"),    # before any dated rate: the initial one
    (date(2026, 10, 14), "110"),   # the day before the mid-month change
    (date(2026, 10, 15), "120"),   # the change's own day
    (date(2026, 10, 31), "120"),
    (date(2026, 11, 1), "130"),
])
def test_the_rate_in_force_on_the_work_day_applies(day, expected):
    book = RateBook([rate("BILLING", "SITE", "100"),
                     rate("BILLING", "SITE", "130", day=date(2026, 11, 1)),
                     rate("BILLING", "SITE", "110", day=date(2026, 10, 1)),
                     rate("BILLING", "SITE", "120", day=date(2026, 10, 15))])
    found = book.resolve("BILLING", day=day, user=ADA, role_id=ROLE, account_key=None)
    assert found.rate.value == Decimal(expected)


def test_a_dated_rate_without_an_initial_one_does_not_reach_back():
    book = RateBook([rate("BILLING", "USER", "50", user=ADA, day=date(2026, 10, 1)),
                     rate("BILLING", "SITE", "10")])
    early = book.resolve("BILLING", day=date(2026, 9, 30), user=ADA, role_id=ROLE,
                         account_key=None)
    assert early.rate.scope_type == "SITE"


@pytest.mark.parametrize(("seconds", "mode", "minutes", "expected"), [
    (0, "UP", 15, 0), (1, "UP", 15, 900), (900, "UP", 15, 900), (901, "UP", 15, 1800),
    (449, "NEAREST", 15, 0), (450, "NEAREST", 15, 900), (451, "NEAREST", 15, 900),
    (1349, "NEAREST", 15, 900), (1350, "NEAREST", 15, 1800),  # a tie rounds up
    (179, "NEAREST", 6, 0), (180, "NEAREST", 6, 360), (179, "UP", 6, 360),
    (61, "UP", 1, 120), (89, "NEAREST", 1, 60), (90, "NEAREST", 1, 120),
    (1799, "UP", 30, 1800), (2699, "NEAREST", 30, 1800), (2700, "NEAREST", 30, 3600),
    (1234, "NONE", 15, 1234),
])
def test_billing_rounding_modes(seconds, mode, minutes, expected):
    assert rounded_billable(seconds, mode, minutes) == expected


@pytest.mark.parametrize(("currency", "places", "seconds", "rate", "expected"), [
    ("JPY", 0, 1800, "1001", "501"),        # 500.5 rounds half up to 501
    ("JPY", 0, 900, "1000", "250"),
    ("EUR", 2, 900, "27.50", "6.88"),       # 6.875 → 6.88
    ("EUR", 2, 60, "60.30", "1.01"),        # 1.005: the binary-float trap rounds to 1.00
    ("EUR", 2, 1800, "32.25", "16.13"),     # 16.125: half-even would say 16.12
    ("KWD", 3, 60, "1.0003", "0.017"),      # 0.016671… → 0.017
    ("KWD", 3, 1800, "0.125", "0.063"),     # 0.0625 → 0.063
])
def test_lines_round_half_up_to_the_currency_minor_unit(currency, places, seconds, rate,
                                                        expected):
    assert minor_units(currency) == places
    amount = hours_times_rate(seconds, Decimal(rate), currency)
    assert amount == Decimal(expected) and str(amount) == expected


def test_totals_are_sums_of_rounded_lines():
    two_quarters = 2 * hours_times_rate(900, Decimal("27.50"), "EUR")
    assert two_quarters == Decimal("13.76")
    assert hours_times_rate(1800, Decimal("27.50"), "EUR") == Decimal("13.75")
    twelve = [600, 1800, 3600, 2700, 900, 4500, 3000, 2400, 5400, 3300, 6600, 1200]
    assert sum(twelve) == 36000
    lines = [hours_times_rate(s, Decimal("114.75"), "EUR") for s in twelve]
    # The rule is per line (what an invoice prints), so the total is the sum of the lines,
    # here 3 cents more than one 10-hour line would be.
    assert sum(lines) == Decimal("1147.53")
    assert hours_times_rate(36000, Decimal("114.75"), "EUR") == Decimal("1147.50")


def _context(*, rates, fx=(), terms=None, base="EUR"):
    fx_rows = [SimpleNamespace(from_currency=a, to_currency=b, rate=Decimal(r), effective_date=d)
               for a, b, r, d in fx]
    return PricingContext(base=base, book=RateBook(rates), fx=FxTable(fx_rows),
                          terms=terms or {})


def test_non_billable_time_has_cost_and_no_revenue():
    ctx = _context(rates=[rate("COST", "SITE", "40")])
    price = price_line(ctx, LineInput(ADA, None, date(2026, 10, 5), 5400, 0, ROLE))
    assert (price.cost, price.revenue, price.revenue_error) == (Decimal("60.00"), 0, None)


def test_a_base_currency_rate_on_an_account_in_another_currency_is_converted_on_the_day():
    ctx = _context(rates=[rate("COST", "SITE", "50"), rate("BILLING", "SITE", "100")],
                   fx=[("EUR", "USD", "1.10", date(2026, 10, 1)),
                       ("EUR", "USD", "1.20", date(2026, 10, 15))],
                   terms={"US": Terms("USD")})
    early = price_line(ctx, LineInput(ADA, "US", date(2026, 10, 14), 3600, 3600, ROLE))
    late = price_line(ctx, LineInput(ADA, "US", date(2026, 10, 15), 3600, 3600, ROLE))
    assert (early.billing_rate, early.revenue, early.revenue_currency) == (
        Decimal("110.0000"), Decimal("110.00"), "USD")
    assert late.revenue == Decimal("120.00")
    assert late.revenue_base == Decimal("100.00")  # back to EUR through the inverse rate


def test_a_missing_exchange_rate_names_the_pair_and_the_day_and_is_never_one():
    ctx = _context(rates=[rate("COST", "SITE", "50"), rate("BILLING", "SITE", "100")],
                   fx=[("EUR", "USD", "1.10", date(2026, 10, 1))],
                   terms={"JP": Terms("JPY")})
    price = price_line(ctx, LineInput(ADA, "JP", date(2026, 9, 30), 3600, 3600, ROLE))
    assert price.revenue is None and price.revenue_base is None
    assert price.revenue_error == "no exchange rate EUR→JPY in force on 2026-09-30"
    assert price.cost == Decimal("50.00")


def test_a_missing_rate_is_an_error_not_zero():
    ctx = _context(rates=[])
    price = price_line(ctx, LineInput(ADA, "ACME", date(2026, 10, 5), 3600, 3600, ROLE))
    assert price.cost is None and price.revenue is None
    assert price.cost_error == "no COST rate in force for user ada on 2026-10-05"
    assert price.revenue_error == ("no BILLING rate in force for user ada on account ACME on "
                                   "2026-10-05")


def test_billing_rounding_prices_the_rounded_time_per_worklog():
    ctx = _context(rates=[rate("COST", "SITE", "60"), rate("BILLING", "SITE", "120")],
                   terms={"ACME": Terms("EUR", "UP", 15)})
    price = price_line(ctx, LineInput(ADA, "ACME", date(2026, 10, 5), 1000, 1000, ROLE))
    assert price.priced_billable_seconds == 1800
    assert (price.revenue, price.cost) == (Decimal("60.00"), Decimal("16.67"))
