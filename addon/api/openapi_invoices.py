"""OpenAPI for the billing export and invoices (issue 9), added to ``openapi.PATHS``/``SCHEMAS``
on import."""

from __future__ import annotations

from .openapi import _DATE
from .openapi import _INSTANT
from .openapi import _INT
from .openapi import _INT_OR_NULL
from .openapi import _NUM
from .openapi import _STR
from .openapi import _STR_OR_NULL
from .openapi import AMOUNT
from .openapi import PATHS
from .openapi import SCHEMAS
from .openapi import _nullable
from .openapi import _obj
from .openapi import _op
from .openapi import _page_of
from .openapi import _ref

_ERRORS = {"content": {"application/json": {"schema": _ref("Errors")}}}
_STATUS = {"enum": ["DRAFT", "ISSUED", "VOID"]}
_GROUP_BY = {"enum": ["EPIC", "ISSUE", "ROLE", "PERSON"]}

SCHEMAS.update({
    "InvoiceInput": _obj(["accountKey", "from", "to", "groupBy"], accountKey=_STR,
                         **{"from": _DATE, "to": _DATE}, groupBy=_GROUP_BY),
    "InvoiceLine": _obj(
        ["kind", "description", "quantity", "amount"],
        kind={"enum": ["WORK", "EXPENSE", "CAP", "RETAINER", "OVERAGE", "MILESTONE",
                       "FIXED_FEE"]},
        description=_STR, quantity=_NUM, hours={"type": ["number", "null"]},
        rate=_nullable(AMOUNT), amount=AMOUNT),
    "Invoice": _obj(
        ["id", "self", "accountKey", "from", "to", "groupBy", "status", "number",
         "displayNumber", "currency", "lines", "total", "createdAt", "issuedAt", "voidedAt"],
        id=_INT, self=_STR, accountKey=_STR, **{"from": _DATE, "to": _DATE},
        groupBy=_GROUP_BY, status=_STATUS, number=_INT_OR_NULL, displayNumber=_STR_OR_NULL,
        currency=_STR, lines={"type": "array", "items": _ref("InvoiceLine")}, total=AMOUNT,
        createdAt=_INSTANT, issuedAt=_INSTANT, voidedAt=_INSTANT,
        createdBy=_nullable(_ref("User"))),
})


def _file(summary: str, media_types: list[str], params: list[str]) -> dict:
    operation = _op(summary, None, params=params)
    operation["responses"]["200"] = {"description": "OK", "content": {
        media: {"schema": {"type": "string", "format": "binary"}} for media in media_types}}
    return operation


def _with_conflict(operation: dict) -> dict:
    operation["responses"]["409"] = {"description": "The invoice's state does not allow it "
                                                    "(the message names the state), or an "
                                                    "item was invoiced meanwhile", **_ERRORS}
    return operation


_INVOICE = _ref("Invoice")
PATHS.update({
    "/billing/export": {"get": _file(
        "Ours: approved, not yet invoiced worklogs and billable expenses of an account "
        "(site admins and the account's lead)",
        ["text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
        ["accountKey", "from", "to", "format"])},
    "/invoices": {
        "get": _op("Ours: invoices, newest first", _page_of("Invoice"),
                   params=["accountKey", "status", "offset", "limit"]),
        "post": _op("Ours: a DRAFT invoice from approved, not yet invoiced items", _INVOICE,
                    status="201", body="InvoiceInput"),
    },
    "/invoices/{id}": {
        "get": _op("Ours: an invoice", _INVOICE),
        "delete": _with_conflict(_op("Ours: delete a DRAFT", None, status="204")),
    },
    "/invoices/{id}/issue": {"post": _with_conflict(_op(
        "Ours: issue a DRAFT: the site's next number, its items become invoiced", _INVOICE))},
    "/invoices/{id}/void": {"post": _with_conflict(_op(
        "Ours: void an ISSUED invoice: the number stays, the items are freed", _INVOICE))},
    "/invoices/{id}/html": {"get": _file("Ours: the invoice as a printable page",
                                         ["text/html"], [])},
    "/invoices/{id}/pdf": {"get": _file("Ours: the invoice as a PDF", ["application/pdf"],
                                        [])},
})
