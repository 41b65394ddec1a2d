"""Worklogs as the app knows them (Tempo-shaped), work attributes, and API tokens.

A ``Worklog`` is the billing record: it points at a Jira worklog (``jira_worklog_id``) once
pushed or seen by sync, and adds what Jira lacks: billable seconds, the account and the rule
that chose it, work attribute values, and whether it is complete.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import time
from decimal import Decimal

from sqlalchemy import JSON
from sqlalchemy import BigInteger
from sqlalchemy import Boolean
from sqlalchemy import Date
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import Numeric
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import Time
from sqlalchemy import UniqueConstraint
from sqlalchemy import event
from sqlalchemy import inspect
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from .base import Base
from .base import TenantScoped
from .base import Timestamps
from .base import UTCDateTime
from .base import utcnow

ATTRIBUTE_TYPES = ("STATIC_LIST", "INPUT_FIELD", "INPUT_NUMERIC", "CHECKBOX", "ACCOUNT")

# Where the worklog stands with Jira.
PUSH_SYNCED = "SYNCED"
PUSH_PENDING = "PENDING"      # to be created/updated in Jira
PUSH_DELETING = "DELETING"    # to be deleted in Jira
PUSH_STATES = (PUSH_SYNCED, PUSH_PENDING, PUSH_DELETING)


class WorkAttribute(TenantScoped, Timestamps, Base):
    __tablename__ = "work_attributes"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    type: Mapped[str] = mapped_column(String(16), nullable=False)
    required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # STATIC_LIST: immutable value ids (stored on worklogs) and their display names.
    values: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    names: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)


class Worklog(TenantScoped, Timestamps, Base):
    __tablename__ = "worklogs"
    index_tenant_id = False  # its unique key and every index lead with tenant_id
    __table_args__ = (
        UniqueConstraint("tenant_id", "jira_worklog_id"),
        Index("ix_worklogs_tenant_issue", "tenant_id", "issue_jira_id"),
        Index("ix_worklogs_tenant_author_date", "tenant_id", "author_account_id", "start_date"),
        Index("ix_worklogs_tenant_date", "tenant_id", "start_date", "id"),
        Index("ix_worklogs_tenant_updated", "tenant_id", "updated_at"),
        Index("ix_worklogs_tenant_account_date", "tenant_id", "account_key", "start_date"),
        # The cost report's month scan reads only these columns: an index-only scan on
        # PostgreSQL (live rows only), instead of visiting a heap page per worklog.
        Index("ix_worklogs_priced", "tenant_id", "start_date",
              postgresql_include=["account_key", "revenue_currency", "time_spent_seconds",
                                  "billable_seconds", "cost", "revenue_base"],
              postgresql_where=text("deleted_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # tempoWorklogId
    jira_worklog_id: Mapped[str | None] = mapped_column(String(32))
    issue_jira_id: Mapped[str] = mapped_column(String(32), nullable=False)
    project_jira_id: Mapped[str | None] = mapped_column(String(32), index=True)
    author_account_id: Mapped[str] = mapped_column(String(128), nullable=False)
    # The local calendar day and time the work happened, in ``time_zone`` (authoritative).
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    start_time: Mapped[time] = mapped_column(Time, nullable=False)
    time_zone: Mapped[str] = mapped_column(String(64), nullable=False, default="UTC")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    time_spent_seconds: Mapped[int] = mapped_column(BigInteger, nullable=False)
    billable_seconds: Mapped[int] = mapped_column(BigInteger, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    account_key: Mapped[str | None] = mapped_column(String(255), index=True)
    account_rule: Mapped[str] = mapped_column(String(32), nullable=False, default="NONE")
    attributes: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    complete: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    push_state: Mapped[str] = mapped_column(String(16), nullable=False, default=PUSH_SYNCED)
    push_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    push_error: Mapped[str | None] = mapped_column(Text)
    # Tempo's remainingEstimateSeconds: set on the issue by the next push, then cleared.
    new_estimate_seconds: Mapped[int | None] = mapped_column(BigInteger)
    # When the last push attempt failed: the retry back-off counts from here (not updatedAt).
    push_attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Pushed as this user (impersonation) or, if the grant failed, as the app on their behalf.
    pushed_as: Mapped[str | None] = mapped_column(String(16))
    created_by: Mapped[str | None] = mapped_column(String(128))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Priced amounts (addon.domain.pricing): a snapshot of the rate table on the work day,
    # re-computed when rates, roles or exchange rates change, frozen once approved. Reports
    # are plain GROUP BYs over these columns. An amount that cannot be computed is null and
    # its *_error says what is missing.
    role_id: Mapped[int | None] = mapped_column(Integer)
    cost_rate: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    cost_rate_id: Mapped[int | None] = mapped_column(Integer)
    cost_rate_scope: Mapped[str | None] = mapped_column(String(16))
    cost: Mapped[Decimal | None] = mapped_column(Numeric(18, 3))
    cost_currency: Mapped[str | None] = mapped_column(String(3))
    cost_error: Mapped[str | None] = mapped_column(Text)
    billing_rate: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    billing_rate_id: Mapped[int | None] = mapped_column(Integer)
    billing_rate_scope: Mapped[str | None] = mapped_column(String(16))
    priced_billable_seconds: Mapped[int | None] = mapped_column(BigInteger)
    revenue: Mapped[Decimal | None] = mapped_column(Numeric(18, 3))
    revenue_currency: Mapped[str | None] = mapped_column(String(3))
    revenue_base: Mapped[Decimal | None] = mapped_column(Numeric(18, 3))
    revenue_error: Mapped[str | None] = mapped_column(Text)
    priced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set by approvals: the amounts above no longer follow the rate table.
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Moved by ``_touch_on_data_change`` on ORM flushes, never by push bookkeeping (no
    # ``onupdate``); a bulk UPDATE of worklog data must set it itself.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


# Where the worklog stands with Jira and what it is priced at, not what it says: changing only
# these leaves ``updatedAt`` alone, so a client polling ``updatedFrom`` is not sent unchanged
# worklogs after each failed push retry or re-pricing (issue 12).
BOOKKEEPING = frozenset({"push_state", "push_attempts", "push_error", "push_attempted_at",
                              "new_estimate_seconds", "pushed_as", "jira_worklog_id",
                              "created_at", "updated_at"}) | {
    # Priced amounts are derived from the rate table; re-pricing is not a change of the worklog.
    "role_id", "cost_rate", "cost_rate_id", "cost_rate_scope", "cost", "cost_currency",
    "cost_error", "billing_rate", "billing_rate_id", "billing_rate_scope",
    "priced_billable_seconds", "revenue", "revenue_currency", "revenue_base", "revenue_error",
    "priced_at", "frozen_at"}


@event.listens_for(Worklog, "before_update")
def _touch_on_data_change(_mapper, _connection, worklog: Worklog) -> None:
    state = inspect(worklog)
    if any(attr.history.has_changes() for attr in state.attrs
           if attr.key not in BOOKKEEPING and attr.key in state.mapper.columns):
        worklog.updated_at = utcnow()


class ApiToken(TenantScoped, Base):
    """A personal or site API token; only its SHA-256 is kept, the token is shown once."""

    __tablename__ = "api_tokens"
    __table_args__ = (UniqueConstraint("token_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    prefix: Mapped[str] = mapped_column(String(16), nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    owner_account_id: Mapped[str] = mapped_column(String(128), nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
