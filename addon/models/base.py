"""The declarative base and the one tenant-scoping mechanism every domain row uses.

Isolation is structural: a session is opened *for* a tenant (``Database.session(tenant_id=...)``),
and every ORM statement that touches a ``TenantScoped`` model gets ``tenant_id = :tenant``
added by ``with_loader_criteria``. A session opened for no tenant refuses to touch scoped models
unless it was opened with ``all_tenants=True`` (maintenance jobs), so forgetting the filter is an
error, not a silent cross-tenant read. ``tests/test_architecture.py`` fails on a model that is not
scoped and not listed in ``GLOBAL_MODELS``.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from typing import ClassVar

from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import MetaData
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session
from sqlalchemy.orm import declared_attr
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import with_loader_criteria
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TenantScoped:
    """Mixin for every row that belongs to a tenant (all domain data).

    ``tenant_id`` gets an index of its own unless the model sets ``index_tenant_id = False``:
    one whose own unique constraints and indexes lead with ``tenant_id`` already serves the
    tenant lookups (and the cascade when a tenant is deleted) from those, and a redundant
    index only costs a write per inserted or moved row.
    """

    index_tenant_id: ClassVar[bool] = True

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:  # noqa: N805 - declared_attr receives the class
        return mapped_column(
            ForeignKey("tenants.id", ondelete="CASCADE"), index=cls.index_tenant_id,
            nullable=False,
        )


class CrossTenantAccess(RuntimeError):
    """A statement touched tenant data from a session opened for no tenant."""


class AppSession(Session):
    """A Session that knows which tenant it serves (``info['tenant_id']``)."""

    @property
    def tenant_id(self) -> int | None:
        return self.info.get("tenant_id")


def _touches_scoped_model(state: ORMExecuteState) -> bool:
    return any(issubclass(m.class_, TenantScoped) for m in state.all_mappers)


@event.listens_for(AppSession, "do_orm_execute")
def _scope_statement_to_tenant(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if not _touches_scoped_model(state):
        return
    tenant_id = state.session.info.get("tenant_id")
    if tenant_id is None:
        if state.session.info.get("all_tenants"):
            return
        raise CrossTenantAccess("tenant data queried from a session opened for no tenant")
    state.statement = state.statement.options(
        with_loader_criteria(
            TenantScoped,
            lambda cls: cls.tenant_id == tenant_id,
            include_aliases=True,
            track_closure_variables=False,
        )
    )


@event.listens_for(AppSession, "before_flush")
def _stamp_tenant_on_new_rows(session: Session, flush_context, instances) -> None:
    tenant_id = session.info.get("tenant_id")
    for obj in session.new:
        if not isinstance(obj, TenantScoped):
            continue
        if obj.tenant_id is None:
            if tenant_id is None:
                raise CrossTenantAccess(f"{type(obj).__name__} created outside a tenant session")
            obj.tenant_id = tenant_id
        elif tenant_id is not None and obj.tenant_id != tenant_id:
            raise CrossTenantAccess(f"{type(obj).__name__} written for another tenant")
    for obj in session.dirty:
        if isinstance(obj, TenantScoped) and tenant_id is not None and obj.tenant_id != tenant_id:
            raise CrossTenantAccess(f"{type(obj).__name__} moved to another tenant")


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )
