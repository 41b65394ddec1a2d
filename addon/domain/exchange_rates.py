"""Exchange rates, effective-dated: revenue in an account's currency is converted into the base
currency (for margins and cross-account totals) with the rate in force on the work day.

A missing rate is an error naming the pair and the day, never a silent 1.0. When only the
opposite direction is on file, its inverse is used (1 EUR = 1.25 USD ⇒ 1 USD = 0.8 EUR).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import ExchangeRate
from .errors import Conflict
from .errors import FieldProblem
from .errors import InvalidInput
from .errors import NotFound
from .money import check_currency
from .money import parse_decimal


class MissingExchangeRate(LookupError):
    """No exchange rate for a pair on a day; ``str()`` names both."""

    def __init__(self, from_currency: str, to_currency: str, day: date):
        self.from_currency, self.to_currency, self.day = from_currency, to_currency, day
        super().__init__(f"no exchange rate {from_currency}→{to_currency} in force on "
                         f"{day.isoformat()}")


@dataclass(frozen=True)
class ExchangeRateInput:
    from_currency: object
    to_currency: object
    rate: object
    effective_date: date | None


class FxTable:
    """Every exchange rate of a tenant, in memory, for pricing many lines at once."""

    def __init__(self, rows):
        self._pairs: dict[tuple[str, str], tuple[list[date], list[Decimal]]] = {}
        for row in sorted(rows, key=lambda r: r.effective_date):
            days, values = self._pairs.setdefault((row.from_currency, row.to_currency), ([], []))
            days.append(row.effective_date)
            values.append(row.rate)

    def rate(self, from_currency: str, to_currency: str, day: date) -> Decimal:
        """Units of ``to_currency`` per ``from_currency`` on ``day``. Raises
        MissingExchangeRate."""
        if from_currency == to_currency:
            return Decimal(1)
        direct = self._on(from_currency, to_currency, day)
        if direct is not None:
            return direct
        inverse = self._on(to_currency, from_currency, day)
        if inverse is not None:
            return Decimal(1) / inverse
        raise MissingExchangeRate(from_currency, to_currency, day)

    def _on(self, from_currency: str, to_currency: str, day: date) -> Decimal | None:
        found = self._pairs.get((from_currency, to_currency))
        if not found:
            return None
        index = bisect.bisect_right(found[0], day) - 1
        return found[1][index] if index >= 0 else None


def fx_table(session: Session) -> FxTable:
    return FxTable(session.scalars(select(ExchangeRate)))


def list_exchange_rates(session: Session, *, from_currency=None,
                        to_currency=None) -> list[ExchangeRate]:
    query = select(ExchangeRate).order_by(ExchangeRate.from_currency, ExchangeRate.to_currency,
                                          ExchangeRate.effective_date)
    if from_currency:
        query = query.where(ExchangeRate.from_currency == from_currency)
    if to_currency:
        query = query.where(ExchangeRate.to_currency == to_currency)
    return list(session.scalars(query))


def get_exchange_rate(session: Session, rate_id: int) -> ExchangeRate:
    row = session.get(ExchangeRate, rate_id)
    if row is None or row.tenant_id != session.tenant_id:
        raise NotFound(f"exchange rate {rate_id} not found")
    return row


def save_exchange_rate(session: Session, data: ExchangeRateInput,
                       rate_id: int | None = None) -> ExchangeRate:
    """Create (``rate_id`` None) or replace an exchange rate. Raises InvalidInput, Conflict,
    NotFound; nothing is written on error."""
    row = get_exchange_rate(session, rate_id) if rate_id is not None else ExchangeRate()
    problems: list = []
    source = check_currency(data.from_currency, "fromCurrency", problems)
    target = check_currency(data.to_currency, "toCurrency", problems)
    value = parse_decimal(data.rate, "rate", problems, positive=True, places=10)
    if data.effective_date is None:
        problems.append(FieldProblem("effectiveDate", "'effectiveDate' is required", "required"))
    if source and target and source == target:
        problems.append(FieldProblem("toCurrency", "toCurrency must differ from fromCurrency"))
    if problems:
        raise InvalidInput(problems[0].message if len(problems) == 1 else "invalid exchange rate",
                           problems)
    clash = session.scalar(select(ExchangeRate.id).where(
        ExchangeRate.from_currency == source, ExchangeRate.to_currency == target,
        ExchangeRate.effective_date == data.effective_date))
    if clash is not None and clash != rate_id:
        raise Conflict("a rate for this pair and day exists", [FieldProblem(
            "effectiveDate", f"{source}→{target} already has a rate on "
            f"{data.effective_date.isoformat()}", "duplicate")])
    row.from_currency, row.to_currency = source, target
    row.rate, row.effective_date = value, data.effective_date
    session.add(row)
    session.flush()
    return row


def delete_exchange_rate(session: Session, rate_id: int) -> None:
    session.delete(get_exchange_rate(session, rate_id))
    session.flush()
