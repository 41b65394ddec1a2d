"""audit entries are inserted sealed: the append-only trigger refuses every update (issue 11)

Entries used to be inserted unsealed and updated once at commit with their chain fields, so
the trigger let exactly that update through. They are now sealed in memory and inserted
finished, so no update of ``audit_entries`` is legitimate any more. Deleting a purged tenant's
entries stays allowed.

Revision ID: 0014_audit_sealed_at_insert
Revises: 0013_perf_inbox_partial
"""
from alembic import op


revision = '0014_audit_sealed_at_insert'
down_revision = '0013_perf_inbox_partial'
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger AS $$
BEGIN{sealing}
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM tenants WHERE id = OLD.tenant_id) THEN
        RETURN OLD;  -- the tenant itself is being purged after its retention period
    END IF;
    RAISE EXCEPTION 'audit_entries is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql
"""
# What 0004 allowed: one update that sets the chain fields of an unsealed entry.
SEALING_ONCE = """
    IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND NEW.hash IS NOT NULL
       AND (NEW.tenant_id, NEW.created_at, NEW.actor_type, NEW.actor_id, NEW.source,
            NEW.entity_type, NEW.entity_id, NEW.parent_id, NEW.action, NEW.changes::text)
           IS NOT DISTINCT FROM
           (OLD.tenant_id, OLD.created_at, OLD.actor_type, OLD.actor_id, OLD.source,
            OLD.entity_type, OLD.entity_id, OLD.parent_id, OLD.action, OLD.changes::text) THEN
        RETURN NEW;  -- sealing: the chain fields are written once, at commit
    END IF;"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION.format(sealing=""))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION.format(sealing=SEALING_ONCE))
