"""Pricing worklogs: the rate, amount and source of each, snapshotted on the worklog row.

revenue = billable hours (after the account's billing rounding) × billing rate, in the
account's currency; cost = hours spent × cost rate, in the base currency; non-billable time has
cost and no revenue. Each line is rounded half-up to its currency's minor unit, and revenue is
also converted into the base currency (``revenue_base``) with the exchange rate of the work day,
so reports are plain sums of rounded lines. Anything that cannot be computed is left null with
an error naming what is missing — never priced as zero.

Amounts follow the rate table until the worklog is frozen (approved); ``repricing.reprice``
recomputes every unfrozen line when rates, roles, exchange rates or account terms change.
"""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from decimal import Decimal

from sqlalchemy import bindparam
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from ..models import Account
from ..models import Worklog
from ..models.money import BILLING
from ..models.money import COST
from .exchange_rates import FxTable
from .exchange_rates import MissingExchangeRate
from .exchange_rates import fx_table
from .money import RATE_PLACES
from .money import base_currency
from .money import hours_times_rate
from .money import round_money
from .rates import RateBook
from .rates import rate_book
from .roles import default_role
from .roles import role_id_of
from .roles import role_on_day_sql
from .roles import role_timeline
from .sync_batch import current_batch
from .sync_batch import memoized
from .sync_batch import set_fields

BATCH = 5000
ROUNDING_MODES = ("NONE", "UP", "NEAREST")
ROUNDING_MINUTES = (1, 6, 15, 30)


@dataclass(frozen=True)
class Terms:
    """What pricing needs to know about an account."""

    currency: str
    rounding_mode: str = "NONE"
    rounding_minutes: int = 1


@dataclass(frozen=True)
class LineInput:
    author: str
    account_key: str | None
    day: date
    time_spent_seconds: int
    billable_seconds: int
    role_id: int


@dataclass(frozen=True)
class LinePrice:
    role_id: int
    cost_rate: Decimal | None = None
    cost_rate_id: int | None = None
    cost_rate_scope: str | None = None
    cost: Decimal | None = None
    cost_currency: str | None = None
    cost_error: str | None = None
    billing_rate: Decimal | None = None
    billing_rate_id: int | None = None
    billing_rate_scope: str | None = None
    priced_billable_seconds: int = 0
    revenue: Decimal | None = None
    revenue_currency: str | None = None
    revenue_base: Decimal | None = None
    revenue_error: str | None = None


PRICE_FIELDS = tuple(LinePrice.__dataclass_fields__)


class PricingContext:
    """Everything needed to price many lines without a query per line."""

    def __init__(self, *, base: str, book: RateBook, fx: FxTable, terms: dict[str, Terms]):
        self.base, self.book, self.fx, self.terms = base, book, fx, terms

    @classmethod
    def load(cls, session: Session) -> PricingContext:
        terms = {a.key: Terms(a.currency, a.billing_rounding_mode or "NONE",
                              a.billing_rounding_minutes or 1)
                 for a in session.scalars(select(Account))}
        return cls(base=base_currency(session), book=rate_book(session), fx=fx_table(session),
                   terms=terms)


