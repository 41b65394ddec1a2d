"""Invoice documents without a server: the PDF prints any text with the system's DejaVu Sans,
and falls back to a core font (Latin-1, other characters replaced) on a machine without it."""

from __future__ import annotations

import io

from pypdf import PdfReader

from addon.domain import invoice_documents
from addon.domain.invoice_documents import InvoiceDocument
from addon.domain.invoice_documents import Row
from addon.domain.invoice_documents import to_html
from addon.domain.invoice_documents import to_pdf

DOC = InvoiceDocument(title="Invoice INV-000007", status="ISSUED", account="Café (CAFE)",
                      period="2026-11-01 – 2026-11-30", issued="2026-12-01",
                      rows=[Row("Łódź <workshop>", "2.50 h", "100.00 EUR", "250.00 EUR")],
                      total="250.00 EUR")


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_shows_the_number_lines_and_total():
    text = _text(to_pdf(DOC))
    assert "INV-000007" in text and "250.00 EUR" in text and "workshop" in text


def test_without_a_unicode_font_the_pdf_still_renders(monkeypatch):
    monkeypatch.setattr(invoice_documents, "FONT_CANDIDATES", ())
    text = _text(to_pdf(DOC))
    assert "Café" in text and "?ód? <workshop>" in text


def test_the_page_escapes_every_text():
    page = to_html(DOC)
    assert "&lt;workshop&gt;" in page and "<workshop>" not in page

