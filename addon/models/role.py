"""Roles (Tempo's ``{id, name, default}``) and who holds which role from which day.

A person's role is effective-dated so a promotion in October does not re-price September: the
role in force on a worklog's day is the assignment with the latest ``effective_from`` on or
before that day, else the tenant's default role. Exactly one role per tenant is the default (a
partial unique index makes a second one impossible, even under concurrent writes).
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Numeric
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from .base import Base
from .base import TenantScoped
from .base import Timestamps
from .base import UTCDateTime
from .base import utcnow

DEFAULT_ROLE_NAME = "Default"


class Role(TenantScoped, Timestamps, Base):
    __tablename__ = "roles"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        Index("uq_roles_one_default", "tenant_id", unique=True,
              postgresql_where=text("is_default"), sqlite_where=text("is_default")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    is_default: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Capacity's utilization target for people in this role (ours: targetUtilizationPercent).
    target_utilization_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))


class RoleAssignment(TenantScoped, Base):
    """From ``effective_from`` on, ``account_id`` holds ``role_id`` (until a later row)."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        UniqueConstraint("tenant_id", "account_id", "effective_from"),
        Index("ix_role_assignments_lookup", "tenant_id", "account_id", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(String(128), nullable=False)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
