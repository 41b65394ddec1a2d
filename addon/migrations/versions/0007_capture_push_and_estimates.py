"""worklogs.push_attempted_at (the push retry back-off no longer reads updated_at),
worklogs.new_estimate_seconds and jira_issues.remaining_estimate_seconds

Revision ID: 0005_capture
Revises: 0004_money_roles
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa
import addon.models.base


revision = '0005_capture'
down_revision = '0006_money_terms'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('worklogs') as batch:
        batch.add_column(sa.Column('push_attempted_at',
                                   addon.models.base.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('new_estimate_seconds', sa.BigInteger(), nullable=True))
    with op.batch_alter_table('jira_issues') as batch:
        batch.add_column(sa.Column('remaining_estimate_seconds', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('jira_issues') as batch:
        batch.drop_column('remaining_estimate_seconds')
    with op.batch_alter_table('worklogs') as batch:
        batch.drop_column('new_estimate_seconds')
        batch.drop_column('push_attempted_at')
