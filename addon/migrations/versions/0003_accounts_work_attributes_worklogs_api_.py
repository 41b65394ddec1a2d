"""accounts, work attributes, worklogs, api tokens

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa
import addon.models.base


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('type_name', sa.String(length=16), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_account_categories_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_categories')),
    sa.UniqueConstraint('tenant_id', 'key', name=op.f('uq_account_categories_tenant_id_key'))
    )
    with op.batch_alter_table('account_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_categories_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('owner_account_id', sa.String(length=128), nullable=False),
    sa.Column('created_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', addon.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', addon.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_api_tokens_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_api_tokens_token_sha256'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_owner_account_id'), ['owner_account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_tokens_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_customers_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers')),
    sa.UniqueConstraint('tenant_id', 'key', name=op.f('uq_customers_tenant_id_key'))
    )
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customers_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('work_attributes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_work_attributes_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_attributes')),
    sa.UniqueConstraint('tenant_id', 'key', name=op.f('uq_work_attributes_tenant_id_key'))
    )
    with op.batch_alter_table('work_attributes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_attributes_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('worklogs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jira_worklog_id', sa.String(length=32), nullable=True),
    sa.Column('issue_jira_id', sa.String(length=32), nullable=False),
    sa.Column('project_jira_id', sa.String(length=32), nullable=True),
    sa.Column('author_account_id', sa.String(length=128), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('started_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('time_spent_seconds', sa.BigInteger(), nullable=False),
    sa.Column('billable_seconds', sa.BigInteger(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('account_key', sa.String(length=255), nullable=True),
    sa.Column('account_rule', sa.String(length=32), nullable=False),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('complete', sa.Boolean(), nullable=False),
    sa.Column('push_state', sa.String(length=16), nullable=False),
    sa.Column('push_attempts', sa.Integer(), nullable=False),
    sa.Column('push_error', sa.Text(), nullable=True),
    sa.Column('pushed_as', sa.String(length=16), nullable=True),
    sa.Column('created_by', sa.String(length=128), nullable=True),
    sa.Column('deleted_at', addon.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_worklogs_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_worklogs')),
    sa.UniqueConstraint('tenant_id', 'jira_worklog_id', name=op.f('uq_worklogs_tenant_id_jira_worklog_id'))
    )
    with op.batch_alter_table('worklogs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worklogs_account_key'), ['account_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_worklogs_project_jira_id'), ['project_jira_id'], unique=False)
        batch_op.create_index('ix_worklogs_tenant_author_date', ['tenant_id', 'author_account_id', 'start_date'], unique=False)
        batch_op.create_index('ix_worklogs_tenant_date', ['tenant_id', 'start_date', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_worklogs_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_worklogs_tenant_issue', ['tenant_id', 'issue_jira_id'], unique=False)
        batch_op.create_index('ix_worklogs_tenant_updated', ['tenant_id', 'updated_at'], unique=False)

    op.create_table('account_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('scope_type', sa.String(length=16), nullable=False),
    sa.Column('scope_id', sa.String(length=32), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_account_links_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_account_links_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_links')),
    sa.UniqueConstraint('tenant_id', 'account_id', 'scope_id', name=op.f('uq_account_links_tenant_id_account_id_scope_id'))
    )
    with op.batch_alter_table('account_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_links_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('uq_account_links_one_default', ['tenant_id', 'scope_id'], unique=True, postgresql_where=sa.text('is_default'), sqlite_where=sa.text('is_default'))

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lead_account_id', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('contact_account_id', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('external_contact_name', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('customer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('category_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('contract_type', sa.String(length=32), nullable=False, server_default='TIME_AND_MATERIALS'))
        batch_op.add_column(sa.Column('currency', sa.String(length=3), nullable=False, server_default='USD'))
        batch_op.add_column(sa.Column('monthly_budget', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('is_global', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_foreign_key(batch_op.f('fk_accounts_customer_id_customers'), 'customers', ['customer_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_accounts_category_id_account_categories'), 'account_categories', ['category_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_accounts_category_id_account_categories'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_accounts_customer_id_customers'), type_='foreignkey')
        batch_op.drop_column('is_global')
        batch_op.drop_column('monthly_budget')
        batch_op.drop_column('currency')
        batch_op.drop_column('contract_type')
        batch_op.drop_column('category_id')
        batch_op.drop_column('customer_id')
        batch_op.drop_column('external_contact_name')
        batch_op.drop_column('contact_account_id')
        batch_op.drop_column('lead_account_id')

    with op.batch_alter_table('account_links', schema=None) as batch_op:
        batch_op.drop_index('uq_account_links_one_default', postgresql_where=sa.text('is_default'), sqlite_where=sa.text('is_default'))
        batch_op.drop_index(batch_op.f('ix_account_links_tenant_id'))

    op.drop_table('account_links')
    with op.batch_alter_table('worklogs', schema=None) as batch_op:
        batch_op.drop_index('ix_worklogs_tenant_updated')
        batch_op.drop_index('ix_worklogs_tenant_issue')
        batch_op.drop_index(batch_op.f('ix_worklogs_tenant_id'))
        batch_op.drop_index('ix_worklogs_tenant_date')
        batch_op.drop_index('ix_worklogs_tenant_author_date')
        batch_op.drop_index(batch_op.f('ix_worklogs_project_jira_id'))
        batch_op.drop_index(batch_op.f('ix_worklogs_account_key'))

    op.drop_table('worklogs')
    with op.batch_alter_table('work_attributes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_attributes_tenant_id'))

    op.drop_table('work_attributes')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_tenant_id'))

    op.drop_table('customers')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_api_tokens_owner_account_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('account_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_categories_tenant_id'))

    op.drop_table('account_categories')
