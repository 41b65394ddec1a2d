"""money: roles and effective-dated role assignments; a default role for every tenant

Revision ID: 0004_money_roles
Revises: 0003
Create Date: 2026-12-03 07:18:46.844608
"""
from alembic import op
import sqlalchemy as sa
import addon.models.base


revision = '0004_money_roles'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('roles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('target_utilization_percent', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_roles_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roles')),
    sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_roles_tenant_id_name'))
    )
    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roles_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('uq_roles_one_default', ['tenant_id'], unique=True, postgresql_where=sa.text('is_default'), sqlite_where=sa.text('is_default'))

    op.create_table('role_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.String(length=128), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('created_at', addon.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['role_id'], ['roles.id'], name=op.f('fk_role_assignments_role_id_roles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_role_assignments_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_assignments')),
    sa.UniqueConstraint('tenant_id', 'account_id', 'effective_from', name=op.f('uq_role_assignments_tenant_id_account_id_effective_from'))
    )
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_role_assignments_lookup', ['tenant_id', 'account_id', 'effective_from'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_assignments_role_id'), ['role_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_assignments_tenant_id'), ['tenant_id'], unique=False)

    # Every tenant has exactly one default role (new tenants get theirs on first use).
    op.execute(sa.text(
        "INSERT INTO roles (tenant_id, name, is_default, created_at, updated_at) "
        "SELECT id, 'Default', :yes, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM tenants"
    ).bindparams(yes=True))



def downgrade() -> None:
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_assignments_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_role_assignments_role_id'))
        batch_op.drop_index('ix_role_assignments_lookup')

    op.drop_table('role_assignments')
    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.drop_index('uq_roles_one_default', postgresql_where=sa.text('is_default'), sqlite_where=sa.text('is_default'))
        batch_op.drop_index(batch_op.f('ix_roles_tenant_id'))

    op.drop_table('roles')
