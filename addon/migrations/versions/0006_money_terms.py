"""money: accounts' commercial terms, milestones, budget alerts, expenses; issue status category

Revision ID: 0006_money_terms
Revises: 0005_money_rates
Create Date: 2026-12-03 07:36:42.555397
"""
from alembic import op
import sqlalchemy as sa
import addon.models.base


revision = '0006_money_terms'
down_revision = '0005_money_rates'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('budget_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_key', sa.String(length=255), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('burn_percent', sa.Numeric(precision=9, scale=2), nullable=False),
    sa.Column('crossed_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_budget_alerts_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_alerts')),
    sa.UniqueConstraint('tenant_id', 'account_key', 'period', 'threshold', name=op.f('uq_budget_alerts_tenant_id_account_key_period_threshold'))
    )
    with op.batch_alter_table('budget_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_alerts_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('expenses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_key', sa.String(length=255), nullable=False),
    sa.Column('issue_jira_id', sa.String(length=32), nullable=True),
    sa.Column('project_jira_id', sa.String(length=32), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=3), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('billable', sa.Boolean(), nullable=False),
    sa.Column('markup_percent', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('author_account_id', sa.String(length=128), nullable=False),
    sa.Column('cost_base', sa.Numeric(precision=18, scale=3), nullable=True),
    sa.Column('cost_currency', sa.String(length=3), nullable=True),
    sa.Column('revenue', sa.Numeric(precision=18, scale=3), nullable=True),
    sa.Column('revenue_currency', sa.String(length=3), nullable=True),
    sa.Column('revenue_base', sa.Numeric(precision=18, scale=3), nullable=True),
    sa.Column('price_error', sa.Text(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_expenses_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expenses'))
    )
    with op.batch_alter_table('expenses', schema=None) as batch_op:
        batch_op.create_index('ix_expenses_tenant_account_date', ['tenant_id', 'account_key', 'date'], unique=False)
        batch_op.create_index(batch_op.f('ix_expenses_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_key', sa.String(length=255), nullable=False),
    sa.Column('issue_jira_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('value', sa.Numeric(precision=18, scale=3), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_milestones_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestones')),
    sa.UniqueConstraint('tenant_id', 'account_key', 'issue_jira_id', name=op.f('uq_milestones_tenant_id_account_key_issue_jira_id'))
    )
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestones_account_key'), ['account_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_milestones_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cap_amount', sa.Numeric(precision=18, scale=3), nullable=True))
        batch_op.add_column(sa.Column('cap_hours', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column('fixed_price', sa.Numeric(precision=18, scale=3), nullable=True))
        batch_op.add_column(sa.Column('budgeted_hours', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column('recognition', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('retainer_fee', sa.Numeric(precision=18, scale=3), nullable=True))
        batch_op.add_column(sa.Column('retainer_hours', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column('rollover_months', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('budget_thresholds', sa.JSON(), nullable=True))

    with op.batch_alter_table('jira_issues', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_category', sa.String(length=32), nullable=True))



    with op.batch_alter_table('worklogs', schema=None) as batch_op:
        batch_op.create_index('ix_worklogs_priced', ['tenant_id', 'start_date'], unique=False,
                              postgresql_include=['account_key', 'revenue_currency',
                                                  'time_spent_seconds', 'billable_seconds',
                                                  'cost', 'revenue_base'],
                              postgresql_where=sa.text('deleted_at IS NULL'))


def downgrade() -> None:
    with op.batch_alter_table('worklogs', schema=None) as batch_op:
        batch_op.drop_index('ix_worklogs_priced', postgresql_where=sa.text('deleted_at IS NULL'))

    with op.batch_alter_table('jira_issues', schema=None) as batch_op:
        batch_op.drop_column('status_category')

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('budget_thresholds')
        batch_op.drop_column('rollover_months')
        batch_op.drop_column('retainer_hours')
        batch_op.drop_column('retainer_fee')
        batch_op.drop_column('recognition')
        batch_op.drop_column('budgeted_hours')
        batch_op.drop_column('fixed_price')
        batch_op.drop_column('cap_hours')
        batch_op.drop_column('cap_amount')

    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestones_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_milestones_account_key'))

    op.drop_table('milestones')
    with op.batch_alter_table('expenses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expenses_tenant_id'))
        batch_op.drop_index('ix_expenses_tenant_account_date')

    op.drop_table('expenses')
    with op.batch_alter_table('budget_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_alerts_tenant_id'))

    op.drop_table('budget_alerts')
