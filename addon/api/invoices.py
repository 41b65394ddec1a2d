"""``/api/4/billing/export`` and ``/api/4/invoices`` (issue 9): site admins and the account's
lead. The rules live in ``domain.billing``, ``domain.invoices`` and ``domain.invoice_lines``."""

from __future__ import annotations

from flask import Response
from flask import jsonify
from flask import request

from connect.context import allow_context_qsh

from ..domain import invoices
from ..domain.accounts import account_by_key
from ..domain.billing_export import billing_export
from ..domain.billing_export import to_xlsx
from ..domain.invoice_documents import document
from ..domain.invoice_documents import to_html
from ..domain.invoice_documents import to_pdf
from ..domain.spreadsheets import XLSX_MIMETYPE
from ..domain.spreadsheets import csv_bytes
from ..models.base import utcnow
from . import bp
from . import serialize
from .envelope import envelope
from .envelope import page_from_request
from .inputs import CAPTURE_YEARS
from .inputs import Problems
from .inputs import json_body
from .inputs import parse_date
from .inputs import tenant_session
from .money import caller_money_access

EXPORT_FORMATS = ("csv", "xlsx")


@bp.get("/billing/export")
@allow_context_qsh
def export_billing():
    """Approved, not yet invoiced worklogs and billable expenses of an account, as a file."""
    session = tenant_session()
    access = caller_money_access(session)
    args, problems = request.args, Problems()
    date_from = parse_date(args.get("from"), "from", problems, years=CAPTURE_YEARS)
    date_to = parse_date(args.get("to"), "to", problems, years=CAPTURE_YEARS)
    kind = args.get("format")
    if kind not in EXPORT_FORMATS:
        problems.add("format", "'format' must be csv or xlsx",
                     "required" if kind is None else "invalid")
    table, currency = billing_export(session, access, args.get("accountKey"), date_from,
                                     date_to, problems=problems.items)
    name = f"billing-{date_from}-{date_to}.{kind}"
    body, mimetype = (csv_bytes(table), "text/csv") if kind == "csv" else \
        (to_xlsx(table, currency), XLSX_MIMETYPE)
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def invoice_json(invoice) -> dict:
    code = invoice.currency
    return {
        "id": invoice.id, "self": f"{serialize.api_base()}/invoices/{invoice.id}",
        "accountKey": invoice.account_key, "from": invoice.date_from.isoformat(),
        "to": invoice.date_to.isoformat(), "groupBy": invoice.group_by,
        "status": invoice.status, "number": invoice.number,
        "displayNumber": invoices.display_number(invoice), "currency": code,
        "lines": [{"kind": line.kind, "description": line.description,
                   "quantity": serialize.plain(line.quantity),
                   "hours": None if line.hours is None else serialize.plain(line.hours),
                   "rate": serialize.rate_value(line.rate, code),
                   "amount": serialize.amount(line.amount, code)} for line in invoice.lines],
        "total": serialize.amount(invoice.total, code),
        "createdAt": serialize.instant(invoice.created_at),
        "issuedAt": serialize.instant(invoice.issued_at),
        "voidedAt": serialize.instant(invoice.voided_at),
        "createdBy": serialize.user_ref(invoice.created_by)}


@bp.post("/invoices")
@allow_context_qsh
def create_invoice():
    session = tenant_session()
    with session.begin():
        access = caller_money_access(session)
        body, problems = json_body(), Problems()
        wanted = invoices.InvoiceRequest(
            account_key=body.get("accountKey"),
            date_from=parse_date(body.get("from"), "from", problems, years=CAPTURE_YEARS),
            date_to=parse_date(body.get("to"), "to", problems, years=CAPTURE_YEARS),
            group_by=body.get("groupBy"), problems=tuple(problems.items))
        invoice = invoices.create_draft(session, access, wanted, now=utcnow())
        result = invoice_json(invoice)
    return jsonify(result), 201


@bp.get("/invoices")
@allow_context_qsh
def list_invoices():
    session = tenant_session()
    page = page_from_request()
    rows, has_more = invoices.list_invoices(
        session, caller_money_access(session), account_key=request.args.get("accountKey"),
        status=request.args.get("status"), offset=page.offset, limit=page.limit)
    return jsonify(envelope([invoice_json(r) for r in rows], page, has_more=has_more))


@bp.get("/invoices/<id:invoice_id>")
@allow_context_qsh
def get_invoice(invoice_id):
    session = tenant_session()
    return jsonify(invoice_json(invoices.get_invoice(session, caller_money_access(session),
                                                     invoice_id)))


def _transition(change, invoice_id):
    session = tenant_session()
    with session.begin():
        invoice = change(session, caller_money_access(session), invoice_id, now=utcnow())
        result = invoice_json(invoice)
    return jsonify(result)


@bp.post("/invoices/<id:invoice_id>/issue")
@allow_context_qsh
def issue_invoice(invoice_id):
    return _transition(invoices.issue_invoice, invoice_id)


@bp.post("/invoices/<id:invoice_id>/void")
@allow_context_qsh
def void_invoice(invoice_id):
    return _transition(invoices.void_invoice, invoice_id)


@bp.delete("/invoices/<id:invoice_id>")
@allow_context_qsh
def delete_invoice(invoice_id):
    session = tenant_session()
    with session.begin():
        invoices.delete_invoice(session, caller_money_access(session), invoice_id)
    return "", 204


def _document(invoice_id):
    session = tenant_session()
    invoice = invoices.get_invoice(session, caller_money_access(session), invoice_id)
    return invoice, document(invoice, account_by_key(session, invoice.account_key))


@bp.get("/invoices/<id:invoice_id>/html")
@allow_context_qsh
def invoice_html(invoice_id):
    _, doc = _document(invoice_id)
    return Response(to_html(doc), mimetype="text/html")


@bp.get("/invoices/<id:invoice_id>/pdf")
@allow_context_qsh
def invoice_pdf(invoice_id):
    invoice, doc = _document(invoice_id)
    name = invoices.display_number(invoice) or f"draft-{invoice.id}"
    return Response(to_pdf(doc), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}.pdf"'})
