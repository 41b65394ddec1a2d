"""The billing export and invoice responses validate against ``/api/4/openapi.json``."""

from __future__ import annotations

from tests.api.test_openapi import conforms  # noqa: F401 - shared fixtures
from tests.api.test_openapi import spec  # noqa: F401

from .conftest import WEEK


def test_invoice_responses_match_the_document(billing, conforms, spec):  # noqa: F811
    admin = billing["admin"]
    body = {"accountKey": "ACME", **WEEK, "groupBy": "EPIC"}
    made = admin.post("/invoices", json=body)
    conforms(made, "/invoices", "post")
    conforms(admin.post("/invoices", json={}), "/invoices", "post")  # 400
    path = f"/invoices/{made.json()['id']}"
    conforms(admin.get(path), "/invoices/{id}", "get")
    conforms(admin.get("/invoices"), "/invoices", "get")
    conforms(admin.post(f"{path}/void"), "/invoices/{id}/void", "post")  # 409
    conforms(admin.post(f"{path}/issue"), "/invoices/{id}/issue", "post")
    conforms(admin.delete(path), "/invoices/{id}", "delete")  # 409
    conforms(admin.post(f"{path}/void"), "/invoices/{id}/void", "post")
    spare = admin.post("/invoices", json=body).json()
    conforms(admin.delete(f"/invoices/{spare['id']}"), "/invoices/{id}", "delete")  # 204
    conforms(admin.get("/billing/export", params={"format": "pdf"}), "/billing/export", "get")
    for route, media in (("/billing/export", "text/csv"), ("/invoices/{id}/html", "text/html"),
                         ("/invoices/{id}/pdf", "application/pdf")):
        assert media in spec["paths"][route]["get"]["responses"]["200"]["content"]
    for suffix, media in (("/html", "text/html"), ("/pdf", "application/pdf")):
        assert admin.get(path + suffix).headers["Content-Type"].startswith(media)
