"""perf: no index of tenant_id alone on the tables a sync batch writes (issue 11)

worklogs, jira_worklogs, jira_issues, jira_projects, jira_users and audit_entries each have a
unique constraint (and most, further indexes) leading with tenant_id, which serve every
tenant lookup and the cascade when a tenant is deleted. Their single-column tenant_id index
only cost a write for every row a sync batch inserts.

Revision ID: 0015_perf_no_tenant_id_indexes
Revises: 0014_audit_sealed_at_insert
"""
from alembic import op


revision = '0015_perf_no_tenant_id_indexes'
down_revision = '0014_audit_sealed_at_insert'
branch_labels = None
depends_on = None

TABLES = ('worklogs', 'jira_worklogs', 'jira_issues', 'jira_projects', 'jira_users',
          'audit_entries')


def upgrade() -> None:
    for table in TABLES:
        op.drop_index(f'ix_{table}_tenant_id', table_name=table)


def downgrade() -> None:
    for table in TABLES:
        op.create_index(f'ix_{table}_tenant_id', table, ['tenant_id'], unique=False)
