"""tenants

Revision ID: 0001
Revises: 
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa
import addon.models.base


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('consumed_install_tokens',
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('body_sha256', sa.String(length=64), nullable=False),
    sa.Column('expires_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('fingerprint', name=op.f('pk_consumed_install_tokens'))
    )
    with op.batch_alter_table('consumed_install_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consumed_install_tokens_expires_at'), ['expires_at'], unique=False)

    op.create_table('tenants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_key', sa.String(length=255), nullable=False),
    sa.Column('addon_key', sa.String(length=255), nullable=False),
    sa.Column('shared_secret_encrypted', sa.Text(), nullable=False),
    sa.Column('base_url', sa.String(length=512), nullable=False),
    sa.Column('display_url', sa.String(length=512), nullable=True),
    sa.Column('product_type', sa.String(length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('service_entitlement_number', sa.String(length=255), nullable=True),
    sa.Column('oauth_client_id', sa.String(length=255), nullable=True),
    sa.Column('cloud_id', sa.String(length=64), nullable=True),
    sa.Column('installation_id', sa.String(length=255), nullable=True),
    sa.Column('installed', sa.Boolean(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('installed_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('uninstalled_at', addon.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('purge_after', addon.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenants')),
    sa.UniqueConstraint('client_key', name=op.f('uq_tenants_client_key')),
    sa.UniqueConstraint('installation_id', name=op.f('uq_tenants_installation_id'))
    )
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenants_cloud_id'), ['cloud_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenants_purge_after'), ['purge_after'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenants_purge_after'))
        batch_op.drop_index(batch_op.f('ix_tenants_cloud_id'))

    op.drop_table('tenants')
    with op.batch_alter_table('consumed_install_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consumed_install_tokens_expires_at'))

    op.drop_table('consumed_install_tokens')
