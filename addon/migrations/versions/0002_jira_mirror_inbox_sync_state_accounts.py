"""jira mirror, inbox, sync state, accounts

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
    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('jira_option_id', sa.String(length=32), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_accounts_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('tenant_id', 'key', name=op.f('uq_accounts_tenant_id_key'))
    )
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accounts_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('inbox_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('webhook_identifier', sa.String(length=128), nullable=True),
    sa.Column('dedupe_key', sa.String(length=255), nullable=True),
    sa.Column('received_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('processed_at', addon.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_inbox_events_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_events')),
    sa.UniqueConstraint('tenant_id', 'dedupe_key', name=op.f('uq_inbox_events_tenant_id_dedupe_key')),
    sa.UniqueConstraint('tenant_id', 'webhook_identifier', name=op.f('uq_inbox_events_tenant_id_webhook_identifier'))
    )
    with op.batch_alter_table('inbox_events', schema=None) as batch_op:
        batch_op.create_index('ix_inbox_events_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_events_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('jira_issues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jira_id', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('project_jira_id', sa.String(length=32), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('issue_type', sa.String(length=255), nullable=True),
    sa.Column('hierarchy_level', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=255), nullable=True),
    sa.Column('parent_jira_id', sa.String(length=32), nullable=True),
    sa.Column('account_field_value', sa.String(length=255), nullable=True),
    sa.Column('original_estimate_seconds', sa.BigInteger(), nullable=True),
    sa.Column('version_ms', sa.BigInteger(), nullable=False),
    sa.Column('deleted_at', addon.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_jira_issues_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jira_issues')),
    sa.UniqueConstraint('tenant_id', 'jira_id', name=op.f('uq_jira_issues_tenant_id_jira_id'))
    )
    with op.batch_alter_table('jira_issues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jira_issues_project_jira_id'), ['project_jira_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_jira_issues_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_jira_issues_tenant_key', ['tenant_id', 'key'], unique=False)
        batch_op.create_index('ix_jira_issues_tenant_parent', ['tenant_id', 'parent_jira_id'], unique=False)

    op.create_table('jira_projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jira_id', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('lead_account_id', sa.String(length=128), nullable=True),
    sa.Column('version_ms', sa.BigInteger(), nullable=False),
    sa.Column('deleted_at', addon.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_jira_projects_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jira_projects')),
    sa.UniqueConstraint('tenant_id', 'jira_id', name=op.f('uq_jira_projects_tenant_id_jira_id'))
    )
    with op.batch_alter_table('jira_projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jira_projects_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('jira_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.String(length=128), nullable=False),
    sa.Column('display_name', sa.String(length=255), nullable=True),
    sa.Column('time_zone', sa.String(length=64), nullable=True),
    sa.Column('account_type', sa.String(length=32), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_jira_users_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jira_users')),
    sa.UniqueConstraint('tenant_id', 'account_id', name=op.f('uq_jira_users_tenant_id_account_id'))
    )
    with op.batch_alter_table('jira_users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jira_users_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('jira_worklogs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jira_id', sa.String(length=32), nullable=False),
    sa.Column('issue_jira_id', sa.String(length=32), nullable=False),
    sa.Column('author_account_id', sa.String(length=128), nullable=True),
    sa.Column('started_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_offset_minutes', sa.Integer(), nullable=False),
    sa.Column('time_spent_seconds', sa.BigInteger(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('version_ms', sa.BigInteger(), nullable=False),
    sa.Column('deleted_at', addon.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_jira_worklogs_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jira_worklogs')),
    sa.UniqueConstraint('tenant_id', 'jira_id', name=op.f('uq_jira_worklogs_tenant_id_jira_id'))
    )
    with op.batch_alter_table('jira_worklogs', schema=None) as batch_op:
        batch_op.create_index('ix_jira_worklogs_tenant_author_started', ['tenant_id', 'author_account_id', 'started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_jira_worklogs_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_jira_worklogs_tenant_issue', ['tenant_id', 'issue_jira_id'], unique=False)

    op.create_table('sync_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('phase', sa.String(length=32), nullable=True),
    sa.Column('cursor', sa.JSON(), nullable=False),
    sa.Column('done', sa.BigInteger(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=True),
    sa.Column('started_at', addon.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', addon.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_sync_states_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_states')),
    sa.UniqueConstraint('tenant_id', 'kind', name=op.f('uq_sync_states_tenant_id_kind'))
    )
    with op.batch_alter_table('sync_states', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_states_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('tenant_settings',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_tenant_settings_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'name', name=op.f('pk_tenant_settings'))
    )


def downgrade() -> None:
    op.drop_table('tenant_settings')
    with op.batch_alter_table('sync_states', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_states_tenant_id'))

    op.drop_table('sync_states')
    with op.batch_alter_table('jira_worklogs', schema=None) as batch_op:
        batch_op.drop_index('ix_jira_worklogs_tenant_issue')
        batch_op.drop_index(batch_op.f('ix_jira_worklogs_tenant_id'))
        batch_op.drop_index('ix_jira_worklogs_tenant_author_started')

    op.drop_table('jira_worklogs')
    with op.batch_alter_table('jira_users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jira_users_tenant_id'))

    op.drop_table('jira_users')
    with op.batch_alter_table('jira_projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jira_projects_tenant_id'))

    op.drop_table('jira_projects')
    with op.batch_alter_table('jira_issues', schema=None) as batch_op:
        batch_op.drop_index('ix_jira_issues_tenant_parent')
        batch_op.drop_index('ix_jira_issues_tenant_key')
        batch_op.drop_index(batch_op.f('ix_jira_issues_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_jira_issues_project_jira_id'))

    op.drop_table('jira_issues')
    with op.batch_alter_table('inbox_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbox_events_tenant_id'))
        batch_op.drop_index('ix_inbox_events_due')

    op.drop_table('inbox_events')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounts_tenant_id'))

    op.drop_table('accounts')
