"""perf: an index for the retention of done inbox events (issue 11)

Revision ID: 0009_perf_inbox_retention
Revises: 0004_approvals
"""
from alembic import op


revision = '0009_perf_inbox_retention'
down_revision = '0004_approvals'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_inbox_events_done', 'inbox_events', ['status', 'processed_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_inbox_events_done', table_name='inbox_events')
