"""perf: partial inbox indexes by status, no index of tenant_id alone

Every webhook stores a pending event and every applied event is UPDATEd to done; that UPDATE
moves the row, so each of the table's indexes got an entry twice per event. The claim index
now holds only pending events (and serves the sweeper's search for tenants with due events,
which the due index did), the retention index only done ones, and a new index only the (rare)
parked ones, so storing an event writes four index entries instead of seven and marking it
done four instead of seven. ix_inbox_events_tenant_id duplicated the leading column of both
unique constraints and the claim index (the tenant cascade uses those).

Revision ID: 0013_perf_inbox_partial
Revises: 0012_perf3_inbox_claim
"""
from alembic import op
import sqlalchemy as sa


revision = '0013_perf_inbox_partial'
down_revision = '0012_perf3_inbox_claim'
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")
DONE = sa.text("status = 'done'")
PARKED = sa.text("status = 'parked'")


def _create_partial(name: str, columns: list[str], where) -> None:
    op.create_index(name, 'inbox_events', columns, unique=False, postgresql_where=where,
                    sqlite_where=where)


def upgrade() -> None:
    for name in ('ix_inbox_events_due', 'ix_inbox_events_claim', 'ix_inbox_events_done',
                 'ix_inbox_events_tenant_id'):
        op.drop_index(name, table_name='inbox_events')
    _create_partial('ix_inbox_events_claim', ['tenant_id', 'next_attempt_at', 'id'], PENDING)
    _create_partial('ix_inbox_events_done', ['processed_at'], DONE)
    _create_partial('ix_inbox_events_parked', ['tenant_id', 'next_attempt_at', 'id'], PARKED)


def downgrade() -> None:
    for name in ('ix_inbox_events_parked', 'ix_inbox_events_done', 'ix_inbox_events_claim'):
        op.drop_index(name, table_name='inbox_events')
    op.create_index('ix_inbox_events_tenant_id', 'inbox_events', ['tenant_id'], unique=False)
    op.create_index('ix_inbox_events_done', 'inbox_events', ['status', 'processed_at'],
                    unique=False)
    op.create_index('ix_inbox_events_claim', 'inbox_events',
                    ['tenant_id', 'status', 'next_attempt_at', 'id'], unique=False)
    op.create_index('ix_inbox_events_due', 'inbox_events', ['status', 'next_attempt_at'],
                    unique=False)
