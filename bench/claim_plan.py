"""Plan of the inbox claim on a big pending backlog: does it stop at its batch size or not?

Two tenants each get ``--backlog`` pending events (one ``INSERT … SELECT … generate_series``),
then the claim ``process_due_events`` issues (``inbox._claim``) is run under
``EXPLAIN (ANALYZE, BUFFERS)`` for one tenant and its plan and time printed. PostgreSQL only.
"""

from __future__ import annotations

import argparse

from _harness import AtlassianCloud
from _harness import installed_app
from _harness import private_backend
from sqlalchemy import text

from addon.domain.inbox import claim_query
from addon.models import InboxEvent
from addon.models.base import utcnow

PENDING_ROWS = text("""
    INSERT INTO inbox_events (tenant_id, event_type, dedupe_key, received_at, payload, status,
                              attempts, next_attempt_at)
    SELECT :tenant_id, 'worklog_updated', 'plan:' || n, :at, '{}', 'pending', 0, :at
    FROM generate_series(1, :rows) AS n""")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backlog", type=int, default=200_000, help="pending events per tenant")
    args = parser.parse_args()
    with private_backend() as backend, AtlassianCloud() as cloud:
        if not backend.database_name:
            print("claim plan: needs PostgreSQL (CI=true with a reachable server); skipped")
            return
        with installed_app(backend, cloud, ["plan0", "plan1"], redis_url=None) as (
                _, _, database, sites):
            tenant_ids = [tenant_id for _, tenant_id in sites]
            for tenant_id in tenant_ids:
                with database.transaction(tenant_id=tenant_id) as session:
                    session.execute(PENDING_ROWS, {"tenant_id": tenant_id, "at": utcnow(),
                                                   "rows": args.backlog})
            with database.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                    text("VACUUM ANALYZE inbox_events"))
            with database.transaction(tenant_id=tenant_ids[1]) as session:
                # The session adds the tenant criterion at execution; EXPLAIN needs it spelled.
                query = claim_query(session, 100, utcnow()).where(
                    InboxEvent.tenant_id == tenant_ids[1])
                compiled = query.compile(session.bind, compile_kwargs={"literal_binds": True})
                indexes = session.execute(text(
                    "SELECT indexname FROM pg_indexes WHERE tablename = 'inbox_events'")).scalars()
                print("indexes:", ", ".join(sorted(indexes)))
                plan = session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")).scalars()
                print(f"claim of 100 with {args.backlog:,} pending events in each of two "
                      f"tenants ({backend.notice}):")
                print("\n".join(f"  {line}" for line in plan))


if __name__ == "__main__":
    main()
