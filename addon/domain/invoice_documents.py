"""An invoice as a printable HTML page and as a PDF (fpdf2, pure Python).

Both show the same things: the number (or DRAFT/VOID), the account, the period, one row per
line (description, hours or quantity, rate, amount) and the total, money at the currency's
minor unit. The HTML is autoescaped; the PDF embeds DejaVu Sans when the system has it (any
character prints) and otherwise uses a core font, replacing what Latin-1 cannot show.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF
from jinja2 import Environment

from ..models import Account
from ..models import Invoice
from .invoices import display_number
from .money import format_amount

FONT_CANDIDATES = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
                   Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
                   Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"))


@dataclass(frozen=True)
class Row:
    description: str
    quantity: str
    rate: str
    amount: str


@dataclass(frozen=True)
class InvoiceDocument:
    title: str
    status: str
    account: str
    period: str
    issued: str | None
    rows: list[Row]
    total: str


def document(invoice: Invoice, account: Account | None) -> InvoiceDocument:
    """The invoice's printable content (plain strings)."""
    code = invoice.currency
    rows = [Row(line.description,
                f"{line.hours} h" if line.hours is not None else _plain(line.quantity),
                format_amount(line.rate, code) if line.rate is not None else "",
                format_amount(line.amount, code)) for line in invoice.lines]
    name = f"{account.name} ({account.key})" if account else invoice.account_key
    return InvoiceDocument(
        title=f"Invoice {display_number(invoice) or '(draft)'}", status=invoice.status,
        account=name, period=f"{invoice.date_from.isoformat()} – {invoice.date_to.isoformat()}",
        issued=invoice.issued_at.date().isoformat() if invoice.issued_at else None,
        rows=rows, total=format_amount(invoice.total, code))


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


_PAGE = Environment(autoescape=True).from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ d.title }}</title>
<style>
body { font: 14px/1.4 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em;
       color: #172b4d; }
table { border-collapse: collapse; width: 100%; margin-top: 1.5em; }
th, td { border-bottom: 1px solid #dfe1e6; padding: .4em .6em; text-align: left; }
td.n, th.n { text-align: right; white-space: nowrap; }
tfoot td { font-weight: bold; border-top: 2px solid #172b4d; }
.status { display: inline-block; padding: .1em .5em; border: 1px solid #6b778c;
          border-radius: 3px; font-size: 12px; }
@media print { body { margin: 0; } }
</style></head>
<body>
<h1>{{ d.title }} <span class="status">{{ d.status }}</span></h1>
<p>Account: {{ d.account }}<br>Period: {{ d.period }}
{% if d.issued %}<br>Issued: {{ d.issued }}{% endif %}</p>
<table>
<thead><tr><th>Description</th><th class="n">Quantity</th><th class="n">Rate</th>
<th class="n">Amount</th></tr></thead>
<tbody>
{% for row in d.rows %}<tr><td>{{ row.description }}</td><td class="n">{{ row.quantity }}</td>
<td class="n">{{ row.rate }}</td><td class="n">{{ row.amount }}</td></tr>
{% else %}<tr><td colspan="4">Nothing to invoice.</td></tr>{% endfor %}
</tbody>
<tfoot><tr><td colspan="3">Total</td><td class="n">{{ d.total }}</td></tr></tfoot>
</table>
</body></html>
""")


def to_html(doc: InvoiceDocument) -> str:
    return _PAGE.render(d=doc)


def _font(pdf: FPDF) -> tuple[str, bool]:
    """The font family to use and whether it is Unicode."""
    for path in FONT_CANDIDATES:
        if path.is_file():
            bold = path.with_name("DejaVuSans-Bold.ttf")
            pdf.add_font("DejaVu", fname=str(path))
            pdf.add_font("DejaVu", style="B", fname=str(bold if bold.is_file() else path))
            return "DejaVu", True
    return "Helvetica", False


def to_pdf(doc: InvoiceDocument) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(doc.title)
    pdf.add_page()
    family, unicode = _font(pdf)

    def text(value: str) -> str:
        return value if unicode else value.encode("latin-1", "replace").decode("latin-1")

    pdf.set_font(family, size=18)
    pdf.cell(0, 10, text(f"{doc.title}   [{doc.status}]"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=11)
    for label, value in (("Account", doc.account), ("Period", doc.period),
                         ("Issued", doc.issued)):
        if value:
            pdf.cell(0, 7, text(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    with pdf.table(col_widths=(90, 30, 35, 35), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
                   line_height=7) as table:
        table.row(["Description", "Quantity", "Rate", "Amount"])
        for row in doc.rows:
            table.row([text(row.description), row.quantity, text(row.rate), text(row.amount)])
        table.row(["Total", "", "", text(doc.total)])
    return bytes(pdf.output())
