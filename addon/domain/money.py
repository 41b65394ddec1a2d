"""Money arithmetic in one place: currencies, minor units, half-up rounding, the base currency.

Every amount is a ``Decimal`` rounded ROUND_HALF_UP at the line to its currency's minor unit
(JPY 0, EUR 2, KWD 3, from CLDR via babel); totals are sums of rounded lines, so a report, an
export and an invoice agree to the cent.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP
from decimal import Decimal
from decimal import InvalidOperation
from functools import lru_cache

from babel.numbers import get_currency_precision
from babel.numbers import list_currencies
from sqlalchemy.orm import Session

from ..models import TenantSetting
from .errors import FieldProblem
from .errors import InvalidInput
from .policy import save_policy

MONEY_SETTING = "money"
DEFAULT_BASE_CURRENCY = "USD"
RATE_PLACES = Decimal("0.0001")
HOUR = Decimal(3600)


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    # XXX ("no currency") and the fund/test codes are not prices anybody bills in.
    return frozenset(c for c in list_currencies() if c not in {"XXX", "XTS", "XAU", "XAG",
                                                               "XPD", "XPT"})


def is_currency(code) -> bool:
    return isinstance(code, str) and code in _currencies()


def minor_units(code: str) -> int:
    """Digits after the decimal point in ``code`` (JPY 0, EUR 2, KWD 3)."""
    return get_currency_precision(code)


def round_money(value: Decimal, code: str) -> Decimal:
    """``value`` rounded half-up to the minor unit of ``code``."""
    return value.quantize(Decimal(1).scaleb(-minor_units(code)), rounding=ROUND_HALF_UP)


def hours_times_rate(seconds: int, rate: Decimal, code: str) -> Decimal:
    """The amount of ``seconds`` at an hourly ``rate``, rounded at the line."""
    return round_money(Decimal(seconds) * rate / HOUR, code)


def parse_decimal(value, field: str, problems: list, *, positive: bool = False,
                  places: int | None = None) -> Decimal | None:
    """A JSON number (or numeric string) as a Decimal; problems name ``field``."""
    try:
        if isinstance(value, bool) or value is None:
            raise InvalidOperation
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        problems.append(FieldProblem(field, f"{field} must be a number"))
        return None
    if positive and number <= 0:
        problems.append(FieldProblem(field, f"{field} must be greater than zero", "not_positive"))
        return None
    if places is not None and number.normalize().as_tuple().exponent < -places:
        problems.append(FieldProblem(field, f"{field} has more than {places} decimal places",
                                     "too_precise"))
        return None
    return number


def check_currency(code, field: str, problems: list) -> str | None:
    if not is_currency(code):
        problems.append(FieldProblem(field, f"{field} must be an ISO 4217 currency code "
                                     "(EUR, JPY, …)", "unknown_currency"))
        return None
    return code


def base_currency(session: Session) -> str:
    """The site's base currency (``globalconfiguration.currencyCode``); USD until set."""
    setting = session.get(TenantSetting, (session.tenant_id, MONEY_SETTING))
    return (setting.value or {}).get("currency_code", DEFAULT_BASE_CURRENCY) if setting \
        else DEFAULT_BASE_CURRENCY


def save_configuration(session: Session, policy_changes: dict, currency_code,
                       *, policy_field) -> tuple:
    """PUT /globalconfiguration: policy changes and (if not None) the base currency, checked
    together so every bad field is named at once. Returns (policy, currency, currency changed).
    ``policy_field`` maps a policy setting to the field name the client sent."""
    problems: list = []
    if currency_code is not None:
        check_currency(currency_code, "currencyCode", problems)
    try:
        policy = save_policy(session, policy_changes)
    except InvalidInput as exc:
        problems += [FieldProblem(policy_field(p.field), p.message, p.code)
                     for p in exc.problems]
    if problems:
        raise InvalidInput(problems[0].message if len(problems) == 1
                           else "invalid configuration", problems)
    changed = currency_code is not None and _set_base_currency(session, currency_code)
    return policy, base_currency(session), changed


def _set_base_currency(session: Session, code: str) -> bool:
    setting = session.get(TenantSetting, (session.tenant_id, MONEY_SETTING))
    if setting is None:
        session.add(TenantSetting(name=MONEY_SETTING, value={"currency_code": code}))
        return code != DEFAULT_BASE_CURRENCY
    changed = setting.value.get("currency_code", DEFAULT_BASE_CURRENCY) != code
    setting.value = {**setting.value, "currency_code": code}
    return changed


def format_amount(value: Decimal | None, code: str) -> str:
    """``1,234.50 EUR`` at the currency's minor unit (for pages), or an em dash if unknown."""
    if value is None:
        return "—"
    return f"{round_money(value, code):,} {code}"