def rounded_billable(seconds: int, mode: str, minutes: int) -> int:
    """Billable seconds after the account's rounding: UP to the next step, or to the NEAREST
    step with a tie rounding up; NONE keeps them. Zero stays zero."""
    step = minutes * 60
    if mode == "UP":
        return -(-seconds // step) * step
    if mode == "NEAREST":
        return (seconds + step // 2) // step * step
    return seconds


def _converted_rate(ctx: PricingContext, value: Decimal, currency: str, target: str,
                    day: date) -> Decimal:
    if currency == target:
        return value
    return (value * ctx.fx.rate(currency, target, day)).quantize(RATE_PLACES)


def _missing_rate(category: str, line: LineInput) -> str:
    where = f" on account {line.account_key}" if line.account_key and category == BILLING \
        else ""
    return (f"no {category} rate in force for user {line.author}{where} on "
            f"{line.day.isoformat()}")


def price_line(ctx: PricingContext, line: LineInput) -> LinePrice:
    """The priced amounts of one line (pure: no database)."""
    values = {"role_id": line.role_id}
    values.update(_cost(ctx, line))
    values.update(_revenue(ctx, line))
    return LinePrice(**values)


def _cost(ctx: PricingContext, line: LineInput) -> dict:
    found = ctx.book.resolve(COST, day=line.day, user=line.author, role_id=line.role_id,
                             account_key=None).rate
    if found is None:
        return {"cost_error": _missing_rate(COST, line)}
    try:
        rate = _converted_rate(ctx, found.value, found.currency, ctx.base, line.day)
    except MissingExchangeRate as exc:
        return {"cost_error": str(exc)}
    return {"cost_rate": rate, "cost_rate_id": found.id, "cost_rate_scope": found.scope_type,
            "cost": hours_times_rate(line.time_spent_seconds, rate, ctx.base),
            "cost_currency": ctx.base}


def _revenue(ctx: PricingContext, line: LineInput) -> dict:
    terms = ctx.terms.get(line.account_key) if line.account_key else None
    currency = terms.currency if terms else ctx.base
    billable = rounded_billable(line.billable_seconds, terms.rounding_mode,
                                terms.rounding_minutes) if terms else line.billable_seconds
    out: dict = {"priced_billable_seconds": billable, "revenue_currency": currency}
    if billable == 0:
        return {**out, "revenue": Decimal(0), "revenue_base": Decimal(0)}
    found = ctx.book.resolve(BILLING, day=line.day, user=line.author, role_id=line.role_id,
                             account_key=line.account_key).rate
    if found is None:
        return {**out, "revenue_error": _missing_rate(BILLING, line)}
    try:
        rate = _converted_rate(ctx, found.value, found.currency, currency, line.day)
    except MissingExchangeRate as exc:
        return {**out, "revenue_error": str(exc)}
    revenue = hours_times_rate(billable, rate, currency)
    out.update(billing_rate=rate, billing_rate_id=found.id, billing_rate_scope=found.scope_type,
               revenue=revenue)
    try:
        out["revenue_base"] = round_money(revenue * ctx.fx.rate(currency, ctx.base, line.day),
                                          ctx.base)
    except MissingExchangeRate as exc:
        out["revenue_error"] = str(exc)
    return out


def price_worklog(session: Session, worklog: Worklog, *, now: datetime) -> None:
    """Price one worklog in place (the write path calls this; frozen lines stay as they are)."""
    if worklog.frozen_at is not None:
        return
    tenant_id = session.tenant_id
    author, day = worklog.author_account_id, worklog.start_date
    if current_batch(session) is None:
        ctx, role_id = PricingContext.load(session), role_id_of(session, tenant_id, author, day)
    else:  # a sync batch writes no rates, roles or accounts: loaded once per batch
        ctx = memoized(session, ("pricing",), lambda: PricingContext.load(session))
        role_id = memoized(session, ("roles",),
                           lambda: role_timeline(session, tenant_id)).role_id(author, day)
    line = LineInput(author, worklog.account_key, day, worklog.time_spent_seconds,
                     worklog.billable_seconds, role_id)
    price = price_line(ctx, line)
    # Not ``asdict``: it deep-copies every value (a sync hot path).
    set_fields(session, worklog, {**{name: getattr(price, name) for name in PRICE_FIELDS},
                                  "priced_at": now})


def reprice_worklogs(session: Session, tenant_id: int, ctx: PricingContext, *,
                     now: datetime) -> int:
    """Re-price every live, unfrozen worklog of the tenant in batches; returns how many.

    The role on each line's day comes from one set-based expression; the lines are priced
    with the in-memory rate and exchange tables and written back by primary key.
    """
    role_expr = role_on_day_sql(tenant_id, Worklog.author_account_id, Worklog.start_date,
                                default_role(session, tenant_id).id)
    count, after = 0, 0
    while True:
        rows = session.execute(
            select(Worklog.id, Worklog.author_account_id, Worklog.account_key,
                   Worklog.start_date, Worklog.time_spent_seconds, Worklog.billable_seconds,
                   role_expr).where(Worklog.tenant_id == tenant_id, Worklog.id > after,
                                    Worklog.deleted_at.is_(None), Worklog.frozen_at.is_(None))
            .order_by(Worklog.id).limit(BATCH)).all()
        if not rows:
            return count
        _write_prices(session, tenant_id, [(row[0], price_line(ctx, LineInput(*row[1:])))
                                           for row in rows], now)
        count, after = count + len(rows), rows[-1][0]


def _write_prices(session: Session, tenant_id: int, priced, now: datetime) -> None:
    table = Worklog.__table__
    names = list(PRICE_FIELDS)
    statement = (update(table).where(table.c.tenant_id == tenant_id,
                                     table.c.id == bindparam("b_id"))
                 .values({name: bindparam(f"b_{name}") for name in [*names, "priced_at"]}))
    session.connection().execute(statement, [
        {"b_id": worklog_id, "b_priced_at": now,
         **{f"b_{name}": value for name, value in asdict(price).items()}}
        for worklog_id, price in priced])


@dataclass(frozen=True)
class Explanation:
    """Which rate applies to a person's work on a day, in what currency, and why."""

    role_id: int
    category: str
    resolution: object      # rates.Resolution
    currency: str
    rate: Decimal | None
    error: str | None


def explain_rate(session: Session, tenant_id: int, *, category: str, user: str,
                 account_key: str | None, day: date) -> Explanation:
    """The rate ``GET /rates/resolve`` answers with: the first match in precedence order, the
    scopes tried before it, and the rate converted into the currency it is charged in."""
    ctx = PricingContext.load(session)
    role_id = role_id_of(session, tenant_id, user, day)
    resolution = ctx.book.resolve(category, day=day, user=user, role_id=role_id,
                                  account_key=account_key if category == BILLING else None)
    terms = ctx.terms.get(account_key) if account_key else None
    currency = terms.currency if terms and category == BILLING else ctx.base
    line = LineInput(user, account_key, day, 0, 0, role_id)
    if resolution.rate is None:
        return Explanation(role_id, category, resolution, currency, None,
                           _missing_rate(category, line))
    try:
        rate = _converted_rate(ctx, resolution.rate.value, resolution.rate.currency, currency,
                               day)
    except MissingExchangeRate as exc:
        return Explanation(role_id, category, resolution, currency, None, str(exc))
    return Explanation(role_id, category, resolution, currency, rate, None)
