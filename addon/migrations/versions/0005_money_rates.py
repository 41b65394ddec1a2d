"""money: exchange rates, effective-dated rates by scope, priced amounts on worklogs,
accounts' billing rounding

Revision ID: 0005_money_rates
Revises: 0004_money_roles
Create Date: 2026-12-03 07:23:11.185127
"""
from alembic import op
import sqlalchemy as sa
import addon.models.base


revision = '0005_money_rates'
down_revision = '0004_money_roles'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('exchange_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_currency', sa.String(length=3), nullable=False),
    sa.Column('to_currency', sa.String(length=3), nullable=False),
    sa.Column('rate', sa.Numeric(precision=20, scale=10), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_exchange_rates_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_rates')),
    sa.UniqueConstraint('tenant_id', 'from_currency', 'to_currency', 'effective_date', name=op.f('uq_exchange_rates_tenant_id_from_currency_to_currency_effective_date'))
    )
    with op.batch_alter_table('exchange_rates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_rates_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=8), nullable=False),
    sa.Column('scope_type', sa.String(length=16), nullable=False),
    sa.Column('scope_key', sa.String(length=400), nullable=False),
    sa.Column('account_key', sa.String(length=255), nullable=True),
    sa.Column('role_id', sa.Integer(), nullable=True),
    sa.Column('user_account_id', sa.String(length=128), nullable=True),
    sa.Column('value', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['role_id'], ['roles.id'], name=op.f('fk_rates_role_id_roles'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_rates_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rates')),
    sa.UniqueConstraint('tenant_id', 'category', 'scope_key', 'effective_date', name=op.f('uq_rates_tenant_id_category_scope_key_effective_date'))
    )
    with op.batch_alter_table('rates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rates_role_id'), ['role_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rates_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('uq_rates_one_initial', ['tenant_id', 'category', 'scope_key'], unique=True, postgresql_where=sa.text('effective_date IS NULL'), sqlite_where=sa.text('effective_date IS NULL'))

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('billing_rounding_mode', sa.String(length=8), nullable=False, server_default='NONE'))
        batch_op.add_column(sa.Column('billing_rounding_minutes', sa.Integer(), nullable=False, server_default='1'))

    with op.batch_alter_table('worklogs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cost_rate', sa.Numeric(precision=18, scale=4), nullable=True))
        batch_op.add_column(sa.Column('cost_rate_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cost_rate_scope', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('cost', sa.Numeric(precision=18, scale=3), nullable=True))
        batch_op.add_column(sa.Column('cost_currency', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('cost_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('billing_rate', sa.Numeric(precision=18, scale=4), nullable=True))
        batch_op.add_column(sa.Column('billing_rate_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('billing_rate_scope', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('priced_billable_seconds', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('revenue', sa.Numeric(precision=18, scale=3), nullable=True))
        batch_op.add_column(sa.Column('revenue_currency', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('revenue_base', sa.Numeric(precision=18, scale=3), nullable=True))
        batch_op.add_column(sa.Column('revenue_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('priced_at', addon.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('frozen_at', addon.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_worklogs_tenant_account_date', ['tenant_id', 'account_key', 'start_date'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('worklogs', schema=None) as batch_op:
        batch_op.drop_index('ix_worklogs_tenant_account_date')
        batch_op.drop_column('frozen_at')
        batch_op.drop_column('priced_at')
        batch_op.drop_column('revenue_error')
        batch_op.drop_column('revenue_base')
        batch_op.drop_column('revenue_currency')
        batch_op.drop_column('revenue')
        batch_op.drop_column('priced_billable_seconds')
        batch_op.drop_column('billing_rate_scope')
        batch_op.drop_column('billing_rate_id')
        batch_op.drop_column('billing_rate')
        batch_op.drop_column('cost_error')
        batch_op.drop_column('cost_currency')
        batch_op.drop_column('cost')
        batch_op.drop_column('cost_rate_scope')
        batch_op.drop_column('cost_rate_id')
        batch_op.drop_column('cost_rate')
        batch_op.drop_column('role_id')

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('billing_rounding_minutes')
        batch_op.drop_column('billing_rounding_mode')

    with op.batch_alter_table('rates', schema=None) as batch_op:
        batch_op.drop_index('uq_rates_one_initial', postgresql_where=sa.text('effective_date IS NULL'), sqlite_where=sa.text('effective_date IS NULL'))
        batch_op.drop_index(batch_op.f('ix_rates_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_rates_role_id'))

    op.drop_table('rates')
    with op.batch_alter_table('exchange_rates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_rates_tenant_id'))

    op.drop_table('exchange_rates')
