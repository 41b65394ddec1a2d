"""Retainer and fixed-fee accounts: the contract's lines are billed once, the approved work is
listed at no charge (and still marked invoiced), expenses are billed as usual."""

from __future__ import annotations

from decimal import Decimal

from .conftest import NEXT_WEEK
from .conftest import approve
from .conftest import log
from .test_invoices import act
from .test_invoices import created
from .test_invoices import value


def _terms(admin, world, **fields):
    response = admin.put("/accounts/ACME", json={
        "name": "Acme", "status": "OPEN", "categoryKey": "BILL", "currency": "EUR",
        "leadAccountId": world["bob"].account_id, **fields})
    assert response.status_code == 200, response.text


def _lines(invoice):
    return [(line["kind"], line["description"], value(line["amount"]))
            for line in invoice["lines"]]


def test_a_retainer_month_is_billed_once_and_the_work_is_included(billing, world):
    admin = billing["admin"]
    _terms(admin, world, contractType="RETAINER",
           retainer={"monthlyFee": 1000, "includedHours": 10})
    invoice = created(admin, "PERSON")
    assert _lines(invoice) == [
        ("RETAINER", "Retainer 2026-11", Decimal("1000")),
        ("WORK", "Ada Lovelace (included in the contract)", Decimal(0)),
        ("WORK", "Bob Builder (included in the contract)", Decimal(0)),
        ("EXPENSE", "TRAVEL: <b>night train</b>", Decimal("135.80"))]
    assert value(invoice["total"]) == Decimal("1135.80")
    assert act(admin, invoice, "issue").status_code == 200
    assert created(admin, "PERSON")["lines"] == []
    act(admin, invoice, "void")
    assert value(created(admin, "PERSON")["total"]) == Decimal("1135.80")


def test_a_fixed_fee_bills_its_share_complete_less_what_was_invoiced(billing, world):
    admin = billing["admin"]
    _terms(admin, world, contractType="FIXED_FEE",
           fixedFee={"price": 10000, "budgetedHours": 40})
    invoice = created(admin, "ROLE")
    # 17,500 s logged = 4.86 h (budgets.hours_of) of 40 h budgeted: 12.15% of 10,000.
    assert _lines(invoice)[0] == ("FIXED_FEE", "Fixed fee: 12% complete", Decimal("1215.00"))
    twin = created(admin, "ROLE")
    assert act(admin, invoice, "issue").status_code == 200
    assert act(admin, twin, "issue").status_code == 409  # the same share, already invoiced
    assert created(admin, "ROLE")["lines"] == []


def test_hours_over_the_retainer_allowance_are_billed_once(billing, world):
    admin = billing["admin"]
    _terms(admin, world, contractType="RETAINER",
           retainer={"monthlyFee": 1000, "includedHours": 2})
    invoice = created(admin, "PERSON")
    # 17,500 s billable (4.8611 h) against 2 h included; 486.11 EUR for those hours.
    over = next(line for line in invoice["lines"] if line["kind"] == "OVERAGE")
    assert (over["description"], over["hours"], value(over["amount"])) == (
        "Hours over the retainer 2026-11", 2.86, Decimal("286.11"))
    assert value(invoice["total"]) == Decimal("1000") + Decimal("286.11") + Decimal("135.80")
    assert act(admin, invoice, "issue").status_code == 200
    # More time in the month later on: all of it is over the allowance now.
    ada = billing["ada"]
    log(ada, world["story"], "2026-11-30", 3600)
    approve(ada, billing["lead"], world["ada"].account_id, NEXT_WEEK)
    later = created(admin, "PERSON", **{"from": "2026-11-30", "to": "2026-11-30"})
    assert [(line["kind"], value(line["amount"])) for line in later["lines"]] == [
        ("OVERAGE", Decimal("100.00")), ("WORK", Decimal(0))]  # November's fee is billed


def test_time_and_materials_is_billed_up_to_its_cap_over_all_invoices(billing, world):
    admin = billing["admin"]
    _terms(admin, world, timeAndMaterials={"capAmount": 300})
    first = created(admin, "PERSON")
    assert [line for line in _lines(first) if line[0] == "CAP"] == [
        ("CAP", "Capped at 300.00 EUR", Decimal("-186.11"))]  # 486.11 of work
    assert value(first["total"]) == Decimal("300") + Decimal("135.80")
    twin = created(admin, "PERSON")
    assert act(admin, first, "issue").status_code == 200
    assert act(admin, twin, "issue").status_code == 409
    ada = billing["ada"]
    log(ada, world["story"], "2026-11-30", 3600)
    approve(ada, billing["lead"], world["ada"].account_id, NEXT_WEEK)
    later = created(admin, "PERSON", **NEXT_WEEK)
    assert value(later["total"]) == Decimal(0)  # the cap was reached
