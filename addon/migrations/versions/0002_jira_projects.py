"""jira projects

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa
import addon.models.base


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('jira_projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jira_id', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('lead_account_id', sa.String(length=128), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_jira_projects_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jira_projects')),
    sa.UniqueConstraint('tenant_id', 'jira_id', name=op.f('uq_jira_projects_tenant_id_jira_id'))
    )
    with op.batch_alter_table('jira_projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jira_projects_tenant_id'), ['tenant_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('jira_projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jira_projects_tenant_id'))

    op.drop_table('jira_projects')
