"""``/api/4/expenses``: CRUD with Tempo's list envelope. Anyone records their own expenses;
site admins and account leads record and edit any on their accounts."""

from __future__ import annotations

from flask import jsonify
from flask import request

from connect.context import allow_context_qsh
from connect.context import current_context

from ..db import request_session
from ..domain import expenses
from ..domain.errors import Forbidden
from ..domain.policy import load_policy
from ..models.base import utcnow
from . import bp
from . import serialize
from .envelope import envelope
from .envelope import page_from_request
from .inputs import Problems
from .inputs import json_body_exact
from .inputs import parse_date
from .money import caller_money_access


def _session():
    return request_session(current_context().tenant_id)


def _input(body: dict, caller: str, existing=None) -> expenses.ExpenseInput:
    problems = Problems()
    day = parse_date(body.get("date"), "date", problems)
    amount = body.get("amount")
    if not isinstance(amount, dict):
        problems.add("amount", "'amount' must be an Amount {value, currencyCode}", "required")
        amount = {}
    problems.raise_if_any()
    author = body.get("authorAccountId") or (existing.author_account_id if existing else caller)
    return expenses.ExpenseInput(
        account_key=body.get("accountKey"), issue_id=body.get("issueId"), day=day,
        category=body.get("category"), amount=amount.get("value"),
        currency=amount.get("currencyCode"), billable=body.get("billable", False),
        markup_percent=body.get("markupPercent"), description=body.get("description"),
        author_account_id=author)


def _require_may_manage(access, account_key, author) -> None:
    if not access.may_manage_expense(account_key, author):
        raise Forbidden("you may only record your own expenses (account leads and site "
                        "administrators: any on their accounts)")


def _json(row, access) -> dict:
    return serialize.expense(row, money=access.sees_costs(row.account_key))


@bp.get("/expenses")
@allow_context_qsh
def list_expenses():
    session = _session()
    access = caller_money_access(session)
    problems = Problems()
    date_from = parse_date(request.args.get("from"), "from", problems)
    date_to = parse_date(request.args.get("to"), "to", problems)
    problems.raise_if_any()
    rows = [r for r in expenses.list_expenses(session, date_from=date_from, date_to=date_to)
            if access.may_manage_expense(r.account_key, r.author_account_id)]
    page = page_from_request()
    chunk = rows[page.offset:page.offset + page.limit]
    return jsonify(envelope([_json(r, access) for r in chunk], page,
                            has_more=page.offset + page.limit < len(rows)))


@bp.post("/expenses")
@allow_context_qsh
def create_expense():
    session = _session()
    with session.begin():
        access = caller_money_access(session)
        data = _input(json_body_exact(), access.caller)
        _require_may_manage(access, data.account_key, data.author_account_id)
        row = expenses.save_expense(session, data, policy=load_policy(session),
                                    today=utcnow().date(), now=utcnow())
        result = _json(row, access)
    return jsonify(result)


@bp.get("/expenses/<int:expense_id>")
@allow_context_qsh
def get_expense(expense_id):
    session = _session()
    access = caller_money_access(session)
    row = expenses.get_expense(session, expense_id)
    _require_may_manage(access, row.account_key, row.author_account_id)
    return jsonify(_json(row, access))


@bp.put("/expenses/<int:expense_id>")
@allow_context_qsh
def replace_expense(expense_id):
    session = _session()
    with session.begin():
        access = caller_money_access(session)
        existing = expenses.get_expense(session, expense_id)
        _require_may_manage(access, existing.account_key, existing.author_account_id)
        data = _input(json_body_exact(), access.caller, existing)
        _require_may_manage(access, data.account_key, data.author_account_id)
        row = expenses.save_expense(session, data, policy=load_policy(session),
                                    today=utcnow().date(), now=utcnow(), expense_id=expense_id)
        result = _json(row, access)
    return jsonify(result)


@bp.delete("/expenses/<int:expense_id>")
@allow_context_qsh
def delete_expense(expense_id):
    session = _session()
    with session.begin():
        access = caller_money_access(session)
        existing = expenses.get_expense(session, expense_id)
        _require_may_manage(access, existing.account_key, existing.author_account_id)
        expenses.delete_expense(session, expense_id)
    return "", 204
