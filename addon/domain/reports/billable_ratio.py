"""Billable ratio: billable ÷ total hours logged, by user or by account (aggregate SQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Worklog
from .dimensions import names


@dataclass(frozen=True)
class RatioRow:
    id: str | None
    name: str | None
    time_spent_seconds: int
    billable_seconds: int

    @property
    def ratio(self) -> Decimal | None:
        if not self.time_spent_seconds:
            return None
        return (Decimal(self.billable_seconds) / self.time_spent_seconds).quantize(
            Decimal("0.0001"))


def billable_ratio(session: Session, tenant_id: int, *, date_from: date, date_to: date,
                   group_by: str, accounts=None, author: str | None = None) -> list[RatioRow]:
    """Rows per user or account in [date_from, date_to]; ``accounts`` / ``author`` narrow it."""
    key = Worklog.author_account_id if group_by == "user" else Worklog.account_key
    query = (select(key, func.sum(Worklog.time_spent_seconds), func.sum(Worklog.billable_seconds))
             .where(Worklog.tenant_id == tenant_id, Worklog.deleted_at.is_(None),
                    Worklog.start_date.between(date_from, date_to)).group_by(key))
    if accounts is not None:
        query = query.where(Worklog.account_key.in_(sorted(accounts)))
    if author is not None:
        query = query.where(Worklog.author_account_id == author)
    found = session.execute(query).all()
    labels = names(session, tenant_id, "user" if group_by == "user" else "account",
                   {r[0] for r in found})
    rows = [RatioRow(k, labels.get(k), int(t or 0), int(b or 0)) for k, t, b in found]
    return sorted(rows, key=lambda r: (r.name is None, r.name or ""))
