"""perf3: an index the inbox claim can stop at its batch size on (issue 11)

The claim asks for one tenant's oldest pending events. With only (status, next_attempt_at) and
the primary key to choose from, PostgreSQL walks the primary key and filters out every other
tenant's (and every done) event in front: 200,000 rows, 25 ms, with another tenant's backlog
queued first (bench/claim_plan.py). Claiming by due time on (tenant_id, status,
next_attempt_at, id) reads the first 100 in index order.

Revision ID: 0012_perf3_inbox_claim
Revises: 0010_shares
"""
from alembic import op


revision = '0012_perf3_inbox_claim'
down_revision = '0010_shares'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_inbox_events_claim', 'inbox_events', ['tenant_id', 'status', 'next_attempt_at', 'id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_inbox_events_claim', table_name='inbox_events')
