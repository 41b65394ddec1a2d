"""``/api/4/rates`` (with ``/rates/resolve``) and ``/api/4/exchange-rates``.

Every change here re-prices unapproved work in the background (``REPRICE_JOB``, after the
commit); reports say when that finished.
"""

from __future__ import annotations

from flask import jsonify
from flask import request

from connect.context import allow_context_qsh
from connect.context import current_context

from ..caller import is_site_admin
from ..caller import require_site_admin
from ..caller import require_user
from ..db import request_session
from ..domain import exchange_rates as fx
from ..domain import rates
from ..domain.access import MoneyAccess
from ..domain.access import money_access
from ..domain.errors import Forbidden
from ..domain.pricing import explain_rate
from ..domain.repricing import request_repricing
from ..domain.roles import get_role
from ..errors import ApiError
from ..jobs import REPRICE_JOB
from ..jobs import get_jobs
from ..models.base import utcnow
from ..models.money import BILLING
from ..models.money import RATE_CATEGORIES
from . import bp
from . import serialize
from .envelope import envelope
from .envelope import page_from_request
from .envelope import result_list
from .inputs import Problems
from .inputs import json_body_exact
from .inputs import parse_date


def _session():
    return request_session(current_context().tenant_id)


def _tenant() -> int:
    return current_context().tenant_id


def caller_money_access(session) -> MoneyAccess:
    """The caller's view of the money side (site admin per Jira, account leads per account)."""
    caller = require_user()
    return money_access(session, _tenant(), caller, is_site_admin=is_site_admin())


def worklog_money_access(session) -> MoneyAccess | None:
    """The caller's money view for worklog responses, or None without a user. If Jira cannot
    say whether the caller is a site admin, they are treated as one who is not: reading
    worklogs must not fail because of it (they see at most their own revenue)."""
    caller = current_context().account_id
    if not caller:
        return None
    try:
        admin = is_site_admin()
    except ApiError:
        admin = False
    return money_access(session, _tenant(), caller, is_site_admin=admin)


def reprice_after_commit(session) -> None:
    """Prices follow the change once it is committed (one background job per change)."""
    request_repricing(session, now=utcnow())
    get_jobs().enqueue(REPRICE_JOB, _tenant(), session=session)


def _paged(rows, serializer):
    page = page_from_request()
    chunk = rows[page.offset:page.offset + page.limit]
    return jsonify(envelope([serializer(r) for r in chunk], page,
                            has_more=page.offset + page.limit < len(rows)))


@bp.get("/rates")
@allow_context_qsh
def list_rates():
    session = _session()
    access = caller_money_access(session)
    if not access.sees_any_costs:
        raise Forbidden("rates are shown to site administrators and account leads")
    args = request.args
    role_id = args.get("roleId")
    rows = rates.list_rates(session, category=args.get("category"),
                            scope_type=args.get("scopeType"), account_key=args.get("accountKey"),
                            user_account_id=args.get("accountId"),
                            role_id=int(role_id) if role_id and role_id.isdigit() else None,
                            account_keys=access.report_accounts())
    return _paged(rows, serialize.rate)


def _rate_input(body: dict) -> rates.RateInput:
    problems = Problems()
    amount = body.get("rate")
    if not isinstance(amount, dict):
        problems.add("rate", "'rate' must be an Amount {value, currencyCode}", "required")
        amount = {}
    day = parse_date(body.get("effectiveDate"), "effectiveDate", problems)
    problems.raise_if_any()
    return rates.RateInput(category=body.get("category"), scope=body.get("scope"),
                           value=amount.get("value"), currency=amount.get("currencyCode"),
                           effective_date=day)


@bp.post("/rates")
@allow_context_qsh
def create_rate():
    require_site_admin()
    session = _session()
    with session.begin():
        row = rates.save_rate(session, _rate_input(json_body_exact()))
        reprice_after_commit(session)
        result = serialize.rate(row)
    return jsonify(result)


@bp.get("/rates/<int:rate_id>")
@allow_context_qsh
def get_rate(rate_id):
    require_site_admin()
    return jsonify(serialize.rate(rates.get_rate(_session(), rate_id)))


@bp.put("/rates/<int:rate_id>")
@allow_context_qsh
def replace_rate(rate_id):
    require_site_admin()
    session = _session()
    with session.begin():
        row = rates.save_rate(session, _rate_input(json_body_exact()), rate_id)
        reprice_after_commit(session)
        result = serialize.rate(row)
    return jsonify(result)


@bp.delete("/rates/<int:rate_id>")
@allow_context_qsh
def delete_rate(rate_id):
    require_site_admin()
    session = _session()
    with session.begin():
        rates.delete_rate(session, rate_id)
        reprice_after_commit(session)
    return "", 204


@bp.get("/rates/resolve")
@allow_context_qsh
def resolve_rate():
    """Which rate applies to a person's work on a day, and why (the scopes tried in order)."""
    args = request.args
    problems = Problems()
    category = args.get("category") or BILLING
    if category not in RATE_CATEGORIES:
        problems.add("category", "category must be BILLING or COST")
    if not args.get("accountId"):
        problems.add("accountId", "'accountId' is required", "required")
    day = parse_date(args.get("date"), "date", problems, required=True)
    problems.raise_if_any()
    session = _session()
    account_key = args.get("accountKey") or None
    with session.begin():
        if not caller_money_access(session).sees_costs(account_key):
            raise Forbidden("rates are shown to site administrators and the account's lead")
        found = explain_rate(session, _tenant(), category=category, user=args["accountId"],
                             account_key=account_key, day=day)
        result = serialize.rate_explanation(found, get_role(session, _tenant(), found.role_id),
                                            day)
    return jsonify(result)


def _fx_input(body: dict) -> fx.ExchangeRateInput:
    problems = Problems()
    day = parse_date(body.get("effectiveDate"), "effectiveDate", problems)
    problems.raise_if_any()
    return fx.ExchangeRateInput(body.get("fromCurrency"), body.get("toCurrency"),
                                body.get("rate"), day)


@bp.get("/exchange-rates")
@allow_context_qsh
def list_exchange_rates():
    require_user()
    rows = fx.list_exchange_rates(_session(), from_currency=request.args.get("fromCurrency"),
                                  to_currency=request.args.get("toCurrency"))
    return jsonify(result_list([serialize.exchange_rate(r) for r in rows]))


@bp.post("/exchange-rates")
@allow_context_qsh
def create_exchange_rate():
    require_site_admin()
    session = _session()
    with session.begin():
        row = fx.save_exchange_rate(session, _fx_input(json_body_exact()))
        reprice_after_commit(session)
        result = serialize.exchange_rate(row)
    return jsonify(result)


@bp.get("/exchange-rates/<int:rate_id>")
@allow_context_qsh
def get_exchange_rate(rate_id):
    require_user()
    return jsonify(serialize.exchange_rate(fx.get_exchange_rate(_session(), rate_id)))


@bp.put("/exchange-rates/<int:rate_id>")
@allow_context_qsh
def replace_exchange_rate(rate_id):
    require_site_admin()
    session = _session()
    with session.begin():
        row = fx.save_exchange_rate(session, _fx_input(json_body_exact()), rate_id)
        reprice_after_commit(session)
        result = serialize.exchange_rate(row)
    return jsonify(result)


@bp.delete("/exchange-rates/<int:rate_id>")
@allow_context_qsh
def delete_exchange_rate(rate_id):
    require_site_admin()
    session = _session()
    with session.begin():
        fx.delete_exchange_rate(session, rate_id)
        reprice_after_commit(session)
    return "", 204
