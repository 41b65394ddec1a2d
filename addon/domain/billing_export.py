"""The billing export (``GET /billing/export``): one row per billable worklog or expense.

Columns: ``date, accountId, person, role, issueKey, issueSummary, epicKey, description, hours,
billableHours, rate, amount, currency`` and one per work attribute (its name; a list value as
its display name). Amounts are exact decimals (CSV text; XLSX numbers with the currency's
decimals); there is no total row, so the ``amount`` column sums to the period's revenue.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from .access import MoneyAccess
from .attributes import list_attributes
from .billing import BillableLine
from .billing import BillingPeriod
from .billing import billable_lines
from .billing import billing_period
from .billing import hours
from .errors import FieldProblem
from .errors import Forbidden
from .money import round_money
from .spreadsheets import xlsx_bytes

FORBIDDEN = "billing exports are for site administrators and the account's lead"

COLUMNS = ["date", "accountId", "person", "role", "issueKey", "issueSummary", "epicKey",
           "description", "hours", "billableHours", "rate", "amount", "currency"]


def billing_export(session: Session, access: MoneyAccess, account_key, date_from, date_to, *,
                   problems: list[FieldProblem]) -> tuple[list[list], str]:
    """The export's table and the account's currency. Raises Forbidden unless the caller may
    bill the account, InvalidInput naming every bad field (with the caller's ``problems``)."""
    if not access.sees_any_costs:
        raise Forbidden(FORBIDDEN)
    period = billing_period(session, account_key, date_from, date_to, problems=problems)
    if not access.may_bill(period.account.key):
        raise Forbidden(FORBIDDEN)
    return export_table(session, period), period.account.currency


def export_table(session: Session, period: BillingPeriod) -> list[list]:
    """The header and one row per billable line."""
    attributes = list_attributes(session)
    rows = [COLUMNS + [a.name for a in attributes]]
    for line in billable_lines(session, period):
        rows.append(_row(line) + [_attribute(a, line.attributes.get(a.key))
                                  for a in attributes])
    return rows


def _row(line: BillableLine) -> list:
    return [line.day, line.author, line.person, line.role, line.issue.key, line.issue.summary,
            line.epic.key, line.description, hours(line.seconds), hours(line.billable_seconds),
            _money(line.rate, line.currency), _money(line.amount, line.currency), line.currency]


def _money(value: Decimal | None, currency: str | None) -> Decimal | None:
    """At the currency's minor unit (a rate with more decimals keeps them, up to four)."""
    if value is None or currency is None:
        return None
    rounded = round_money(value, currency)
    return rounded if rounded == value else value.normalize()


def _attribute(attribute, value):
    if value is None:
        return None
    return attribute.names.get(value, value) if attribute.type == "STATIC_LIST" else value


def to_xlsx(table: list[list], currency: str) -> bytes:
    return xlsx_bytes(table, title="Billing", currency=currency,
                      money_columns={COLUMNS.index("amount")})
